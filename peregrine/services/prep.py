"""Interview preparation: base prep per job, prep per interview, generated as tasks.

Each generation is a `Task` run by the task runner, so it survives a page being closed and a
restart. The model's answer is streamed where the backend streams, and the task's phase says
which part is being written. A regenerate never overwrites a section the user edited by hand
unless they chose to replace their edits, and whatever it replaces is kept as a revision.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from peregrine import db
from peregrine.config import UserProfile, user_profile
from peregrine.domain.dates import local_moment
from peregrine.domain.interviews import RATING_FIELDS, InterviewKind, RoundOutcome
from peregrine.domain.question_match import match_questions
from peregrine.llm.client import LLMClient, LLMUnavailable
from peregrine.llm.prompts import base_prep, interview_prep
from peregrine.models import (
    CompanyResearch,
    ExperienceProject,
    Interview,
    InterviewPrep,
    Job,
    PrepBase,
    PrepRevision,
    ResumeBullet,
    Task,
    utcnow,
)
from peregrine.services import tasks
from peregrine.services.errors import InvalidInput, NotFound
from peregrine.services.prep_render import base_sections, interview_sections
from peregrine.services.task_events import task_changed

log = logging.getLogger("peregrine.prep")

BASE_SECTIONS: tuple[tuple[str, str], ...] = (
    ("formatted_jd", "Job description"),
    ("company_context", "Company and product"),
    ("primary_drivers", "Callback drivers"),
    ("background_narrative", "Your background narrative"),
)
INTERVIEW_SECTIONS: tuple[tuple[str, str], ...] = (
    ("prep_plan", "Preparation roadmap"),
    ("predicted_questions", "Predicted questions"),
    ("interviewer_questions", "Questions to ask"),
    ("resume_defense_prep", "Resume defense"),
    ("technical_deep_dives", "Technical deep dives"),
)
#: What the progress line says while the model writes each part of its answer.
_WRITING: dict[str, str] = {
    "primary_drivers": "callback drivers",
    "formatted_jd": "the job description",
    "company_context": "company context",
    "background_narrative": "your background narrative",
    "weak_areas_targeted": "targets from earlier rounds",
    "roadmap": "the roadmap",
    "predicted_questions": "predicted questions",
    "interviewer_questions": "questions to ask",
    "resume_defense": "resume defense",
    "deep_dives": "technical deep dives",
}
PHASE_BASE = "Writing the base preparation"
PHASE_INTERVIEW = "Writing the interview preparation"
PROGRESS_EVERY_S = 0.3


class PrepFailed(Exception):
    """A generation that could not run; the message is shown with a Retry."""


# ----------------------------------------------------------------------------- reading
def base_of(session: Session, job_id: int) -> PrepBase | None:
    return session.exec(select(PrepBase).where(PrepBase.job_id == job_id)).first()


def prep_of(session: Session, interview_id: int) -> InterviewPrep | None:
    return session.exec(select(InterviewPrep).where(InterviewPrep.interview_id == interview_id)).first()


# ----------------------------------------------------------------------------- queueing
def queue_base_prep(session: Session, job_id: int, *, replace_edits: bool = False) -> Task:
    """Queue base prep for a job; with `replace_edits`, hand-edited sections are regenerated too."""
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(f"Job {job_id} was not found.")
    _require_description(job)
    existing = base_of(session, job_id)
    if replace_edits and existing is not None:
        _release_edits(session, "base", existing)
    return tasks.queue_task(session, tasks.TaskKind.BASE_PREP, job_id)


def queue_interview_prep(session: Session, interview_id: int, *, replace_edits: bool = False) -> Task:
    """Queue prep for one interview (the base prep is generated first when the job has none)."""
    interview = session.get(Interview, interview_id)
    if interview is None:
        raise NotFound(f"Interview {interview_id} was not found.")
    job = session.get(Job, interview.job_id)
    assert job is not None
    if base_of(session, job.id or 0) is None:
        _require_description(job)
    existing = prep_of(session, interview_id)
    if replace_edits and existing is not None:
        _release_edits(session, "interview", existing)
    return tasks.queue_task(session, tasks.TaskKind.INTERVIEW_PREP, interview.job_id, interview_id)


def _release_edits(session: Session, owner: str, stored: PrepBase | InterviewPrep) -> None:
    """The user chose to regenerate over their edits: keep each edited text as a revision first."""
    assert stored.id is not None
    for key in stored.edited:
        session.add(
            PrepRevision(
                owner=owner,
                owner_id=stored.id,
                section=key,
                text=getattr(stored, key),
                was_edited=True,
                replaced_by="regenerate",
            )
        )
    stored.edited = []
    session.add(stored)


@dataclass(frozen=True)
class BulkItem:
    """One line of a bulk generation's report: queued (with its task) or refused (with why)."""

    label: str
    task_id: int | None
    error: str


