"""Pipeline analytics: the funnel, rounds by kind, time in stages, rejections,
sources and companies — computed in the database, so they stay exact and quick at any size.

Every figure is derived from the jobs, their stage events and their rounds at the moment it
is asked for, so it is always up to date (the "update the feeder conversion rates when
a process ends" holds by construction). Rates are None where they would divide by zero.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlmodel import Session, col

from peregrine.domain.funnel import MAIN_PATH, FunnelStep, funnel, furthest_stage, ratio
from peregrine.domain.interviews import RATING_FIELDS, InterviewKind, RoundOutcome
from peregrine.domain.stages import RejectionReason, Stage
from peregrine.models import Interview, Job, Offer, StageEvent
from peregrine.services.jobs import company_is

TERMINAL = (Stage.HIRED.value, Stage.REJECTED.value)


@dataclass(frozen=True)
class Filters:
    """Which jobs count: added between two dates (inclusive, UTC days), from one source, at one company.

    A job saved but not applied to (Saved) is outside the pipeline and never counts.
    """

    date_from: date | None = None
    date_to: date | None = None
    source: str | None = None
    company: str | None = None

    def conditions(self, candidate_id: int) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = [col(Job.candidate_id) == candidate_id, col(Job.stage) != Stage.SAVED.value]
        if self.date_from is not None:
            where.append(col(Job.created_at) >= datetime.combine(self.date_from, time.min, tzinfo=UTC))
        if self.date_to is not None:
            where.append(col(Job.created_at) <= datetime.combine(self.date_to, time.max, tzinfo=UTC))
        if self.source:
            where.append(col(Job.source) == self.source)
        if self.company:
            where.append(company_is(self.company))
        return where

    @property
    def narrows_jobs(self) -> bool:
        """Whether any job is left out (beyond belonging to the candidate and not being Saved)."""
        return any((self.date_from, self.date_to, self.source, self.company))


def _days(start: Any, end: Any, session: Session) -> Any:
    """Days between two timestamps, as the database computes it."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start) / 86400.0
    return func.julianday(end) - func.julianday(start)


# ----------------------------------------------------------------------------- the funnel
def furthest_counts(session: Session, candidate_id: int, filters: Filters = Filters()) -> dict[Stage, int]:
    rows = session.execute(
        select(col(Job.stage), col(Job.rejection_stage), func.count())
        .where(*filters.conditions(candidate_id))
        .group_by(col(Job.stage), col(Job.rejection_stage))
    )
    counts: dict[Stage, int] = defaultdict(int)
    for stage, rejection_stage, count in rows:
        counts[furthest_stage(stage, rejection_stage)] += count
    return dict(counts)


def conversion_funnel(session: Session, candidate_id: int, filters: Filters = Filters()) -> list[FunnelStep]:
    return funnel(furthest_counts(session, candidate_id, filters))


def saved_count(session: Session, candidate_id: int) -> int:
    """How many jobs wait in Saved (not applied yet): the page says they are left out of every figure."""
    query = select(func.count()).where(col(Job.candidate_id) == candidate_id, col(Job.stage) == Stage.SAVED.value)
    return int(session.execute(query).scalar_one())


# ----------------------------------------------------------------------------- rounds
@dataclass(frozen=True)
class KindStats:
    kind: InterviewKind
    rounds: int
    passed: int
    failed: int
    average_ratings: dict[str, float | None]

    @property
    def success_rate(self) -> float | None:
        return ratio(self.passed, self.passed + self.failed)


def round_kind_stats(session: Session, candidate_id: int, filters: Filters = Filters()) -> list[KindStats]:
    """Per round kind: how many, passed vs failed (the success rate), and the average of each rating.

    This reads one covering index (candidate, kind, outcome, ratings, job) in kind order. A filter
    becomes the set of its job ids, checked against the index's job column: joining each round to
    its job instead would read the jobs in random order, several times slower at 400,000 rounds.
    """
    outcome = col(Interview.outcome)
    query = (
        select(
            col(Interview.kind),
            func.count(),
            func.sum(case((outcome == RoundOutcome.PASSED.value, 1), else_=0)),
            func.sum(case((outcome == RoundOutcome.FAILED.value, 1), else_=0)),
            *[func.avg(getattr(Interview, name)) for name in RATING_FIELDS],
        )
        .where(col(Interview.candidate_id) == candidate_id)
        .group_by(col(Interview.kind))
    )
    if filters.narrows_jobs:
        query = query.where(col(Interview.job_id).in_(select(col(Job.id)).where(*filters.conditions(candidate_id))))
    rows = session.execute(query)
    stats = [
        KindStats(
            InterviewKind(kind),
            count,
            int(passed or 0),
            int(failed or 0),
            {
                name: float(value) if value is not None else None
                for name, value in zip(RATING_FIELDS, averages, strict=True)
            },
        )
        for kind, count, passed, failed, *averages in rows
    ]
    order = list(InterviewKind)
    return sorted(stats, key=lambda item: order.index(item.kind))


