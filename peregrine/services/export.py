"""The candidate's jobs as a spreadsheet (CSV, XLSX), and the job-search log (the proof of
applications an unemployment office asks for), as rows a page, a file or the API can use.

Reads only. Each export is three queries whatever the number of jobs (the jobs, their moves, their
rounds), grouped here. Every text cell goes through `domain.cell_safety.inert_cell`, so a value
copied from a posting (`=HYPERLINK(…)`) is never run by the spreadsheet program that opens the file.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlmodel import Session, col, select

from peregrine.domain.cell_safety import inert_row
from peregrine.domain.interviews import InterviewKind
from peregrine.domain.job_details import split_tags
from peregrine.domain.job_history import Step, local_day, outcome_label, stage_entry_days, steps_of
from peregrine.domain.stages import PROGRESS, Stage
from peregrine.models import Interview, Job, StageEvent
from peregrine.services.errors import InvalidInput

#: The stages whose first day each job row carries, in the order a job goes through them.
DATED_STAGES: tuple[Stage, ...] = (*PROGRESS, Stage.REJECTED)

JOB_COLUMNS: tuple[str, ...] = (
    "Id",
    "Company",
    "Position",
    "Stage",
    "Outcome",
    "URL",
    "Location",
    "Source",
    "Contact",
    "Work mode",
    "Salary min",
    "Salary max",
    "Currency",
    "Tags",
    "Notes",
    "Created",
    "Updated",
    *(f"{stage.label} on" for stage in DATED_STAGES),
)

LOG_COLUMNS: tuple[str, ...] = (
    "Date applied",
    "Company",
    "Position",
    "How applied",
    "URL",
    "Contact",
    "Later steps",
    "Outcome",
)

#: A log longer than this is refused: it is a print-out for a few months, not a backup.
MAX_LOG_DAYS = 3 * 366


# ----------------------------------------------------------------------------- reads
#: The columns an export shows: all but the job description, the bulk of a job (and of reading 2,000).
_EXPORTED = [column for column in Job.__table__.columns if column.name != "raw_jd_text"]  # type: ignore[attr-defined]


def _jobs(session: Session, candidate_id: int, applied_from: date | None = None) -> list[Any]:
    """The candidate's jobs as rows of `_EXPORTED` (read like a `Job`), by day applied."""
    query = select(*_EXPORTED).where(col(Job.candidate_id) == candidate_id).order_by(col(Job.applied_on), col(Job.id))
    if applied_from is not None:
        # A job without a day applied counts from the day it was added (read below, in Python).
        query = query.where((col(Job.applied_on) >= applied_from) | col(Job.applied_on).is_(None))
    return list(session.execute(query))


def _steps_by_job(session: Session, candidate_id: int) -> dict[int, list[Step]]:
    events: dict[int, list[Any]] = defaultdict(list)
    query = (
        # The fields a step reads (`MoveRecord`), not whole events: thousands of them.
        sa.select(
            col(StageEvent.job_id),
            col(StageEvent.to_stage),
            col(StageEvent.at),
            col(StageEvent.source),
            col(StageEvent.rejection_reason),
        )
        .join(Job, col(Job.id) == StageEvent.job_id)
        .where(col(Job.candidate_id) == candidate_id)
        .order_by(col(StageEvent.job_id), col(StageEvent.at), col(StageEvent.id))
    )
    for event in session.execute(query):
        events[event.job_id].append(event)
    return {job_id: steps_of(history) for job_id, history in events.items()}


def applied_day(job: Any) -> date:
    """The day the application went out: as the user gave it, else the day the job was added."""
    return job.applied_on or local_day(job.created_at)


# ----------------------------------------------------------------------------- the jobs table
def job_rows(session: Session, candidate_id: int) -> Iterator[list[Any]]:
    """The header, then one row per job (oldest application first), each with the first day it
    entered each stage: "Applied on" is the day applied, the others come from its moves."""
    yield list(JOB_COLUMNS)
    steps = _steps_by_job(session, candidate_id)
    for job in _jobs(session, candidate_id):
        # Applied is the day the application went out, whatever moves came back to it later.
        entered = stage_entry_days(steps.get(job.id or 0, [])) | {Stage.APPLIED: applied_day(job)}
        yield inert_row(
            [
                job.id,
                job.company,
                job.title,
                Stage(job.stage).label,
                outcome_label(job.stage, job.rejection_reason),
                job.url,
                job.location,
                job.source,
                job.recruiter,
                job.work_mode,
                job.salary_min,
                job.salary_max,
                job.salary_currency,
                ", ".join(split_tags(job.tags)),
                job.notes,
                local_day(job.created_at),
                local_day(job.updated_at),
                *(entered.get(stage) for stage in DATED_STAGES),
            ]
        )


