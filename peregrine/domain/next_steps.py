"""What to do next on an open job, and when: the rules that set next steps, and quiet jobs.

Pure: the facts of a job (its stage, when it was applied for, its rounds, its offer's deadline,
when anything last happened) and a clock in, steps out. A step a rule sets has a `key` naming the
rule and the record it came from ("thank_you:12" for round 12), so what the user did to it by hand
(done, snoozed, edited: `StepOverride`) sticks to the same step however often the rules run again;
a step the user wrote has a key of its own ("own:…").

Days are the user's days: "due today" compares the due moment's date *in the user's time zone*
with today's there, so a step due at 23:30 in Berlin is due on Berlin's day, not UTC's.

A job is *quiet* when it sits in Applied, Phone screen or Interviewing with no stage move, email
or round for the stage's number of days; any of those (a reply from the company above all) ends it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from peregrine.domain.dates import as_utc
from peregrine.domain.interviews import RoundOutcome
from peregrine.domain.labelled import LabelledEnum
from peregrine.domain.stages import Stage


class StepKind(LabelledEnum):
    FOLLOW_UP = "follow_up", "Follow up"
    THANK_YOU = "thank_you", "Send a thank-you note"
    OFFER_DEADLINE = "offer_deadline", "Decide on the offer"
    PREPARE = "prepare", "Prepare"
    OWN = "own", "Your step"


STEP_KINDS: frozenset[str] = frozenset(kind.value for kind in StepKind)
#: The kinds a rule sets (a step key starts with its kind: "thank_you:12").
RULE_KINDS: frozenset[str] = STEP_KINDS - {StepKind.OWN.value}


class DueStatus(StrEnum):
    OVERDUE = "overdue"
    TODAY = "today"
    LATER = "later"


#: The stages a job can go quiet in, and how many silent days make it quiet by default.
QUIET_STAGES: tuple[Stage, ...] = (Stage.APPLIED, Stage.PHONE_SCREEN, Stage.INTERVIEWING)
DEFAULT_QUIET_DAYS = 21
#: A thank-you note is worth writing only soon after a round: a round longer ago than this sets none.
THANK_YOU_SHOWN_FOR = timedelta(days=7)
#: The key of the quiet mark's override (snoozing a quiet job).
QUIET_KEY = "quiet"


@dataclass(frozen=True)
class StepRules:
    """The rules' numbers, from `config/user.yaml`'s `next_steps` (config.UserProfile)."""

    follow_up_after_days: int = 7
    thank_you_within_hours: int = 24
    prepare_days_before: int = 1
    quiet_after_days: dict[str, int] = field(default_factory=lambda: dict.fromkeys(QUIET_STAGES, DEFAULT_QUIET_DAYS))


@dataclass(frozen=True)
class RoundFacts:
    id: int
    name: str
    scheduled_at: datetime | None
    completed_at: datetime | None
    outcome: str


@dataclass(frozen=True)
class JobFacts:
    """What the rules read of one open job. Moments are UTC (naive ones are read as UTC)."""

    job_id: int
    stage: str
    #: When the application went out: the applied day's start in the user's zone, else when it was added.
    applied_at: datetime
    #: The latest stage move, matched email or round (scheduled, held or added) — or `applied_at`.
    last_activity: datetime
    #: An email matched to the job arrived after `applied_at`: the company answered.
    replied: bool = False
    rounds: tuple[RoundFacts, ...] = ()
    offer_deadline: date | None = None


@dataclass(frozen=True)
class Step:
    job_id: int
    key: str
    kind: StepKind
    title: str
    due_at: datetime
    by_hand: bool = False


@dataclass(frozen=True)
class StepOverride:
    """What the user did to a step (or wrote: an own step has a title and a due moment)."""

    key: str
    kind: str = StepKind.OWN.value
    title: str = ""
    due_at: datetime | None = None
    done_at: datetime | None = None
    snoozed_until: datetime | None = None


def start_of_day(day: date, zone: tzinfo) -> datetime:
    """The first moment of `day` in `zone`, as UTC."""
    return as_utc(datetime.combine(day, time(0, 0), tzinfo=zone))


def local_day(moment: datetime, zone: tzinfo) -> date:
    return as_utc(moment).astimezone(zone).date()


def due_status(due_at: datetime, *, now: datetime, zone: tzinfo) -> DueStatus:
    due_day, today = local_day(due_at, zone), local_day(now, zone)
    if due_day < today:
        return DueStatus.OVERDUE
    return DueStatus.TODAY if due_day == today else DueStatus.LATER


def snooze_until(days: int, *, now: datetime, zone: tzinfo) -> datetime:
    """A snooze of `days` days: the step comes back at the start of that day, the user's day."""
    return start_of_day(local_day(now, zone) + timedelta(days=days), zone)