# ----------------------------------------------------------------------------- time
@dataclass(frozen=True)
class StageTime:
    stage: Stage
    average_days: float | None
    stays: int  # completed stays measured (a stay still going is not counted)


def time_in_stages(session: Session, candidate_id: int, filters: Filters = Filters()) -> list[StageTime]:
    """Average days a job spent in each stage it left (Applied: from adding the job, or from leaving
    Saved, to its next move). Days in Saved are not a stage of the pipeline and are not shown.

    Each move records when its job entered the stage it leaves, so this is one pass over the
    moves; an undo and the move it took back record nothing and count for nothing.
    """
    entered = col(StageEvent.from_entered_at)
    stays = {
        Stage(stage): (float(days) if days is not None else None, count)
        for stage, days, count in session.execute(
            select(col(StageEvent.from_stage), func.avg(_days(entered, col(StageEvent.at), session)), func.count())
            .join(Job, col(Job.id) == col(StageEvent.job_id))
            .where(*filters.conditions(candidate_id), entered.is_not(None))
            .group_by(col(StageEvent.from_stage))
        )
    }
    stages = [Stage.APPLIED, Stage.SURVEY, *MAIN_PATH[1:-1]]
    return [StageTime(stage, *stays.get(stage, (None, 0))) for stage in stages]


def time_to_decision(session: Session, candidate_id: int, filters: Filters = Filters()) -> tuple[float | None, int]:
    """Average days from applying to a job to its first decision (hired or rejected), and how many
    decided. A job saved first was applied to when it left Saved (its last such move: an undone one
    was followed by another); any other job when it was added."""
    decided = (
        select(col(StageEvent.job_id).label("job_id"), func.min(col(StageEvent.at)).label("at"))
        .where(col(StageEvent.to_stage).in_(TERMINAL))
        .group_by(col(StageEvent.job_id))
        .subquery()
    )
    applied = (
        select(col(StageEvent.job_id).label("job_id"), func.max(col(StageEvent.at)).label("at"))
        .where(col(StageEvent.from_stage) == Stage.SAVED.value, col(StageEvent.to_stage) == Stage.APPLIED.value)
        .group_by(col(StageEvent.job_id))
        .subquery()
    )
    started = func.coalesce(applied.c.at, col(Job.created_at))
    days, count = session.execute(
        select(func.avg(_days(started, decided.c.at, session)), func.count())
        .join(decided, decided.c.job_id == col(Job.id))
        .outerjoin(applied, applied.c.job_id == col(Job.id))
        .where(*filters.conditions(candidate_id))
    ).one()
    return (float(days) if days is not None else None), count


# ----------------------------------------------------------------------------- rejections, sources
@dataclass(frozen=True)
class RejectionCount:
    stage: Stage
    reason: str
    label: str
    count: int


def rejections(session: Session, candidate_id: int, filters: Filters = Filters()) -> list[RejectionCount]:
    rows = session.execute(
        select(col(Job.rejection_stage), col(Job.rejection_reason), func.count())
        .where(*filters.conditions(candidate_id), col(Job.stage) == Stage.REJECTED.value)
        .group_by(col(Job.rejection_stage), col(Job.rejection_reason))
    )
    counts = [
        RejectionCount(
            Stage(stage or Stage.APPLIED.value),
            reason or "",
            RejectionReason(reason).label if reason else "No reason given",
            count,
        )
        for stage, reason, count in rows
    ]
    return sorted(counts, key=lambda item: (-item.count, item.stage.value, item.reason))


def rejections_by_stage(found: list[RejectionCount]) -> list[tuple[Stage, int]]:
    """How many jobs ended at each stage, whatever the reason, in the order of the pipeline."""
    counts: dict[Stage, int] = defaultdict(int)
    for item in found:
        counts[item.stage] += item.count
    return [(stage, counts[stage]) for stage in Stage if stage in counts]


@dataclass(frozen=True)
class Conversion:
    """Seed 002 §6's feeder figures for one source (or one company)."""

    name: str
    jobs: int
    interviews: int  # reached Phone screen or further
    offers: int
    hired: int
    rejected_by_company: int = 0
    withdrew: int = 0

    @property
    def interview_rate(self) -> float | None:
        return ratio(self.interviews, self.jobs)

    @property
    def offer_rate(self) -> float | None:
        return ratio(self.offers, self.jobs)

    @property
    def conversion_rate(self) -> float | None:
        """Placements per job sourced."""
        return ratio(self.hired, self.jobs)


