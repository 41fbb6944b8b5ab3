"""Company research in three phases: SearXNG web results, SearXNG news, LLM synthesis.

A run is a `Task` (see services/tasks.py). The brief it writes replaces the previous
one only when it is complete and says something: a brief in which no claim cites a real
source (a small model's `{}` validates, every list defaulting to empty) is a failed run,
so a failed, empty or interrupted run never costs the user the brief they already had.
Every brief that becomes the job's research is kept as a `ResearchRevision`, its History,
from which an earlier one can be restored. With no language model configured a run waits
in the queue (the runner claims nothing), shown as "not set up" rather than as a failure.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from peregrine import db
from peregrine.config import UserProfile, user_profile
from peregrine.integrations.searxng import (
    SearchResult,
    SearxngClient,
    SearxngError,
    SearxngJsonDisabled,
    SearxngUnavailable,
)
from peregrine.llm.client import LLMClient, LLMUnavailable
from peregrine.llm.prompts.company_research import Claim, CompanyBrief, brief_schema, render_messages
from peregrine.models import CompanyResearch, Job, ResearchRevision, Task, utcnow
from peregrine.services import tasks
from peregrine.services.errors import NotFound
from peregrine.services.jobs import get_job
from peregrine.services.sanitize import clean_text, safe_url
from peregrine.services.task_events import task_changed

log = logging.getLogger("peregrine.research")

PHASE_WEB = "Searching the web"
PHASE_NEWS = "Reading the news"
PHASE_BRIEF = "Writing the brief"

#: Sections always shown, then the private ones (only with their profile flag).
SECTIONS: tuple[tuple[str, str], ...] = (
    ("overview", "Company overview"),
    ("leadership", "CEO and leadership"),
    ("talking_points", "Talking points for this role"),
)
PRIVATE_SECTIONS: tuple[tuple[str, str], ...] = (
    ("accessibility", "Inclusion and accessibility"),
    ("lgbtq_inclusion", "LGBTQIA+ inclusion"),
)
MAX_SOURCES = 16

#: What a queued run shows while no language model is configured: it waits, it has not failed.
NOT_SET_UP = "not_set_up"
#: Revisions listed in a job's research History, newest first.
REVISIONS_SHOWN = 20


class ResearchFailed(Exception):
    """A run that could not complete; the message is shown with a Retry."""


@dataclass(frozen=True)
class Source:
    number: int
    title: str
    url: str
    snippet: str
    published: str
    kind: str  # "web" or "news"


def queue_research_again(session: Session, job_id: int) -> Task:
    """The "Research again" button: a new run unless one is already queued or running."""
    return tasks.queue_task(session, tasks.TaskKind.COMPANY_RESEARCH, job_id)


def shown_status(status: str, *, llm_ready: bool) -> str:
    """The run's status as the user should read it: a queued run with no backend to run it is
    "not set up" (it starts by itself once one is configured)."""
    return NOT_SET_UP if status == tasks.TaskStatus.QUEUED.value and not llm_ready else status


def latest_brief(session: Session, job_id: int) -> CompanyResearch | None:
    return session.exec(select(CompanyResearch).where(CompanyResearch.job_id == job_id)).first()


def kept_claims(document: dict[str, Any]) -> int:
    """How many claims a stored brief holds, over all its sections."""
    return sum(len(section["claims"]) for section in document.get("sections", []))


def revisions_of(session: Session, job_id: int, *, candidate_id: int) -> list[ResearchRevision]:
    """The job's research History, newest first: the first is the brief shown now."""
    get_job(session, job_id, candidate_id=candidate_id)
    return list(
        session.exec(
            select(ResearchRevision)
            .where(ResearchRevision.job_id == job_id)
            .order_by(col(ResearchRevision.id).desc())
            .limit(REVISIONS_SHOWN)
        )
    )


def restore_revision(session: Session, revision_id: int, *, candidate_id: int) -> CompanyResearch:
    """Show an earlier brief again; the restore is itself a revision, so the History records it."""
    revision = session.get(ResearchRevision, revision_id)
    if revision is None:
        raise NotFound("That version of the research no longer exists.")
    get_job(session, revision.job_id, candidate_id=candidate_id)  # another candidate's: NotFound
    return _show_brief(session, revision.job_id, dict(revision.brief), revision.generated_at, made_by="restore")


def _show_brief(
    session: Session, job_id: int, brief: dict[str, Any], generated_at: datetime, *, made_by: str
) -> CompanyResearch:
    """Make `brief` the job's research, and record it in the History."""
    stored = latest_brief(session, job_id) or CompanyResearch(job_id=job_id)
    stored.brief = brief
    stored.generated_at = generated_at
    session.add(stored)
    session.add(ResearchRevision(job_id=job_id, brief=brief, generated_at=generated_at, made_by=made_by))
    session.flush()
    return stored


