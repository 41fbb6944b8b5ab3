"""Interview preparation: base prep per job, prep per interview, generated as tasks, section by section.

Each generation is a `Task` run by the task runner, so it survives a page being closed and a
restart. A prep is made one section after another (`llm.prompts.sections`): each section is its own
call with its own schema and `max_tokens`, its prompt trimmed to the model's window (`llm.budget`),
and it is saved and announced as soon as it is written, so the open page shows it at once. A
section that fails keeps its previous text, records its reason beside it and can be retried alone;
the others are kept. An answer under a section's minimum is such a failure, never a success.

A regenerate never overwrites a section the user edited by hand unless they chose to replace their
edits, and whatever it replaces is kept as a revision. The progress line names the section being
written; it never comes from a partial answer.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from string import Template
from typing import Any, Literal

from sqlmodel import Session, col, select

from peregrine import db
from peregrine.config import UserProfile, user_profile
from peregrine.domain.dates import local_moment
from peregrine.domain.interviews import InterviewKind, RoundOutcome
from peregrine.llm.budget import RETRY_TOKENS, PromptInput, fit_inputs
from peregrine.llm.client import LLMClient, LLMUnavailable
from peregrine.llm.prompts import base_prep, interview_prep, output_tokens
from peregrine.llm.prompts.sections import SectionPrompt, render_messages
from peregrine.models import Interview, InterviewPrep, Job, PrepBase, PrepRevision, Task, utcnow
from peregrine.services import prep_inputs, tasks
from peregrine.services.errors import InvalidInput, NotFound
from peregrine.services.prep_inputs import projects_json as projects_json  # the survey's answers read them too
from peregrine.services.prep_render import section_markdown
from peregrine.services.task_events import task_changed

log = logging.getLogger("peregrine.prep")

Owner = Literal["base", "interview"]
_BASE_TITLES = {section.key: section.title for section in base_prep.SECTIONS}
#: The base prep's sections in the order the page shows them (they are written drivers first).
BASE_SECTIONS: tuple[tuple[str, str], ...] = tuple(
    (key, _BASE_TITLES[key]) for key in ("formatted_jd", "company_context", "primary_drivers", "background_narrative")
)
INTERVIEW_SECTIONS: tuple[tuple[str, str], ...] = tuple(
    (section.key, section.title) for section in interview_prep.SECTIONS
)
PHASE_BASE = "Writing the base preparation"
PHASE_INTERVIEW = "Writing the interview preparation"
#: A section's markdown shorter than this is an empty answer: a failure, not a success.
MIN_SECTION_CHARS = 20
#: A prompt whose window leaves fewer tokens than this for the job's details is not sent.
MIN_ROOM_TOKENS = 120


class PrepFailed(Exception):
    """A generation that could not run; the message is shown with a Retry."""


class SectionFailed(Exception):
    """One section that could not be written; the message is shown beside it with its Retry."""


# ----------------------------------------------------------------------------- reading
def base_of(session: Session, job_id: int) -> PrepBase | None:
    return session.exec(select(PrepBase).where(PrepBase.job_id == job_id)).first()


def prep_of(session: Session, interview_id: int) -> InterviewPrep | None:
    return session.exec(select(InterviewPrep).where(InterviewPrep.interview_id == interview_id)).first()


# ----------------------------------------------------------------------------- queueing
def queue_base_prep(
    session: Session, job_id: int, *, replace_edits: bool = False, sections: Sequence[str] = ()
) -> Task:
    """Queue base prep for a job (only `sections` when given: a section's Retry); with
    `replace_edits`, hand-edited sections are regenerated too."""
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(f"Job {job_id} was not found.")
    _require_description(job)
    _check_keys(sections, BASE_SECTIONS)
    existing = base_of(session, job_id)
    if replace_edits and existing is not None:
        _release_edits(session, "base", existing, sections)
    return tasks.queue_task(session, tasks.TaskKind.BASE_PREP, job_id, sections=sections)


def queue_interview_prep(
    session: Session, interview_id: int, *, replace_edits: bool = False, sections: Sequence[str] = ()
) -> Task:
    """Queue prep for one interview (only `sections` when given). A whole run first writes the base
    prep's sections that have no text yet."""
    interview = session.get(Interview, interview_id)
    if interview is None:
        raise NotFound(f"Interview {interview_id} was not found.")
    job = session.get(Job, interview.job_id)
    assert job is not None
    if not _has_text(base_of(session, job.id or 0), BASE_SECTIONS):
        _require_description(job)
    _check_keys(sections, INTERVIEW_SECTIONS)
    existing = prep_of(session, interview_id)
    if replace_edits and existing is not None:
        _release_edits(session, "interview", existing, sections)
    return tasks.queue_task(session, tasks.TaskKind.INTERVIEW_PREP, interview.job_id, interview_id, sections=sections)


def _check_keys(sections: Sequence[str], spec: tuple[tuple[str, str], ...]) -> None:
    unknown = set(sections) - {key for key, _ in spec}
    if unknown:
        raise InvalidInput(f"Unknown section {sorted(unknown)[0]!r}.")


def _has_text(stored: PrepBase | InterviewPrep | None, spec: tuple[tuple[str, str], ...]) -> bool:
    return stored is not None and any(getattr(stored, key) for key, _ in spec)


def _release_edits(session: Session, owner: Owner, stored: PrepBase | InterviewPrep, sections: Sequence[str]) -> None:
    """The user chose to regenerate over their edits (of `sections`, or all): keep each edited text
    as a revision first."""
    assert stored.id is not None
    released = [key for key in stored.edited if not sections or key in sections]
    for key in released:
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
    stored.edited = [key for key in stored.edited if key not in released]
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
    claimed = _claim(task_id)
    if claimed is None:
        return False
    job_id, _, only = claimed
    plan = _base_plan(job_id, profile or user_profile())
    return await _guarded(task_id, functools.partial(_write_sections, task_id, plan, llm or LLMClient(), only))


async def run_interview_prep(task_id: int, *, llm: LLMClient | None = None, profile: UserProfile | None = None) -> bool:
    """Run one queued interview-prep task; a whole run first writes the base sections that have no
    text yet (when the job has a description). False if already claimed."""
    claimed = _claim(task_id)
    if claimed is None:
        return False
    job_id, interview_id, only = claimed
    client, who = llm or LLMClient(), profile or user_profile()

    async def both() -> list[str]:
        failed: list[str] = []
        if not only:
            with db.session_scope() as session:
                job = session.get(Job, job_id or 0)
                base = base_of(session, job_id or 0)
                blank = [key for key, _ in BASE_SECTIONS if base is None or not getattr(base, key)]
                described = job is not None and bool(job.raw_jd_text.strip())
            if blank and described:
                failed += await _write_sections(task_id, _base_plan(job_id, who), client, blank)
        failed += await _write_sections(task_id, _interview_plan(interview_id, who), client, only)
        return failed

    return await _guarded(task_id, both)


def _claim(task_id: int) -> tuple[int | None, int | None, list[str]] | None:
    """Mark the task running: its job, interview and the sections it makes (empty: all); None if
    another worker had claimed it."""
    with db.session_scope() as session:
        if not tasks.claim_task(session, task_id):
            return None
        task = session.get(Task, task_id)
        claimed = (task.job_id, task.interview_id, list(task.sections)) if task else (None, None, [])
    task_changed()
    return claimed


async def _guarded(task_id: int, work: Callable[[], Awaitable[list[str]]]) -> bool:
    try:
        failed = await work()
    except (PrepFailed, LLMUnavailable, NotFound, InvalidInput) as exc:
        tasks.announce_end(task_id, str(exc))
        return True
    except Exception as exc:  # a bug must still end the task visibly, never as a spinner
        log.exception("prep task %s crashed", task_id)
        tasks.announce_end(task_id, f"Unexpected error: {exc}")
        return True
    tasks.announce_end(
        task_id,
        f"Not every section could be written ({', '.join(failed)}): each says why, with Retry this section."
        if failed
        else None,
    )
    return True


@dataclass(frozen=True)
class _Kind:
    """What base prep and round prep each have: the progress line's start, the sections, the prompts."""

    phase: str
    prompts: tuple[SectionPrompt, ...]
    system: Template
    headings: Mapping[str, str]


_KINDS: dict[Owner, _Kind] = {
    "base": _Kind(PHASE_BASE, base_prep.SECTIONS, base_prep.SYSTEM, base_prep.HEADINGS),
    "interview": _Kind(PHASE_INTERVIEW, interview_prep.SECTIONS, interview_prep.SYSTEM, interview_prep.HEADINGS),
}


@dataclass(frozen=True)
class _Plan:
    """One base prep or round prep, as the writer of its sections needs it."""

    owner: Owner
    candidate: str
    #: The stored prep (None before its first section), and a new one.
    row: Callable[[Session], PrepBase | InterviewPrep | None]
    new_row: Callable[[], PrepBase | InterviewPrep]
    #: The prompt's fixed intro and its variable inputs, read again for each section: the drivers
    #: written a moment ago are an input of the sections after them.
    read: Callable[[Session], tuple[str, dict[str, PromptInput]]]

    @property
    def kind(self) -> _Kind:
        return _KINDS[self.owner]


def _inputs(*parts: PromptInput) -> dict[str, PromptInput]:
    return {part.name: part for part in parts}


def _base_plan(job_id: int | None, profile: UserProfile) -> _Plan:
    def read(session: Session) -> tuple[str, dict[str, PromptInput]]:
        job = session.get(Job, job_id or 0)
        if job is None:
            raise PrepFailed("The job of this preparation no longer exists.")
        _require_description(job)
        intro = base_prep.INTRO.substitute(
            title=job.title,
            company=job.company,
            location=job.location or "location not given",
            candidate=profile.name,
            headline=profile.headline or "(no headline)",
        )
        return intro, _inputs(
            prep_inputs.description_input(job),
            prep_inputs.projects_input(session, job.candidate_id, relevant_to=job.raw_jd_text),
            prep_inputs.research_input(session, job.id or 0),
            prep_inputs.drivers_input(base_of(session, job.id or 0)),
        )

    return _Plan(
        "base", profile.name, lambda session: base_of(session, job_id or 0), lambda: PrepBase(job_id=job_id or 0), read
    )


def _interview_plan(interview_id: int | None, profile: UserProfile) -> _Plan:
    def read(session: Session) -> tuple[str, dict[str, PromptInput]]:
        interview = session.get(Interview, interview_id or 0)
        job = session.get(Job, interview.job_id) if interview else None
        if interview is None or job is None:
            raise PrepFailed("The interview of this preparation no longer exists.")
        intro = interview_prep.INTRO.substitute(
            title=job.title, company=job.company, interview=prep_inputs.interview_facts(interview)
        )
        return intro, _inputs(
            prep_inputs.base_prep_input(base_of(session, job.id or 0)),
            prep_inputs.projects_input(session, job.candidate_id, relevant_to=f"{job.raw_jd_text}\n{interview.focus}"),
            prep_inputs.earlier_rounds_input(session, interview),
        )

    return _Plan(
        "interview",
        profile.name,
        lambda session: prep_of(session, interview_id or 0),
        lambda: InterviewPrep(interview_id=interview_id or 0),
        read,
    )


async def _write_sections(task_id: int, plan: _Plan, llm: LLMClient, only: Sequence[str]) -> list[str]:
    """Write the plan's sections (`only` those, when given), one call after another, each saved and
    announced as it is done; a section the user edited is left alone. The titles of those that failed."""
    with db.session_scope() as session:
        stored = plan.row(session)
        edited = set(stored.edited) if stored is not None else set()
    todo = [section for section in plan.kind.prompts if (not only or section.key in only) and section.key not in edited]
    failed: list[str] = []
    for number, section in enumerate(todo, start=1):
        tasks.announce_phase(task_id, f"{plan.kind.phase}: {section.title.lower()} ({number} of {len(todo)})")
        notice = ""
        try:
            with db.session_scope() as session:
                intro, inputs = plan.read(session)
            messages, notice = _fitted_messages(llm, plan, section, intro, inputs)
            answer = await llm.structured(section.schema, messages)
            text = section_markdown(section.key, answer)
            if len(text) < MIN_SECTION_CHARS:
                raise SectionFailed(
                    f"The answer was next to empty ({len(text)} characters of text), so it was not kept."
                )
        except (SectionFailed, LLMUnavailable) as exc:
            if isinstance(exc, LLMUnavailable) and exc.nothing_configured:
                raise  # no section could be written: the run fails as a whole, with the way to Settings
            log.warning("prep task %s: section %s failed: %s", task_id, section.key, exc)
            _save_section(plan, section.key, notice, error=str(exc))
            failed.append(section.title)
        else:
            _save_section(plan, section.key, notice, text=text, answer=answer)
    return failed


def _fitted_messages(
    llm: LLMClient, plan: _Plan, section: SectionPrompt, intro: str, inputs: Mapping[str, PromptInput]
) -> tuple[list[dict[str, str]], str]:
    """The section's messages with its inputs trimmed to the tightest window, and what was left out."""

    def messages(texts: Mapping[str, str]) -> list[dict[str, str]]:
        system = plan.kind.system.substitute(candidate=plan.candidate)
        return render_messages(system=system, intro=intro, headings=plan.kind.headings, section=section, texts=texts)

    answer_tokens = output_tokens(section.schema)
    room = llm.prompt_room(section.schema, messages({}), max_tokens=answer_tokens)
    details = room.tokens - RETRY_TOKENS if room is not None else None
    if room is not None and details is not None and details < MIN_ROOM_TOKENS:
        raise SectionFailed(
            f"Not sent: the window of backend “{room.backend}” is {room.window:,} tokens (context_tokens), and this "
            f"section's instructions, its answer ({answer_tokens:,} tokens) and room for one retry leave "
            f"{max(details, 0):,} for the job's details. Give the model a larger window (for Ollama, num_ctx)."
        )
    fitted = fit_inputs([inputs[name] for name in section.inputs], details)
    return messages(fitted.texts), fitted.notice(room)


def _save_section(
    plan: _Plan, key: str, notice: str, *, text: str | None = None, error: str = "", answer: Any = None
) -> None:
    """Store one section's outcome: its new text (the old one kept as a revision) or why it failed
    (its text stays), and what its prompt left out."""
    with db.session_scope() as session:
        stored = plan.row(session) or plan.new_row()
        if stored.id is None:
            session.add(stored)
            session.flush()
        if key in stored.edited:  # edited while the model wrote it: the user's text wins
            return
        if text is None:
            stored.section_errors = {**stored.section_errors, key: error}
        else:
            _replace_generated(session, plan.owner, stored, key, text)
            stored.section_errors = {name: why for name, why in stored.section_errors.items() if name != key}
            if isinstance(stored, InterviewPrep) and isinstance(answer, interview_prep.PredictedQuestions):
                stored.predicted = [item.question for item in answer.questions]
            stored.generated_at = utcnow()
        others = {name: said for name, said in stored.left_out.items() if name != key}
        stored.left_out = {**others, key: notice} if notice else others
        stored.updated_at = utcnow()
        session.add(stored)
    task_changed()


def _replace_generated(session: Session, owner: Owner, stored: PrepBase | InterviewPrep, key: str, text: str) -> None:
    """Write a freshly generated section, keeping the text it replaces as a revision."""
    assert stored.id is not None
    previous = getattr(stored, key)
    if previous and previous != text and previous != _newest_revision_text(session, owner, stored.id, key):
        session.add(PrepRevision(owner=owner, owner_id=stored.id, section=key, text=previous, replaced_by="regenerate"))
    setattr(stored, key, text)


def _newest_revision_text(session: Session, owner: str, owner_id: int, key: str) -> str | None:
    return session.exec(
        select(PrepRevision.text)
        .where(PrepRevision.owner == owner, PrepRevision.owner_id == owner_id, PrepRevision.section == key)
        .order_by(col(PrepRevision.id).desc())
        .limit(1)
    ).first()


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
