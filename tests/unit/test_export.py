"""The jobs as CSV and XLSX (a row each, with the day each stage was entered), the job-search log,
and the rule that no exported cell is ever run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, col, select

from peregrine.domain.cell_safety import inert_cell
from peregrine.domain.interviews import RoundOutcome
from peregrine.domain.stages import MoveSource, RejectionReason, Stage
from peregrine.models import Candidate, Job, StageEvent
from peregrine.services import export, interviews, jobs
from peregrine.services.errors import InvalidInput
from tests.factories import new_job, new_round


def at(day: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, 12, tzinfo=UTC)


def backdate(session: Session, job_id: int, *moments: datetime) -> None:
    """Date the job's moves, oldest first (the moves stamped them now)."""
    events = session.exec(select(StageEvent).where(StageEvent.job_id == job_id).order_by(col(StageEvent.id))).all()
    assert len(events) == len(moments)
    for event, moment in zip(events, moments, strict=True):
        event.at = moment
    session.commit()


def csv_table(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())  # Excel reads UTF-8 only with its mark
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_a_row_per_job_with_the_day_each_stage_was_entered(session: Session, candidate: Candidate) -> None:
    job_id = new_job(
        session, company="Acme", title="Data engineer", stage=Stage.INTERVIEWING, applied_on=date(2026, 3, 1)
    )
    backdate(session, job_id, at(5), at(12))
    new_job(session, company="Globex", applied_on=date(2026, 3, 2))

    rows = csv_table(export.jobs_csv(session, candidate.id or 0))

    assert list(rows[0]) == list(export.JOB_COLUMNS)
    acme, globex = rows
    assert (acme["Company"], acme["Position"], acme["Stage"]) == ("Acme", "Data engineer", "Interviewing")
    assert acme["Applied on"] == "2026-03-01"
    assert acme["Phone screen on"] == "2026-03-05"
    assert acme["Interviewing on"] == "2026-03-12"
    assert acme["Offer on"] == ""
    assert acme["Outcome"] == "In progress (Interviewing)"
    assert globex["Applied on"] == "2026-03-02"
    assert globex["Phone screen on"] == ""


def test_a_move_taken_back_has_no_day_and_a_rejection_says_why(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, applied_on=date(2026, 3, 1))
    jobs.move_job(session, job_id, Stage.INTERVIEWING, source=MoveSource.DRAG, research=False)
    jobs.undo_last_move(session, job_id)
    jobs.move_job(session, job_id, Stage.REJECTED, source=MoveSource.BUTTON, reason=RejectionReason.GHOSTED)
    session.commit()

    (row,) = csv_table(export.jobs_csv(session, candidate.id or 0))

    assert row["Interviewing on"] == ""
    assert row["Rejected on"] != ""
    assert row["Outcome"] == "Rejected (Ghosted)"


def test_another_candidates_jobs_are_never_exported(session: Session, candidate: Candidate) -> None:
    other = Candidate(name="Someone else")
    session.add(other)
    session.commit()
    new_job(session, other.id, company="Theirs")
    assert csv_table(export.jobs_csv(session, candidate.id or 0)) == []


FORMULAS: dict[str, Any] = {
    "company": "=cmd|' /C calc'!A0",
    "title": "+SUM(A1:A9)",
    "location": "-2+3",
    "recruiter": "@SUM(1)",
    "source": "-1",
}


def test_no_exported_cell_starts_a_formula(session: Session, candidate: Candidate) -> None:
    job = session.get(Job, new_job(session, **FORMULAS))
    assert job is not None
    job.notes = "\t=1+1"  # as an import could store it: the form strips a leading tab
    session.commit()
    (row,) = csv_table(export.jobs_csv(session, candidate.id or 0))
    assert [row[name] for name in ("Company", "Position", "Location", "Contact", "Source", "Notes")] == [
        "'" + value for value in [*FORMULAS.values(), job.notes]
    ]

    sheet = load_workbook(io.BytesIO(export.jobs_xlsx(session, candidate.id or 0))).active
    assert sheet is not None
    header, cells = (list(line) for line in sheet.iter_rows(max_row=2))
    by_name = {str(head.value): cell for head, cell in zip(header, cells, strict=True)}
    assert by_name["Company"].value == "'" + FORMULAS["company"]
    assert all(cell.data_type != "f" for cell in cells)  # nothing is a formula
    assert by_name["Applied on"].is_date


