"""The board's read model: column id lists and card data, built in one query.

Columns hold only card ids and card data sits apart, so a move changes two short
id lists and nothing else (see docs/ARCHITECTURE.md, "The board's state"). With a filter on,
the snapshot also says how many jobs of each stage the filter hides, so a column
can say "2 of 14"; rejections older than `OLDER_REJECTION` are marked for folding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from peregrine.config import user_profile
from peregrine.domain.job_details import split_tags
from peregrine.domain.next_steps import DueStatus, due_status, quiet_label
from peregrine.domain.stages import BOARD_ORDER, RejectionReason, Stage
from peregrine.llm.settings import llm_configured
from peregrine.models import CompanyResearch, Job, Task, utcnow
from peregrine.services import next_steps
from peregrine.services.email.inbox import email_badges
from peregrine.services.interviews import next_interview_labels
from peregrine.services.jobs import stage_entered_label
from peregrine.services.research import shown_status
from peregrine.services.tasks import TaskKind


@dataclass(frozen=True)
class CardView:
    """What a card shows; display-ready strings only."""

    id: int
    company: str
    title: str
    source: str
    in_stage: str
    next_interview: str = ""
    rejection: str = ""
    #: Company research: "" (none), "queued", "not_set_up" (queued, no LLM), "running", "ready" or "failed".
    research: str = ""
    #: Why the last research run failed (shown on the card with a Retry).
    research_error: str = ""
    #: The mail badge: "" (none), "moved" (an email moved it here) or "review" (an email waits for the user).
    email: str = ""
    #: Rejected more than `OLDER_REJECTION` ago: folded away in the Rejected column until asked for.
    older: bool = False
    #: The next step's badge: "" (none due), "Due today" or "Overdue" — words, not a colour alone.
    due: str = ""
    #: What the due step is, for the badge's title and accessible name.
    due_step: str = ""
    #: "Quiet 23 days — ghosted?" when the job has gone quiet, else "".
    quiet: str = ""


#: A rejection older than this folds behind "Show N older", so the Rejected column does not grow forever.
OLDER_REJECTION = timedelta(days=30)


def is_older_rejection(stage: str, entered: datetime, now: datetime) -> bool:
    return stage == Stage.REJECTED and now - entered > OLDER_REJECTION


#: The order of a card's fields in `card_row`; the browser (kanban_board.jsx) reads rows in this order.
CARD_ROW_FIELDS = (
    "id",
    "company",
    "title",
    "source",
    "in_stage",
    "next_interview",
    "rejection",
    "research",
    "research_error",
    "email",
    "older",
    "due",
    "due_step",
    "quiet",
)


@dataclass(frozen=True)
class ResearchState:
    state: str
    error: str = ""


def card_row(card: CardView) -> list[Any]:
    """A card as a bare row: half the bytes of a keyed object when two thousand are sent."""
    return [getattr(card, name) for name in CARD_ROW_FIELDS]


@dataclass
class BoardSnapshot:
    columns: dict[Stage, list[int]]
    cards: dict[int, CardView]
    versions: dict[int, int]
    sources: list[str] = field(default_factory=list)
    #: Per stage, how many of the candidate's jobs the filters hide (all zero without a filter).
    hidden: dict[Stage, int] = field(default_factory=dict)
    #: Every tag on the candidate's jobs, for the board's tag filter.
    tags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BoardFilters:
    """What the board's toolbar narrows the columns to; empty means everything."""

    text: str = ""
    source: str = ""
    work_mode: str = ""
    tag: str = ""
    #: "due": only jobs with a step due today or overdue; "" any.
    due: str = ""

    def admits(self, company: str, title: str, source: str, work_mode: str, tags: str, due: bool = False) -> bool:
        if self.due and not due:
            return False
        needle = self.text.strip().lower()
        if needle and needle not in company.lower() and needle not in title.lower():
            return False
        if self.source and source != self.source:
            return False
        if self.work_mode and work_mode != self.work_mode:
            return False
        return not self.tag or self.tag.lower() in {tag.lower() for tag in split_tags(tags)}