def write_csv(rows: Iterable[Sequence[Any]], out: IO[str]) -> None:
    """Rows as CSV (dates as ISO days, empty cells empty). Write to a file opened with
    `newline=""`; Excel reads UTF-8 only with a BOM, so `csv_bytes` adds one."""
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(
            ["" if value is None else value.isoformat() if isinstance(value, date) else value for value in row]
        )


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    text = io.StringIO()
    write_csv(rows, text)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def xlsx_bytes(rows: Iterable[Sequence[Any]], *, sheet: str) -> bytes:
    """Rows as an XLSX workbook of one sheet (dates as real dates). Texts were made inert by the
    rows' builder: openpyxl would store a text starting with `=` as a formula."""
    book = Workbook(write_only=True)
    worksheet = book.create_sheet(sheet)
    for row in rows:
        worksheet.append([_xml_safe(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xml_safe(value: Any) -> Any:
    """A text without the control characters a worksheet cannot hold (XML 1.0 forbids them; the API
    and an import may have stored one): dropped, as a spreadsheet program would."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def jobs_csv(session: Session, candidate_id: int) -> bytes:
    return csv_bytes(job_rows(session, candidate_id))


def jobs_xlsx(session: Session, candidate_id: int) -> bytes:
    return xlsx_bytes(job_rows(session, candidate_id), sheet="Jobs")


# ----------------------------------------------------------------------------- the job-search log
@dataclass(frozen=True)
class LogStep:
    on: date
    what: str


@dataclass(frozen=True)
class LogEntry:
    """One application of the log: when and how it went out, and what came of it."""

    job_id: int
    applied_on: date
    company: str
    position: str
    source: str
    url: str
    contact: str
    steps: tuple[LogStep, ...]
    outcome: str

    def row(self) -> list[Any]:
        later = "; ".join(f"{step.on.isoformat()} {step.what}" for step in self.steps)
        return inert_row(
            [self.applied_on, self.company, self.position, self.source, self.url, self.contact, later, self.outcome]
        )


def check_range(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput(f"The range ends ({end.isoformat()}) before it starts ({start.isoformat()}).")
    if (end - start).days > MAX_LOG_DAYS:
        raise InvalidInput("The log covers at most three years at a time; choose a shorter range.")


def search_log(session: Session, candidate_id: int, *, start: date, end: date) -> list[LogEntry]:
    """Each job applied for from `start` to `end` (both included), oldest first, with its later
    steps: the stage moves that stand and the interview rounds, each with its day."""
    check_range(start, end)
    jobs = [job for job in _jobs(session, candidate_id, applied_from=start) if start <= applied_day(job) <= end]
    if not jobs:
        return []
    ids = [job.id for job in jobs]
    steps = _steps_by_job(session, candidate_id)
    rounds: dict[int, list[Interview]] = defaultdict(list)
    for interview in session.exec(
        select(Interview).where(col(Interview.job_id).in_(ids)).order_by(col(Interview.job_id), col(Interview.order))
    ):
        rounds[interview.job_id].append(interview)
    entries = []
    for job in sorted(jobs, key=lambda job: (applied_day(job), job.id or 0)):
        later = [LogStep(step.on, step.label) for step in steps.get(job.id or 0, []) if step.stage is not Stage.APPLIED]
        later += [_round_step(interview) for interview in rounds[job.id or 0] if _round_day(interview)]
        later.sort(key=lambda step: step.on)
        entries.append(
            LogEntry(
                job_id=job.id or 0,
                applied_on=applied_day(job),
                company=job.company,
                position=job.title,
                source=job.source,
                url=job.url,
                contact=job.recruiter,
                steps=tuple(later),
                outcome=outcome_label(job.stage, job.rejection_reason),
            )
        )
    return entries


def _round_day(interview: Interview) -> date | None:
    moment = interview.completed_at or interview.scheduled_at
    return local_day(moment) if moment else None


def _round_step(interview: Interview) -> LogStep:
    try:
        kind = InterviewKind(interview.kind).label
    except ValueError:
        kind = interview.kind
    outcome = "" if interview.outcome == "pending" else f", {interview.outcome.replace('_', ' ')}"
    return LogStep(_round_day(interview) or date.min, f"Interview: {interview.name} ({kind}{outcome})")


def log_rows(entries: Iterable[LogEntry]) -> Iterator[list[Any]]:
    yield list(LOG_COLUMNS)
    for entry in entries:
        yield entry.row()


def log_csv(session: Session, candidate_id: int, *, start: date, end: date) -> bytes:
    return csv_bytes(log_rows(search_log(session, candidate_id, start=start, end=end)))
