"""The job page's interview rounds: schedule, edit (notes after the round), reorder, delete."""

from __future__ import annotations

from typing import Any

import reflex as rx

from peregrine import db, routes
from peregrine.components.buttons import icon_button
from peregrine.components.callouts import message_callout
from peregrine.components.dialogs import form_dialog
from peregrine.components.forms import draft_input, draft_select, draft_text_area
from peregrine.components.layout import or_empty, titled_section
from peregrine.domain import limits
from peregrine.domain.errors import UserFacingError
from peregrine.domain.interviews import RATING_FIELDS, InterviewKind, RoundOutcome
from peregrine.domain.stages import MoveSource, RejectionReason, Stage
from peregrine.pages.round_view import (
    RoundLine,
    parse_people,
    parse_when,
    past_notice,
    rating,
    round_draft,
    round_line,
)
from peregrine.pages.state import AppState, DialogMixin
from peregrine.services import interviews
from peregrine.services import jobs as job_service
from peregrine.services.errors import ServiceError
from peregrine.services.interviews import RoundFields


class RoundsState(DialogMixin, AppState):
    rounds: list[RoundLine] = []
    editing_id: int = 0
    #: What the dialog's fields show when it opens, by their names (`round_view.round_draft`).
    draft: dict[str, str] = {}
    error: str = ""
    #: A new round dated in the past: said in the dialog (a mistyped year?), the save still allowed.
    past_notice: str = ""
    job_route: str = ""
    #: After a failed round: the one-click offer to reject the job at its stage ("" when none).
    reject_offer: str = ""
    _job: int = 0

    def _load_rounds(self, job_id: int) -> None:
        self._job, self.job_route = job_id, str(job_id)
        with db.session_scope() as session:
            self.rounds = [round_line(interview) for interview in interviews.rounds_of(session, job_id)]

    @rx.event
    def open_new(self) -> None:
        self._open(0, round_draft(None))

    @rx.event
    def open_edit(self, interview_id: int) -> Any:
        try:
            with db.session_scope() as session:
                interview = interviews.get_round(session, interview_id, job_id=self._job)
        except ServiceError as exc:
            return rx.toast.error(str(exc))
        self._open(interview_id, round_draft(interview))
        return None

    def _open(self, interview_id: int, draft: dict[str, str]) -> None:
        self.editing_id, self.draft = interview_id, draft
        self.error, self.past_notice = "", ""
        self.dialog_open = True

    @rx.event
    def check_when(self, value: str) -> None:
        """A new round's time, as it is typed: said at once when it has already gone."""
        if not self.editing_id:
            self.past_notice = past_notice(value)

    @rx.event
    def save(self, form: dict[str, Any]) -> Any:
        """The dialog's form data; the after-the-round fields are there only when editing. The
        dialog opens with the round's values (`open_edit`) and keeps what was typed when refused."""
        typed = {name: str(value) for name, value in form.items()}
        name, outcome = typed.get("name", ""), typed.get("outcome", RoundOutcome.PENDING.value)
        try:
            fields = RoundFields(
                name=name,
                kind=typed.get("kind", InterviewKind.RECRUITER.value),
                format=typed.get("format", ""),
                focus=typed.get("focus", ""),
                interviewers=parse_people(typed.get("people", "")),
                scheduled_at=parse_when(typed.get("scheduled", "")),
            )
            with db.session_scope() as session:
                stage_before = job_service.get_job(session, self._job).stage
                if self.editing_id:
                    interviews.update_round(session, self.editing_id, fields)
                    interviews.record_outcome(
                        session,
                        self.editing_id,
                        outcome=outcome,
                        ratings={name: rating(typed.get(name, "")) for name in RATING_FIELDS},
                        notes=typed.get("notes", ""),
                        feedback=typed.get("feedback", ""),
                        next_steps=typed.get("next_steps", ""),
                    )
                else:  # a dated round takes its place in date order, so the list reads as a timeline
                    position = interviews.date_position(interviews.rounds_of(session, self._job), fields.scheduled_at)
                    interviews.add_round(session, self._job, fields, position=position)
                stage_after = job_service.get_job(session, self._job).stage
        except UserFacingError as exc:  # any refusal is said in the dialog, beside what was typed
            self.error = str(exc)
            return None
        self.dialog_open = False
        self._load_rounds(self._job)
        open_stage = Stage(stage_after) not in (Stage.HIRED, Stage.REJECTED)
        self.reject_offer = (
            f"{name.strip()} did not go well. Reject this job at {Stage(stage_after).label}?"
            if self.editing_id and outcome == RoundOutcome.FAILED.value and open_stage
            else ""
        )
        if stage_after != stage_before:
            from peregrine.pages.job import JobPageState  # the job page holds this section: no import at load

            return [
                rx.toast.success(f"Saved {name.strip()}; moved to {Stage(stage_after).label}."),
                JobPageState.load,
            ]
        return rx.toast.success(f"Saved {name.strip()}.")

    @rx.event
    def reject_job(self) -> Any:
        """The one click after a failed round: reject the job where it stands (never done silently)."""
        try:
            with db.session_scope() as session:
                job_service.move_job(
                    session,
                    self._job,
                    Stage.REJECTED,
                    source=MoveSource.INTERVIEW,
                    reason=RejectionReason.REJECTED_BY_COMPANY,
                )
        except ServiceError as exc:
            return rx.toast.error(str(exc))
        self.reject_offer = ""
        from peregrine.pages.job import JobPageState  # the job page holds this section

        return [rx.toast.success("Rejected; Restore on the board puts it back."), JobPageState.load]

    @rx.event
    def dismiss_reject(self) -> None:
        self.reject_offer = ""

    @rx.event
    def move(self, interview_id: int, position: int) -> Any:
        return self._change(lambda session: interviews.move_round(session, interview_id, position))

    @rx.event
    def delete(self, interview_id: int) -> Any:
        return self._change(lambda session: interviews.delete_round(session, interview_id))

    def _change(self, action: Any) -> Any:
        try:
            with db.session_scope() as session:
                action(session)
        except ServiceError as exc:
            return rx.toast.error(str(exc))
        self._load_rounds(self._job)
        return None


