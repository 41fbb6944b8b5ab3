"""Interview rounds: scheduled, edited, reordered and recorded, numbered 1, 2, 3… per job.

Seed 002 asks for rounds in sequence without gaps: every insert, delete and move
renumbers the job's rounds in one transaction (through negative numbers first, since
(job, order) is unique and SQLite checks that row by row).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from peregrine.domain import limits
from peregrine.domain.dates import day_label
from peregrine.domain.interviews import RATING_FIELDS, InterviewKind, InvalidRating, RoundOutcome, check_rating
from peregrine.domain.stages import MoveSource, Stage
from peregrine.models import Interview, Job, utcnow
from peregrine.services.errors import InvalidInput, NotFound, check_length, check_lengths
from peregrine.services.jobs import move_job
from peregrine.services.records import write_fields


@dataclass
class RoundFields:
    """What the candidate fills in when scheduling or editing a round."""

    name: str
    kind: InterviewKind | str = InterviewKind.OTHER
    format: str = ""
    focus: str = ""
    interviewers: list[dict[str, str]] = field(default_factory=list)
    scheduled_at: datetime | None = None

    def cleaned(self) -> dict[str, object]:
        name = self.name.strip()
        if not name:
            raise InvalidInput("Give the round a name, such as “Technical screen”.")
        try:
            kind = InterviewKind(self.kind)
        except ValueError:
            allowed = ", ".join(kind.label for kind in InterviewKind)
            raise InvalidInput(f"Unknown interview kind {self.kind!r}; choose one of {allowed}.") from None
        interviewers = [
            {"name": person.get("name", "").strip(), "role": person.get("role", "").strip()}
            for person in self.interviewers
            if person.get("name", "").strip()
        ]
        values: dict[str, object] = {
            "name": name,
            "kind": kind.value,
            "format": self.format.strip(),
            "focus": self.focus.strip(),
            "interviewers": interviewers,
            "scheduled_at": self.scheduled_at,
        }
        check_lengths(values, limits.ROUND_FIELDS)
        _check_interviewers(interviewers)
        return values


def _check_interviewers(people: list[dict[str, str]]) -> None:
    if len(people) > limits.INTERVIEWERS:
        raise InvalidInput(
            f"That is {len(people)} interviewers; a round holds at most {limits.INTERVIEWERS}. Nothing was saved."
        )
    for number, person in enumerate(people, start=1):
        check_length(f"Interviewer {number}'s name is", person["name"], limits.INTERVIEWER_NAME)
        check_length(f"Interviewer {number}'s role is", person["role"], limits.INTERVIEWER_ROLE)


def rounds_of(session: Session, job_id: int) -> list[Interview]:
    return list(session.exec(select(Interview).where(Interview.job_id == job_id).order_by(col(Interview.order))))


def get_round(session: Session, interview_id: int, *, job_id: int | None = None) -> Interview:
    interview = session.get(Interview, interview_id)
    if interview is None or (job_id is not None and interview.job_id != job_id):
        raise NotFound(f"Interview {interview_id} was not found.")
    return interview


def add_round(
    session: Session, job_id: int, fields: RoundFields, *, position: int | None = None, follow_stage: bool = True
) -> Interview:
    """Add a round at `position` (1-based; default: last) and renumber the rest.

    The job's stage follows its rounds: the first round of a job still in Applied or
    Survey moves it to Phone screen (a recruiter call) or Interviewing (any other kind), through
    the move service like any other move. `follow_stage=False` records history after the fact.
    """
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(f"Job {job_id} was not found.")
    rounds = rounds_of(session, job_id)
    interview = Interview(job_id=job_id, candidate_id=job.candidate_id, order=0, **fields.cleaned())  # type: ignore[arg-type]
    index = len(rounds) if position is None else max(0, min(position - 1, len(rounds)))
    rounds.insert(index, interview)
    _renumber(session, rounds)
    if follow_stage and len(rounds) == 1 and Stage(job.stage) in (Stage.APPLIED, Stage.SURVEY):
        target = Stage.PHONE_SCREEN if interview.kind == InterviewKind.RECRUITER.value else Stage.INTERVIEWING
        move_job(session, job_id, target, source=MoveSource.INTERVIEW)
    return interview


def update_round(session: Session, interview_id: int, fields: RoundFields) -> Interview:
    return write_fields(session, get_round(session, interview_id), fields.cleaned())


def record_outcome(
    session: Session,
    interview_id: int,
    *,
    outcome: RoundOutcome | str,
    ratings: dict[str, int | None] | None = None,
    notes: str | None = None,
    feedback: str | None = None,
    next_steps: str | None = None,
    completed_at: datetime | None = None,
) -> Interview:
    """Record how a round went; a bad rating is refused before anything is written."""
    interview = get_round(session, interview_id)
    texts = {"notes": notes, "feedback": feedback, "next_steps": next_steps}
    check_lengths({name: text.strip() for name, text in texts.items() if text is not None}, limits.OUTCOME_FIELDS)
    try:
        result = RoundOutcome(outcome)
    except ValueError:
        allowed = ", ".join(item.value for item in RoundOutcome)
        raise InvalidInput(f"Unknown outcome {outcome!r}; choose one of {allowed}.") from None
    checked = {}
    for name, value in (ratings or {}).items():
        if name not in RATING_FIELDS:
            raise InvalidInput(f"Unknown rating {name!r}; the ratings are {', '.join(RATING_FIELDS)}.")
        try:
            checked[name] = check_rating(name, value)
        except InvalidRating as exc:
            raise InvalidInput(str(exc)) from None
    written: dict[str, object] = {name: text.strip() for name, text in texts.items() if text is not None}
    if result is not RoundOutcome.PENDING:
        written["completed_at"] = completed_at or interview.completed_at or utcnow()
    return write_fields(session, interview, {"outcome": result.value, **checked, **written})


def delete_round(session: Session, interview_id: int) -> None:
    interview = get_round(session, interview_id)
    remaining = [other for other in rounds_of(session, interview.job_id) if other.id != interview.id]
    session.delete(interview)
    session.flush()
    _renumber(session, remaining)


def move_round(session: Session, interview_id: int, position: int) -> list[Interview]:
    """Put a round at `position` (1-based) among its job's rounds; return them in order."""
    interview = get_round(session, interview_id)
    rounds = [other for other in rounds_of(session, interview.job_id) if other.id != interview.id]
    rounds.insert(max(0, min(position - 1, len(rounds))), interview)
    _renumber(session, rounds)
    return rounds