async def run_company_research(
    task_id: int,
    *,
    llm: LLMClient | None = None,
    search: SearxngClient | None = None,
    profile: UserProfile | None = None,
) -> bool:
    """Run one queued research task to the end; False if another worker had claimed it."""
    with db.session_scope() as session:
        if not tasks.claim_task(session, task_id):
            return False
        task = session.get(Task, task_id)
        job = session.get(Job, task.job_id) if task and task.job_id else None
        if job is None:
            tasks.fail_task(session, task_id, "The job of this research task no longer exists.")
            return True
        company, title, description = job.company, job.title, job.raw_jd_text
        job_id = job.id
    assert job_id is not None
    try:
        brief = await _research(
            task_id,
            company=company,
            title=title,
            description=description,
            llm=llm or LLMClient(),  # read llm.yaml afresh: an edited config applies on the next run
            search=search or SearxngClient(),
            profile=profile or user_profile(),
        )
    except (ResearchFailed, LLMUnavailable) as exc:
        _fail(task_id, str(exc))
        return True
    except Exception as exc:  # a bug must still end the task visibly, never as a spinner
        log.exception("research task %s crashed", task_id)
        _fail(task_id, f"Unexpected error: {exc}")
        return True
    with db.session_scope() as session:
        _show_brief(session, job_id, brief, utcnow(), made_by="research")
        tasks.finish_task(session, task_id)
    task_changed()
    return True


def _fail(task_id: int, message: str) -> None:
    with db.session_scope() as session:
        tasks.fail_task(session, task_id, message)
    task_changed()


def _phase(task_id: int, phase: str) -> None:
    with db.session_scope() as session:
        tasks.set_phase(session, task_id, phase)
    task_changed()


async def _research(
    task_id: int,
    *,
    company: str,
    title: str,
    description: str,
    llm: LLMClient,
    search: SearxngClient,
    profile: UserProfile,
) -> dict[str, Any]:
    _phase(task_id, PHASE_WEB)
    web = await _search(search, f'"{company}" company', limit=8)
    web += await _search(search, f"{company} CEO leadership", limit=6)
    _phase(task_id, PHASE_NEWS)
    news = await _search(search, company, categories="news", limit=8)
    sources = number_sources(web, news)
    if not sources:
        raise ResearchFailed(f"SearXNG found nothing about {company}; check its engines, then retry.")

    _phase(task_id, PHASE_BRIEF)
    messages = render_messages(
        company=company,
        title=title,
        job_description=description,
        numbered_sources=[f"[{s.number}] {s.title} ({s.url}) {s.published}\n{s.snippet}" for s in sources],
        accessibility=profile.candidate_accessibility_focus,
        lgbtq=profile.candidate_lgbtq_focus,
    )
    schema = brief_schema(accessibility=profile.candidate_accessibility_focus, lgbtq=profile.candidate_lgbtq_focus)
    document = brief_document(await llm.structured(schema, messages), sources, profile)
    if not kept_claims(document):
        found = "the source found" if len(sources) == 1 else f"the {len(sources)} sources found"
        raise ResearchFailed(
            f"The language model's brief said nothing: none of its claims cited {found}. "
            "Any earlier brief is kept; retry, or try a larger model."
        )
    return document


async def _search(search: SearxngClient, query: str, **options: Any) -> list[SearchResult]:
    try:
        return await search.search(query, **options)
    except (SearxngUnavailable, SearxngJsonDisabled, SearxngError) as exc:
        raise ResearchFailed(str(exc)) from exc


def number_sources(web: list[SearchResult], news: list[SearchResult]) -> list[Source]:
    """Number the results once (web first, then news), dropping duplicates and unsafe URLs."""
    seen: set[str] = set()
    sources: list[Source] = []
    for kind, results in (("web", web), ("news", news)):
        for result in results:
            url = safe_url(result.url)
            if url is None or url in seen or len(sources) >= MAX_SOURCES:
                continue
            seen.add(url)
            sources.append(
                Source(
                    number=len(sources) + 1,
                    title=clean_text(result.title) or url,
                    url=url,
                    snippet=clean_text(result.content),
                    published=result.published.date().isoformat() if result.published else "",
                    kind=kind,
                )
            )
    return sources


def brief_document(brief: CompanyBrief, sources: list[Source], profile: UserProfile) -> dict[str, Any]:
    """What is stored and shown: sanitized claims, each with the sources it really cites."""
    by_number = {source.number: source for source in sources}

    def claims(items: list[Claim]) -> list[dict[str, Any]]:
        kept = []
        for claim in items:
            cited = [number for number in dict.fromkeys(claim.sources) if number in by_number]
            text = clean_text(claim.text)
            if cited and text:
                kept.append({"text": text, "sources": cited})
        return kept

    sections = [
        {"key": key, "title": label, "private": False, "claims": claims(getattr(brief, key))} for key, label in SECTIONS
    ]
    wanted = {"accessibility": profile.candidate_accessibility_focus, "lgbtq_inclusion": profile.candidate_lgbtq_focus}
    sections += [
        {"key": key, "title": label, "private": True, "claims": claims(getattr(brief, key, []))}
        for key, label in PRIVATE_SECTIONS
        if wanted[key]
    ]
    return {"sections": sections, "sources": [asdict(source) for source in sources]}