_CARD_COLUMNS: tuple[Any, ...] = tuple(
    col(column)
    for column in (
        Job.id,
        Job.company,
        Job.title,
        Job.source,
        Job.stage,
        Job.stage_entered_at,
        Job.rejection_stage,
        Job.rejection_reason,
        Job.version,
        Job.work_mode,
        Job.tags,
    )
)


def rejection_label(rejection_stage: str | None, reason: str | None) -> str:
    if not rejection_stage:
        return ""
    label = f"From {Stage(rejection_stage).label}"
    return f"{label} · {RejectionReason(reason).label}" if reason else label


def card_view(session: Session, job: Job, now: datetime | None = None) -> CardView:
    assert job.id is not None
    now = now or utcnow()
    return CardView(
        id=job.id,
        company=job.company,
        title=job.title,
        source=job.source,
        in_stage=stage_entered_label(job.stage_entered_at, now),
        rejection=rejection_label(job.rejection_stage, job.rejection_reason),
        next_interview=next_interview_labels(session, job.candidate_id, now=now).get(job.id, ""),
        **_research_fields(research_states(session, job.candidate_id, job_id=job.id).get(job.id)),
        email=email_badges(session, job.candidate_id, job_id=job.id).get(job.id, ""),
        older=is_older_rejection(job.stage, job.stage_entered_at, now),
        **_step_fields(due_marks(session, job.candidate_id, now=now, job_id=job.id).get(job.id)),
    )


@dataclass(frozen=True)
class DueMark:
    due: str
    due_step: str
    quiet: str


def due_marks(session: Session, candidate_id: int, *, now: datetime, job_id: int | None = None) -> dict[int, DueMark]:
    """The due badge and quiet mark of each open job that has one (of `job_id` only, when given)."""
    profile = user_profile()
    zone = profile.zone
    found = next_steps.agendas(
        session,
        candidate_id,
        rules=profile.step_rules,
        zone=zone,
        now=now,
        job_ids=frozenset({job_id}) if job_id is not None else None,
    )
    marks: dict[int, DueMark] = {}
    for found_id, agenda in found.items():
        step = agenda.next_step
        status = due_status(step.due_at, now=now, zone=zone) if step else DueStatus.LATER
        badge = {DueStatus.OVERDUE: "Overdue", DueStatus.TODAY: "Due today"}.get(status, "")
        quiet = quiet_label(agenda.quiet_days) if agenda.quiet_days is not None else ""
        if badge or quiet:
            marks[found_id] = DueMark(badge, step.title if badge and step else "", quiet)
    return marks


def _step_fields(mark: DueMark | None) -> dict[str, str]:
    if mark is None:
        return {"due": "", "due_step": "", "quiet": ""}
    return {"due": mark.due, "due_step": mark.due_step, "quiet": mark.quiet}


def _research_fields(research: ResearchState | None) -> dict[str, str]:
    if research is None:
        return {"research": "", "research_error": ""}
    return {"research": research.state, "research_error": research.error}


def research_states(session: Session, candidate_id: int, *, job_id: int | None = None) -> dict[int, ResearchState]:
    """Each job's research state, from its latest research task and whether a brief exists."""
    latest = (
        select_columns(col(Task.job_id), func.max(Task.id).label("task_id"))
        .where(col(Task.kind) == TaskKind.COMPANY_RESEARCH.value)
        .group_by(col(Task.job_id))
        .subquery()
    )
    jobs_of_candidate = select_columns(col(Job.id)).where(col(Job.candidate_id) == candidate_id)
    if job_id is not None:
        jobs_of_candidate = jobs_of_candidate.where(col(Job.id) == job_id)
    states: dict[int, ResearchState] = {
        brief_job: ResearchState("ready")
        for (brief_job,) in session.execute(
            select_columns(col(CompanyResearch.job_id)).where(col(CompanyResearch.job_id).in_(jobs_of_candidate))
        )
    }
    statuses = session.execute(
        select_columns(col(Task.job_id), col(Task.status), col(Task.error))
        .join(latest, col(Task.id) == latest.c.task_id)
        .where(col(Task.job_id).in_(jobs_of_candidate))
    )
    llm_ready = llm_configured()
    for task_job, status, error in statuses:
        if status == "succeeded":
            states[task_job] = ResearchState("ready")
        else:
            shown = shown_status(status, llm_ready=llm_ready)  # queued with no backend: "not set up"
            states[task_job] = ResearchState(shown, error or "" if status == "failed" else "")
    return states