def queue_many(session: Session, *, job_ids: Sequence[int] = (), interview_ids: Sequence[int] = ()) -> list[BulkItem]:
    """The seed's admin actions: queue every selected item; one refusal never stops the others."""
    report: list[BulkItem] = []
    for job_id in job_ids:
        job = session.get(Job, job_id)
        label = f"{job.company} — {job.title}" if job else f"Job {job_id}"
        report.append(_queued(session, label, functools.partial(queue_base_prep, session, job_id)))
    for interview_id in interview_ids:
        interview = session.get(Interview, interview_id)
        job = session.get(Job, interview.job_id) if interview else None
        label = f"{job.company}: {interview.name}" if interview and job else f"Interview {interview_id}"
        report.append(_queued(session, label, functools.partial(queue_interview_prep, session, interview_id)))
    return report


def _queued(session: Session, label: str, queue: Callable[[], Task]) -> BulkItem:
    try:
        with session.begin_nested():
            task = queue()
    except (NotFound, InvalidInput) as exc:
        return BulkItem(label, None, str(exc))
    return BulkItem(label, task.id, "")


def _require_description(job: Job) -> None:
    if not job.raw_jd_text.strip():
        raise InvalidInput(
            f"{job.company} — {job.title} has no job description yet. Paste it into the job (Edit on the "
            "job page): base prep formats it and finds the callback drivers in it."
        )


# ----------------------------------------------------------------------------- running
async def run_base_prep(task_id: int, *, llm: LLMClient | None = None, profile: UserProfile | None = None) -> bool:
    """Run one queued base-prep task to the end; False if another worker had claimed it."""
    with db.session_scope() as session:
        if not tasks.claim_task(session, task_id):
            return False
        task = session.get(Task, task_id)
        job_id = task.job_id if task else None
    task_changed()
    return await _guarded(
        task_id, lambda: _generate_base(task_id, job_id, llm or LLMClient(), profile or user_profile())
    )


async def run_interview_prep(task_id: int, *, llm: LLMClient | None = None, profile: UserProfile | None = None) -> bool:
    """Run one queued interview-prep task (base first when missing); False if already claimed."""
    with db.session_scope() as session:
        if not tasks.claim_task(session, task_id):
            return False
        task = session.get(Task, task_id)
        job_id, interview_id = (task.job_id, task.interview_id) if task else (None, None)
    task_changed()
    client, who = llm or LLMClient(), profile or user_profile()

    async def both() -> None:
        with db.session_scope() as session:
            has_base = job_id is not None and base_of(session, job_id) is not None
        if not has_base:
            await _generate_base(task_id, job_id, client, who)
        await _generate_interview(task_id, interview_id, client, who)

    return await _guarded(task_id, both)


async def _guarded(task_id: int, work: Callable[[], Any]) -> bool:
    try:
        await work()
    except (PrepFailed, LLMUnavailable, NotFound, InvalidInput) as exc:
        _finish(task_id, str(exc))
        return True
    except Exception as exc:  # a bug must still end the task visibly, never as a spinner
        log.exception("prep task %s crashed", task_id)
        _finish(task_id, f"Unexpected error: {exc}")
        return True
    _finish(task_id, None)
    return True


def _finish(task_id: int, error: str | None) -> None:
    with db.session_scope() as session:
        if error is None:
            tasks.finish_task(session, task_id)
        else:
            tasks.fail_task(session, task_id, error)
    task_changed()


class _Progress:
    """Turns the growing partial answer into a phase line, written at most every 0.3 s."""

    def __init__(self, task_id: int, prefix: str) -> None:
        self.task_id, self.prefix = task_id, prefix
        self.shown = ""
        self.at = 0.0
        self.set(prefix)

    def set(self, phase: str) -> None:
        if phase == self.shown:
            return
        self.shown, self.at = phase, time.monotonic()
        with db.session_scope() as session:
            tasks.set_phase(session, self.task_id, phase)
        task_changed()

    def __call__(self, partial: BaseModel) -> None:
        filled = [name for name, value in partial.model_dump().items() if value not in (None, "", [], {})]
        if filled and time.monotonic() - self.at >= PROGRESS_EVERY_S:
            self.set(f"{self.prefix}: {_WRITING.get(filled[-1], filled[-1])}")


async def _generate_base(task_id: int, job_id: int | None, llm: LLMClient, profile: UserProfile) -> None:
    with db.session_scope() as session:
        job = session.get(Job, job_id) if job_id is not None else None
        if job is None:
            raise PrepFailed("The job of this preparation no longer exists.")
        _require_description(job)
        messages = base_prep.render_messages(
            candidate=profile.name,
            headline=profile.headline,
            company=job.company,
            title=job.title,
            location=job.location,
            job_description=job.raw_jd_text,
            company_research=research_text(session, job.id or 0),
            bullets=rendered_bullets(session, job.candidate_id),
        )
    answer = await llm.structured(base_prep.BasePrepAnswer, messages, on_partial=_Progress(task_id, PHASE_BASE))
    with db.session_scope() as session:
        stored = base_of(session, job_id or 0) or PrepBase(job_id=job_id or 0)
        _apply(session, "base", stored, base_sections(answer))
        stored.generated_at = utcnow()


