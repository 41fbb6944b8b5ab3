"""The inbox, `/inbox`: the emails Peregrine read, what each means and what it did.

Every message shows its class with the confidence and the sentence that decided it, the job it
was matched to (or the jobs to choose from), and the action taken. A message that waits for review
because the language model's word was not enough (the keyword rules read another class, or the
sentence it quoted is not in the email) shows both readings side by side. The user can change the class
or the job, apply the action, undo a move, or clear a review flag; each control calls
`services.email.actions` (the list is read through `services.email.inbox`), and every move goes
through the jobs service like the board's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx
from sqlmodel import Session

from peregrine import db, routes
from peregrine.components.forms import labelled
from peregrine.components.layout import page_layout
from peregrine.domain.email_rules import EmailClass
from peregrine.domain.stages import MoveNotAllowed
from peregrine.integrations.imap import load_imap_settings
from peregrine.pages.state import AppState
from peregrine.services.email import actions, poller
from peregrine.services.email.inbox import InboxFilter, InboxItem, JobChoice, job_choices, list_inbox, review_count
from peregrine.services.errors import ServiceError

FILTERS: list[tuple[str, str]] = [
    (InboxFilter.JOBS.value, "Job mail"),
    (InboxFilter.REVIEW.value, "Needs review"),
    (InboxFilter.ALL.value, "All mail"),
]


class InboxState(AppState):
    show: str = InboxFilter.JOBS.value
    items: list[InboxItem] = []
    jobs: list[JobChoice] = []
    review_count: int = 0
    sync_on: bool = False
    loaded: bool = False

    _candidate_id: int = 0

    @rx.event
    def load(self) -> None:
        wanted = self.router.url.query_parameters.get("show", "")
        if wanted in {value for value, _ in FILTERS}:
            self.show = wanted
        self.sync_on = load_imap_settings().configured
        self._refresh()
        self.loaded = True

    def _refresh(self) -> None:
        with db.session_scope() as session:
            self._candidate_id = candidate_id = self.candidate_id(session)
            self.items = list_inbox(session, candidate_id, show=self.show)
            self.jobs = job_choices(session, candidate_id)
            self.review_count = review_count(session, candidate_id)

    @rx.event
    def set_show(self, show: str) -> None:
        self.show = InboxFilter(show).value
        self._refresh()

    @rx.event
    def check_now(self) -> Any:
        if not load_imap_settings().configured:
            return rx.toast.info("Email sync is off: set up the imap section of config/services.yaml first.")
        poller.wake()
        return rx.toast.info("Checking the mailbox now; new mail shows here when you reload.")

    @rx.event
    def set_class(self, message_id: int, classification: str) -> Any:
        _, refusal = self._call(
            lambda session, who: actions.set_classification(session, message_id, classification, candidate_id=who)
        )
        return refusal

    @rx.event
    def choose_job(self, message_id: int, job_id: str) -> Any:
        if not job_id.isdigit():
            return None
        _, refusal = self._call(
            lambda session, who: actions.choose_job(session, message_id, int(job_id), candidate_id=who)
        )
        return refusal

    @rx.event
    def apply(self, message_id: int) -> Any:
        outcome, refusal = self._call(lambda session, who: actions.apply_action(session, message_id, candidate_id=who))
        if refusal is not None:
            return refusal
        return rx.toast.success(outcome.note) if outcome.moved else rx.toast.info(outcome.note)

    @rx.event
    def undo(self, message_id: int) -> Any:
        outcome, refusal = self._call(lambda session, who: actions.undo_action(session, message_id, candidate_id=who))
        return refusal if refusal is not None else rx.toast.info(outcome.note)

    @rx.event
    def mark_reviewed(self, message_id: int) -> Any:
        _, refusal = self._call(lambda session, who: actions.mark_reviewed(session, message_id, candidate_id=who))
        return refusal

    def _call(self, action: Callable[[Session, int], Any]) -> tuple[Any, Any]:
        """Run one service call for this candidate; (its result, None) or (None, a toast with the refusal).
        The list is read again either way."""
        try:
            with db.session_scope() as session:
                result = action(session, self._candidate_id)
        except (ServiceError, MoveNotAllowed) as exc:
            self._refresh()
            return None, rx.toast.error(str(exc), duration=8000)
        self._refresh()
        return result, None


# ---- the page ------------------------------------------------------------------


def _filters() -> rx.Component:
    return rx.hstack(
        *[
            rx.button(
                label,
                rx.cond(
                    (value == InboxFilter.REVIEW.value) & (InboxState.review_count > 0),
                    rx.badge(InboxState.review_count, color_scheme="amber", variant="solid", radius="full"),
                ),
                variant=rx.cond(InboxState.show == value, "solid", "soft"),
                aria_pressed=rx.cond(InboxState.show == value, "true", "false"),
                on_click=InboxState.set_show(value),
            )
            for value, label in FILTERS
        ],
        role="group",
        aria_label="Show",
        spacing="2",
    )


def _class_select(item: rx.Var[InboxItem]) -> rx.Component:
    return labelled(
        "Class",
        rx.el.select(
            rx.cond(item.classification == "", rx.el.option("Not classified", value="")),
            *[rx.el.option(cls.label, value=cls.value) for cls in EmailClass],
            value=item.classification,
            on_change=lambda value: InboxState.set_class(item.id, value),
            class_name="native-select",
        ),
    )


def _job_select(item: rx.Var[InboxItem]) -> rx.Component:
    return labelled(
        "Job",
        rx.el.select(
            rx.el.option("Choose the job…", value=""),
            rx.cond(
                item.candidates.length() > 0,
                rx.el.optgroup(
                    rx.foreach(item.candidates, lambda job: rx.el.option(job.label, value=job.value)),
                    label="Likely",
                ),
            ),
            rx.el.optgroup(
                rx.foreach(InboxState.jobs, lambda job: rx.el.option(job.label, value=job.value)),
                label="Open jobs",
            ),
            value=item.job_id,
            on_change=lambda value: InboxState.choose_job(item.id, value),
            class_name="native-select",
        ),
    )


def _job_line(item: rx.Var[InboxItem]) -> rx.Component:
    return rx.cond(
        item.job_id != "",
        rx.hstack(
            rx.text("Job:", size="2", weight="medium"),
            rx.link(item.job_label, href=routes.job_url(item.job_id), size="2"),
            rx.badge(item.job_stage, color_scheme="gray"),
            rx.cond(item.match == "user", rx.text("(chosen by you)", size="1", color_scheme="gray")),
            align="center",
            spacing="2",
            wrap="wrap",
        ),
        rx.cond(
            item.candidates.length() > 0,
            rx.text("Several jobs could be meant: choose one below.", size="2", color_scheme="amber"),
            rx.cond(
                item.classification != EmailClass.OTHER.value,
                rx.text("No job matched: choose one below.", size="2", color_scheme="amber"),
            ),
        ),
    )


def _classification(item: rx.Var[InboxItem]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.badge(
                item.class_label,
                color_scheme=rx.match(
                    item.classification,
                    ("interview_request", "violet"),
                    ("rejection", "red"),
                    ("offer", "green"),
                    ("survey_received", "blue"),
                    "gray",
                ),
            ),
            rx.cond(item.confidence != "", rx.text(item.confidence, " sure", size="2")),
            rx.text(item.classified_by, size="1", color_scheme="gray"),
            align="center",
            spacing="2",
        ),
        rx.cond(
            item.evidence != "",
            rx.el.blockquote(
                rx.text("“", item.evidence, "”", size="2"), class_name="email-evidence", aria_label="Evidence"
            ),
        ),
        spacing="1",
        align="start",
    )


def _reading(term: str, *details: Any) -> list[rx.Component]:
    return [rx.el.dt(term, class_name="email-reading-term"), rx.el.dd(rx.text(*details, size="2"))]


def _readings(item: rx.Var[InboxItem]) -> rx.Component:
    """The model's reading, the rules' reading and whether the model's quote is in the email, for a
    message held for review because the model's word alone was not acted on."""
    return rx.cond(
        item.needs_review & (item.readings_differ | ~item.evidence_in_email),
        rx.el.section(
            rx.text("Why this waits for you", size="2", weight="medium"),
            rx.el.dl(
                *_reading("The language model read it as", item.class_label, " (", item.confidence, " sure)."),
                *_reading(
                    "The keyword rules read it as",
                    rx.cond(
                        item.rules_class == EmailClass.OTHER.value,
                        "Other: they find no stage change in it.",
                        rx.fragment(
                            item.rules_label,
                            " (",
                            item.rules_confidence,
                            " sure)",
                            rx.cond(item.rules_evidence != "", rx.text.em(", on “", item.rules_evidence, "”"), "."),
                        ),
                    ),
                ),
                *_reading(
                    "The sentence the model quoted",
                    rx.cond(
                        item.evidence_in_email,
                        "is in the email.",
                        "is not in the email: it is the model's own words, so nothing was moved on it.",
                    ),
                ),
                class_name="email-readings",
            ),
            aria_label="Both readings",
            class_name="email-readings-box",
        ),
    )