def load_board(
    session: Session,
    candidate_id: int,
    *,
    text: str = "",
    source: str = "",
    filters: BoardFilters | None = None,
) -> BoardSnapshot:
    """All of a candidate's cards; the filters narrow the columns, never the card data, and what
    they hide is counted per stage (a column then says how many of its jobs it shows)."""
    narrow = filters or BoardFilters(text=text, source=source)
    rows = session.execute(
        select_columns(*_CARD_COLUMNS)
        .where(col(Job.candidate_id) == candidate_id)
        .order_by(col(Job.position), col(Job.id))
    ).all()
    now = utcnow()
    columns: dict[Stage, list[int]] = {stage: [] for stage in BOARD_ORDER}
    hidden: dict[Stage, int] = dict.fromkeys(BOARD_ORDER, 0)
    cards: dict[int, CardView] = {}
    versions: dict[int, int] = {}
    sources: set[str] = set()
    all_tags: dict[str, str] = {}
    research = research_states(session, candidate_id)
    upcoming = next_interview_labels(session, candidate_id, now=now)
    mail = email_badges(session, candidate_id)
    marks = due_marks(session, candidate_id, now=now)
    for job_id, company, title, job_source, stage, entered, rejection_stage, reason, version, mode, tags in rows:
        cards[job_id] = CardView(
            id=job_id,
            company=company,
            title=title,
            source=job_source,
            in_stage=stage_entered_label(entered, now),
            rejection=rejection_label(rejection_stage, reason),
            next_interview=upcoming.get(job_id, ""),
            **_research_fields(research.get(job_id)),
            email=mail.get(job_id, ""),
            older=is_older_rejection(stage, entered, now),
            **_step_fields(marks.get(job_id)),
        )
        versions[job_id] = version
        if job_source:
            sources.add(job_source)
        for tag in split_tags(tags):
            all_tags.setdefault(tag.lower(), tag)
        if not narrow.admits(company, title, job_source, mode, tags, due=bool(cards[job_id].due)):
            hidden[Stage(stage)] += 1
            continue
        columns[Stage(stage)].append(job_id)
    return BoardSnapshot(
        columns=columns,
        cards=cards,
        versions=versions,
        sources=sorted(sources, key=str.lower),
        hidden=hidden,
        tags=sorted(all_tags.values(), key=str.lower),
    )


def filter_choices(session: Session, candidate_id: int) -> tuple[list[str], list[str]]:
    """The sources and the tags the board's filters offer (each once, in alphabetical order)."""
    rows = session.execute(
        select_columns(col(Job.source), col(Job.tags)).where(col(Job.candidate_id) == candidate_id).distinct()
    ).all()
    sources = {source for source, _ in rows if source}
    tags: dict[str, str] = {}
    for _, stored in rows:
        for tag in split_tags(stored):
            tags.setdefault(tag.lower(), tag)
    return sorted(sources, key=str.lower), sorted(tags.values(), key=str.lower)


def job_versions(session: Session, job_ids: frozenset[int]) -> dict[int, int]:
    """The current version of each of these jobs that still exists: a cheap "did anything change?"."""
    rows = session.execute(select_columns(col(Job.id), col(Job.version)).where(col(Job.id).in_(job_ids)))
    return dict(rows.all())


def count_jobs(session: Session, candidate_id: int) -> int:
    return session.execute(select(func.count()).select_from(Job).where(Job.candidate_id == candidate_id)).scalar_one()


def matches_filter(
    job: Job, *, text: str = "", source: str = "", filters: BoardFilters | None = None, due: bool = False
) -> bool:
    """Whether the filters show `job`; `due` says it has a step due (`CardView.due`)."""
    narrow = filters or BoardFilters(text=text, source=source)
    return narrow.admits(job.company, job.title, job.source, job.work_mode, job.tags, due=due)


__all__ = [
    "OLDER_REJECTION",
    "BoardFilters",
    "BoardSnapshot",
    "CardView",
    "card_view",
    "count_jobs",
    "is_older_rejection",
    "load_board",
    "matches_filter",
]