def _round_item(line: RoundLine) -> rx.Component:
    label = line.order.to_string() + ". " + line.name
    return rx.el.li(
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.text(label, weight="bold"),
                    rx.badge(line.kind, variant="soft"),
                    rx.cond(line.outcome != "pending", rx.badge(line.outcome, color_scheme="gray")),
                    align="center",
                    spacing="2",
                ),
                rx.text(
                    rx.cond(line.when != "", line.when, "Not scheduled yet"),
                    rx.cond(line.people != "", " · with " + line.people, ""),
                    rx.cond(line.focus != "", " · " + line.focus, ""),
                    size="2",
                    color_scheme="gray",
                ),
                _round_record(line),
                spacing="1",
            ),
            rx.spacer(),
            rx.hstack(
                rx.icon_button(
                    rx.icon("arrow-up", size=14),
                    variant="ghost",
                    aria_label="Move " + line.name + " earlier",
                    on_click=RoundsState.move(line.id, line.order - 1),
                    disabled=line.order == 1,
                ),
                rx.icon_button(
                    rx.icon("arrow-down", size=14),
                    variant="ghost",
                    aria_label="Move " + line.name + " later",
                    on_click=RoundsState.move(line.id, line.order + 1),
                    disabled=line.order == RoundsState.rounds.length(),
                ),
                rx.link(
                    "Prep",
                    href=routes.prep_url(RoundsState.job_route, line.id),
                    size="2",
                    aria_label="Prepare for " + line.name,
                ),
                rx.button(
                    "Edit",
                    size="1",
                    variant="soft",
                    on_click=RoundsState.open_edit(line.id),
                    aria_label="Edit " + line.name,
                ),
                rx.button(
                    "Delete",
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                    on_click=RoundsState.delete(line.id),
                    aria_label="Delete " + line.name,
                ),
                spacing="2",
                align="center",
                class_name="no-print",
            ),
            width="100%",
            align="center",
        ),
        class_name="round-item",
    )