def _action(item: rx.Var[InboxItem]) -> rx.Component:
    return rx.hstack(
        rx.badge(
            item.action_label,
            color_scheme=rx.match(item.action, ("moved", "green"), ("review", "amber"), ("undone", "gray"), "gray"),
            variant="solid",
        ),
        rx.text(item.action_note, size="2"),
        align="center",
        spacing="2",
        wrap="wrap",
        aria_label="Action",
    )


def _controls(item: rx.Var[InboxItem]) -> rx.Component:
    return rx.hstack(
        rx.cond(
            item.can_change,
            rx.hstack(
                rx.box(_class_select(item), width="14rem"),
                rx.box(_job_select(item), width="22rem", max_width="100%"),
                spacing="3",
                wrap="wrap",
            ),
        ),
        rx.hstack(
            rx.cond(item.can_apply, rx.button("Apply", on_click=InboxState.apply(item.id))),
            rx.cond(
                item.can_undo,
                rx.button(
                    rx.icon("undo-2", size=14, aria_hidden="true"),
                    "Undo",
                    variant="soft",
                    on_click=InboxState.undo(item.id),
                ),
            ),
            rx.cond(
                item.action == "review",
                rx.button(
                    "Mark reviewed", variant="soft", color_scheme="gray", on_click=InboxState.mark_reviewed(item.id)
                ),
            ),
            align="end",
            spacing="2",
        ),
        align="end",
        spacing="3",
        wrap="wrap",
    )


