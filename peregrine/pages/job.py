"""The job page, `/applications/{id}`: what was applied to, and its stage history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from peregrine import db
from peregrine.components.layout import page_layout
from peregrine.domain.stages import MoveSource, Stage
from peregrine.services import board as board_service
from peregrine.services import jobs as job_service
from peregrine.services.errors import NotFound


@dataclass(frozen=True)
class HistoryLine:
    when: str
    move: str
    source: str


class JobPageState(rx.State):
    found: bool = False
    missing_message: str = ""
    company: str = ""
    title: str = ""
    stage_label: str = ""
    rejection: str = ""
    source: str = ""
    location: str = ""
    recruiter: str = ""
    url: str = ""
    description: str = ""
    history: list[HistoryLine] = []

    @rx.event
    def load(self) -> None:
        raw_id = str(self.job_id)  # the route argument of /applications/[job_id]
        self.found = False
        if not raw_id.isdigit():
            self.missing_message = f"“{raw_id}” is not a job number."
            return
        try:
            with db.session_scope() as session:
                job = job_service.get_job(session, int(raw_id))
                events = job_service.stage_history(session, int(raw_id))
        except NotFound as exc:
            self.missing_message = str(exc)
            return
        self.company, self.title = job.company, job.title
        self.stage_label = Stage(job.stage).label
        self.rejection = board_service.rejection_label(job.rejection_stage, job.rejection_reason)
        self.source, self.location, self.recruiter = job.source, job.location, job.recruiter
        self.url = job.url if job.url.startswith(("http://", "https://")) else ""
        self.description = job.raw_jd_text
        self.history = [_history_line(event) for event in reversed(events)]
        self.found = True


def _history_line(event: Any) -> HistoryLine:
    return HistoryLine(
        when=f"{event.at:%b %d, %Y %H:%M}",
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
}


def _fact(label: str, value: rx.Var[str]) -> rx.Component:
    return rx.cond(
        value != "",
        rx.data_list.item(rx.data_list.label(label), rx.data_list.value(value)),
    )


def job_page() -> rx.Component:
    return page_layout(
        rx.link(rx.icon("arrow-left", size=14, aria_hidden="true"), "Back to the board", href="/", size="2"),
        rx.cond(
            JobPageState.found,
            rx.vstack(
                rx.heading(JobPageState.company, " — ", JobPageState.title, size="6", as_="h1"),
                rx.hstack(
                    rx.badge(JobPageState.stage_label, size="2"),
                    rx.cond(
                        JobPageState.rejection != "", rx.text(JobPageState.rejection, size="2", color_scheme="gray")
                    ),
                    align="center",
                ),
                rx.data_list.root(
                    _fact("Source", JobPageState.source),
                    _fact("Location", JobPageState.location),
                    _fact("Recruiter", JobPageState.recruiter),
                    rx.cond(
                        JobPageState.url != "",
                        rx.data_list.item(
                            rx.data_list.label("Posting"),
                            rx.data_list.value(rx.link(JobPageState.url, href=JobPageState.url, is_external=True)),
                        ),
                    ),
                ),
                rx.heading("Stage history", size="4", as_="h2"),
                rx.el.ol(
                    rx.foreach(
                        JobPageState.history,
                        lambda line: rx.el.li(
                            rx.text(line.move, weight="medium"),
                            rx.text(" · ", line.when, " · ", line.source, size="2", color_scheme="gray"),
                        ),
                    ),
                    class_name="stage-history",
                ),
                rx.heading("Job description", size="4", as_="h2"),
                rx.cond(
                    JobPageState.description != "",
                    rx.text(JobPageState.description, white_space="pre-wrap", size="2", class_name="job-description"),
                    rx.text("No job description saved yet.", color_scheme="gray", size="2"),
                ),
                spacing="3",
                align="start",
                width="100%",
                max_width="860px",
            ),
            rx.callout.root(
                rx.callout.icon(rx.icon("circle-alert")),
                rx.callout.text(rx.cond(JobPageState.missing_message != "", JobPageState.missing_message, "Loading…")),
                role="status",
            ),
        ),
    )
