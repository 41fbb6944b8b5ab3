"""`PrepState`: what the prep page and the reference sheet show, and what their buttons do.

It reads one job's base prep and one interview's prep with their runs (following a run until it
ends), the hit rates of predicted questions, and the condensed sheet; it queues generations (asking
first over hand edits), saves edits and restores revisions. A service's refusal is not caught here:
it reaches `pages.errors.show_error`, which shows it as a toast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import reflex as rx

from peregrine import db, routes
from peregrine.config import user_profile
from peregrine.domain.dates import as_utc, day_label, local_moment
from peregrine.domain.interviews import InterviewKind
from peregrine.domain.question_match import parse_questions
from peregrine.llm.settings import llm_configured
from peregrine.models import Interview, InterviewPrep, PrepBase
from peregrine.pages.practice import PracticeState
from peregrine.pages.routed_job import job_of_route
from peregrine.pages.state import AppState
from peregrine.pages.task_watch import follow_tasks
from peregrine.services import interviews, prep, prep_sections, task_runner, tasks
from peregrine.services import jobs as job_service
from peregrine.services.errors import ServiceError
from peregrine.services.prep_render import reference_lines
from peregrine.services.sanitize import clean_markdown
from peregrine.services.tasks import ACTIVE, TaskProgress, progress_of


@dataclass(frozen=True)
class InterviewOption:
    value: str
    label: str


@dataclass(frozen=True)
class SectionDoc:
    owner: str
    owner_id: int
    key: str
    title: str
    markdown: str
    edited: bool
    #: Why its last generation failed ("" when it did not): shown with Retry this section.
    error: str = ""
    #: What its prompt left out to fit the model's window ("3 of 9 projects sent; …").
    left_out: str = ""


@dataclass(frozen=True)
class RevisionLine:
    id: int
    when: str
    why: str
    text: str


@dataclass(frozen=True)
class HitLine:
    predicted: str
    asked: str
    came_up: bool


@dataclass(frozen=True)
class HistoryPoint:
    label: str
    percent: int


@dataclass(frozen=True)
class SheetBlock:
    title: str
    lines: list[str]


def _sections(owner: str, row: PrepBase | InterviewPrep | None, spec: tuple[tuple[str, str], ...]) -> list[SectionDoc]:
    if row is None or row.id is None:
        return []
    return [
        SectionDoc(
            owner,
            row.id,
            key,
            title,
            getattr(row, key),
            key in row.edited,
            row.section_errors.get(key, ""),
            row.left_out.get(key, ""),
        )
        for key, title in spec
    ]


def _option_label(interview: Interview) -> str:
    today = datetime.now().astimezone().date()
    when = f" · {day_label(as_utc(interview.scheduled_at).astimezone(), today=today)}" if interview.scheduled_at else ""
    return f"{interview.order}. {interview.name} ({InterviewKind(interview.kind).label}){when}"


class PrepState(AppState):
    found: bool = False
    missing_message: str = ""
    paid: bool = True
    #: A language model is configured: Generate, Regenerate and Retry are on.
    llm_ready: bool = True
    job_label: str = ""
    job_link: str = ""
    #: This view's own address, and its reference sheet's (the same interview).
    prep_link: str = ""
    sheet_link: str = ""
    options: list[InterviewOption] = []
    selected: str = ""
    selected_label: str = ""
    interview_message: str = ""
    base: list[SectionDoc] = []
    base_run: TaskProgress = TaskProgress()
    interview: list[SectionDoc] = []
    interview_run: TaskProgress = TaskProgress()
    # editing one section
    editing: str = ""  # "owner:key"
    draft: str = ""
    preview: str = ""
    edit_error: str = ""
    # a regenerate over hand edits
    confirm_open: bool = False
    confirm_target: str = ""
    confirm_sections: str = ""
    # history of one section
    history_open: bool = False
    history_title: str = ""
    revisions: list[RevisionLine] = []
    # after the round
    asked_draft: str = ""
    hits: list[HitLine] = []
    hit_summary: str = ""
    over_time: list[HistoryPoint] = []
    over_time_summary: str = ""
    # the reference sheet
    sheet: list[SheetBlock] = []
    _job: int = 0
    _interview: int = 0
    _watching: bool = False

    @rx.event
    async def load(self) -> Any:
        self.found, self.editing, self.confirm_open, self.history_open = False, "", False, False
        self.paid = user_profile().paid
        self.llm_ready = llm_configured()
        try:
            routed = job_of_route(str(self.job_id), self)  # the route argument of /applications/[job_id]/…
        except ServiceError as exc:
            self.missing_message = str(exc)
            return None
        with db.session_scope() as session:
            rounds = interviews.rounds_of(session, routed.id)
        self._job, self.job_label, self.job_link = routed.id, routed.label, routed.link
        self.options = [InterviewOption(str(r.id), _option_label(r)) for r in rounds]
        self._interview, self.interview_message = self._chosen(rounds)
        self.selected = str(self._interview) if self._interview else ""
        self.prep_link = routes.prep_url(self._job, self.selected or None)
        self.sheet_link = routes.prep_sheet_url(self._job, self.selected)
        self.selected_label = next((o.label for o in self.options if o.value == self.selected), "")
        self.found = True
        practice = await self.get_state(PracticeState)
        practice._open_for(self._interview, self.selected_label)
        return self._refresh()

    def _chosen(self, rounds: list[Interview]) -> tuple[int, str]:
        """The interview of `?interview_id=`, else the next one coming up; a message for a bad id."""
        asked = self.router.url.query_parameters.get("interview_id", "")
        if asked:
            match = next((r for r in rounds if str(r.id) == asked), None)
            if match is not None and match.id is not None:
                return match.id, ""
            message = f"Interview “{asked}” is not one of this job's interviews"
            return 0, message + (": choose one below." if rounds else ".")
        upcoming = [r for r in rounds if r.outcome == "pending"] or rounds
        return (upcoming[0].id or 0, "") if upcoming else (0, "")

    def _refresh(self, *, with_hits: bool = True) -> Any:
        """Read the prep, the runs and (unless only following a run) the hit rates; keep watching
        while a run is going."""
        with db.session_scope() as session:
            base = prep.base_of(session, self._job)
            self.base = _sections("base", base, prep.BASE_SECTIONS)
            self.base_run = progress_of(tasks.latest_task(session, tasks.TaskKind.BASE_PREP, self._job))
            interview_prep = prep.prep_of(session, self._interview) if self._interview else None
            self.interview = _sections("interview", interview_prep, prep.INTERVIEW_SECTIONS)
            run = (
                tasks.latest_task(session, tasks.TaskKind.INTERVIEW_PREP, self._job, self._interview)
                if self._interview
                else None
            )
            self.interview_run = progress_of(run)
            if with_hits:
                self._read_hits(session, interview_prep)
        self.sheet = self._sheet()
        return PrepState.watch if self._running() else None

    def _running(self) -> bool:
        return self.base_run.status in ACTIVE or self.interview_run.status in ACTIVE

    def _read_hits(self, session: Any, interview_prep: InterviewPrep | None) -> None:
        interview = session.get(Interview, self._interview) if self._interview else None
        self.hits, self.hit_summary = [], ""
        if interview is not None:
            self.asked_draft = "\n".join(interview.questions_asked)
            report = prep_sections.round_hits(session, interview, interview_prep)
            self.hits = [HitLine(h.predicted, h.asked or "", h.came_up) for h in report.hits if report.asked]
            if report.rate is not None:
                came = sum(h.came_up for h in report.hits)
                self.hit_summary = f"{came} of {len(report.hits)} predicted questions came up ({report.rate:.0%})."
        job = job_service.get_job(session, self._job)
        history = prep_sections.hit_history(session, job.candidate_id)
        self.over_time = [HistoryPoint(h.label, round((h.rate or 0) * 100)) for h in history[-8:]]
        predicted = sum(len(h.hits) for h in history)
        came_up = sum(hit.came_up for h in history for hit in h.hits)
        self.over_time_summary = (
            f"Across {len(history)} rounds: {came_up} of {predicted} predicted questions came up "
            f"({came_up / predicted:.0%})."
            if predicted
            else ""
        )

    def _sheet(self) -> list[SheetBlock]:
        wanted = {"primary_drivers", "background_narrative", "predicted_questions", "interviewer_questions"}
        wanted |= {"resume_defense_prep"}
        blocks = [
            SheetBlock(section.title, reference_lines(section.markdown, limit=8))
            for section in [*self.base, *self.interview]
            if section.key in wanted and section.markdown
        ]
        return [block for block in blocks if block.lines]

    @rx.event(background=True)
    async def watch(self) -> None:
        await follow_tasks(self, self._still_running)

    def _still_running(self) -> bool:
        # Progress ticks come several times a second: the candidate-wide hit rates are read once,
        # at the end, when the new prep's predictions can change them.
        self._refresh(with_hits=False)
        running = self._running()
        if not running:
            self._refresh()
        return running

    # ------------------------------------------------------------------ choosing the interview
    @rx.event
    def choose(self, value: str) -> Any:
        """Switch interviews through the URL, so the view is always the deep link's view."""
        return rx.redirect(routes.prep_url(self._job, value))

    # ------------------------------------------------------------------ generating
    @rx.event
    def generate(self, target: str) -> Any:
        """Generate or regenerate (over hand-edited sections, ask first); after a run that failed, Retry
        writes again only the sections that failed."""
        self.llm_ready = llm_configured()
        if not self.llm_ready:
            return None  # the buttons are off and the page says why: queue nothing that cannot run
        sections = self.base if target == "base" else self.interview
        run = self.base_run if target == "base" else self.interview_run
        failed = [section.key for section in sections if section.error]
        if run.status == tasks.TaskStatus.FAILED.value and failed:
            return self._queue(target, replace_edits=False, sections=failed)  # Retry: what failed, not the rest
        edited = [section.title for section in sections if section.edited]
        if edited:
            self.confirm_target, self.confirm_sections = target, ", ".join(edited)
            self.confirm_open = True
            return None
        return self._queue(target, replace_edits=False)

    @rx.event
    def confirm_regenerate(self, replace_edits: bool) -> Any:
        self.confirm_open = False
        # Queued by an event of its own: a refusal then reaches the error handler after the dialog closed.
        return PrepState.queue_confirmed(replace_edits)

    @rx.event
    def queue_confirmed(self, replace_edits: bool) -> Any:
        return self._queue(self.confirm_target, replace_edits=replace_edits)

    @rx.event
    def set_confirm_open(self, is_open: bool) -> None:
        self.confirm_open = is_open

    @rx.event
    def retry_section(self, target: str, key: str) -> Any:
        """Write one section again (a failed one), leaving the others as they are."""
        self.llm_ready = llm_configured()
        if not self.llm_ready:
            return None
        return self._queue(target, replace_edits=False, sections=[key])

    def _queue(self, target: str, *, replace_edits: bool, sections: Sequence[str] = ()) -> Any:
        with db.session_scope() as session:
            if target == "base":
                prep.queue_base_prep(session, self._job, replace_edits=replace_edits, sections=sections)
            else:
                prep.queue_interview_prep(session, self._interview, replace_edits=replace_edits, sections=sections)
        task_runner.wake()
        return self._refresh()

    # ------------------------------------------------------------------ editing
    def _section(self, owner: str, key: str) -> SectionDoc | None:
        return next((s for s in [*self.base, *self.interview] if s.owner == owner and s.key == key), None)

    @rx.event
    def start_edit(self, owner: str, key: str) -> None:
        section = self._section(owner, key)
        if section is not None:
            self.editing, self.draft, self.preview, self.edit_error = f"{owner}:{key}", section.markdown, "", ""

    @rx.event
    def set_draft(self, text: str) -> None:
        self.draft = text

    @rx.event
    def show_preview(self) -> None:
        self.preview = clean_markdown(self.draft)

    @rx.event
    def cancel_edit(self) -> None:
        self.editing, self.edit_error = "", ""

    @rx.event
    def save_edit(self) -> Any:
        owner, key = self.editing.split(":", 1)
        section = self._section(owner, key)
        if section is None:
            self.edit_error = "That section is gone; reload the page."
            return None
        try:
            with db.session_scope() as session:
                prep_sections.save_section(
                    session, "base" if owner == "base" else "interview", section.owner_id, key, self.draft
                )
        except ServiceError as exc:
            self.edit_error = str(exc)
            return None
        self.editing = ""
        self._refresh()
        return rx.toast.success(f"Saved {section.title}.")

    # ------------------------------------------------------------------ history
    @rx.event
    def open_history(self, owner: str, owner_id: int, key: str, title: str) -> None:
        with db.session_scope() as session:
            found = prep_sections.revisions_of(session, "base" if owner == "base" else "interview", owner_id, key)
            self.revisions = [
                RevisionLine(
                    r.id or 0,
                    local_moment(r.created_at),
                    ("your edit" if r.was_edited else "generated") + f", replaced by {r.replaced_by}",
                    r.text,
                )
                for r in found
            ]
        self.history_title, self.history_open = title, True

    @rx.event
    def set_history_open(self, is_open: bool) -> None:
        self.history_open = is_open

    @rx.event
    def restore(self, revision_id: int) -> Any:
        with db.session_scope() as session:
            prep_sections.restore_revision(session, revision_id)
        self.history_open = False
        self._refresh()
        return rx.toast.success("Restored; the text it replaced is in History.")

    # ------------------------------------------------------------------ after the round
    @rx.event
    def set_asked_draft(self, text: str) -> None:
        self.asked_draft = text

    @rx.event
    def save_asked(self) -> Any:
        with db.session_scope() as session:
            prep_sections.record_questions_asked(session, self._interview, parse_questions(self.asked_draft))
        self._refresh()
        return rx.toast.success("Saved the questions you were asked.")
