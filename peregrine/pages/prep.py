"""The prep page, `/applications/{id}/interview-prep?interview_id={n}`.

Base prep is always shown; the interview dropdown switches the interview part and the URL, so
a deep link opens the same view. Every section can be edited (markdown with a preview) and
regenerated; a regenerate over hand edits asks first, and replaced text stays in History.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import reflex as rx

from peregrine import db, routes
from peregrine.components.forms import length_notice
from peregrine.components.layout import page_layout, paid_only, record_or_missing
from peregrine.components.needs_llm import when_llm_missing
from peregrine.config import user_profile
from peregrine.domain import limits
from peregrine.domain.dates import day_label
from peregrine.domain.interviews import InterviewKind
from peregrine.domain.question_match import parse_questions
from peregrine.llm.settings import llm_configured
from peregrine.models import Interview, InterviewPrep, PrepBase, Task
from peregrine.pages.practice import PracticeState, practice_section
from peregrine.pages.routed_job import job_of_route
from peregrine.pages.state import AppState
from peregrine.pages.task_watch import follow_tasks
from peregrine.services import interviews, prep, prep_sections, task_runner, tasks
from peregrine.services import jobs as job_service
from peregrine.services.errors import ServiceError
from peregrine.services.prep_render import reference_lines
from peregrine.services.sanitize import clean_markdown

ACTIVE = ("queued", "running")


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


@dataclass(frozen=True)
class RunStatus:
    """One generation as the page shows it: idle, queued/running with its phase, or failed with why."""

    status: str = ""
    phase: str = ""
    error: str = ""


def _run_status(task: Task | None) -> RunStatus:
    if task is None or task.status == "succeeded":
        return RunStatus()
    phase = task.phase or ("Waiting for its turn" if task.status == "queued" else "Starting")
    return RunStatus(task.status, phase, task.error or "" if task.status == "failed" else "")


def _sections(owner: str, row: PrepBase | InterviewPrep | None, spec: tuple[tuple[str, str], ...]) -> list[SectionDoc]:
    if row is None or row.id is None:
        return []
    return [SectionDoc(owner, row.id, key, title, getattr(row, key), key in row.edited) for key, title in spec]


def _option_label(interview: Interview) -> str:
    today = datetime.now().astimezone().date()
    when = f" · {day_label(interview.scheduled_at.astimezone(), today=today)}" if interview.scheduled_at else ""
    return f"{interview.order}. {interview.name} ({InterviewKind(interview.kind).label}){when}"


class PrepState(AppState):
    found: bool = False
    missing_message: str = ""
    paid: bool = True
    #: A language model is configured: Generate, Regenerate and Retry are on.
    llm_ready: bool = True
    job_label: str = ""
    job_link: str = ""
    options: list[InterviewOption] = []
    selected: str = ""
    selected_label: str = ""
    interview_message: str = ""
    base: list[SectionDoc] = []
    base_run: RunStatus = RunStatus()
    interview: list[SectionDoc] = []
    interview_run: RunStatus = RunStatus()
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
            routed = job_of_route(str(self.job_id))  # the route argument of /applications/[job_id]/…
        except ServiceError as exc:
            self.missing_message = str(exc)
            return None
        with db.session_scope() as session:
            rounds = interviews.rounds_of(session, routed.id)
        self._job, self.job_label, self.job_link = routed.id, routed.label, routed.link
        self.options = [InterviewOption(str(r.id), _option_label(r)) for r in rounds]
        self._interview, self.interview_message = self._chosen(rounds)
        self.selected = str(self._interview) if self._interview else ""
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
            self.base_run = _run_status(tasks.latest_task(session, tasks.TaskKind.BASE_PREP, self._job))
            interview_prep = prep.prep_of(session, self._interview) if self._interview else None
            self.interview = _sections("interview", interview_prep, prep.INTERVIEW_SECTIONS)
            run = (
                tasks.latest_task(session, tasks.TaskKind.INTERVIEW_PREP, self._job, self._interview)
                if self._interview
                else None
            )
            self.interview_run = _run_status(run)
            if with_hits:
                self._read_hits(session, interview_prep)
        self.sheet = self._sheet()
        if self.base_run.status in ACTIVE or self.interview_run.status in ACTIVE:
            return PrepState.watch
        return None

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
        running = self.base_run.status in ACTIVE or self.interview_run.status in ACTIVE
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
        """Generate or regenerate; over hand-edited sections, ask first."""
        self.llm_ready = llm_configured()
        if not self.llm_ready:
            return None  # the buttons are off and the page says why: queue nothing that cannot run
        sections = self.base if target == "base" else self.interview
        edited = [section.title for section in sections if section.edited]
        if edited:
            self.confirm_target, self.confirm_sections = target, ", ".join(edited)
            self.confirm_open = True
            return None
        return self._queue(target, replace_edits=False)

    @rx.event
    def confirm_regenerate(self, replace_edits: bool) -> Any:
        self.confirm_open = False
        return self._queue(self.confirm_target, replace_edits=replace_edits)

    @rx.event
    def set_confirm_open(self, is_open: bool) -> None:
        self.confirm_open = is_open

    def _queue(self, target: str, *, replace_edits: bool) -> Any:
        try:
            with db.session_scope() as session:
                if target == "base":
                    prep.queue_base_prep(session, self._job, replace_edits=replace_edits)
                else:
                    prep.queue_interview_prep(session, self._interview, replace_edits=replace_edits)
        except ServiceError as exc:
            return rx.toast.error(str(exc))
        task_runner.wake()
        return self._refresh()

    # ------------------------------------------------------------------ editing
    @rx.event
    def start_edit(self, owner: str, key: str) -> None:
        section = next((s for s in [*self.base, *self.interview] if s.owner == owner and s.key == key), None)
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
        section = next((s for s in [*self.base, *self.interview] if s.owner == owner and s.key == key), None)
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
                    f"{r.created_at.astimezone():%b %d, %H:%M}",
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
        try:
            with db.session_scope() as session:
                prep_sections.restore_revision(session, revision_id)
        except ServiceError as exc:
            return rx.toast.error(str(exc))
        self.history_open = False
        self._refresh()
        return rx.toast.success("Restored; the text it replaced is in History.")

    # ------------------------------------------------------------------ after the round
    @rx.event
    def set_asked_draft(self, text: str) -> None:
        self.asked_draft = text

    @rx.event
    def save_asked(self) -> Any:
        try:
            with db.session_scope() as session:
                prep_sections.record_questions_asked(session, self._interview, parse_questions(self.asked_draft))
        except ServiceError as exc:
            return rx.toast.error(str(exc))
        self._refresh()
        return rx.toast.success("Saved the questions you were asked.")


# ---------------------------------------------------------------------------------------------- view
def _run_line(run: rx.Var[RunStatus], what: str) -> rx.Component:
    return rx.fragment(
        rx.cond(
            (run.status == "queued") | (run.status == "running"),
            rx.hstack(rx.spinner(size="2"), rx.text(run.phase, "…", size="2"), role="status", align="center"),
        ),
        rx.cond(
            run.status == "failed",
            rx.callout.root(
                rx.callout.icon(rx.icon("triangle-alert")),
                rx.callout.text(f"Generating the {what} failed: ", run.error),
                color_scheme="red",
                role="alert",
            ),
        ),
    )


def _generate_button(target: str, has_prep: rx.Var[bool], run: rx.Var[RunStatus], noun: str) -> rx.Component:
    busy = (run.status == "queued") | (run.status == "running")
    return rx.button(
        rx.icon("sparkles", size=14, aria_hidden="true"),
        rx.cond(run.status == "failed", f"Retry {noun}", rx.cond(has_prep, f"Regenerate {noun}", f"Generate {noun}")),
        on_click=PrepState.generate(target),
        disabled=busy | ~PrepState.llm_ready,
        variant="soft",
        size="2",
        class_name="no-print",
    )


def _section(section: SectionDoc) -> rx.Component:
    editing_this = PrepState.editing == section.owner + ":" + section.key
    return rx.el.section(
        rx.hstack(
            rx.heading(section.title, size="3", as_="h3"),
            rx.cond(section.edited, rx.badge("edited", variant="soft", color_scheme="violet")),
            rx.spacer(),
            rx.hstack(
                rx.button(
                    rx.icon("pencil", size=13, aria_hidden="true"),
                    "Edit",
                    on_click=PrepState.start_edit(section.owner, section.key),
                    variant="ghost",
                    size="1",
                    aria_label="Edit " + section.title,
                ),
                rx.button(
                    rx.icon("history", size=13, aria_hidden="true"),
                    "History",
                    on_click=PrepState.open_history(section.owner, section.owner_id, section.key, section.title),
                    variant="ghost",
                    size="1",
                    aria_label="History of " + section.title,
                ),
                class_name="no-print",
                spacing="3",
            ),
            align="center",
            width="100%",
        ),
        rx.cond(
            editing_this,
            _editor(section),
            rx.box(rx.markdown(section.markdown), class_name="prep-markdown"),
        ),
        aria_label=section.title,
        class_name="prep-section",
    )


def _editor(section: SectionDoc) -> rx.Component:
    return rx.vstack(
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger("Write", value="write"),
                rx.tabs.trigger("Preview", value="preview", on_click=PrepState.show_preview),
            ),
            rx.tabs.content(
                length_notice(
                    rx.text_area(
                        value=PrepState.draft,
                        on_change=PrepState.set_draft,
                        max_length=limits.PREP_SECTION,
                        rows="14",
                        width="100%",
                        aria_label="Markdown of " + section.title,
                        class_name="prep-editor",
                    ),
                    "section",
                ),
                value="write",
                padding_top="0.5rem",
            ),
            rx.tabs.content(
                rx.box(rx.markdown(PrepState.preview), class_name="prep-markdown prep-preview"),
                value="preview",
                padding_top="0.5rem",
            ),
            default_value="write",
            width="100%",
        ),
        rx.cond(PrepState.edit_error != "", rx.text(PrepState.edit_error, color_scheme="red", size="2", role="alert")),
        rx.hstack(
            rx.button("Save " + section.title, on_click=PrepState.save_edit, size="2"),
            rx.button("Cancel", on_click=PrepState.cancel_edit, variant="soft", color_scheme="gray", size="2"),
        ),
        width="100%",
    )


def _base_part() -> rx.Component:
    has = PrepState.base.length() > 0
    return rx.el.section(
        rx.hstack(
            rx.heading("Base preparation", size="5", as_="h2"),
            rx.spacer(),
            _generate_button("base", has, PrepState.base_run, "base prep"),
            align="center",
            width="100%",
        ),
        _run_line(PrepState.base_run, "base preparation"),
        rx.cond(
            has,
            rx.foreach(PrepState.base, _section),
            rx.callout.root(
                rx.callout.icon(rx.icon("info")),
                rx.callout.text(
                    "No base preparation yet: the job description with its callback drivers in bold, the company "
                    "context and your background narrative. Generate it (one call to your language model)."
                ),
                role="status",
            ),
        ),
        aria_label="Base preparation",
        class_name="prep-part",
    )


def _interview_part() -> rx.Component:
    has = PrepState.interview.length() > 0
    return rx.el.section(
        rx.hstack(
            rx.heading("Interview preparation", size="5", as_="h2"),
            rx.spacer(),
            rx.cond(
                PrepState.selected != "", _generate_button("interview", has, PrepState.interview_run, "interview prep")
            ),
            align="center",
            width="100%",
        ),
        rx.cond(PrepState.selected != "", rx.text(PrepState.selected_label, size="2", color_scheme="gray")),
        _run_line(PrepState.interview_run, "interview preparation"),
        rx.cond(
            PrepState.selected == "",
            rx.text(
                rx.cond(
                    PrepState.options.length() > 0,
                    "Choose an interview above.",
                    "No interview rounds yet. Schedule one on the job page, then prepare for it here.",
                ),
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                has,
                rx.fragment(rx.foreach(PrepState.interview, _section), _after_round()),
                rx.callout.root(
                    rx.callout.icon(rx.icon("triangle-alert")),
                    rx.callout.text(
                        "No preparation for this interview yet: roadmap, predicted questions with STAR answers, "
                        "questions to ask, resume defense and deep dives."
                    ),
                    rx.button(
                        rx.icon("sparkles", size=14, aria_hidden="true"),
                        "Generate it now",
                        on_click=PrepState.generate("interview"),
                        disabled=~PrepState.llm_ready,
                        size="2",
                        class_name="no-print",
                        width="fit-content",
                    ),
                    color_scheme="amber",
                    role="status",
                ),
            ),
        ),
        aria_label="Interview preparation",
        class_name="prep-part",
    )


def _after_round() -> rx.Component:
    return rx.el.section(
        rx.heading("After the round: which predicted questions came up", size="3", as_="h3"),
        rx.el.label(
            rx.text("Questions you were asked, one a line", size="2", weight="medium"),
            rx.text_area(
                value=PrepState.asked_draft,
                on_change=PrepState.set_asked_draft,
                max_length=limits.QUESTIONS_ASKED_TEXT,
                rows="4",
                width="100%",
            ),
            class_name="form-field no-print",
        ),
        rx.button(
            "Save questions asked",
            on_click=PrepState.save_asked,
            size="2",
            variant="soft",
            class_name="no-print",
            width="fit-content",
        ),
        rx.cond(PrepState.hit_summary != "", rx.text(PrepState.hit_summary, weight="medium", size="2", role="status")),
        rx.el.ul(
            rx.foreach(
                PrepState.hits,
                lambda hit: rx.el.li(
                    rx.cond(
                        hit.came_up,
                        rx.badge("came up", color_scheme="green"),
                        rx.badge("not asked", color_scheme="gray"),
                    ),
                    rx.text(" ", hit.predicted, as_="span", size="2"),
                    rx.cond(
                        hit.came_up, rx.text(" — asked as “", hit.asked, "”", as_="span", size="1", color_scheme="gray")
                    ),
                ),
            ),
            class_name="hit-list",
        ),
        rx.cond(
            PrepState.over_time_summary != "",
            rx.vstack(
                rx.text(PrepState.over_time_summary, size="2"),
                rx.el.ul(
                    rx.foreach(
                        PrepState.over_time,
                        lambda point: rx.el.li(
                            rx.text(point.label, size="1", class_name="hit-bar-label"),
                            rx.box(
                                rx.box(width=point.percent.to_string() + "%", class_name="hit-bar-fill"),
                                class_name="hit-bar",
                                role="img",
                                aria_label=point.label + ": " + point.percent.to_string() + "% came up",
                            ),
                            rx.text(point.percent, "%", size="1"),
                            class_name="hit-bar-row",
                        ),
                    ),
                    class_name="hit-bars",
                    aria_label="Hit rate over time",
                ),
                spacing="1",
                width="100%",
            ),
        ),
        aria_label="After the round",
        class_name="prep-section",
    )


def _confirm_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Regenerate over your edits?"),
            rx.dialog.description(
                "You edited: ",
                PrepState.confirm_sections,
                ". Keep your edits and regenerate the rest, or replace them too (your text stays in History).",
            ),
            rx.hstack(
                rx.button("Keep my edits", on_click=PrepState.confirm_regenerate(False)),
                rx.button(
                    "Replace them too", on_click=PrepState.confirm_regenerate(True), color_scheme="red", variant="soft"
                ),
                rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                spacing="3",
                margin_top="1rem",
                justify="end",
            ),
        ),
        open=PrepState.confirm_open,
        on_open_change=PrepState.set_confirm_open,
    )


def _history_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("History of ", PrepState.history_title),
            rx.cond(
                PrepState.revisions.length() > 0,
                rx.el.ol(
                    rx.foreach(
                        PrepState.revisions,
                        lambda revision: rx.el.li(
                            rx.hstack(
                                rx.text(revision.when, " · ", revision.why, size="2", weight="medium"),
                                rx.spacer(),
                                rx.button(
                                    "Restore",
                                    on_click=PrepState.restore(revision.id),
                                    size="1",
                                    variant="soft",
                                    aria_label="Restore the text of " + revision.when,
                                ),
                                width="100%",
                                align="center",
                            ),
                            rx.box(rx.markdown(revision.text), class_name="prep-markdown revision-text"),
                        ),
                    ),
                    class_name="revision-list",
                ),
                rx.text("No earlier versions yet.", size="2", color_scheme="gray"),
            ),
            rx.hstack(rx.dialog.close(rx.button("Close", variant="soft")), justify="end", margin_top="1rem"),
            max_width="760px",
        ),
        open=PrepState.history_open,
        on_open_change=PrepState.set_history_open,
    )


def _interview_picker() -> rx.Component:
    return rx.hstack(
        rx.el.label(
            rx.text("Interview", size="2", weight="medium"),
            rx.el.select(
                rx.el.option("Choose an interview…", value="", disabled=True),
                rx.foreach(PrepState.options, lambda option: rx.el.option(option.label, value=option.value)),
                value=PrepState.selected,
                on_change=PrepState.choose,
                class_name="native-select",
            ),
            class_name="form-field",
            width="auto",
            min_width="min(28rem, 100%)",
        ),
        rx.link(
            rx.hstack(
                rx.icon("notebook-tabs", size=14, aria_hidden="true"), "Reference sheet", align="center", spacing="1"
            ),
            href=PrepState.job_link + "/interview-prep/sheet?interview_id=" + PrepState.selected,
            is_external=True,
            size="2",
            height="var(--space-6)",  # the button's height: the two sit on one line
            display="inline-flex",
            align_items="center",
        ),
        rx.button(
            rx.icon("printer", size=14, aria_hidden="true"),
            "Print",
            on_click=rx.call_script("window.print()"),
            variant="soft",
            size="2",
        ),
        align="end",
        spacing="4",
        class_name="no-print",
        wrap="wrap",
    )


def prep_page() -> rx.Component:
    return page_layout(
        record_or_missing(
            PrepState.found,
            PrepState.missing_message,
            rx.vstack(
                rx.link("← ", PrepState.job_label, href=PrepState.job_link, size="2", class_name="no-print"),
                rx.heading("Interview prep: ", PrepState.job_label, size="6", as_="h1"),
                paid_only(
                    PrepState.paid,
                    "Interview preparation and practice",
                    rx.vstack(
                        _interview_picker(),
                        rx.cond(
                            PrepState.interview_message != "",
                            rx.callout.root(
                                rx.callout.icon(rx.icon("circle-alert")),
                                rx.callout.text(PrepState.interview_message),
                                color_scheme="amber",
                                role="alert",
                            ),
                        ),
                        when_llm_missing(
                            PrepState.llm_ready,
                            "Generating preparation",
                            "Generate, Regenerate and Retry are off until then; what is here stays readable and "
                            "editable.",
                        ),
                        _base_part(),
                        _interview_part(),
                        rx.cond(PrepState.selected != "", practice_section()),
                        _confirm_dialog(),
                        _history_dialog(),
                        spacing="4",
                        width="100%",
                    ),
                ),
                spacing="3",
                align="start",
                width="100%",
                max_width="920px",
            ),
        ),
    )


def sheet_page() -> rx.Component:
    """The condensed reference sheet: small enough to keep open beside a call, with a way back to
    the prep it condenses (the same interview)."""
    return rx.el.main(
        rx.cond(
            PrepState.job_link != "",
            rx.link(
                rx.hstack(
                    rx.icon("arrow-left", size=14, aria_hidden="true"), "Back to the prep", align="center", spacing="1"
                ),
                href=PrepState.job_link
                + "/interview-prep"
                + rx.cond(PrepState.selected != "", "?interview_id=" + PrepState.selected, ""),
                size="2",
                class_name="no-print sheet-back",
            ),
        ),
        record_or_missing(
            PrepState.found,
            PrepState.missing_message,
            paid_only(
                PrepState.paid,
                "The reference sheet",
                rx.vstack(
                    rx.heading(PrepState.job_label, size="4", as_="h1"),
                    rx.text(PrepState.selected_label, size="2", color_scheme="gray"),
                    rx.cond(
                        PrepState.sheet.length() > 0,
                        rx.foreach(
                            PrepState.sheet,
                            lambda block: rx.el.section(
                                rx.heading(block.title, size="2", as_="h2"),
                                rx.el.ul(rx.foreach(block.lines, lambda line: rx.el.li(line))),
                                aria_label=block.title,
                                class_name="sheet-block",
                            ),
                        ),
                        rx.text("Nothing to condense yet: generate the prep first.", size="2"),
                    ),
                    spacing="2",
                    width="100%",
                ),
            ),
        ),
        class_name="reference-sheet",
    )