def _conversions(session: Session, candidate_id: int, filters: Filters, group: Any) -> dict[str, Conversion]:
    rows = session.execute(
        select(group, col(Job.stage), col(Job.rejection_stage), col(Job.rejection_reason), func.count())
        .where(*filters.conditions(candidate_id))
        .group_by(group, col(Job.stage), col(Job.rejection_stage), col(Job.rejection_reason))
    )
    tally: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rank = {stage: index for index, stage in enumerate(MAIN_PATH)}
    for name, stage, rejection_stage, reason, count in rows:
        reached = rank[furthest_stage(stage, rejection_stage)]
        figures = tally[name or "(none)"]
        figures["jobs"] += count
        figures["interviews"] += count if reached >= rank[Stage.PHONE_SCREEN] else 0
        figures["offers"] += count if reached >= rank[Stage.OFFER] else 0
        figures["hired"] += count if stage == Stage.HIRED.value else 0
        figures["rejected_by_company"] += count if reason == RejectionReason.REJECTED_BY_COMPANY.value else 0
        figures["withdrew"] += count if reason == RejectionReason.WITHDREW.value else 0
    return {name: Conversion(name, **figures) for name, figures in tally.items()}


def source_conversion(session: Session, candidate_id: int, filters: Filters = Filters()) -> list[Conversion]:
    found = _conversions(session, candidate_id, filters, col(Job.source))
    return sorted(found.values(), key=lambda item: (-item.jobs, item.name))


# ----------------------------------------------------------------------------- companies
@dataclass(frozen=True)
class CompanyInsights:
    """Seed 002 §7's `get_company_hiring_insights`, for one company."""

    company: str
    conversion: Conversion
    average_days_to_decision: float | None
    sources_with_interviews: list[str] = field(default_factory=list)
    rejection_reasons: dict[str, int] = field(default_factory=dict)


def company_insights(session: Session, candidate_id: int, company: str) -> CompanyInsights | None:
    filters = Filters(company=company)
    by_company = _conversions(session, candidate_id, filters, func.lower(col(Job.company)))
    if not by_company:
        return None
    conversion = next(iter(by_company.values()))
    name = session.execute(
        select(col(Job.company)).where(*filters.conditions(candidate_id)).order_by(col(Job.id).desc()).limit(1)
    ).scalar_one()
    days, _ = time_to_decision(session, candidate_id, filters)
    sources = [item.name for item in source_conversion(session, candidate_id, filters) if item.interviews]
    reasons = {item.label: item.count for item in rejections(session, candidate_id, filters)}
    return CompanyInsights(name, Conversion(name, **_figures(conversion)), days, sources, reasons)


def _figures(conversion: Conversion) -> dict[str, int]:
    return {
        "jobs": conversion.jobs,
        "interviews": conversion.interviews,
        "offers": conversion.offers,
        "hired": conversion.hired,
        "rejected_by_company": conversion.rejected_by_company,
        "withdrew": conversion.withdrew,
    }


def source_names(session: Session, candidate_id: int) -> list[str]:
    return [
        name
        for name in session.execute(
            select(col(Job.source)).where(col(Job.candidate_id) == candidate_id).group_by(col(Job.source))
        ).scalars()
        if name
    ]


def company_names(session: Session, candidate_id: int) -> list[str]:
    return list(
        session.execute(
            select(col(Job.company)).where(col(Job.candidate_id) == candidate_id).group_by(col(Job.company))
        ).scalars()
    )


# ----------------------------------------------------------------------------- placements
@dataclass(frozen=True)
class Placement:
    """Seed 002 §6.2's PlacementRecord: a job the candidate was hired for, with its offer."""

    job_id: int
    company: str
    title: str
    hired_on: date
    offer: Offer | None


def placement_history(session: Session, candidate_id: int, filters: Filters = Filters()) -> list[Placement]:
    """The jobs hired for, the latest first, narrowed by the same filters as every other figure."""
    rows = session.execute(
        select(Job, Offer)
        .join(Offer, and_(col(Offer.job_id) == col(Job.id)), isouter=True)
        .where(*filters.conditions(candidate_id), col(Job.stage) == Stage.HIRED.value)
        .order_by(col(Job.stage_entered_at).desc())
    )
    return [Placement(job.id or 0, job.company, job.title, job.stage_entered_at.date(), offer) for job, offer in rows]
