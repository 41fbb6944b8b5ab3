"""The job page, `/applications/{id}`: what was applied to, and its stage history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from peregrine import db, routes
from peregrine.components.layout import page_layout, record_or_missing
from peregrine.components.needs_llm import needs_llm_callout
from peregrine.domain import limits
from peregrine.domain.dates import calendar_date, local_moment
from peregrine.domain.job_details import salary_label, split_tags, work_mode_label
from peregrine.domain.stages import MoveNotAllowed, MoveSource, Stage
from peregrine.llm.settings import llm_configured
from peregrine.models import Job, StageEvent
from peregrine.pages.job_form import JobFormState, job_dialog
from peregrine.pages.offers import OfferState, offer_section
from peregrine.pages.rounds import RoundsState, rounds_section
from peregrine.pages.routed_job import job_of_route
from peregrine.pages.state import AppState
from peregrine.pages.task_watch import follow_tasks, job_changes
from peregrine.services import board as board_service
from peregrine.services import job_events, research, task_runner, tasks
from peregrine.services import jobs as job_service
from peregrine.services.errors import NotFound, ServiceError, StaleVersion


@dataclass(frozen=True)
class HistoryLine:
    when: str
    move: str
    source: str


@dataclass(frozen=True)
class SourceRef:
    number: int
    title: str
    url: str


@dataclass(frozen=True)
class SourceLine:
    number: int
    title: str
    url: str
    published: str
    kind: str


@dataclass(frozen=True)
class ClaimView:
    text: str
    sources: list[SourceRef]


@dataclass(frozen=True)
class SectionView:
    key: str
    title: str
    private: bool
    claims: list[ClaimView]


def _section_views(brief: dict[str, Any]) -> list[SectionView]:
    sources = {
        source["number"]: SourceRef(source["number"], source["title"], source["url"]) for source in brief["sources"]
    }
    return [
        SectionView(
            key=section["key"],
            title=section["title"],
            private=section["private"],
            claims=[
                ClaimView(claim["text"], [sources[n] for n in claim["sources"] if n in sources])
                for claim in section["claims"]
            ],
        )
        for section in brief.get("sections", [])
    ]


class JobPageState(AppState):
    found: bool = False
    missing_message: str = ""
    company: str = ""
    title: str = ""
    stage: str = ""
    rejection: str = ""
    source: str = ""
    location: str = ""
    recruiter: str = ""
    url: str = ""
    description: str = ""
    history: list[HistoryLine] = []
    research_state: str = ""
    research_phase: str = ""
    research_error: str = ""
    research_generated: str = ""
    #: A language model is configured: research can run (read again whenever the research is).
    llm_ready: bool = True
    brief: list[SectionView] = []
    sources: list[SourceLine] = []
    prep_link: str = ""
    survey_link: str = ""
    #: "Move back to Applied" while the last move can be taken back, else "" (see _show_move_back).
    move_back_label: str = ""
    _shown_version: int = 0
    # The job's details (see _show_details) and its notes.
    applied_on: str = ""
    work_mode: str = ""
    salary: str = ""
    tags: str = ""
    notes: str = ""
    #: Grows when the notes are read afresh, so their box shows them (it keeps what is typed otherwise).
    notes_key: int = 0
    #: Notes saved elsewhere since this page read them (shown beside what is typed, which stays).
    notes_elsewhere: str = ""
    _notes_base: str = ""
    _job: int = 0
    _watching: bool = False
    _following_changes: bool = False
    _change_seq: int = 0

    @rx.event
    async def load(self) -> Any:
        self.found = False
        self._change_seq = job_events.latest()  # before the read: a change made during it is shown again
        try:
            routed = job_of_route(str(self.job_id))  # the route argument of /applications/[job_id]
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
        watch_research = self._refresh_research()
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
        self.source, self.location, self.recruiter = job.source, job.location, job.recruiter
        self.url = job.url if job.url.startswith(("http://", "https://")) else ""
        self.description = job.raw_jd_text
        self.history = [_history_line(event) for event in reversed(events)]
        self._show_details(job)
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
                            job = job_service.get_job(session, self._job)
                            self._show_job(job, job_service.stage_history(session, self._job))
                    except NotFound:
                        self.found, self.missing_message = False, f"Job {self._job} was deleted."

    # ---- the job's details and notes ---------------------------------------------------------------

    def _show_details(self, job: Job) -> None:
        """Date applied, work mode, salary, tags, and the history's first entry: when it was added
        (drawn from created_at, not stored as a move, so the time-in-stage figures are unchanged)."""
        self.applied_on = calendar_date(job.applied_on) if job.applied_on else ""
        self.work_mode = work_mode_label(job.work_mode)
        self.salary = salary_label(job.salary_min, job.salary_max, job.salary_currency)
        self.tags = ", ".join(split_tags(job.tags))
        self.notes = job.notes
        added = HistoryLine(when=local_moment(job.created_at), move=f"Added to {Stage.APPLIED.label}", source="")
        self.history = [*self.history, added]

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

    # ---- research ------------------------------------------------------------------------------

    def _refresh_research(self) -> Any:
        """Read the brief and the latest run; keep watching while a run is queued or running."""
        with db.session_scope() as session:
            stored = research.latest_brief(session, self._job)
            task = tasks.latest_task(session, tasks.TaskKind.COMPANY_RESEARCH, self._job)
            brief = dict(stored.brief) if stored else None
            generated = stored.generated_at if stored else None
            status, phase, error = (task.status, task.phase, task.error or "") if task else ("", "", "")
        self.brief = _section_views(brief) if brief else []
        self.sources = [
            SourceLine(s["number"], s["title"], s["url"], s.get("published", ""), s.get("kind", "web"))
            for s in (brief or {}).get("sources", [])
        ]
        self.research_generated = local_moment(generated) if generated else ""
        self.research_state = "ready" if status in ("", "succeeded") and brief else self._research_shown(status)
        self.research_phase = phase or ("Waiting for its turn" if status == "queued" else "")
        self.research_error = error if status == "failed" else ""
        if status in ("queued", "running"):
            return JobPageState.watch_research
        return None

    def _research_shown(self, status: str) -> str:
        """A run queued while no language model is configured reads "not set up", never as running."""
        self.llm_ready = llm_configured()
        return research.shown_status(status, llm_ready=self.llm_ready)

    @rx.event
    def edit_job(self) -> Any:
        """The same edit dialog as the board's pencil; a save shows here through `follow_changes`."""
        return JobFormState.open_edit(self._job)

    @rx.event
    def research_again(self) -> Any:
        if not llm_configured():
            self.llm_ready = False
            return None
        with db.session_scope() as session:
            research.queue_research_again(session, self._job)
        task_runner.wake()
        return self._refresh_research()

    @rx.event(background=True)
    async def watch_research(self) -> None:
        await follow_tasks(self, self._research_still_running)

    def _research_still_running(self) -> bool:
        self._refresh_research()
        return self.research_state in ("queued", "running")


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
}