def next_interview_labels(session: Session, candidate_id: int, *, now: datetime | None = None) -> dict[int, str]:
    """Each job's next scheduled round that has not happened yet, as the card shows it."""
    moment = now or utcnow()
    upcoming = (
        select(Interview.job_id, func.min(Interview.scheduled_at).label("at"))
        .join(Job, col(Job.id) == col(Interview.job_id))
        .where(
            Job.candidate_id == candidate_id,
            col(Interview.scheduled_at) >= moment,
            Interview.outcome == RoundOutcome.PENDING.value,
        )
        .group_by(col(Interview.job_id))
        .subquery()
    )
    rows = session.execute(
        select(col(Interview.job_id), col(Interview.kind), col(Interview.scheduled_at)).join(
            upcoming, (col(Interview.job_id) == upcoming.c.job_id) & (col(Interview.scheduled_at) == upcoming.c.at)
        )
    )
    return {job_id: round_label(kind, scheduled_at) for job_id, kind, scheduled_at in rows}


def round_label(kind: str, scheduled_at: datetime | None, *, today: date | None = None) -> str:
    label = InterviewKind(kind).label
    return f"{label} · {day_label(scheduled_at, today=today or utcnow().date())}" if scheduled_at else label


def date_position(rounds: list[Interview], when: datetime | None) -> int | None:
    """Where a new round scheduled at `when` goes (1-based) so that the list reads in date order:
    just before the first round scheduled later; None (the end) without a date or when none is
    later. Rounds with no date stay where the user put them."""
    if when is None:
        return None
    for index, interview in enumerate(rounds, start=1):
        if interview.scheduled_at is not None and _aware(interview.scheduled_at) > _aware(when):
            return index
    return None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # SQLite gives UTC without a zone


def _renumber(session: Session, rounds: list[Interview]) -> None:
    for interview in rounds:
        if interview.id is None:
            session.add(interview)
    session.flush()
    ids = [interview.id for interview in rounds]
    session.execute(update(Interview).where(col(Interview.id).in_(ids)).values(order=-col(Interview.id)))
    for position, interview in enumerate(rounds, start=1):
        session.execute(update(Interview).where(col(Interview.id) == interview.id).values(order=position))
    for interview in rounds:
        session.refresh(interview)