def test_a_control_character_in_a_field_is_dropped_from_the_workbook(session: Session, candidate: Candidate) -> None:
    job = session.get(Job, new_job(session))
    assert job is not None
    job.notes, job.location = "Call\x07 back", "Berlin\x1f"  # as the API may have stored them
    session.commit()

    sheet = load_workbook(io.BytesIO(export.jobs_xlsx(session, candidate.id or 0))).active
    assert sheet is not None
    header, cells = (list(line) for line in sheet.iter_rows(max_row=2))
    by_name = {str(head.value): cell.value for head, cell in zip(header, cells, strict=True)}
    assert (by_name["Notes"], by_name["Location"]) == ("Call back", "Berlin")


@pytest.mark.parametrize(
    ("value", "cell"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("a=b", "a=b")],
)
def test_inert_cell(value: str, cell: str) -> None:
    assert inert_cell(value) == cell


def test_the_log_lists_each_application_in_the_range_with_its_later_steps(
    session: Session, candidate: Candidate
) -> None:
    applied = new_job(
        session,
        company="Acme",
        title="Analyst",
        source="LinkedIn",
        url="https://acme.example/jobs/1",
        recruiter="Rita Recruiter",
        stage=Stage.PHONE_SCREEN,
        applied_on=date(2026, 3, 2),
    )
    backdate(session, applied, at(6))
    round_id = new_round(session, applied, "Call with the team", scheduled_at=at(9))
    interviews.record_outcome(session, round_id, outcome=RoundOutcome.PASSED, completed_at=at(9))
    jobs.move_job(
        session, applied, Stage.REJECTED, source=MoveSource.BUTTON, reason=RejectionReason.REJECTED_BY_COMPANY
    )
    session.commit()
    new_job(session, company="Too early", applied_on=date(2026, 2, 27))
    new_job(session, company="Too late", applied_on=date(2026, 4, 1))

    (entry,) = export.search_log(session, candidate.id or 0, start=date(2026, 3, 1), end=date(2026, 3, 31))

    assert (entry.applied_on, entry.company, entry.position) == (date(2026, 3, 2), "Acme", "Analyst")
    assert (entry.source, entry.url, entry.contact) == ("LinkedIn", "https://acme.example/jobs/1", "Rita Recruiter")
    assert [(step.on, step.what) for step in entry.steps][:2] == [
        (date(2026, 3, 6), "Phone screen"),
        (date(2026, 3, 9), "Interview: Call with the team (Other, passed)"),
    ]
    assert entry.steps[-1].what == "Rejected (Rejected by the company)"
    assert entry.outcome == "Rejected (Rejected by the company)"

    rows = csv_table(export.log_csv(session, candidate.id or 0, start=date(2026, 3, 1), end=date(2026, 3, 31)))
    assert list(rows[0]) == list(export.LOG_COLUMNS)
    assert rows[0]["Later steps"].startswith("2026-03-06 Phone screen; 2026-03-09 Interview: Call with the team")


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        (date(2026, 3, 2), date(2026, 3, 1), "ends .* before it starts"),
        (date(2020, 1, 1), date(2026, 1, 1), "at most three years"),
    ],
)
def test_a_range_that_cannot_be_a_log_is_refused(
    session: Session, candidate: Candidate, start: date, end: date, reason: str
) -> None:
    with pytest.raises(InvalidInput, match=reason):
        export.search_log(session, candidate.id or 0, start=start, end=end)
