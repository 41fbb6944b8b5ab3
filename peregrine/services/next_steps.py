"""Next steps and quiet jobs: the facts the rules read, set-based, and what the user does to a step.

`agendas` reads every open job's facts in a handful of grouped queries (never a query per job),
runs `domain.next_steps` over them, and applies the user's `NextStep` rows: the board's badges,
its Due filter, the job page, Today and the calendar feed all read it. The writers record done,
snooze and edit on the step's key (a rule's step gets its row the first time the user acts), and
reject a quiet job as ghosted through `jobs.move_job`, the one writer of a stage.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import func, union_all
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from peregrine.domain import limits
from peregrine.domain.dates import as_utc
from peregrine.domain.next_steps import (
    QUIET_KEY,
    RULE_KINDS,
    JobFacts,
    RoundFacts,
    Step,
    StepKind,
    StepOverride,
    StepRules,
    pending_steps,
    quiet_days,
    rule_steps,
    start_of_day,
)
from peregrine.domain.stages import OPEN_STAGES, MoveSource, RejectionReason, Stage
from peregrine.models import EmailMessage, Interview, Job, NextStep, Offer, StageEvent, utcnow
from peregrine.services import jobs
from peregrine.services.errors import InvalidInput, NotFound, check_length
from peregrine.services.jobs import MoveResult

#: A round counts for the rules' steps when it is this near (a thank-you note after, prep before).
_ROUND_WINDOW = timedelta(days=8)


@dataclass(frozen=True)
class JobAgenda:
    """One open job's pending steps (earliest first) and, when it has gone quiet, for how many days."""

    job_id: int
    stage: str
    steps: list[Step]
    quiet_days: int | None = None

    @property
    def next_step(self) -> Step | None:
        return self.steps[0] if self.steps else None


def agendas(
    session: Session,
    candidate_id: int,
    *,
    rules: StepRules,
    zone: tzinfo,
    now: datetime | None = None,
    job_ids: frozenset[int] | None = None,
) -> dict[int, JobAgenda]:
    """Every open job's agenda (or only `job_ids`'), by job id."""
    now = as_utc(now or utcnow())
    facts = _job_facts(session, candidate_id, zone=zone, now=now, job_ids=job_ids)
    overrides = _overrides(session, candidate_id, _open_jobs(candidate_id, job_ids))
    result: dict[int, JobAgenda] = {}
    for job_id, job in facts.items():
        own = overrides.get(job_id, [])
        steps = pending_steps(rule_steps(job, rules, now=now, zone=zone), own, job_id=job_id)
        snooze = next((item.snoozed_until for item in own if item.key == QUIET_KEY), None)
        result[job_id] = JobAgenda(job_id, job.stage, steps, quiet_days(job, rules, now=now, snoozed_until=snooze))
    return result


def plain_rows(session: Session, query: Any) -> list[Any]:
    """The rows of a Core `query` in the session's transaction, skipping the ORM's row loading
    (a third of Today's time at 2,000 jobs)."""
    return list(session.connection().execute(query).all())


def _open_jobs(candidate_id: int, job_ids: frozenset[int] | None) -> Any:
    query = select_columns(col(Job.id)).where(
        col(Job.candidate_id) == candidate_id, col(Job.stage).in_([stage.value for stage in OPEN_STAGES])
    )
    return query.where(col(Job.id).in_(job_ids)) if job_ids is not None else query


def _job_facts(
    session: Session, candidate_id: int, *, zone: tzinfo, now: datetime, job_ids: frozenset[int] | None
) -> dict[int, JobFacts]:
    open_jobs = _open_jobs(candidate_id, job_ids)
    rows = plain_rows(
        session,
        select_columns(
            col(Job.id), col(Job.stage), col(Job.applied_on), col(Job.created_at), col(Job.stage_entered_at)
        ).where(col(Job.id).in_(open_jobs)),
    )
    mailed = dict(
        plain_rows(
            session,
            select_columns(col(EmailMessage.job_id), func.max(EmailMessage.received_at))
            .where(col(EmailMessage.candidate_id) == candidate_id, col(EmailMessage.job_id).in_(open_jobs))
            .group_by(col(EmailMessage.job_id)),
        )
    )
    latest = dict(plain_rows(session, _latest_activity(candidate_id, open_jobs, now)))
    near = _near_rounds(session, candidate_id, open_jobs, now)
    deadlines = dict(
        plain_rows(
            session,
            select_columns(col(Offer.job_id), col(Offer.decision_deadline)).where(col(Offer.job_id).in_(open_jobs)),
        )
    )
    facts: dict[int, JobFacts] = {}
    for job_id, stage, applied_on, created_at, entered in rows:
        applied_at = start_of_day(applied_on, zone) if applied_on else as_utc(created_at)
        last_mail = as_utc(mailed[job_id]) if mailed.get(job_id) else None
        moments = [applied_at, as_utc(entered), *([last_mail] if last_mail else [])]
        moments += [as_utc(latest[job_id])] if latest.get(job_id) else []
        facts[job_id] = JobFacts(
            job_id=job_id,
            stage=stage,
            applied_at=applied_at,
            last_activity=max(moments),
            replied=last_mail is not None and last_mail >= applied_at,
            rounds=tuple(near.get(job_id, [])),
            offer_deadline=deadlines.get(job_id),
        )
    return facts


