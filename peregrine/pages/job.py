"""The job page, `/applications/{id}`: what was applied to, its details, notes and stage history.

Its sections have states and modules of their own: the rounds (`rounds`), the offer (`offers`) and
the company research (`job_research`); `load` reads them for the job the route names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from peregrine import db, routes
from peregrine.components.buttons import icon_button, icon_link
from peregrine.components.callouts import message_callout
from peregrine.components.facts import Fact, fact_list
from peregrine.components.layout import page_layout, record_or_missing
from peregrine.domain import limits
from peregrine.domain.dates import calendar_date, local_moment
from peregrine.domain.job_details import salary_label, split_tags, work_mode_label
from peregrine.domain.stages import MoveNotAllowed, MoveSource, Stage
from peregrine.models import Job, StageEvent
from peregrine.pages.job_form import JobFormState, job_dialog
from peregrine.pages.job_research import ResearchState, research_section
from peregrine.pages.offers import OfferState, offer_section
from peregrine.pages.rounds import RoundsState, rounds_section
from peregrine.pages.routed_job import job_of_route
from peregrine.pages.state import AppState
from peregrine.pages.task_watch import job_changes
from peregrine.services import board as board_service
from peregrine.services import job_events
from peregrine.services import jobs as job_service
from peregrine.services.errors import NotFound, ServiceError, StaleVersion


@dataclass(frozen=True)
class HistoryLine:
    when: str
    move: str
    source: str


class JobPageState(AppState):
    found: bool = False
    missing_message: str = ""
    company: str = ""
    title: str = ""
    stage: str = ""
    rejection: str = ""
    #: What is known of the job (date applied, source, work mode…), in the order listed (`_facts`).
    facts: list[Fact] = []
    url: str = ""
    description: str = ""
    history: list[HistoryLine] = []
    prep_link: str = ""
    survey_link: str = ""
    #: "Move back to Applied" while the last move can be taken back, else "" (see _show_move_back).
    move_back_label: str = ""
    _shown_version: int = 0
    notes: str = ""
    #: Grows when the notes are read afresh, so their box shows them (it keeps what is typed otherwise).
    notes_key: int = 0
    #: Notes saved elsewhere since this page read them (shown beside what is typed, which stays).
    notes_elsewhere: str = ""
    _notes_base: str = ""
    _job: int = 0
    _following_changes: bool = False
    _change_seq: int = 0

    @rx.event
    async def load(self) -> Any:
        self.found = False
        self._change_seq = job_events.latest()  # before the read: a change made during it is shown again
        try:
            routed = job_of_route(str(self.job_id), self)  # the route argument of /applications/[job_id]
        except ServiceError as exc:
            self.missing_message = str(exc)
            return None
        self._job = routed.id
        with db.session_scope() as session:
            self._show_job(routed.job, job_service.stage_history(session, routed.id))
        self._read_notes(routed.job)
        self.prep_link = routes.prep_url(self._job)
        self.survey_link = routes.survey_url(self._job)
        self.found = True
        rounds = await self.get_state(RoundsState)
        rounds._load_rounds(self._job)
        offer = await self.get_state(OfferState)
        offer._load_offer(self._job)
        company_research = await self.get_state(ResearchState)
        watch_research = company_research.load_research(self._job)
        return [JobPageState.follow_changes, *([watch_research] if watch_research is not None else [])]

    @rx.var
    def stage_label(self) -> str:
        return Stage(self.stage).label if self.stage else ""

    @rx.var
    def research_hint(self) -> str:
        """What the research panel says before any research exists."""
        if self.stage in (Stage.APPLIED, Stage.SURVEY):
            return "Research starts by itself when this job reaches Phone screen."
        return "No research yet: Research now looks the company up (web search, then your language model)."

    def _show_job(self, job: Job, events: list[StageEvent]) -> None:
        """The job's facts and stage history."""
        self.company, self.title = job.company, job.title
        self.stage = job.stage
        self.rejection = board_service.rejection_label(job.rejection_stage, job.rejection_reason)
        self.facts = _facts(job)
        self.url = job.url if job.url.startswith(("http://", "https://")) else ""
        self.description = job.raw_jd_text
        # The history's first entry, when it was added, is drawn from created_at, not stored as a
        # move, so the time-in-stage figures are unchanged.
        added = HistoryLine(when=local_moment(job.created_at), move=f"Added to {Stage.APPLIED.label}", source="")
        self.history = [*[_history_line(event) for event in reversed(events)], added]
        self.notes = job.notes
        self._show_move_back(job, events)

    @rx.event(background=True)
    async def follow_changes(self) -> None:
        """While the page is open, a move made elsewhere (an email, the API, the board in another tab)
        shows in its stage and history at once. The rounds and the offer are edited here, so their
        forms are left alone."""
        async for seq, changes in job_changes(self, "_following_changes"):
            async with self:
                self._change_seq = seq
                if self.found and (changes is None or self._job in changes.ids):
                    try:
                        with db.session_scope() as session:
                            job = job_service.get_job(session, self._job, candidate_id=self.candidate_id(session))
                            self._show_job(job, job_service.stage_history(session, self._job))
                    except NotFound:
                        self.found, self.missing_message = False, f"Job {self._job} was deleted."

    # ---- the job's notes ---------------------------------------------------------------------------

    def _read_notes(self, job: Job) -> None:
        self.notes = self._notes_base = job.notes
        self.notes_key += 1
        self.notes_elsewhere = ""

    @rx.event
    def save_notes(self, form: dict[str, Any]) -> Any:
        """Keep the notes; notes changed elsewhere since this page read them are never overwritten."""
        try:
            with db.session_scope() as session:
                job = job_service.save_notes(
                    session, self._job, str(form.get("notes") or ""), previous=self._notes_base
                )
                self._read_notes(job)
        except StaleVersion as exc:
            # What was typed stays in the box; the other notes are shown, and a second Save keeps yours.
            with db.session_scope() as session:
                self._notes_base = job_service.get_job(session, self._job).notes
            self.notes_elsewhere = self._notes_base or "(they were cleared)"
            return rx.toast.warning(f"{exc} Yours are still in the box: Save notes again to keep them instead.")
        except ServiceError as exc:
            return rx.toast.error(str(exc))
        return rx.toast.success("Notes saved.")

    # ---- Move back: the last move taken back after the board's Undo toast has gone -----------------

    def _show_move_back(self, job: Job, events: list[StageEvent]) -> None:
        last = job_service.undoable_move(job, events)
        self.move_back_label = f"Move back to {Stage(last.from_stage).label}" if last is not None else ""
        self._shown_version = job.version

    @rx.event
    def move_back(self) -> Any:
        """Undo the last move (recorded with source undo), unless the job changed since it was shown."""
        try:
            with db.session_scope() as session:
                result = job_service.undo_last_move(session, self._job, expected_version=self._shown_version)
                self._show_job(result.job, job_service.stage_history(session, self._job))
        except (MoveNotAllowed, ServiceError) as exc:
            return [rx.toast.error(str(exc)), JobPageState.load]
        return rx.toast.info(f"Moved back to {Stage(self.stage).label}.")

    @rx.event
    def edit_job(self) -> Any:
        """The same edit dialog as the board's pencil; a save shows here through `follow_changes`."""
        return JobFormState.open_edit(self._job)


