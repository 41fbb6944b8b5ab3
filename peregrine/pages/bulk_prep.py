"""`/prep`: generate preparation for many jobs or interviews at once.

Each selected item becomes its own task, so one failure never stops the others; the report
follows every item live: queued, writing, done, or the reason it failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from peregrine import db, routes
from peregrine.components.layout import page_layout, paid_only
from peregrine.components.needs_llm import llm_button, when_llm_missing
from peregrine.config import user_profile
from peregrine.llm.settings import llm_configured
from peregrine.models import Task
from peregrine.pages.state import AppState
from peregrine.pages.task_watch import follow_tasks
from peregrine.services import prep, task_runner
from peregrine.services.tasks import ACTIVE, TaskStatus, progress_of


@dataclass(frozen=True)
class TargetRow:
    id: str
    link: str
    label: str
    detail: str
    has_prep: bool


@dataclass(frozen=True)
class ReportLine:
    label: str
    status: str  # refused, queued, running, succeeded, failed
    detail: str
    task_id: int


class BulkPrepState(AppState):
    paid: bool = True
    #: A language model is configured; without one the batch is not queued (it could only fail, item by item).
    llm_ready: bool = True
    jobs: list[TargetRow] = []
    rounds: list[TargetRow] = []
    chosen_jobs: list[str] = []
    chosen_rounds: list[str] = []
    report: list[ReportLine] = []
    _watching: bool = False

    @rx.event
    def load(self) -> None:
        self.paid = user_profile().paid
        self.llm_ready = llm_configured()
        self._read_targets()

    def _read_targets(self) -> None:
        with db.session_scope() as session:
            jobs, rounds = prep.bulk_targets(session, self.candidate_id(session))
        self.jobs = [TargetRow(str(t.id), routes.prep_url(t.job_id), t.label, t.detail, t.has_prep) for t in jobs]
        self.rounds = [
            TargetRow(str(t.id), routes.prep_url(t.job_id, t.id), t.label, t.detail, t.has_prep) for t in rounds
        ]

    @rx.event
    def toggle_job(self, item_id: str, checked: bool) -> None:
        self.chosen_jobs = _toggled(self.chosen_jobs, item_id, checked)

    @rx.event
    def toggle_round(self, item_id: str, checked: bool) -> None:
        self.chosen_rounds = _toggled(self.chosen_rounds, item_id, checked)

    @rx.event
    def select_missing(self) -> None:
        self.chosen_jobs = [row.id for row in self.jobs if not row.has_prep]
        self.chosen_rounds = [row.id for row in self.rounds if not row.has_prep]

    @rx.event
    def generate(self) -> Any:
        self.llm_ready = llm_configured()
        if not self.llm_ready:
            return None  # said once above the button, for the whole batch
        if not self.chosen_jobs and not self.chosen_rounds:
            return rx.toast.info("Select the jobs or interviews to prepare first.")
        with db.session_scope() as session:
            items = prep.queue_many(
                session,
                job_ids=[int(i) for i in self.chosen_jobs],
                interview_ids=[int(i) for i in self.chosen_rounds],
            )
        self.report = [
            ReportLine(item.label, "queued" if item.task_id else "refused", item.error, item.task_id or 0)
            for item in items
        ]
        self.chosen_jobs, self.chosen_rounds = [], []
        task_runner.wake()
        return BulkPrepState.watch

    def _refresh_report(self) -> None:
        with db.session_scope() as session:
            lines = []
            for line in self.report:
                task = session.get(Task, line.task_id) if line.task_id else None
                if task is None:
                    lines.append(line)
                    continue
                run = progress_of(task)
                detail = run.error if run.status == TaskStatus.FAILED.value else run.phase
                lines.append(ReportLine(line.label, run.status, detail, line.task_id))
        self.report = lines

    @rx.event(background=True)
    async def watch(self) -> None:
        await follow_tasks(self, self._still_running)

    def _still_running(self) -> bool:
        self._refresh_report()
        if any(line.status in ACTIVE for line in self.report):
            return True
        self._read_targets()  # every item is done: show which now have prep
        return False


def _toggled(chosen: list[str], item_id: str, checked: bool) -> list[str]:
    rest = [value for value in chosen if value != item_id]
    return [*rest, item_id] if checked else rest


_STATUS = {
    "refused": ("Not queued", "red"),
    "queued": ("Queued", "amber"),
    "running": ("Writing", "amber"),
    "succeeded": ("Done", "green"),
    "failed": ("Failed", "red"),
}


def _target_list(title: str, rows: rx.Var[list[TargetRow]], chosen: rx.Var[list[str]], toggle: Any) -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(rx.text(title, size="4", weight="bold")),
        rx.cond(
            rows.length() > 0,
            rx.el.ul(
                rx.foreach(
                    rows,
                    lambda row: rx.el.li(
                        rx.checkbox(
                            checked=chosen.contains(row.id),
                            on_change=lambda checked: toggle(row.id, checked),
                            aria_label="Select " + row.label,
                        ),
                        rx.link(row.label, href=row.link, size="2"),
                        rx.cond(row.detail != "", rx.text(row.detail, size="1", color_scheme="gray", as_="span")),
                        rx.cond(
                            row.has_prep,
                            rx.badge("prep ready", color_scheme="green", variant="soft"),
                            rx.badge("no prep", color_scheme="gray", variant="soft"),
                        ),
                        class_name="bulk-row",
                    ),
                ),
                class_name="bulk-list",
            ),
            rx.text("Nothing here yet: schedule interview rounds on a job's page.", size="2", color_scheme="gray"),
        ),
        class_name="bulk-fieldset",
    )


def _report_line(line: ReportLine) -> rx.Component:
    badge = rx.match(
        line.status,
        *[(status, rx.badge(label, color_scheme=color)) for status, (label, color) in _STATUS.items()],
        rx.badge(line.status),
    )
    return rx.el.li(
        badge,
        rx.text(" ", line.label, as_="span", weight="medium", size="2"),
        rx.cond(line.detail != "", rx.text(" — ", line.detail, as_="span", size="2", color_scheme="gray")),
    )


def bulk_prep_page() -> rx.Component:
    return page_layout(
        rx.heading("Interview prep", size="6", as_="h1"),
        paid_only(
            BulkPrepState.paid,
            "Interview preparation",
            rx.vstack(
                rx.text(
                    "Select jobs (base prep: the job description, callback drivers, company context, your narrative) "
                    "or interviews (prep for that round; the base is generated first when missing), then generate "
                    "them all. Each item runs on its own: one failure stops nothing.",
                    size="2",
                    color_scheme="gray",
                ),
                when_llm_missing(
                    BulkPrepState.llm_ready,
                    "Generating preparation",
                    "Generate for the selected is off until then.",
                ),
                rx.hstack(
                    llm_button(
                        rx.icon("sparkles", size=14, aria_hidden="true"),
                        "Generate for the selected",
                        llm_ready=BulkPrepState.llm_ready,
                        on_click=BulkPrepState.generate,
                        size="2",
                    ),
                    rx.button("Select everything without prep", on_click=BulkPrepState.select_missing, variant="soft"),
                    spacing="3",
                ),
                rx.cond(
                    BulkPrepState.report.length() > 0,
                    rx.el.section(
                        rx.heading("Results", size="4", as_="h2"),
                        rx.el.ul(rx.foreach(BulkPrepState.report, _report_line), class_name="bulk-report"),
                        aria_label="Results",
                        role="status",
                    ),
                ),
                rx.grid(
                    _target_list(
                        "Jobs (base prep)", BulkPrepState.jobs, BulkPrepState.chosen_jobs, BulkPrepState.toggle_job
                    ),
                    _target_list(
                        "Interviews", BulkPrepState.rounds, BulkPrepState.chosen_rounds, BulkPrepState.toggle_round
                    ),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="4",
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
        ),
    )
