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
from peregrine.domain.next_steps import DueStatus, Step, StepRules, due_status, local_day, quiet_label
from peregrine.domain.stages import Stage
from peregrine.models import Interview, Job, Offer, utcnow
from peregrine.services.next_steps import agendas

WEEK = timedelta(days=7)


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


def today_view(
    session: Session, candidate_id: int, *, rules: StepRules, zone: tzinfo, now: datetime | None = None
) -> TodayView:
    now = as_utc(now or utcnow())
    today = local_day(now, zone)
    found = agendas(session, candidate_id, rules=rules, zone=zone, now=now)
    names = _names(session, candidate_id, set(found))
    view = TodayView()
    due: list[tuple[datetime, StepRow]] = []
    for job_id, agenda in found.items():
        company, title = names[job_id]
        for step in agenda.steps:
            row = step_row(job_id, company, title, step, now=now, zone=zone)
            if row.status == DueStatus.LATER:
                break  # earliest first: the rest are later too
            due.append((step.due_at, row))
        if agenda.quiet_days is not None:
            days = agenda.quiet_days
            view.quiet.append(QuietRow(job_id, company, title, Stage(agenda.stage).label, quiet_label(days), days))
    view.steps = [row for _, row in sorted(due, key=lambda pair: (pair[0], pair[1].job_id))]
    view.quiet.sort(key=lambda row: (-row.days, row.job_id))
    view.rounds = _week_rounds(session, candidate_id, now=now, zone=zone, today=today)
    view.deadlines = _deadlines(session, candidate_id, today=today)
    return view


def _names(session: Session, candidate_id: int, job_ids: set[int]) -> dict[int, tuple[str, str]]:
    rows = session.execute(
        select_columns(col(Job.id), col(Job.company), col(Job.title)).where(
            col(Job.candidate_id) == candidate_id, col(Job.id).in_(job_ids)
        )
    ).all()
    return {job_id: (company, title) for job_id, company, title in rows}


def _week_rounds(session: Session, candidate_id: int, *, now: datetime, zone: tzinfo, today: date) -> list[RoundRow]:
    rows = session.execute(
        select_columns(
            col(Interview.id), col(Interview.job_id), col(Interview.name), col(Interview.scheduled_at), col(Job.company)
        )
        .join(Job, col(Job.id) == Interview.job_id)
        .where(
            col(Interview.candidate_id) == candidate_id,
            col(Interview.scheduled_at) >= now,
            col(Interview.scheduled_at) < now + WEEK,
            col(Interview.outcome) == RoundOutcome.PENDING.value,
        )
        .order_by(col(Interview.scheduled_at), col(Interview.id))
    ).all()
    return [
        RoundRow(job_id, round_id, company, name, moment_label(as_utc(at).astimezone(zone), today=today))
        for round_id, job_id, name, at, company in rows
    ]


def _deadlines(session: Session, candidate_id: int, *, today: date) -> list[DeadlineRow]:
    rows = session.execute(
        select_columns(col(Job.id), col(Job.company), col(Job.title), col(Offer.decision_deadline))
        .join(Offer, col(Offer.job_id) == Job.id)
        .where(
            col(Job.candidate_id) == candidate_id,
            col(Job.stage) == Stage.OFFER.value,
            col(Offer.decision_deadline) >= today,
        )
        .order_by(col(Offer.decision_deadline), col(Job.id))
    ).all()
    return [DeadlineRow(job_id, company, title, calendar_date(deadline)) for job_id, company, title, deadline in rows]