async def _generate_interview(task_id: int, interview_id: int | None, llm: LLMClient, profile: UserProfile) -> None:
    with db.session_scope() as session:
        interview = session.get(Interview, interview_id) if interview_id is not None else None
        job = session.get(Job, interview.job_id) if interview else None
        base = base_of(session, job.id or 0) if job else None
        if interview is None or job is None:
            raise PrepFailed("The interview of this preparation no longer exists.")
        messages = interview_prep.render_messages(
            candidate=profile.name,
            company=job.company,
            title=job.title,
            interview=interview_facts(interview),
            base_prep=base_text(base),
            bullets=rendered_bullets(session, job.candidate_id),
            projects=projects_json(session, job.candidate_id),
            earlier_rounds=earlier_rounds_json(session, interview),
        )
    answer = await llm.structured(
        interview_prep.InterviewPrepAnswer, messages, on_partial=_Progress(task_id, PHASE_INTERVIEW)
    )
    with db.session_scope() as session:
        stored = prep_of(session, interview_id or 0) or InterviewPrep(interview_id=interview_id or 0)
        _apply(session, "interview", stored, interview_sections(answer))
        stored.predicted = [item.question for item in answer.predicted_questions]
        stored.generated_at = utcnow()


def _apply(session: Session, owner: str, stored: PrepBase | InterviewPrep, sections: dict[str, str]) -> None:
    """Write freshly generated sections, keeping the ones the user edited and a revision of each replaced one."""
    if stored.id is None:
        session.add(stored)
        session.flush()
    assert stored.id is not None
    for key, text in sections.items():
        if key in stored.edited:
            continue
        previous = getattr(stored, key)
        if previous and previous != text and previous != _newest_revision_text(session, owner, stored.id, key):
            session.add(
                PrepRevision(owner=owner, owner_id=stored.id, section=key, text=previous, replaced_by="regenerate")
            )
        setattr(stored, key, text)
    stored.updated_at = utcnow()
    session.add(stored)


def _newest_revision_text(session: Session, owner: str, owner_id: int, key: str) -> str | None:
    return session.exec(
        select(PrepRevision.text)
        .where(PrepRevision.owner == owner, PrepRevision.owner_id == owner_id, PrepRevision.section == key)
        .order_by(col(PrepRevision.id).desc())
        .limit(1)
    ).first()


# ----------------------------------------------------------------------------- prompt inputs
def rendered_bullets(session: Session, candidate_id: int) -> str:
    """The resume as the model reads it: one bullet a line, with the project behind it."""
    rows = session.exec(
        select(ResumeBullet, ExperienceProject)
        .join(ExperienceProject, col(ExperienceProject.id) == col(ResumeBullet.project_id))
        .where(ExperienceProject.candidate_id == candidate_id)
        .order_by(col(ExperienceProject.position), col(ExperienceProject.id), col(ResumeBullet.position))
    )
    return "\n".join(f"- {bullet.text} (project: {project.name})" for bullet, project in rows)


def projects_json(session: Session, candidate_id: int) -> list[dict[str, Any]]:
    """The resume projects as structured data, each with its bullets."""
    projects = session.exec(
        select(ExperienceProject)
        .where(ExperienceProject.candidate_id == candidate_id)
        .order_by(col(ExperienceProject.position), col(ExperienceProject.id))
    ).all()
    bullets: dict[int, list[str]] = {}
    for bullet in session.exec(
        select(ResumeBullet)
        .where(col(ResumeBullet.project_id).in_([project.id for project in projects]))
        .order_by(col(ResumeBullet.position))
    ):
        bullets.setdefault(bullet.project_id, []).append(bullet.text)
    return [
        {
            "name": project.name,
            "company": project.company,
            "role": project.role,
            "period": project.period,
            "situation": project.situation,
            "actions": project.actions,
            "results": project.results,
            "metrics": project.metrics,
            "stack": project.stack,
            "decisions_and_tradeoffs": project.decisions,
            "bullets": bullets.get(project.id or 0, []),
        }
        for project in projects
    ]


def interview_facts(interview: Interview) -> dict[str, Any]:
    return {
        "round": interview.order,
        "name": interview.name,
        "kind": InterviewKind(interview.kind).label,
        "format": interview.format,
        "focus": interview.focus,
        "interviewers": interview.interviewers,
        "scheduled_at": interview.scheduled_at.isoformat() if interview.scheduled_at else None,
    }