def rule_steps(job: JobFacts, rules: StepRules, *, now: datetime, zone: tzinfo) -> list[Step]:
    """The steps the rules set for `job` at `now`, before anything the user did to them."""
    steps: list[Step] = []
    if job.stage == Stage.APPLIED and not job.replied:
        due = as_utc(job.applied_at) + timedelta(days=rules.follow_up_after_days)
        steps.append(
            Step(job.job_id, StepKind.FOLLOW_UP.value, StepKind.FOLLOW_UP, "Follow up on the application", due)
        )
    for round_ in job.rounds:
        steps.extend(_round_steps(job.job_id, round_, rules, now=as_utc(now), zone=zone))
    if job.stage == Stage.OFFER and job.offer_deadline is not None:
        kind = StepKind.OFFER_DEADLINE
        steps.append(Step(job.job_id, kind.value, kind, kind.label, start_of_day(job.offer_deadline, zone)))
    return steps


def _round_steps(job_id: int, round_: RoundFacts, rules: StepRules, *, now: datetime, zone: tzinfo) -> list[Step]:
    if round_.outcome in (RoundOutcome.CANCELLED, RoundOutcome.NO_SHOW):
        return []
    moment = round_.completed_at or round_.scheduled_at
    if moment is None:
        return []
    held = as_utc(moment)
    if held > now and round_.completed_at is None:
        day_before = local_day(held, zone) - timedelta(days=rules.prepare_days_before)
        kind = StepKind.PREPARE
        return [Step(job_id, f"{kind}:{round_.id}", kind, f"Prepare for {round_.name}", start_of_day(day_before, zone))]
    if now - held <= THANK_YOU_SHOWN_FOR:
        kind = StepKind.THANK_YOU
        due = held + timedelta(hours=rules.thank_you_within_hours)
        return [Step(job_id, f"{kind}:{round_.id}", kind, f"Send a thank-you note after {round_.name}", due)]
    return []


def pending_steps(rule_set: list[Step], overrides: list[StepOverride], *, job_id: int) -> list[Step]:
    """The steps still to do, earliest first: the rules' steps with the user's edits, snoozes and
    dones applied, and the user's own steps."""
    by_key = {override.key: override for override in overrides}
    steps = [*rule_set]
    ruled = {step.key for step in rule_set}
    for override in overrides:
        if override.key not in ruled and override.key != QUIET_KEY and override.due_at is not None:
            kind = StepKind(override.kind) if override.kind in STEP_KINDS else StepKind.OWN
            steps.append(Step(job_id, override.key, kind, override.title, as_utc(override.due_at), by_hand=True))
    pending: list[Step] = []
    for step in steps:
        found = by_key.get(step.key)
        if found is None:
            pending.append(step)
            continue
        if found.done_at is not None:
            continue
        override = found
        edited = replace(
            step,
            title=override.title or step.title,
            due_at=as_utc(override.due_at) if override.due_at else step.due_at,
            by_hand=step.by_hand or bool(override.title or override.due_at),
        )
        if override.snoozed_until is not None and as_utc(override.snoozed_until) > edited.due_at:
            edited = replace(edited, due_at=as_utc(override.snoozed_until))
        pending.append(edited)
    return sorted(pending, key=lambda step: (step.due_at, step.key))


def quiet_days(job: JobFacts, rules: StepRules, *, now: datetime, snoozed_until: datetime | None = None) -> int | None:
    """How many days the job has been silent, when that makes it quiet; else None."""
    threshold = rules.quiet_after_days.get(job.stage)
    if threshold is None:
        return None
    now = as_utc(now)
    if snoozed_until is not None and as_utc(snoozed_until) > now:
        return None
    silent = (now - as_utc(job.last_activity)).days
    return silent if silent >= threshold else None


def quiet_label(days: int) -> str:
    return f"Quiet {days} days — ghosted?"
