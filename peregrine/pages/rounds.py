"""The job page's interview rounds: schedule, edit (notes after the round), reorder, delete."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import reflex as rx

from peregrine import db, routes
from peregrine.components.forms import labelled, length_notice
from peregrine.domain import limits
from peregrine.domain.dates import datetime_local_value, local_moment
from peregrine.domain.interviews import RATING_FIELDS, InterviewKind, RoundOutcome
from peregrine.domain.stages import MoveSource, RejectionReason, Stage
from peregrine.models import Interview
from peregrine.pages.state import AppState
from peregrine.services import interviews
from peregrine.services import jobs as job_service
from peregrine.services.errors import ServiceError
from peregrine.services.interviews import RoundFields


@dataclass(frozen=True)
class RoundLine:
    id: int
    order: int
    name: str
    kind: str
    when: str
    people: str
    outcome: str
    focus: str
    #: What was written after the round, shown read-only in the list (Edit changes it).
    notes: str = ""
    ratings: str = ""
    feedback: str = ""
    next_steps: str = ""


def _line(interview: Interview) -> RoundLine:
    assert interview.id is not None
    people = ", ".join(
        f"{person['name']} ({person['role']})" if person.get("role") else person["name"]
        for person in interview.interviewers
    )
    return RoundLine(
        id=interview.id,
        order=interview.order,
        name=interview.name,
        kind=InterviewKind(interview.kind).label,
        when=local_moment(interview.scheduled_at) if interview.scheduled_at else "",
        people=people,
        outcome=interview.outcome,
        focus=interview.focus,
        **_after_round_record(interview),
    )


def _after_round_record(interview: Interview) -> dict[str, str]:
    """The notes, ratings, feedback and next steps of a round, display-ready ("" when not written)."""
    ratings = [
        f"{name.removesuffix('_rating').replace('_', ' ').capitalize()} {value}/5"
        for name in RATING_FIELDS
        if (value := getattr(interview, name)) is not None
    ]
    return {
        "notes": interview.notes or "",
        "ratings": " · ".join(ratings),
        "feedback": interview.feedback or "",
        "next_steps": interview.next_steps or "",
    }


def _parse_people(text: str) -> list[dict[str, str]]:
    """One interviewer a line: "Ana Diaz — Staff engineer" (or "Ana Diaz, Staff engineer")."""
    people = []
    for line in text.splitlines():
        for separator in (" — ", " - ", ","):
            if separator in line:
                name, role = line.split(separator, 1)
                break
        else:
            name, role = line, ""
        if name.strip():
            people.append({"name": name.strip(), "role": role.strip()})
    return people


def _rating(text: str) -> int | None:
    """A rating select's value: "" (not rated) or 1 to 5; the service refuses anything else by name."""
    return int(text) if text.strip().isdigit() else None


def _parse_when(text: str) -> datetime | None:
    """The browser's datetime-local value, read as this machine's local time."""
    if not text.strip():
        return None
    try:
        return datetime.fromisoformat(text).astimezone().astimezone(UTC)
    except ValueError:
        raise ValueError(f"“{text}” is not a date and time.") from None


def _past_notice(text: str) -> str:
    """What the dialog says when a new round's time has already gone: fine for a round being
    recorded after the fact, and a hint to check the year otherwise."""
    try:
        when = _parse_when(text)
    except ValueError:
        return ""
    if when is None or when >= datetime.now(UTC):
        return ""
    return f"{local_moment(when)} is in the past: fine for a round already held; otherwise check the date."


_EDITABLE = frozenset(
    {
        "name",
        "kind",
        "format",
        "focus",
        "people",
        "scheduled",
        "notes",
        "outcome",
        "feedback",
        "next_steps",
        *RATING_FIELDS,
    }
)


