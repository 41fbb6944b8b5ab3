"""Today's read model: the steps due or overdue, the rounds of the next week, the offers' deadlines
and the quiet jobs, each row ready to show with what its one-click action needs.

Set-based like the board: `next_steps.agendas` for every open job at once, then one query for the
jobs' names, one for the week's rounds and one for the deadlines (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import select as select_columns
from sqlmodel import Session, col

from peregrine.domain.dates import as_utc, calendar_date, day_label, moment_label
from peregrine.domain.interviews import RoundOutcome
from peregrine.domain.next_steps import DueStatus, Step, StepRules, due_status, local_day, quiet_label, start_of_day
from peregrine.domain.stages import Stage
from peregrine.models import Interview, Job, Offer, utcnow
from peregrine.services.next_steps import agendas, plain_rows

WEEK = timedelta(days=7)
#: How many due steps and quiet jobs Today lists (the most urgent first); the rest are counted, and
#: the board's Due filter shows them all. A list of hundreds is not a day's work.
SHOWN = 100


@dataclass(frozen=True)
class StepRow:
    job_id: int
    company: str
    title: str
    key: str
    step: str
    #: "Overdue since Mon Mar 09", "Due today, 09:00" or "Due Fri Mar 13, 09:00".
    due: str
    #: A `DueStatus` value.
    status: str
    #: The due moment as the edit dialog's datetime-local input shows it, in the user's zone.
    due_value: str


def step_row(job_id: int, company: str, title: str, step: Step, *, now: datetime, zone: tzinfo) -> StepRow:
    status = due_status(step.due_at, now=now, zone=zone)
    local, today = as_utc(step.due_at).astimezone(zone), local_day(now, zone)
    if status is DueStatus.OVERDUE:
        when = "Overdue since " + day_label(local, today=today)
    elif status is DueStatus.TODAY:
        when = f"Due today, {local:%H:%M}"
    else:
        when = "Due " + moment_label(local, today=today)
    return StepRow(job_id, company, title, step.key, step.title, when, status.value, f"{local:%Y-%m-%dT%H:%M}")


def job_steps(
    session: Session, candidate_id: int, job_id: int, *, rules: StepRules, zone: tzinfo, now: datetime | None = None
) -> tuple[list[StepRow], str]:
    """One job's pending steps, earliest first, and its quiet mark ("" unless it is quiet)."""
    now = as_utc(now or utcnow())
    agenda = agendas(session, candidate_id, rules=rules, zone=zone, now=now, job_ids=frozenset({job_id})).get(job_id)
    if agenda is None:
        return [], ""
    company, title = _names(session, candidate_id, {job_id})[job_id]
    rows = [step_row(job_id, company, title, step, now=now, zone=zone) for step in agenda.steps]
    return rows, quiet_label(agenda.quiet_days) if agenda.quiet_days is not None else ""


@dataclass(frozen=True)
class RoundRow:
    job_id: int
    interview_id: int
    company: str
    name: str
    when: str


@dataclass(frozen=True)
class DeadlineRow:
    job_id: int
    company: str
    title: str
    deadline: str


@dataclass(frozen=True)
class QuietRow:
    job_id: int
    company: str
    title: str
    stage: str
    quiet: str
    days: int


@dataclass
class TodayView:
    steps: list[StepRow] = field(default_factory=list)
    rounds: list[RoundRow] = field(default_factory=list)
    deadlines: list[DeadlineRow] = field(default_factory=list)
    quiet: list[QuietRow] = field(default_factory=list)
    #: Due steps and quiet jobs beyond `SHOWN`, not listed.
    more_steps: int = 0
    more_quiet: int = 0


def today_view(
    session: Session, candidate_id: int, *, rules: StepRules, zone: tzinfo, now: datetime | None = None
) -> TodayView:
    now = as_utc(now or utcnow())
    today = local_day(now, zone)
    found = agendas(session, candidate_id, rules=rules, zone=zone, now=now)
    names = _names(session, candidate_id, set(found))
    view = TodayView()
    # Only rows that are shown are formatted: a due moment is "due" when its day is not after today.
    ends_today = start_of_day(today + timedelta(days=1), zone)
    due = sorted(
        (
            (step.due_at, job_id, step)
            for job_id, agenda in found.items()
            for step in agenda.steps[:SHOWN]
            if step.due_at < ends_today
        ),
        key=lambda item: (item[0], item[1]),
    )
    view.steps = [step_row(job_id, *names[job_id], step, now=now, zone=zone) for _, job_id, step in due[:SHOWN]]
    view.more_steps = max(0, len(due) - SHOWN)
    quiet = sorted(
        (
            (agenda.quiet_days, job_id, agenda.stage)
            for job_id, agenda in found.items()
            if agenda.quiet_days is not None
        ),
        key=lambda item: (-item[0], item[1]),
    )
    view.quiet = [
        QuietRow(job_id, *names[job_id], Stage(stage).label, quiet_label(days), days)
        for days, job_id, stage in quiet[:SHOWN]
    ]
    view.more_quiet = max(0, len(quiet) - SHOWN)
    view.rounds = _week_rounds(session, candidate_id, now=now, zone=zone, today=today)
    view.deadlines = _deadlines(session, candidate_id, today=today)
    return view


def _names(session: Session, candidate_id: int, job_ids: set[int]) -> dict[int, tuple[str, str]]:
    rows = plain_rows(
        session,
        select_columns(col(Job.id), col(Job.company), col(Job.title)).where(
            col(Job.candidate_id) == candidate_id, col(Job.id).in_(job_ids)
        ),
    )
    return {job_id: (company, title) for job_id, company, title in rows}


def _week_rounds(session: Session, candidate_id: int, *, now: datetime, zone: tzinfo, today: date) -> list[RoundRow]:
    rows = plain_rows(
        session,
        select_columns(
            col(Interview.id),
            col(Interview.job_id),
            col(Interview.name),
            col(Interview.scheduled_at),
            col(Job.company),
        )
        .join(Job, col(Job.id) == Interview.job_id)
        .where(
            col(Interview.candidate_id) == candidate_id,
            col(Interview.scheduled_at) >= now,
            col(Interview.scheduled_at) < now + WEEK,
            col(Interview.outcome) == RoundOutcome.PENDING.value,
        )
        .order_by(col(Interview.scheduled_at), col(Interview.id)),
    )
    return [
        RoundRow(job_id, round_id, company, name, moment_label(as_utc(at).astimezone(zone), today=today))
        for round_id, job_id, name, at, company in rows
    ]


def _deadlines(session: Session, candidate_id: int, *, today: date) -> list[DeadlineRow]:
    rows = plain_rows(
        session,
        select_columns(col(Job.id), col(Job.company), col(Job.title), col(Offer.decision_deadline))
        .join(Offer, col(Offer.job_id) == Job.id)
        .where(
            col(Job.candidate_id) == candidate_id,
            col(Job.stage) == Stage.OFFER.value,
            col(Offer.decision_deadline) >= today,
        )
        .order_by(col(Offer.decision_deadline), col(Job.id)),
    )
    return [DeadlineRow(job_id, company, title, calendar_date(deadline)) for job_id, company, title, deadline in rows]
