"""Jobs: create, edit, delete, reorder, and `move_job` — the one writer of a stage.

The board's drag, the stage button, an email and an API call all end in `move_job`,
which checks the move against `domain.stages`, writes the job and its `StageEvent`
in one transaction, and hands back what the caller shows.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, bindparam, func, insert, literal, or_, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from peregrine.config import data_dir
from peregrine.domain import job_details, limits
from peregrine.domain.spreadsheet import PlannedMove, moment_of
from peregrine.domain.stages import (
    OPEN_STAGES,
    MoveNotAllowed,
    MoveSource,
    RejectionReason,
    Stage,
    check_move,
    check_reason,
)
from peregrine.domain.text import clean_name
from peregrine.models import Job, StageEvent, utcnow
from peregrine.services import job_events, tasks
from peregrine.services.errors import InvalidInput, NotFound, StaleVersion, check_lengths

#: Gap between neighbours when a column is renumbered; midpoints fill it for a long time.
POSITION_STEP = 1024.0
_MIN_GAP = 1e-6


@dataclass(frozen=True)
class Placement:
    """Where a card lands in its column: between the visible neighbours above and below.

    Neighbours rather than an index, so a filtered board still places the card right.
    Both None means the top of the column.
    """

    after_id: int | None = None
    before_id: int | None = None


@dataclass(frozen=True)
class MoveResult:
    job: Job
    event: StageEvent
    from_stage: Stage
    #: The research task this move queued (entering Phone screen for the first time), if any.
    queued_task_id: int | None = None


@dataclass
class JobFields:
    """What a user types into the job dialog (or the API sends): the service's member of the
    `models.JobBase` family, its fields by the same names (tests/unit/test_limits.py keeps them in step).

    A plain dataclass, not a validating model: it takes what was typed as it is, so `cleaned` can tidy
    it first and refuse with a sentence naming the field, where pydantic would refuse first with its own.
    """

    company: str
    title: str
    url: str = ""
    location: str = ""
    source: str = ""
    recruiter: str = ""
    raw_jd_text: str = ""
    #: None: today for a new job, unchanged for an edited one.
    applied_on: date | None = None
    work_mode: str = ""
    salary_min: int | None = None
    salary_max: int | None = None
    salary_currency: str = ""
    tags: list[str] | str = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def cleaned(self) -> dict[str, Any]:
        values = {
            # One form for names (domain.text): a look-alike cannot dodge the "rejected before" warning.
            "company": clean_name(self.company),
            "title": clean_name(self.title),
            "url": self.url.strip(),
            "location": self.location.strip(),
            "source": self.source.strip(),
            "recruiter": self.recruiter.strip(),
            "raw_jd_text": self.raw_jd_text.strip(),
        }
        missing = [name for name in ("company", "title") if not values[name]]
        if missing:
            raise InvalidInput(f"Please fill in {' and '.join(missing)}.")
        if values["url"] and not values["url"].startswith(("http://", "https://")):
            raise InvalidInput("The URL should start with http:// or https://.")
        check_lengths(values, limits.JOB_FIELDS)  # refused, never cut: see domain.limits
        return values | self._details()

    def _details(self) -> dict[str, Any]:
        check_lengths({"tags": self.tags}, limits.JOB_DETAIL_FIELDS)  # the dialog's line of tags, as typed
        try:
            low, high, currency = job_details.check_salary(self.salary_min, self.salary_max, self.salary_currency)
            details: dict[str, Any] = {
                "work_mode": job_details.check_work_mode(self.work_mode),
                "salary_min": low,
                "salary_max": high,
                "salary_currency": currency,
                "tags": job_details.join_tags(job_details.clean_tags(self.tags)),
            }
        except job_details.BadDetail as exc:
            raise InvalidInput(str(exc)) from None
        if self.applied_on is not None:
            if not 1900 <= self.applied_on.year <= 2200:
                raise InvalidInput("The date applied must be between the years 1900 and 2200.")
            details["applied_on"] = self.applied_on
        return details


def get_job(session: Session, job_id: int, *, candidate_id: int | None = None) -> Job:
    job = session.get(Job, job_id)
    if job is None or (candidate_id is not None and job.candidate_id != candidate_id):
        raise NotFound(f"Job {job_id} was not found.")
    return job


_JOB_ROW = select(*Job.__table__.columns).where(col(Job.id) == bindparam("job_id"))  # type: ignore[attr-defined]


def read_job(connection: Connection, job_id: int, *, candidate_id: int) -> Row[Any]:
    """The job as a plain read-only row, for callers that only show it (the API's GET).

    A prepared Core statement on a bare connection skips the ORM session, its identity map and
    attribute tracking: about a third of `get_job`'s cost on the API's busiest request.
    """
    row = connection.execute(_JOB_ROW, {"job_id": job_id}).first()
    if row is None or row.candidate_id != candidate_id:
        raise NotFound(f"Job {job_id} was not found.")
    return row


def create_job(session: Session, candidate_id: int, fields: JobFields) -> Job:
    """Add an application to the top of Applied."""
    values = fields.cleaned()
    now = utcnow()  # added and entered Applied at the same instant: its first stay starts here
    job = Job.model_validate(
        {
            "candidate_id": candidate_id,
            "stage": Stage.APPLIED.value,
            "created_at": now,
            "stage_entered_at": now,
            "updated_at": now,
            "applied_on": now.date(),
            **values,
        }
    )
    job.position = _top_position(session, candidate_id, Stage.APPLIED)
    session.add(job)
    session.flush()
    job_events.mark_changed(session, job.id or 0)
    return job


def update_job(session: Session, job_id: int, fields: JobFields, *, expected_version: int) -> Job:
    job = get_job(session, job_id)
    _write(session, job, expected_version, **fields.cleaned())
    return job


def save_notes(session: Session, job_id: int, notes: str, *, previous: str, candidate_id: int | None = None) -> Job:
    """Keep the job's notes. `previous` is the text the page showed: notes changed elsewhere since
    are refused (StaleVersion), never overwritten; a move or an edit of other fields is no conflict."""
    job = get_job(session, job_id, candidate_id=candidate_id)
    text = notes.replace("\r\n", "\n").strip()
    check_lengths({"notes": text}, limits.JOB_NOTES_FIELDS)
    if job.notes != previous.replace("\r\n", "\n").strip():
        raise StaleVersion("These notes were changed elsewhere since this page read them.")
    _write(session, job, job.version, notes=text)
    return job


def delete_job(session: Session, job_id: int, *, expected_version: int | None = None) -> None:
    job = get_job(session, job_id)
    if expected_version is not None and job.version != expected_version:
        raise StaleVersion()
    for stage_event in session.exec(select(StageEvent).where(StageEvent.job_id == job_id)):
        session.delete(stage_event)
    session.flush()  # the events first: without a relationship() the ORM may delete the job before them
    session.delete(job)
    session.flush()
    job_events.mark_changed(session, job_id)
    _remove_uploads(job_id)


def _remove_uploads(job_id: int) -> None:
    """A job's files go with it: every feature keeps them under data/uploads/<feature>/<job id>/."""
    root = data_dir() / "uploads"
    if root.is_dir():
        for feature in root.iterdir():
            shutil.rmtree(feature / str(job_id), ignore_errors=True)


def move_job(
    session: Session,
    job_id: int,
    to_stage: Stage | str,
    *,
    source: MoveSource,
    expected_version: int | None = None,
    reason: RejectionReason | str | None = None,
    placement: Placement | None = None,
    candidate_id: int | None = None,
    research: bool = True,
) -> MoveResult:
    """Move a job to another stage, or refuse with a message naming the allowed moves.

    Entering Phone screen queues company research (once per job); `research=False` is
    for history being recorded after the fact, such as the demo pipeline.

    Raises `MoveNotAllowed`, `StaleVersion` (changed since `expected_version`) or `NotFound`.
    """
    target = Stage(to_stage)
    job = get_job(session, job_id, candidate_id=candidate_id)
    loaded_version = job.version  # renumbering a column reloads `job`; the write must still check this one
    entered_current = job.stage_entered_at
    current = Stage(job.stage)
    rejection_stage = Stage(job.rejection_stage) if job.rejection_stage else None
    if expected_version is not None and job.version != expected_version:
        raise StaleVersion()
    check_move(current, target, rejection_stage)

    now = utcnow()
    values: dict[str, Any] = {"stage": target.value, "stage_entered_at": now}
    rejection_reason: str | None = None
    if target is Stage.REJECTED:
        if reason is None:
            raise MoveNotAllowed("Say why it ended before moving it to Rejected.", [Stage.REJECTED])
        check_reason(current, RejectionReason(reason))
        rejection_reason = RejectionReason(reason).value
        values |= {"rejection_stage": current.value, "rejection_reason": rejection_reason}
    elif current is Stage.REJECTED:
        values |= {"rejection_stage": None, "rejection_reason": None}
        values["stage_entered_at"] = _give_back_stay(session, job_id, now)
    values["position"] = _position_for(session, job, target, placement)

    _write(session, job, loaded_version, **values)
    stage_event = StageEvent(
        job_id=job_id,
        from_stage=current.value,
        to_stage=target.value,
        rejection_reason=rejection_reason,
        source=MoveSource(source).value,
        at=now,
        from_entered_at=entered_current,
    )
    session.add(stage_event)
    session.flush()
    queued = tasks.queue_first_research(session, job_id) if research and target is Stage.PHONE_SCREEN else None
    if queued is not None:
        session.flush()
    return MoveResult(
        job=job, event=stage_event, from_stage=current, queued_task_id=queued.id if queued is not None else None
    )


def _give_back_stay(session: Session, job_id: int, now: datetime) -> datetime:
    """A restored job is back in the stage it was rejected from with the days it had there, as an
    undo gives them back. The rejection then measured nothing (like the move an undo takes back):
    the stay goes on, and the next real move measures all of it, counted once."""
    rejection = session.exec(
        select(StageEvent)
        .where(StageEvent.job_id == job_id, StageEvent.to_stage == Stage.REJECTED.value)
        .order_by(col(StageEvent.at).desc(), col(StageEvent.id).desc())
        .limit(1)
    ).first()
    if rejection is None or rejection.from_entered_at is None:
        return now
    entered = rejection.from_entered_at
    rejection.from_entered_at = None
    session.add(rejection)
    return entered


def undo_last_move(session: Session, job_id: int, *, expected_version: int | None = None) -> MoveResult:
    """Put a job back where its last move took it from (an undo is not itself undoable)."""
    job = get_job(session, job_id)
    if expected_version is not None and job.version != expected_version:
        raise StaleVersion()
    events = _last_two_events(session, job_id)
    if not _undoable(job, events):
        raise MoveNotAllowed("There is no move of this job to undo.", [])
    last = events[0]
    # Back to the stage it left, with the days it had there (a mistaken drag does not reset them).
    previous_entry = last.from_entered_at or (events[1].at if len(events) > 1 else job.created_at)
    values: dict[str, Any] = {"stage": last.from_stage, "stage_entered_at": previous_entry}
    if last.to_stage == Stage.REJECTED:
        values |= {"rejection_stage": None, "rejection_reason": None}
    elif last.from_stage == Stage.REJECTED:
        values |= {"rejection_stage": last.to_stage, "rejection_reason": _last_rejection_reason(session, job_id)}
    values["position"] = _top_position(session, job.candidate_id, Stage(last.from_stage))
    _write(session, job, job.version, **values)
    last.from_entered_at = None  # the stay it ended goes on: the next real move measures all of it
    session.add(last)
    undo_event = StageEvent(
        job_id=job_id,
        from_stage=last.to_stage,
        to_stage=last.from_stage,
        rejection_reason=values.get("rejection_reason"),
        source=MoveSource.UNDO.value,
    )
    session.add(undo_event)
    session.flush()
    return MoveResult(job=job, event=undo_event, from_stage=Stage(last.to_stage))


def undoable_move(job: Job, history: list[StageEvent]) -> StageEvent | None:
    """The last move of `history` (oldest first, as `stage_history` gives it) if an undo can take
    it back — the job page's Move back — else None."""
    latest = history[-1:]
    return latest[0] if _undoable(job, latest) else None


def _last_two_events(session: Session, job_id: int) -> list[StageEvent]:
    return list(
        session.exec(
            select(StageEvent)
            .where(StageEvent.job_id == job_id)
            .order_by(col(StageEvent.at).desc(), col(StageEvent.id).desc())
            .limit(2)
        )
    )


def _undoable(job: Job, events: list[StageEvent]) -> bool:
    return bool(events) and events[0].source != MoveSource.UNDO and events[0].to_stage == job.stage


def reorder_job(session: Session, job_id: int, placement: Placement, *, expected_version: int | None = None) -> Job:
    """Change a card's place within its own column (the stage stays)."""
    job = get_job(session, job_id)
    loaded_version = job.version
    if expected_version is not None and loaded_version != expected_version:
        raise StaleVersion()
    _write(session, job, loaded_version, position=_position_for(session, job, Stage(job.stage), placement))
    return job


def stage_history(session: Session, job_id: int) -> list[StageEvent]:
    return list(
        session.exec(
            select(StageEvent).where(StageEvent.job_id == job_id).order_by(col(StageEvent.at), col(StageEvent.id))
        )
    )


def _last_rejection_reason(session: Session, job_id: int) -> str | None:
    return session.exec(
        select(StageEvent.rejection_reason)
        .where(StageEvent.job_id == job_id, StageEvent.to_stage == Stage.REJECTED.value)
        .order_by(col(StageEvent.at).desc(), col(StageEvent.id).desc())
        .limit(1)
    ).first()


def _write(session: Session, job: Job, expected_version: int, **values: Any) -> None:
    """Write `values` only if nobody changed the job since `expected_version`."""
    now = utcnow()
    result = session.execute(
        update(Job)
        .where(col(Job.id) == job.id, col(Job.version) == expected_version)
        .values(**values, version=expected_version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleVersion()
    job_events.mark_changed(session, job.id or 0)
    # Mirror the row into the loaded object without marking it dirty (no second UPDATE).
    for name, value in (values | {"version": expected_version + 1, "updated_at": now}).items():
        set_committed_value(job, name, value)


def _column_positions(session: Session, candidate_id: int, stage: Stage) -> Any:
    return select(func.min(Job.position), func.max(Job.position)).where(
        Job.candidate_id == candidate_id, Job.stage == stage.value
    )


def _top_position(session: Session, candidate_id: int, stage: Stage) -> float:
    lowest, _ = session.execute(_column_positions(session, candidate_id, stage)).one()
    return 0.0 if lowest is None else float(lowest) - POSITION_STEP


def _position_for(session: Session, job: Job, stage: Stage, placement: Placement | None) -> float:
    if placement is None or (placement.after_id is None and placement.before_id is None):
        return _top_position(session, job.candidate_id, stage)
    above = _neighbour_position(session, job, stage, placement.after_id)
    below = _neighbour_position(session, job, stage, placement.before_id)
    if above is None and below is not None:
        above = _adjacent(session, job, stage, below, before=True)
    elif below is None and above is not None:
        below = _adjacent(session, job, stage, above, before=False)
    if above is None and below is None:
        return _top_position(session, job.candidate_id, stage)
    if above is None:
        return float(below) - POSITION_STEP  # type: ignore[arg-type]
    if below is None:
        return float(above) + POSITION_STEP
    if below < above:  # neighbours out of order (a stale board): land just under the card above
        below = _adjacent(session, job, stage, above, before=False)
        if below is None:
            return float(above) + POSITION_STEP
    if below - above < _MIN_GAP:
        _renumber(session, job.candidate_id, stage)
        return _position_for(session, job, stage, placement)
    return (above + below) / 2


def _neighbour_position(session: Session, job: Job, stage: Stage, neighbour_id: int | None) -> float | None:
    if neighbour_id is None or neighbour_id == job.id:
        return None
    neighbour = session.get(Job, neighbour_id)
    if neighbour is None or neighbour.stage != stage.value or neighbour.candidate_id != job.candidate_id:
        return None
    return neighbour.position


def _adjacent(session: Session, job: Job, stage: Stage, position: float, *, before: bool) -> float | None:
    """The nearest position above (`before`) or below `position` in the column, skipping `job`."""
    query = select(Job.position).where(Job.candidate_id == job.candidate_id, Job.stage == stage.value, Job.id != job.id)
    if before:
        query = query.where(Job.position < position).order_by(col(Job.position).desc())
    else:
        query = query.where(Job.position > position).order_by(col(Job.position))
    return session.exec(query.limit(1)).first()


def _renumber(session: Session, candidate_id: int, stage: Stage) -> None:
    """Spread a column's positions out again once midpoints have worn the gaps thin."""
    ids = session.exec(
        select(Job.id)
        .where(Job.candidate_id == candidate_id, Job.stage == stage.value)
        .order_by(col(Job.position), col(Job.id))
    ).all()
    for index, job_id in enumerate(ids):
        session.execute(update(Job).where(col(Job.id) == job_id).values(position=index * POSITION_STEP))
    session.expire_all()


def recent_rejections_at(
    session: Session, candidate_id: int, company: str, *, exclude_job_id: int | None = None
) -> list[Job]:
    """Earlier applications at the same company that ended in rejection (or ghosting)."""
    query = select(Job).where(
        Job.candidate_id == candidate_id,
        Job.stage == Stage.REJECTED.value,
        company_is(company),
    )
    if exclude_job_id is not None:
        query = query.where(Job.id != exclude_job_id)
    return list(session.exec(query.order_by(col(Job.stage_entered_at).desc())))


def company_is(name: str) -> ColumnElement[bool]:
    """Jobs at the company `name`, whatever its case, compared in the stored form (`clean_name`).

    Stored names are clean (the writers clean them, migration 0008 cleaned the older ones), so
    cleaning `name` is enough. Two lowercase forms, because SQLite's lower() folds ASCII letters
    only while PostgreSQL's folds every letter: "ÉCOLE" is "École" to one and "école" to the other.
    """
    return _name_is(col(Job.company), name)


def _name_is(column: Any, name: str) -> ColumnElement[bool]:
    cleaned = clean_name(name)
    folded = {cleaned.lower(), _ascii_lower(cleaned)}
    return func.lower(column).in_(sorted(folded))


def possible_duplicates(
    session: Session,
    candidate_id: int,
    *,
    company: str,
    title: str,
    url: str = "",
    exclude_job_id: int | None = None,
) -> list[Job]:
    """Jobs the one being typed may repeat: the same posting URL (in any stage), or the same
    company and title while that job is still open (a rejected or hired one is history, and
    applying again is a new application). A warning only: the user may still save."""
    same: list[ColumnElement[bool]] = []
    if url.strip():
        same.append(col(Job.url) == url.strip())
    if clean_name(company) and clean_name(title):
        open_stages = [stage.value for stage in OPEN_STAGES]
        same.append(company_is(company) & _name_is(col(Job.title), title) & col(Job.stage).in_(open_stages))
    if not same:
        return []
    query = select(Job).where(Job.candidate_id == candidate_id, or_(*same))
    if exclude_job_id is not None:
        query = query.where(Job.id != exclude_job_id)
    return list(session.exec(query.order_by(col(Job.id).desc()).limit(5)))


def has_tag(tag: str) -> ColumnElement[bool]:
    """Jobs tagged `tag` (any case): ",<tags>," holds ",<tag>," — a stored tag never holds a comma."""
    wanted = clean_name(tag).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return (literal(",") + col(Job.tags) + literal(",")).ilike(f"%,{wanted},%", escape="\\")


def _ascii_lower(text: str) -> str:
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def stage_entered_label(entered: datetime, now: datetime | None = None) -> str:
    days = ((now or utcnow()) - entered).days
    if days <= 0:
        return "today"
    return "1 day" if days == 1 else f"{days} days"


def restore_job(
    session: Session, job_id: int, *, source: MoveSource, expected_version: int | None = None
) -> MoveResult:
    """Bring a rejected job back to the stage it was rejected from."""
    job = get_job(session, job_id)
    if job.stage != Stage.REJECTED or not job.rejection_stage:
        raise MoveNotAllowed("Only a rejected job can be restored.", [])
    return move_job(session, job_id, job.rejection_stage, source=source, expected_version=expected_version)


def list_jobs(
    session: Session,
    candidate_id: int,
    *,
    stage: Stage | None = None,
    company: str | None = None,
    source: str | None = None,
    work_mode: str | None = None,
    tag: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Job]:
    """The candidate's jobs, newest first; `company` and `tag` match regardless of case."""
    query = select(Job).where(Job.candidate_id == candidate_id)
    if stage is not None:
        query = query.where(Job.stage == stage.value)
    if company:
        query = query.where(company_is(company))
    if source:
        query = query.where(Job.source == source)
    if work_mode:
        query = query.where(Job.work_mode == work_mode)
    if tag:
        query = query.where(has_tag(tag))
    return list(session.exec(query.order_by(col(Job.id).desc()).offset(offset).limit(limit)))


@dataclass(frozen=True)
class ImportedJob:
    """A job read from a spreadsheet, with the stage history the file dates (`domain.spreadsheet`)."""

    values: dict[str, Any]
    notes: str
    applied_on: date
    moves: list[PlannedMove]


def import_jobs(session: Session, candidate_id: int, imported: list[ImportedJob]) -> list[int]:
    """Write imported jobs and their histories in a few bulk statements; their ids, in order.

    This is the one writer of a stage besides `move_job`, and it writes only new jobs: no job that
    exists changes. Each history was planned by `domain.spreadsheet.plan_history`, which checks every
    move with `domain.stages` as `move_job` does; here each is checked again, so a history written
    here is one `move_job` could have written, only dated from the file (source `import`) instead of
    now. Research is not queued: the history happened long ago. A job counts as added on its date
    applied (`created_at`), where the analytics start its time to a decision. Two statements (the jobs, then
    their events) instead of `move_job`'s queries per move: 2,000 rows with histories take well
    under the 3 s a user waits for (`make bench`, import_*).
    """
    if not imported:
        return []
    now = utcnow()
    stages = [(item.moves[-1].stage if item.moves else Stage.APPLIED) for item in imported]
    tops = {stage: _top_position(session, candidate_id, stage) for stage in set(stages)}
    job_rows: list[dict[str, Any]] = []
    for item, stage in zip(imported, stages, strict=True):
        _check_history(item.moves)
        last = item.moves[-1] if item.moves else None
        values = JobFields(**item.values).cleaned()
        check_lengths({"notes": item.notes}, limits.JOB_NOTES_FIELDS)
        tops[stage] -= POSITION_STEP
        rejected_from = item.moves[-2].stage if len(item.moves) > 1 else Stage.APPLIED
        job_rows.append(
            {
                **_JOB_DEFAULTS,
                **values,
                "candidate_id": candidate_id,
                "notes": item.notes,
                "stage": stage.value,
                "stage_entered_at": moment_of(last.on, len(item.moves)) if last else moment_of(item.applied_on),
                "rejection_stage": rejected_from.value if stage is Stage.REJECTED else None,
                "rejection_reason": last.reason.value if last and last.reason else None,
                "position": tops[stage],
                "created_at": moment_of(item.applied_on),
                "updated_at": now,
            }
        )
    inserted = session.scalars(insert(Job).returning(col(Job.id), sort_by_parameter_order=True), job_rows)
    ids = [int(job_id or 0) for job_id in inserted]
    event_rows = [
        {
            "job_id": job_id,
            "from_stage": (item.moves[step - 1].stage if step else Stage.APPLIED).value,
            "to_stage": move.stage.value,
            "rejection_reason": move.reason.value if move.reason else None,
            "source": MoveSource.IMPORT.value,
            "at": moment_of(move.on, step + 1),
            "from_entered_at": moment_of(item.moves[step - 1].on, step) if step else moment_of(item.applied_on),
        }
        for job_id, item in zip(ids, imported, strict=True)
        for step, move in enumerate(item.moves)
    ]
    if event_rows:
        session.execute(insert(StageEvent), event_rows)
    for job_id in ids:
        job_events.mark_changed(session, job_id)
    session.flush()
    return ids


#: What a job row holds that `JobFields.cleaned` does not give (the table's defaults, for a bulk insert).
_JOB_DEFAULTS: dict[str, Any] = {"raw_jd_text": "", "work_mode": "", "tags": "", "version": 1}


def _check_history(moves: list[PlannedMove]) -> None:
    """Every move of an imported history is one the rules allow, in date order."""
    current, on = Stage.APPLIED, None
    for move in moves:
        check_move(current, move.stage)
        if move.reason is not None:
            check_reason(current, move.reason)
        if on is not None and move.on < on:
            raise InvalidInput("An imported history goes back in time.")
        current, on = move.stage, move.on