def _round_record(line: RoundLine) -> rx.Component:
    """The round's notes and ratings, readable without opening Edit."""

    def part(label: str, value: rx.Var[str]) -> rx.Component:
        return rx.cond(
            value != "",
            rx.text(rx.text(label, ": ", weight="medium", as_="span"), value, size="2", white_space="pre-wrap"),
        )

    return rx.fragment(
        part("Ratings", line.ratings),
        part("Notes", line.notes),
        part("Feedback", line.feedback),
        part("Next steps", line.next_steps),
    )


_RATING_CHOICES = [("", "—"), *[(str(n), str(n)) for n in range(1, 6)]]


def _after_the_round() -> rx.Component:
    draft = RoundsState.draft
    return rx.vstack(
        draft_text_area(
            "Notes after the round: questions asked, self-reflection",
            "notes",
            draft,
            max_length=limits.ROUND_NOTES,
            noun="notes",
            rows="4",
        ),
        rx.hstack(
            draft_select(
                "Outcome", "outcome", draft, [(o.value, o.value.replace("_", "-").capitalize()) for o in RoundOutcome]
            ),
            *[
                draft_select(label, name, draft, _RATING_CHOICES)
                for name, label in (
                    ("overall_rating", "Overall rating"),
                    ("technical_rating", "Technical rating"),
                    ("culture_fit_rating", "Culture fit rating"),
                    ("communication_rating", "Communication rating"),
                )
            ],
            width="100%",
            wrap="wrap",
        ),
        draft_text_area(
            "Feedback you received", "feedback", draft, max_length=limits.ROUND_FEEDBACK, noun="feedback", rows="2"
        ),
        draft_input("Next steps", "next_steps", draft, max_length=limits.ROUND_NEXT_STEPS),
        width="100%",
        spacing="3",
    )


def _round_dialog() -> rx.Component:
    draft = RoundsState.draft
    return form_dialog(
        draft_input("Name", "name", draft, max_length=limits.ROUND_NAME, placeholder="Technical screen"),
        rx.hstack(
            draft_select("Kind", "kind", draft, [(kind.value, kind.label) for kind in InterviewKind]),
            draft_input("When", "scheduled", draft, type="datetime-local", on_change=RoundsState.check_when),
            width="100%",
        ),
        rx.hstack(
            draft_input("Format", "format", draft, max_length=limits.ROUND_FORMAT, placeholder="Video call, onsite…"),
            draft_input("Focus", "focus", draft, max_length=limits.ROUND_FOCUS, placeholder="System design, culture…"),
            width="100%",
        ),
        draft_text_area(
            "Interviewers (one a line: name — role)",
            "people",
            draft,
            max_length=limits.INTERVIEWERS_TEXT,
            noun="list of interviewers",
            rows="3",
        ),
        message_callout(RoundsState.past_notice, icon="calendar-clock", color="amber", size="1"),
        rx.cond(RoundsState.editing_id > 0, _after_the_round()),
        title=rx.cond(RoundsState.editing_id > 0, "Edit round", "Schedule a round"),
        open=RoundsState.dialog_open,
        on_open_change=RoundsState.set_open,
        on_submit=RoundsState.save,
        error=RoundsState.error,
        save_label="Save round",
        max_width="600px",
    )


def rounds_section() -> rx.Component:
    return titled_section(
        "Interview rounds",
        message_callout(
            RoundsState.reject_offer,
            rx.hstack(
                rx.button("Reject the job", on_click=RoundsState.reject_job, color_scheme="red", size="2"),
                rx.button("Not now", on_click=RoundsState.dismiss_reject, variant="soft", size="2"),
            ),
            icon="circle-x",
            color="red",
            class_name="no-print",
        ),
        or_empty(
            RoundsState.rounds,
            rx.el.ol(rx.foreach(RoundsState.rounds, _round_item), class_name="round-list"),
            "No rounds yet.",
        ),
        _round_dialog(),
        actions=(icon_button("plus", "Schedule a round", on_click=RoundsState.open_new),),
    )
