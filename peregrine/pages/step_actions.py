"""The one-click actions on a next step or a quiet job, shared by Today and the job page.

Done, snooze by 1 day, 3 days or a week, snooze to a date, edit (what and when), add a step; and
on a quiet job: reject as ghosted, snooze the mark, or draft a follow-up (the job page's
`?draft=follow_up`, where the drafts live). After a write, the pages that show steps reload
(their `reload_steps`), whichever of them is open.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import reflex as rx

from peregrine import db, routes
from peregrine.components.dialogs import form_dialog
from peregrine.components.forms import draft_input
from peregrine.config import user_profile
from peregrine.domain import limits
from peregrine.domain.dates import as_utc
from peregrine.domain.drafts import DraftKind
from peregrine.domain.next_steps import QUIET_KEY, snooze_until, start_of_day
from peregrine.domain.stages import Stage
from peregrine.pages.state import AppState, DialogMixin
from peregrine.services import next_steps
from peregrine.services.errors import InvalidInput
from peregrine.services.offers import parse_day

#: The snooze choices: (days, what the button says).
SNOOZES: tuple[tuple[int, str], ...] = ((1, "1 day"), (3, "3 days"), (7, "A week"))


def parse_due(text: str) -> datetime:
    """The dialog's datetime-local value, read in the user's zone, as UTC."""
    try:
        local = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"“{text}” is not a date and time. Nothing was saved.") from None
    return as_utc(local.replace(tzinfo=user_profile().zone))


def due_input_value(moment: datetime) -> str:
    return f"{as_utc(moment).astimezone(user_profile().zone):%Y-%m-%dT%H:%M}"


class StepActionsState(DialogMixin, AppState):
    """The step actions and the one dialog they open (edit, add, or snooze to a date)."""

    #: "edit", "add" or "snooze".
    mode: str = "edit"
    draft: dict[str, str] = {}
    error: str = ""
    _job: int = 0
    _key: str = ""

    def _after(self, message: str) -> list[Any]:
        from peregrine.pages.job_steps import JobStepsState  # both import these actions
        from peregrine.pages.today import TodayState

        return [rx.toast.success(message), TodayState.reload_steps, JobStepsState.reload_steps]

    @rx.event
    def done(self, job_id: int, key: str) -> Any:
        with db.session_scope() as session:
            next_steps.mark_done(session, candidate_id=self.candidate_id(session), job_id=job_id, key=key)
        return self._after("Step done.")

    @rx.event
    def snooze(self, job_id: int, key: str, days: int) -> Any:
        until = snooze_until(days, now=datetime.now(UTC), zone=user_profile().zone)
        with db.session_scope() as session:
            next_steps.snooze(session, candidate_id=self.candidate_id(session), job_id=job_id, key=key, until=until)
        return self._after("Snoozed.")

    @rx.event
    def reject_ghosted(self, job_id: int) -> Any:
        with db.session_scope() as session:
            next_steps.reject_as_ghosted(session, candidate_id=self.candidate_id(session), job_id=job_id)
        return self._after(f"Moved to {Stage.REJECTED.label}: ghosted.")

    def _open(self, mode: str, job_id: int, key: str, draft: dict[str, str]) -> None:
        self.mode, self._job, self._key, self.draft = mode, job_id, key, draft
        self.error, self.dialog_open = "", True

    @rx.event
    def open_edit(self, job_id: int, key: str, title: str, due: str) -> None:
        self._open("edit", job_id, key, {"title": title, "due": due})

    @rx.event
    def open_add(self, job_id: int) -> None:
        tomorrow = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
        self._open("add", job_id, "", {"title": "", "due": due_input_value(tomorrow)})

    @rx.event
    def open_snooze(self, job_id: int, key: str) -> None:
        self._open("snooze", job_id, key, {"day": ""})

    @rx.event
    def save(self, form: dict[str, Any]) -> Any:
        """The dialog's form: `title` and `due` (edit, add) or `day` (snooze to a date). A refusal
        is said in the dialog, beside what was typed."""
        typed = {name: str(value or "") for name, value in form.items()}
        try:
            with db.session_scope() as session:
                owner = self.candidate_id(session)
                if self.mode == "snooze":
                    day = parse_day(typed.get("day", ""), "day to snooze to")
                    if day is None:
                        raise InvalidInput("Choose the day the step comes back. Nothing was saved.")
                    until = start_of_day(day, user_profile().zone)
                    next_steps.snooze(session, candidate_id=owner, job_id=self._job, key=self._key, until=until)
                elif self.mode == "add":
                    due = parse_due(typed.get("due", ""))
                    next_steps.add_step(
                        session, candidate_id=owner, job_id=self._job, title=typed.get("title", ""), due_at=due
                    )
                else:
                    due = parse_due(typed.get("due", ""))
                    next_steps.edit_step(
                        session,
                        candidate_id=owner,
                        job_id=self._job,
                        key=self._key,
                        title=typed.get("title", ""),
                        due_at=due,
                    )
        except InvalidInput as exc:
            self.draft, self.error = typed, str(exc)
            return None
        self.dialog_open = False
        return self._after("Snoozed." if self.mode == "snooze" else "Step saved.")


def step_buttons(job_id: rx.Var[int], key: rx.Var[str], title: rx.Var[str], due: rx.Var[str]) -> rx.Component:
    """Done, the snoozes and Edit of one step; each names the step for a screen reader."""
    return rx.hstack(
        rx.button("Done", size="1", on_click=StepActionsState.done(job_id, key), aria_label="Done: " + title),
        *[
            rx.button(
                label,
                size="1",
                variant="soft",
                on_click=StepActionsState.snooze(job_id, key, days),
                aria_label=f"Snooze {label.lower()}: " + title,
            )
            for days, label in SNOOZES
        ],
        rx.button(
            "Snooze to…",
            size="1",
            variant="soft",
            on_click=StepActionsState.open_snooze(job_id, key),
            aria_label="Snooze to a date: " + title,
        ),
        rx.button(
            "Edit",
            size="1",
            variant="ghost",
            on_click=StepActionsState.open_edit(job_id, key, title, due),
            aria_label="Edit: " + title,
        ),
        spacing="2",
        wrap="wrap",
    )


def quiet_buttons(job_id: rx.Var[int], company: rx.Var[str]) -> rx.Component:
    """A quiet job's actions: reject as ghosted, snooze the mark a week, draft a follow-up."""
    return rx.hstack(
        rx.button(
            "Reject as ghosted",
            size="1",
            color_scheme="red",
            variant="soft",
            on_click=StepActionsState.reject_ghosted(job_id),
            aria_label="Reject as ghosted: " + company,
        ),
        rx.button(
            "Snooze a week",
            size="1",
            variant="soft",
            on_click=StepActionsState.snooze(job_id, QUIET_KEY, 7),
            aria_label="Snooze a week: " + company,
        ),
        rx.link("Draft a follow-up", href=routes.job_draft_url(job_id, DraftKind.FOLLOW_UP.value), size="2"),
        spacing="2",
        wrap="wrap",
        align="center",
    )


def step_dialog() -> rx.Component:
    draft = StepActionsState.draft
    snoozing = StepActionsState.mode == "snooze"
    return form_dialog(
        rx.cond(
            snoozing,
            draft_input("Comes back on", "day", draft, type="date"),
            rx.fragment(
                draft_input("What", "title", draft, max_length=limits.NEXT_STEP, placeholder="Email the recruiter"),
                draft_input("When", "due", draft, type="datetime-local"),
            ),
        ),
        title=rx.match(StepActionsState.mode, ("snooze", "Snooze to a date"), ("add", "Add a step"), "Edit the step"),
        open=StepActionsState.dialog_open,
        on_open_change=StepActionsState.set_open,
        on_submit=StepActionsState.save,
        error=StepActionsState.error,
        save_label="Save",
    )
