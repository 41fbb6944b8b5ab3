"""The job page's Next steps section: the job's pending steps with their actions, Add a step, and
the quiet mark with its own (`pages.step_actions`)."""

from __future__ import annotations

import reflex as rx

from peregrine import db
from peregrine.components.layout import or_empty, titled_section
from peregrine.config import user_profile
from peregrine.pages.state import AppState
from peregrine.pages.step_actions import StepActionsState, quiet_buttons, step_buttons, step_dialog
from peregrine.services.today import StepRow, job_steps


class JobStepsState(AppState):
    steps: list[StepRow] = []
    quiet: str = ""
    company: str = ""
    _job: int = 0

    def _load_steps(self, job_id: int, company: str) -> None:
        self._job, self.company = job_id, company
        profile = user_profile()
        with db.session_scope() as session:
            self.steps, self.quiet = job_steps(
                session, self.candidate_id(session), job_id, rules=profile.step_rules, zone=profile.zone
            )

    @rx.event
    def reload_steps(self) -> None:
        if self._job:
            self._load_steps(self._job, self.company)

    @rx.var
    def job_id(self) -> int:
        return self._job


def _step_item(row: StepRow) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.text(row.step, weight="medium", size="2"),
            rx.badge(row.due, color_scheme=rx.match(row.status, ("overdue", "red"), ("today", "amber"), "gray")),
            wrap="wrap",
            align="center",
            spacing="2",
        ),
        step_buttons(row.job_id, row.key, row.step, row.due_value),
        class_name="today-item",
    )


def next_steps_section() -> rx.Component:
    return titled_section(
        "Next steps",
        rx.cond(
            JobStepsState.quiet != "",
            rx.callout(
                rx.vstack(
                    rx.text(JobStepsState.quiet, weight="medium"),
                    quiet_buttons(JobStepsState.job_id, JobStepsState.company),
                    spacing="2",
                ),
                icon="bell",
                color_scheme="amber",
            ),
        ),
        or_empty(
            JobStepsState.steps,
            rx.el.ul(rx.foreach(JobStepsState.steps, _step_item), class_name="today-list"),
            "No next step. Add one so Today reminds you.",
        ),
        step_dialog(),
        actions=(
            rx.button("Add a step", on_click=StepActionsState.open_add(JobStepsState.job_id), variant="soft", size="2"),
        ),
    )
