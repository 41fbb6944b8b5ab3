"""What a prep prompt reads, as `llm.budget` inputs: ranked, in blocks, ready to be trimmed to a window.

- the job description and the company research are text, cut at a line when the window is short;
- the resume projects are whole blocks, the most relevant to the job first (the content words they
  share with the description, `budget.rank_by_overlap`);
- the earlier rounds are whole blocks, the latest first: the last round's notes say most about the next;
- the base prep, as the round prep reads it: the drivers first, the long job description last, so a
  short window cuts the description rather than the drivers.
"""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, col, select

from peregrine.domain.interviews import RATING_FIELDS, InterviewKind
from peregrine.domain.question_match import match_questions
from peregrine.llm.budget import PromptInput, rank_by_overlap
from peregrine.models import CompanyResearch, ExperienceProject, Interview, InterviewPrep, Job, PrepBase, ResumeBullet

#: The base prep's sections in the order a round's prompt reads them (see the module's docstring).
_BASE_FOR_ROUNDS: tuple[tuple[str, str], ...] = (
    ("primary_drivers", "Callback drivers"),
    ("company_context", "Company and product"),
    ("background_narrative", "Your background narrative"),
    ("formatted_jd", "Job description"),
)
_PROJECT_FIELDS: tuple[tuple[str, str], ...] = (
    ("situation", "Situation"),
    ("actions", "Actions"),
    ("results", "Results"),
    ("metrics", "Metrics"),
    ("decisions_and_tradeoffs", "Decisions and trade-offs"),
)


def projects_json(session: Session, candidate_id: int) -> list[dict[str, Any]]:
    """The resume projects as structured data, each with its bullets, in the resume's order."""
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


def _project_block(project: dict[str, Any]) -> str:
    where = ", ".join(str(project[key]) for key in ("role", "company", "period") if project[key])
    lines = [f"Project: {project['name']}" + (f" ({where})" if where else "")]
    lines += [f"{label}: {project[key]}" for key, label in _PROJECT_FIELDS if project[key]]
    if project["stack"]:
        lines.append("Stack: " + ", ".join(project["stack"]))
    lines += [f"- {bullet}" for bullet in project["bullets"]]
    return "\n".join(lines)


def projects_input(session: Session, candidate_id: int, *, relevant_to: str) -> PromptInput:
    """The resume projects, the ones sharing the most words with `relevant_to` first."""
    blocks = [_project_block(project) for project in projects_json(session, candidate_id)]
    ranked = [blocks[index] for index in rank_by_overlap(blocks, relevant_to)]
    return PromptInput("projects", ranked, "projects", weight=3, order="the most relevant to the job first")


def description_input(job: Job) -> PromptInput:
    return PromptInput("job_description", [job.raw_jd_text.strip()], "the job description", weight=3, whole=False)


def research_input(session: Session, job_id: int) -> PromptInput:
    """The research brief's public claims, one a line."""
    research = session.exec(select(CompanyResearch).where(CompanyResearch.job_id == job_id)).first()
    lines = [
        f"{section['title']}: {claim['text']}"
        for section in (research.brief.get("sections", []) if research else [])
        if not section.get("private")
        for claim in section.get("claims", [])
    ]
    return PromptInput("research", ["\n".join(lines)] if lines else [], "the company research", weight=1.5, whole=False)


def drivers_input(base: PrepBase | None) -> PromptInput:
    drivers = base.primary_drivers if base is not None else ""
    return PromptInput("drivers", [drivers] if drivers else [], "the callback drivers", whole=False)


def base_prep_input(base: PrepBase | None) -> PromptInput:
    parts = [f"## {label}\n{getattr(base, key)}" for key, label in _BASE_FOR_ROUNDS if base and getattr(base, key)]
    return PromptInput(
        "base_prep", ["\n\n".join(parts)] if parts else [], "the base preparation", weight=3, whole=False
    )


def interview_facts(interview: Interview) -> str:
    """The round's own facts, one compact JSON line (always sent whole)."""
    facts = {
        "round": interview.order,
        "name": interview.name,
        "kind": InterviewKind(interview.kind).label,
        "format": interview.format,
        "focus": interview.focus,
        "interviewers": interview.interviewers,
        "scheduled_at": interview.scheduled_at.isoformat() if interview.scheduled_at else None,
    }
    return json.dumps(facts, ensure_ascii=False, separators=(", ", ": "))


def earlier_rounds_input(session: Session, interview: Interview) -> PromptInput:
    """The rounds before this one, the latest first: what was asked, what came up, how it went."""
    rounds = session.exec(
        select(Interview)
        .where(Interview.job_id == interview.job_id, col(Interview.order) < interview.order)
        .order_by(col(Interview.order).desc())
    ).all()
    preps = {
        prep.interview_id: prep
        for prep in session.exec(
            select(InterviewPrep).where(col(InterviewPrep.interview_id).in_([r.id for r in rounds]))
        )
    }
    blocks = []
    for earlier in rounds:
        prep = preps.get(earlier.id or 0)
        hits = match_questions(prep.predicted, earlier.questions_asked) if prep else []
        ratings = ", ".join(f"{name} {getattr(earlier, name)}" for name in RATING_FIELDS if getattr(earlier, name))
        lines = [
            f"Round {earlier.order}: {earlier.name} ({InterviewKind(earlier.kind).label}), outcome: {earlier.outcome}",
            f"Notes: {earlier.notes}" if earlier.notes else "",
            "Questions asked: " + " | ".join(earlier.questions_asked) if earlier.questions_asked else "",
            "Predicted that came up: " + " | ".join(h.predicted for h in hits if h.came_up) if hits else "",
            "Predicted that did not: " + " | ".join(h.predicted for h in hits if not h.came_up) if hits else "",
            f"Feedback: {earlier.feedback}" if earlier.feedback else "",
            f"Ratings: {ratings}" if ratings else "",
        ]
        blocks.append("\n".join(line for line in lines if line))
    return PromptInput("earlier_rounds", blocks, "earlier rounds", weight=2, order="the latest first")