class RoundsState(AppState):
    rounds: list[RoundLine] = []
    dialog_open: bool = False
    editing_id: int = 0
    name: str = ""
    kind: str = InterviewKind.RECRUITER.value
    format: str = ""
    focus: str = ""
    people: str = ""
    scheduled: str = ""
    notes: str = ""
    outcome: str = RoundOutcome.PENDING.value
    overall_rating: str = ""
    technical_rating: str = ""
    culture_fit_rating: str = ""
    communication_rating: str = ""
    feedback: str = ""
    next_steps: str = ""
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
            self.rounds = [_line(interview) for interview in interviews.rounds_of(session, job_id)]

    @rx.event
    def open_new(self) -> None:
        self.editing_id = 0
        self.name, self.kind, self.format, self.focus = "", InterviewKind.RECRUITER.value, "", ""
        self.people, self.scheduled, self.notes, self.error, self.past_notice = "", "", "", "", ""
        self.outcome, self.feedback, self.next_steps = RoundOutcome.PENDING.value, "", ""
        for name in RATING_FIELDS:
            setattr(self, name, "")
        self.dialog_open = True

    @rx.event
    def open_edit(self, interview_id: int) -> Any:
        try:
            with db.session_scope() as session:
                interview = interviews.get_round(session, interview_id, job_id=self._job)
        except ServiceError as exc:
            return rx.toast.error(str(exc))
        self.editing_id = interview_id
        self.name, self.kind, self.format, self.focus = (
            interview.name,
            interview.kind,
            interview.format,
            interview.focus,
        )
        self.people = "\n".join(
            f"{p['name']} — {p['role']}" if p.get("role") else p["name"] for p in interview.interviewers
        )
        self.scheduled = datetime_local_value(interview.scheduled_at) if interview.scheduled_at else ""
        self.notes, self.error, self.past_notice = interview.notes, "", ""
        self.outcome, self.feedback, self.next_steps = interview.outcome, interview.feedback, interview.next_steps
        for name in RATING_FIELDS:
            value = getattr(interview, name)
            setattr(self, name, str(value) if value else "")
        self.dialog_open = True
        return None

    @rx.event
    def set_open(self, is_open: bool) -> None:
        self.dialog_open = is_open

    @rx.event
    def set_field(self, name: str, value: str) -> None:
        if name in _EDITABLE:
            setattr(self, name, value)
        if name == "scheduled" and not self.editing_id:
            self.past_notice = _past_notice(value)

    @rx.event
    def save(self) -> Any:
        try:
            fields = RoundFields(
                name=self.name,
                kind=self.kind,
                format=self.format,
                focus=self.focus,
                interviewers=_parse_people(self.people),
                scheduled_at=_parse_when(self.scheduled),
            )
            with db.session_scope() as session:
                stage_before = job_service.get_job(session, self._job).stage
                if self.editing_id:
                    interviews.update_round(session, self.editing_id, fields)
                    interviews.record_outcome(
                        session,
                        self.editing_id,
                        outcome=self.outcome,
                        ratings={name: _rating(getattr(self, name)) for name in RATING_FIELDS},
                        notes=self.notes,
                        feedback=self.feedback,
                        next_steps=self.next_steps,
                    )
                else:  # a dated round takes its place in date order, so the list reads as a timeline
                    position = interviews.date_position(interviews.rounds_of(session, self._job), fields.scheduled_at)
                    interviews.add_round(session, self._job, fields, position=position)
                stage_after = job_service.get_job(session, self._job).stage
        except (ServiceError, ValueError) as exc:
            self.error = str(exc)
            return None
        self.dialog_open = False
        self._load_rounds(self._job)
        open_stage = Stage(stage_after) not in (Stage.HIRED, Stage.REJECTED)
        self.reject_offer = (
            f"{self.name.strip()} did not go well. Reject this job at {Stage(stage_after).label}?"
            if self.editing_id and self.outcome == RoundOutcome.FAILED.value and open_stage
            else ""
        )
        if stage_after != stage_before:
            from peregrine.pages.job import JobPageState  # the job page holds this section: no import at load

            return [
                rx.toast.success(f"Saved {self.name.strip()}; moved to {Stage(stage_after).label}."),
                JobPageState.load,
            ]
        return rx.toast.success(f"Saved {self.name.strip()}.")

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


def _input(label: str, name: str, value: rx.Var[str], **props: Any) -> rx.Component:
    return labelled(
        label, rx.input(value=value, on_change=lambda v: RoundsState.set_field(name, v), width="100%", **props)
    )


def _text(label: str, name: str, value: rx.Var[str], limit: int, noun: str, **props: Any) -> rx.Component:
    control = rx.text_area(
        value=value, on_change=lambda v: RoundsState.set_field(name, v), max_length=limit, width="100%", **props
    )
    return length_notice(labelled(label, control), noun)


def _select(label: str, name: str, value: rx.Var[str], options: list[tuple[str, str]]) -> rx.Component:
    return labelled(
        label,
        rx.el.select(
            *[rx.el.option(text, value=option) for option, text in options],
            value=value,
            on_change=lambda v: RoundsState.set_field(name, v),
            class_name="native-select",
        ),
    )