def _message(item: rx.Var[InboxItem]) -> rx.Component:
    return rx.el.article(
        rx.vstack(
            rx.hstack(
                rx.heading(item.subject, size="3", as_="h2"),
                rx.spacer(),
                rx.text(item.received, size="1", color_scheme="gray", white_space="nowrap"),
                width="100%",
                align="start",
            ),
            rx.text("From ", item.sender, size="2", color_scheme="gray"),
            _classification(item),
            _readings(item),
            _job_line(item),
            _action(item),
            rx.cond(
                item.error != "",
                rx.callout.root(
                    rx.callout.text("Processing failed: ", item.error, " — it is tried again on the next check."),
                    color_scheme="red",
                    role="alert",
                    size="1",
                ),
            ),
            _controls(item),
            rx.el.details(
                rx.el.summary("Message text"),
                rx.text(item.excerpt, size="2", white_space="pre-wrap", class_name="email-excerpt"),
            ),
            spacing="2",
            width="100%",
        ),
        aria_label=item.subject,
        class_name="email-message",
        style={
            "border": "1px solid var(--gray-a5)",
            "border_radius": "10px",
            "padding": "0.75rem 1rem",
            "width": "100%",
        },
        data_review=rx.cond(item.needs_review, "true", "false"),
    )


def inbox_page() -> rx.Component:
    return page_layout(
        rx.hstack(
            rx.heading("Inbox", size="6", as_="h1"),
            rx.spacer(),
            _filters(),
            rx.button(
                rx.icon("mail", size=14, aria_hidden="true"),
                "Check mail now",
                variant="soft",
                on_click=InboxState.check_now,
            ),
            align="center",
            spacing="3",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(
            ~InboxState.sync_on,
            rx.callout.root(
                rx.callout.text(
                    "Email sync is off: add an imap section to config/services.yaml (see Settings) and Peregrine "
                    "reads new mail by itself, read-only."
                ),
                color_scheme="gray",
            ),
        ),
        rx.cond(
            InboxState.loaded,
            rx.cond(
                InboxState.items.length() > 0,
                rx.vstack(rx.foreach(InboxState.items, _message), spacing="3", width="100%"),
                rx.text(
                    rx.cond(
                        InboxState.show == InboxFilter.REVIEW.value, "Nothing waits for review.", "No email here yet."
                    ),
                    color_scheme="gray",
                ),
            ),
            rx.center(rx.spinner(size="3"), padding="6"),
        ),
    )


__all__ = ["InboxState", "inbox_page"]
