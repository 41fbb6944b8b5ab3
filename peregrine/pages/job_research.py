"""The job page's Company research: the brief with its sources, the run that makes it, Research again.

`ResearchState` is loaded by the job page (`load_research`) and follows a queued or running run
until it ends. The brief is shown claim by claim, each with the numbered sources it rests on; a
private section (for the candidate's own decision) says so. History lists every brief the job has
shown (`research.revisions_of`), and Restore puts an earlier one back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from peregrine import db
from peregrine.components.history import history_dialog, restore_button, revision_heading
from peregrine.components.needs_llm import needs_llm_callout
from peregrine.domain.dates import local_moment
from peregrine.llm.settings import llm_configured
from peregrine.models import ResearchRevision
from peregrine.pages.state import AppState
from peregrine.pages.task_watch import follow_tasks
from peregrine.services import research, task_runner, tasks


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


@dataclass(frozen=True)
class RevisionView:
    """One brief of the History: when it was shown, how it came, and what it held."""

    id: int
    when: str
    why: str
    summary: str
    first_claims: list[str]
    current: bool


def _revision_view(revision: ResearchRevision, *, current: bool) -> RevisionView:
    brief = dict(revision.brief)
    claims, sources = research.kept_claims(brief), len(brief.get("sources", []))
    why = "Restored" if revision.made_by == "restore" else "Research run"
    return RevisionView(
        id=revision.id or 0,
        when=local_moment(revision.created_at),
        why=why,
        summary=f"{claims} claim{'s' * (claims != 1)} from {sources} source{'s' * (sources != 1)}, "
        f"written {local_moment(revision.generated_at)}",
        first_claims=[claim["text"] for section in brief.get("sections", []) for claim in section["claims"]][:3],
        current=current,
    )


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


class ResearchState(AppState):
    research_state: str = ""
    research_phase: str = ""
    research_error: str = ""
    research_generated: str = ""
    #: A language model is configured: research can run (read again whenever the research is).
    llm_ready: bool = True
    brief: list[SectionView] = []
    sources: list[SourceLine] = []
    history_open: bool = False
    revisions: list[RevisionView] = []
    _job: int = 0
    _watching: bool = False

    def load_research(self, job_id: int) -> Any:
        """Show the research of `job_id`; the watch to start while a run is going, else None."""
        self._job = job_id
        return self._refresh_research()

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
            return ResearchState.watch_research
        return None

    def _research_shown(self, status: str) -> str:
        """A run queued while no language model is configured reads "not set up", never as running."""
        self.llm_ready = llm_configured()
        return research.shown_status(status, llm_ready=self.llm_ready)

    @rx.event
    def research_again(self) -> Any:
        if not llm_configured():
            self.llm_ready = False
            return None
        with db.session_scope() as session:
            research.queue_research_again(session, self._job)
        task_runner.wake()
        return self._refresh_research()

    @rx.event
    def open_history(self) -> None:
        with db.session_scope() as session:
            found = research.revisions_of(session, self._job, candidate_id=self.candidate_id(session))
            self.revisions = [_revision_view(revision, current=n == 0) for n, revision in enumerate(found)]
        self.history_open = True

    @rx.event
    def set_history_open(self, is_open: bool) -> None:
        self.history_open = is_open

    @rx.event
    def restore(self, revision_id: int) -> Any:
        with db.session_scope() as session:
            research.restore_revision(session, revision_id, candidate_id=self.candidate_id(session))
        self.history_open = False
        self._refresh_research()
        return rx.toast.success("Restored; the brief it replaced is in History.")

    @rx.event(background=True)
    async def watch_research(self) -> None:
        await follow_tasks(self, self._research_still_running)

    def _research_still_running(self) -> bool:
        self._refresh_research()
        return self.research_state in ("queued", "running")


def _research_needs_llm() -> rx.Component:
    """No language model: a neutral "not set up" (a queued run waits for one), said once, with Settings."""
    state = ResearchState.research_state
    return rx.cond(
        ~ResearchState.llm_ready,
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


def _revision(revision: RevisionView) -> rx.Component:
    return rx.el.li(
        revision_heading(
            revision.when,
            revision.why,
            rx.cond(
                revision.current,
                rx.badge("Shown now", color_scheme="green", variant="soft"),
                restore_button(ResearchState.restore(revision.id), "Restore the brief of " + revision.when),
            ),
        ),
        rx.text(revision.summary, size="1", color_scheme="gray"),
        rx.el.ul(rx.foreach(revision.first_claims, lambda claim: rx.el.li(claim)), class_name="brief-claims"),
    )


def research_section(hint: rx.Var[str]) -> rx.Component:
    """The section; `hint` is what it says before any research exists (it depends on the job's stage)."""
    state = ResearchState.research_state
    return rx.el.section(
        rx.hstack(
            rx.heading("Company research", size="4", as_="h2"),
            rx.spacer(),
            rx.cond(
                ResearchState.brief.length() > 0,
                rx.button(
                    rx.icon("history", size=14, aria_hidden="true"),
                    "History",
                    variant="ghost",
                    size="2",
                    on_click=ResearchState.open_history,
                    aria_label="History of the company research",
                    class_name="no-print",
                ),
            ),
            rx.cond(
                (state != "queued") & (state != "running") & (state != research.NOT_SET_UP),
                rx.button(
                    rx.icon("refresh-cw", size=14, aria_hidden="true"),
                    rx.cond(state == "failed", "Retry", rx.cond(state == "", "Research now", "Research again")),
                    variant="soft",
                    size="2",
                    on_click=ResearchState.research_again,
                    disabled=~ResearchState.llm_ready,
                    class_name="no-print",
                ),
            ),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        history_dialog(
            "History of the company research",
            revisions=ResearchState.revisions,
            revision=_revision,
            empty="No earlier briefs yet.",
            is_open=ResearchState.history_open,
            on_open_change=ResearchState.set_history_open,
        ),
        _research_needs_llm(),
        rx.cond(
            (state == "queued") | (state == "running"),
            rx.hstack(
                rx.spinner(size="2"),
                rx.text("Researching — ", ResearchState.research_phase, "…", size="2"),
                role="status",
                align="center",
            ),
        ),
        rx.cond(
            state == "failed",
            rx.callout.root(
                rx.callout.icon(rx.icon("triangle-alert")),
                rx.callout.text("Research failed: ", ResearchState.research_error),
                color_scheme="red",
                role="alert",
            ),
        ),
        rx.cond(
            ResearchState.brief.length() > 0,
            rx.vstack(
                rx.foreach(ResearchState.brief, _brief_section),
                rx.el.section(
                    rx.heading("Sources", size="3", as_="h3"),
                    rx.el.ol(
                        rx.foreach(
                            ResearchState.sources,
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
                rx.text("Generated ", ResearchState.research_generated, size="1", color_scheme="gray"),
                spacing="3",
                width="100%",
            ),
            rx.cond(
                (state == "") & ResearchState.llm_ready,
                rx.text(hint, size="2", color_scheme="gray"),
            ),
        ),
        aria_label="Company research",
        class_name="research",
        width="100%",
    )