def _facts(job: Job) -> list[Fact]:
    """The job's details that are known, in the order the page lists them."""
    facts = [
        ("Date applied", calendar_date(job.applied_on) if job.applied_on else ""),
        ("Source", job.source),
        ("Location", job.location),
        ("Work mode", work_mode_label(job.work_mode)),
        ("Salary", salary_label(job.salary_min, job.salary_max, job.salary_currency)),
        ("Tags", ", ".join(split_tags(job.tags))),
        ("Recruiter", job.recruiter),
    ]
    return [Fact(label, value) for label, value in facts if value]


def _history_line(event: Any) -> HistoryLine:
    return HistoryLine(
        when=local_moment(event.at),
        move=f"{Stage(event.from_stage).label} → {Stage(event.to_stage).label}",
        source=_SOURCE_LABELS.get(event.source, event.source),
    )


_SOURCE_LABELS = {
    MoveSource.DRAG: "dragged on the board",
    MoveSource.BUTTON: "button on the board",
    MoveSource.EMAIL: "from an email",
    MoveSource.API: "through the API",
    MoveSource.UNDO: "undo",
    MoveSource.INTERVIEW: "from an interview round",
    MoveSource.OFFER: "an offer was recorded",
    MoveSource.SURVEY: "survey marked done",
    MoveSource.IMPORT: "imported from a spreadsheet",
}