_RATING_CHOICES = [("", "—"), *[(str(n), str(n)) for n in range(1, 6)]]


def _after_the_round() -> rx.Component:
    return rx.vstack(
        _text(
            "Notes after the round: questions asked, self-reflection",
            "notes",
            RoundsState.notes,
            limits.ROUND_NOTES,
            "notes",
            rows="4",
        ),
        rx.hstack(
            _select(
                "Outcome",
                "outcome",
                RoundsState.outcome,
                [(o.value, o.value.replace("_", "-").capitalize()) for o in RoundOutcome],
            ),
            *[
                _select(label, name, getattr(RoundsState, name), _RATING_CHOICES)
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
        _text("Feedback you received", "feedback", RoundsState.feedback, limits.ROUND_FEEDBACK, "feedback", rows="2"),
        _input("Next steps", "next_steps", RoundsState.next_steps, max_length=limits.ROUND_NEXT_STEPS),
        width="100%",
        spacing="3",
    )


def _round_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(RoundsState.editing_id > 0, "Edit round", "Schedule a round")),
            rx.vstack(
                _input("Name", "name", RoundsState.name, max_length=limits.ROUND_NAME, placeholder="Technical screen"),
                rx.hstack(
                    labelled(
                        "Kind",
                        rx.el.select(
                            *[rx.el.option(kind.label, value=kind.value) for kind in InterviewKind],
                            value=RoundsState.kind,
                            on_change=lambda v: RoundsState.set_field("kind", v),
                            class_name="native-select",
                        ),
                    ),
                    _input("When", "scheduled", RoundsState.scheduled, type="datetime-local"),
                    width="100%",
                ),
                rx.hstack(
                    _input(
                        "Format",
                        "format",
                        RoundsState.format,
                        max_length=limits.ROUND_FORMAT,
                        placeholder="Video call, onsite…",
                    ),
                    _input(
                        "Focus",
                        "focus",
                        RoundsState.focus,
                        max_length=limits.ROUND_FOCUS,
                        placeholder="System design, culture…",
                    ),
                    width="100%",
                ),
                _text(
                    "Interviewers (one a line: name — role)",
                    "people",
                    RoundsState.people,
                    limits.INTERVIEWERS_TEXT,
                    "list of interviewers",
                    rows="3",
                ),
                rx.cond(
                    RoundsState.past_notice != "",
                    rx.callout.root(
                        rx.callout.icon(rx.icon("calendar-clock")),
                        rx.callout.text(RoundsState.past_notice),
                        color_scheme="amber",
                        role="status",
                        size="1",
                        width="100%",
                    ),
                ),
                rx.cond(RoundsState.editing_id > 0, _after_the_round()),
                rx.cond(RoundsState.error != "", rx.text(RoundsState.error, color_scheme="red", role="alert")),
                rx.hstack(
                    rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                    rx.button("Save round", on_click=RoundsState.save),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
            ),
            max_width="600px",
        ),
        open=RoundsState.dialog_open,
        on_open_change=RoundsState.set_open,
    )


def rounds_section() -> rx.Component:
    return rx.el.section(
        rx.hstack(
            rx.heading("Interview rounds", size="4", as_="h2"),
            rx.spacer(),
            rx.button(
                rx.icon("plus", size=14, aria_hidden="true"),
                "Schedule a round",
                variant="soft",
                on_click=RoundsState.open_new,
                class_name="no-print",
            ),
            width="100%",
            align="center",
        ),
        rx.cond(
            RoundsState.reject_offer != "",
            rx.callout.root(
                rx.callout.icon(rx.icon("circle-x")),
                rx.callout.text(RoundsState.reject_offer),
                rx.hstack(
                    rx.button("Reject the job", on_click=RoundsState.reject_job, color_scheme="red", size="2"),
                    rx.button("Not now", on_click=RoundsState.dismiss_reject, variant="soft", size="2"),
                ),
                color_scheme="red",
                role="status",
                class_name="no-print",
            ),
        ),
        rx.cond(
            RoundsState.rounds.length() > 0,
            rx.el.ol(rx.foreach(RoundsState.rounds, _round_item), class_name="round-list"),
            rx.text("No rounds yet.", size="2", color_scheme="gray"),
        ),
        _round_dialog(),
        aria_label="Interview rounds",
        class_name="rounds",
        width="100%",
    )