def earlier_rounds_json(session: Session, interview: Interview) -> list[dict[str, Any]]:
    """The rounds before this one, as structured notes: what was asked, what came up, how it went."""
    rounds = session.exec(
        select(Interview)
        .where(Interview.job_id == interview.job_id, col(Interview.order) < interview.order)
        .order_by(col(Interview.order))
    ).all()
    preps = {
        prep.interview_id: prep
        for prep in session.exec(
            select(InterviewPrep).where(col(InterviewPrep.interview_id).in_([r.id for r in rounds]))
        )
    }
    earlier = []
    for earlier_round in rounds:
        prep = preps.get(earlier_round.id or 0)
        hits = match_questions(prep.predicted, earlier_round.questions_asked) if prep else []
        earlier.append(
            {
                "round": earlier_round.order,
                "name": earlier_round.name,
                "kind": InterviewKind(earlier_round.kind).label,
                "outcome": earlier_round.outcome,
                "notes": earlier_round.notes,
                "questions_asked": earlier_round.questions_asked,
                "predicted_that_came_up": [hit.predicted for hit in hits if hit.came_up],
                "predicted_that_did_not": [hit.predicted for hit in hits if not hit.came_up],
                "feedback": earlier_round.feedback,
                "ratings": {
                    name: getattr(earlier_round, name) for name in RATING_FIELDS if getattr(earlier_round, name)
                },
            }
        )
    return earlier


def research_text(session: Session, job_id: int) -> str:
    research = session.exec(select(CompanyResearch).where(CompanyResearch.job_id == job_id)).first()
    if research is None:
        return ""
    return "\n".join(
        f"{section['title']}: {claim['text']}"
        for section in research.brief.get("sections", [])
        if not section.get("private")
        for claim in section.get("claims", [])
    )


def base_text(base: PrepBase | None) -> str:
    if base is None:
        return ""
    return "\n\n".join(f"## {label}\n{getattr(base, key)}" for key, label in BASE_SECTIONS if getattr(base, key))


# ----------------------------------------------------------------------------- the bulk list
@dataclass(frozen=True)
class PrepTarget:
    """A job or an interview on the bulk page, with whether its prep exists."""

    id: int
    job_id: int
    label: str
    detail: str
    has_prep: bool


def _coming_first(interview: Interview, now: datetime) -> tuple[int, float]:
    """Rounds still to come first, the soonest on top; then pending ones with no date; then the rest
    (held or decided), the latest first: the ones worth preparing for lead the list."""
    when = interview.scheduled_at
    if when is not None and when.tzinfo is None:  # SQLite gives back UTC without its zone
        when = when.replace(tzinfo=UTC)
    pending = interview.outcome == RoundOutcome.PENDING.value
    if pending and when is not None and when >= now:
        return 0, when.timestamp()
    if pending and when is None:
        return 1, 0.0
    return 2, -(when.timestamp() if when is not None else 0.0)


def bulk_targets(
    session: Session, candidate_id: int, *, now: datetime | None = None
) -> tuple[list[PrepTarget], list[PrepTarget]]:
    """Jobs with interview rounds (base prep is for applications with interviews), and their
    rounds, the coming ones first."""
    rows = session.exec(
        select(Interview, Job)
        .join(Job, col(Job.id) == col(Interview.job_id))
        .where(Job.candidate_id == candidate_id)
        .order_by(col(Job.company), col(Job.id), col(Interview.order))
    ).all()
    job_ids = list(dict.fromkeys(job.id for _, job in rows if job.id is not None))
    with_base = set(session.exec(select(PrepBase.job_id).where(col(PrepBase.job_id).in_(job_ids))))
    with_prep = set(
        session.exec(
            select(InterviewPrep.interview_id).where(col(InterviewPrep.interview_id).in_([i.id for i, _ in rows]))
        )
    )
    jobs: dict[int, PrepTarget] = {}
    rounds: list[PrepTarget] = []
    moment = now or utcnow()
    for interview, job in sorted(rows, key=lambda row: _coming_first(row[0], moment)):
        assert job.id is not None
        assert interview.id is not None
        if job.id not in jobs:
            detail = "" if job.raw_jd_text.strip() else "no job description yet"
            jobs[job.id] = PrepTarget(job.id, job.id, f"{job.company} — {job.title}", detail, job.id in with_base)
        when = (
            local_moment(interview.scheduled_at, today=moment.astimezone().date())
            if interview.scheduled_at
            else "not scheduled"
        )
        if _coming_first(interview, moment)[0] == 2:
            when += " · past"
        rounds.append(
            PrepTarget(
                interview.id,
                job.id,
                f"{job.company}: {interview.order}. {interview.name}",
                f"{InterviewKind(interview.kind).label} · {when}",
                interview.id in with_prep,
            )
        )
    return list(jobs.values()), rounds