def job_page() -> rx.Component:
    return page_layout(
        icon_link("arrow-left", "Back to the board", href="/", size="2"),
        record_or_missing(
            JobPageState.found,
            JobPageState.missing_message,
            rx.vstack(
                rx.hstack(
                    rx.heading(
                        JobPageState.company,
                        " — ",
                        JobPageState.title,
                        size="6",
                        as_="h1",
                        title=JobPageState.company + " — " + JobPageState.title,
                        class_name="job-heading",
                    ),
                    rx.spacer(),
                    _edit_button(),
                    icon_link("book-open", "Interview prep", href=JobPageState.prep_link, class_name="no-print"),
                    icon_link(
                        "clipboard-list", "Survey assistant", href=JobPageState.survey_link, class_name="no-print"
                    ),
                    align="center",
                    width="100%",
                    wrap="wrap",
                ),
                rx.hstack(
                    rx.badge(JobPageState.stage_label, size="2"),
                    rx.cond(
                        JobPageState.rejection != "", rx.text(JobPageState.rejection, size="2", color_scheme="gray")
                    ),
                    align="center",
                ),
                fact_list(
                    JobPageState.facts,
                    rx.cond(
                        JobPageState.url != "",
                        rx.data_list.item(
                            rx.data_list.label("Posting"),
                            rx.data_list.value(rx.link(JobPageState.url, href=JobPageState.url, is_external=True)),
                        ),
                    ),
                    class_name="job-facts",
                ),
                _notes_section(),
                _stage_history_heading(),
                rx.el.ol(
                    rx.foreach(
                        JobPageState.history,
                        lambda line: rx.el.li(
                            rx.text(line.move, weight="medium", as_="span"),
                            rx.text(
                                " · ",
                                line.when,
                                rx.cond(line.source != "", " · ", ""),
                                line.source,
                                size="2",
                                color_scheme="gray",
                                as_="span",
                            ),
                        ),
                    ),
                    class_name="stage-history",
                ),
                rounds_section(),
                offer_section(),
                research_section(JobPageState.research_hint),
                rx.heading("Job description", size="4", as_="h2"),
                rx.cond(
                    JobPageState.description != "",
                    rx.text(JobPageState.description, white_space="pre-wrap", size="2", class_name="job-description"),
                    rx.text("No job description saved yet.", color_scheme="gray", size="2"),
                ),
                job_dialog(),
                spacing="3",
                align="start",
                width="100%",
                max_width="860px",
            ),
        ),
    )


def _edit_button() -> rx.Component:
    return icon_button(
        "pencil",
        "Edit",
        on_click=JobPageState.edit_job,
        size="2",
        aria_label="Edit " + JobPageState.company + " — " + JobPageState.title,
    )


def _notes_section() -> rx.Component:
    """Free-text notes, kept with Save notes (nothing is sent while typing)."""
    return rx.form(
        rx.vstack(
            rx.heading("Notes", size="4", as_="h2"),
            rx.text_area(
                name="notes",
                default_value=JobPageState.notes,
                key=JobPageState.notes_key.to_string(),
                max_length=limits.JOB_NOTES,
                rows="4",
                width="100%",
                aria_label="Notes",
                placeholder="Anything worth remembering: people, dates, what was said",
            ),
            message_callout(
                JobPageState.notes_elsewhere,
                icon="info",
                color="amber",
                role="alert",
                text=rx.box(
                    rx.text("Saved elsewhere meanwhile:", weight="bold", size="2"),
                    rx.text(JobPageState.notes_elsewhere, white_space="pre-wrap", size="2"),
                ),
            ),
            rx.button("Save notes", type="submit", variant="soft", size="2", class_name="no-print"),
            spacing="2",
            align="start",
            width="100%",
        ),
        on_submit=JobPageState.save_notes,
        reset_on_submit=False,
        width="100%",
    )


def _stage_history_heading() -> rx.Component:
    """The history's heading, with Move back beside it while the last move can be taken back."""
    return rx.hstack(
        rx.heading("Stage history", size="4", as_="h2"),
        rx.cond(
            JobPageState.move_back_label != "",
            icon_button("undo-2", JobPageState.move_back_label, on_click=JobPageState.move_back, size="1"),
        ),
        align="center",
        spacing="3",
    )