def _fact(label: str, value: rx.Var[str]) -> rx.Component:
    return rx.cond(
        value != "",
        rx.data_list.item(rx.data_list.label(label), rx.data_list.value(value)),
    )


def job_page() -> rx.Component:
    return page_layout(
        rx.link(
            rx.hstack(
                rx.icon("arrow-left", size=14, aria_hidden="true"), "Back to the board", align="center", spacing="1"
            ),
            href="/",
            size="2",
        ),
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
                    rx.link(
                        rx.hstack(
                            rx.icon("book-open", size=14, aria_hidden="true"),
                            "Interview prep",
                            align="center",
                            spacing="1",
                        ),
                        href=JobPageState.prep_link,
                        class_name="no-print",
                        white_space="nowrap",
                    ),
                    rx.link(
                        rx.hstack(
                            rx.icon("clipboard-list", size=14, aria_hidden="true"),
                            "Survey assistant",
                            align="center",
                            spacing="1",
                        ),
                        href=JobPageState.survey_link,
                        class_name="no-print",
                        white_space="nowrap",
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
                rx.data_list.root(
                    _fact("Date applied", JobPageState.applied_on),
                    _fact("Source", JobPageState.source),
                    _fact("Location", JobPageState.location),
                    *_detail_facts(),
                    _fact("Recruiter", JobPageState.recruiter),
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
                _research_section(),
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
    return rx.button(
        rx.icon("pencil", size=14, aria_hidden="true"),
        "Edit",
        on_click=JobPageState.edit_job,
        variant="soft",
        size="2",
        aria_label="Edit " + JobPageState.company + " — " + JobPageState.title,
        class_name="no-print",
    )


def _research_needs_llm() -> rx.Component:
    """No language model: a neutral "not set up" (a queued run waits for one), said once, with Settings."""
    state = JobPageState.research_state
    return rx.cond(
        ~JobPageState.llm_ready,
        rx.vstack(
            rx.cond(state == research.NOT_SET_UP, rx.badge("Research not set up", color_scheme="gray", size="2")),
            needs_llm_callout(
                "Company research",
                rx.cond(
                    state == research.NOT_SET_UP,
                    "This job's research is queued and starts by itself once one is.",
                    "Research now is off until then.",
                ),
            ),
            spacing="2",
            width="100%",
        ),
    )


def _detail_facts() -> list[rx.Component]:
    return [
        _fact("Work mode", JobPageState.work_mode),
        _fact("Salary", JobPageState.salary),
        _fact("Tags", JobPageState.tags),
    ]


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
            rx.cond(
                JobPageState.notes_elsewhere != "",
                rx.callout.root(
                    rx.box(
                        rx.text("Saved elsewhere meanwhile:", weight="bold", size="2"),
                        rx.text(JobPageState.notes_elsewhere, white_space="pre-wrap", size="2"),
                    ),
                    color_scheme="amber",
                    role="alert",
                    width="100%",
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
            rx.button(
                rx.icon("undo-2", size=14, aria_hidden="true"),
                JobPageState.move_back_label,
                variant="soft",
                size="1",
                on_click=JobPageState.move_back,
                class_name="no-print",
            ),
        ),
        align="center",
        spacing="3",
    )


def _claim(claim: ClaimView) -> rx.Component:
    return rx.el.li(
        rx.text(claim.text, as_="span"),
        rx.el.span(
            rx.foreach(
                claim.sources,
                lambda source: rx.link(
                    "[",
                    source.number,
                    "]",
                    href=source.url,
                    is_external=True,
                    title=source.title,
                    aria_label="Source " + source.number.to_string() + ": " + source.title,
                    class_name="claim-source",
                ),
            ),
            class_name="claim-sources",
        ),
    )


def _brief_section(section: SectionView) -> rx.Component:
    return rx.el.section(
        rx.hstack(
            rx.heading(section.title, size="3", as_="h3"),
            rx.cond(section.private, rx.badge("Private", color_scheme="violet", variant="soft")),
            align="center",
            spacing="2",
        ),
        rx.cond(
            section.private,
            rx.text(
                "For your own decision only: never included in anything sent to an employer.",
                size="1",
                color_scheme="violet",
            ),
        ),
        rx.cond(
            section.claims.length() > 0,
            rx.el.ul(rx.foreach(section.claims, _claim), class_name="brief-claims"),
            rx.text("The sources said nothing about this.", size="2", color_scheme="gray"),
        ),
        aria_label=section.title,
        class_name="brief-section",
    )


def _research_section() -> rx.Component:
    state = JobPageState.research_state
    return rx.el.section(
        rx.hstack(
            rx.heading("Company research", size="4", as_="h2"),
            rx.spacer(),
            rx.cond(
                (state != "queued") & (state != "running") & (state != research.NOT_SET_UP),
                rx.button(
                    rx.icon("refresh-cw", size=14, aria_hidden="true"),
                    rx.cond(state == "failed", "Retry", rx.cond(state == "", "Research now", "Research again")),
                    variant="soft",
                    size="2",
                    on_click=JobPageState.research_again,
                    disabled=~JobPageState.llm_ready,
                    class_name="no-print",
                ),
            ),
            align="center",
            width="100%",
        ),
        _research_needs_llm(),
        rx.cond(
            (state == "queued") | (state == "running"),
            rx.hstack(
                rx.spinner(size="2"),
                rx.text("Researching — ", JobPageState.research_phase, "…", size="2"),
                role="status",
                align="center",
            ),
        ),
        rx.cond(
            state == "failed",
            rx.callout.root(
                rx.callout.icon(rx.icon("triangle-alert")),
                rx.callout.text("Research failed: ", JobPageState.research_error),
                color_scheme="red",
                role="alert",
            ),
        ),
        rx.cond(
            JobPageState.brief.length() > 0,
            rx.vstack(
                rx.foreach(JobPageState.brief, _brief_section),
                rx.el.section(
                    rx.heading("Sources", size="3", as_="h3"),
                    rx.el.ol(
                        rx.foreach(
                            JobPageState.sources,
                            lambda source: rx.el.li(
                                rx.link(source.title, href=source.url, is_external=True),
                                rx.cond(source.kind == "news", rx.badge("news", size="1", margin_left="0.4rem")),
                                rx.cond(source.published != "", rx.text(" · ", source.published, as_="span", size="1")),
                            ),
                        ),
                        class_name="brief-sources",
                    ),
                    aria_label="Sources",
                    class_name="brief-section",
                ),
                rx.text("Generated ", JobPageState.research_generated, size="1", color_scheme="gray"),
                spacing="3",
                width="100%",
            ),
            rx.cond(
                (state == "") & JobPageState.llm_ready,
                rx.text(JobPageState.research_hint, size="2", color_scheme="gray"),
            ),
        ),
        aria_label="Company research",
        class_name="research",
        width="100%",
    )