def _latest_activity(candidate_id: int, open_jobs: Any, now: datetime) -> Any:
    """Each open job's latest stage move or round (added, or held by `now`), in one grouped query."""
    held = func.coalesce(Interview.completed_at, Interview.scheduled_at)
    ours = (col(Interview.candidate_id) == candidate_id, col(Interview.job_id).in_(open_jobs))
    moments = union_all(
        select_columns(col(StageEvent.job_id).label("job_id"), col(StageEvent.at).label("at")).where(
            col(StageEvent.job_id).in_(open_jobs)
        ),
        select_columns(col(Interview.job_id), col(Interview.created_at)).where(*ours),
        select_columns(col(Interview.job_id), held).where(*ours, held <= now),
    ).subquery()
    return select_columns(moments.c.job_id, func.max(moments.c.at).label("at")).group_by(moments.c.job_id)


def _near_rounds(session: Session, candidate_id: int, open_jobs: Any, now: datetime) -> dict[int, list[RoundFacts]]:
    """The rounds that can set a step: held in the last days, or still to come."""
    moment = func.coalesce(Interview.completed_at, Interview.scheduled_at)
    rows = plain_rows(
        session,
        select_columns(
            col(Interview.id),
            col(Interview.job_id),
            col(Interview.name),
            col(Interview.scheduled_at),
            col(Interview.completed_at),
            col(Interview.outcome),
        ).where(
            col(Interview.candidate_id) == candidate_id,
            col(Interview.job_id).in_(open_jobs),
            moment >= now - _ROUND_WINDOW,
        ),
    )
    near: dict[int, list[RoundFacts]] = defaultdict(list)
    for round_id, job_id, name, scheduled_at, completed_at, outcome in rows:
        near[job_id].append(RoundFacts(round_id, name, scheduled_at, completed_at, outcome))
    return near


def _overrides(session: Session, candidate_id: int, open_jobs: Any) -> dict[int, list[StepOverride]]:
    rows = plain_rows(
        session,
        select_columns(
            col(NextStep.job_id),
            col(NextStep.rule_key),
            col(NextStep.kind),
            col(NextStep.title),
            col(NextStep.due_at),
            col(NextStep.done_at),
            col(NextStep.snoozed_until),
        ).where(col(NextStep.candidate_id) == candidate_id, col(NextStep.job_id).in_(open_jobs)),
    )
    found: dict[int, list[StepOverride]] = defaultdict(list)
    for job_id, *fields in rows:
        found[job_id].append(StepOverride(*fields))
    return found


# ----------------------------------------------------------------------------- writes
def _row(session: Session, *, candidate_id: int, job_id: int, key: str) -> NextStep:
    """The step's row, made the first time the user acts on a rule's step."""
    jobs.get_job(session, job_id, candidate_id=candidate_id)  # another candidate's job is not found
    row = session.exec(select(NextStep).where(NextStep.job_id == job_id, NextStep.rule_key == key)).first()
    if row is not None:
        return row
    if not (key == QUIET_KEY or key.split(":", 1)[0] in RULE_KINDS):
        raise NotFound("That step is not on this job.")
    return NextStep(candidate_id=candidate_id, job_id=job_id, rule_key=key, kind=key.split(":", 1)[0])


def _save(session: Session, row: NextStep) -> NextStep:
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row


def mark_done(session: Session, *, candidate_id: int, job_id: int, key: str, now: datetime | None = None) -> NextStep:
    row = _row(session, candidate_id=candidate_id, job_id=job_id, key=key)
    row.done_at = now or utcnow()
    return _save(session, row)


def snooze(session: Session, *, candidate_id: int, job_id: int, key: str, until: datetime) -> NextStep:
    """Put the step (or, with `QUIET_KEY`, the quiet mark) away until `until`."""
    row = _row(session, candidate_id=candidate_id, job_id=job_id, key=key)
    row.snoozed_until = until
    return _save(session, row)


def _checked_title(title: str) -> str:
    text = title.strip()
    if not text:
        raise InvalidInput("Say what the step is. Nothing was saved.")
    check_length("The step is", text, limits.NEXT_STEP)
    return text


def edit_step(session: Session, *, candidate_id: int, job_id: int, key: str, title: str, due_at: datetime) -> NextStep:
    """What the step says and when it is due, by hand (a snooze it had is over)."""
    row = _row(session, candidate_id=candidate_id, job_id=job_id, key=key)
    row.title, row.due_at, row.snoozed_until = _checked_title(title), due_at, None
    return _save(session, row)


def add_step(session: Session, *, candidate_id: int, job_id: int, title: str, due_at: datetime) -> NextStep:
    jobs.get_job(session, job_id, candidate_id=candidate_id)
    key = f"{StepKind.OWN.value}:{secrets.token_hex(6)}"
    row = NextStep(candidate_id=candidate_id, job_id=job_id, rule_key=key, title=_checked_title(title), due_at=due_at)
    return _save(session, row)


def reject_as_ghosted(session: Session, *, candidate_id: int, job_id: int) -> MoveResult:
    """A quiet job rejected with the reason ghosted; the stage it ended in is kept (`move_job`)."""
    return jobs.move_job(
        session,
        job_id,
        Stage.REJECTED,
        source=MoveSource.BUTTON,
        reason=RejectionReason.GHOSTED,
        candidate_id=candidate_id,
    )
