"""The job page's Drafts: emails written by the user's model (or by hand) in one dialog, never sent.

A draft is shown for editing, copied with one click or opened in the user's mail program as a
`mailto:` draft. The model writes in a background event (`generate`), so the state's lock is held
only to show its progress and its answer. With no model set up the same box takes a hand-written
draft. `/applications/<id>?draft=follow_up` opens the follow-up draft (`JobPageState.load`).
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from peregrine import db
from peregrine.components.buttons import icon_button, icon_link
from peregrine.components.forms import labelled, text_box
from peregrine.components.layout import titled_section
from peregrine.components.needs_llm import when_llm_missing
from peregrine.components.task_status import task_button, task_status_line
from peregrine.domain.drafts import DraftKind, mailto_link
from peregrine.domain.errors import UserFacingError
from peregrine.llm.client import get_llm_client
from peregrine.llm.prompts.drafts import BODY_CHARS, SUBJECT_CHARS
from peregrine.llm.settings import llm_configured
from peregrine.pages.state import AppState, DialogMixin
from peregrine.services import drafts
from peregrine.services.tasks import TaskProgress, TaskStatus

WRITING = TaskProgress(TaskStatus.RUNNING.value, label="Your model is writing the draft")


class DraftsState(DialogMixin, AppState):
    kind: str = DraftKind.FOLLOW_UP.value
    subject: str = ""
    body: str = ""
    recipient: str = ""
    #: Why the draft cannot be written (no round for a thank-you note…), "" when it can.
    refusal: str = ""
    left_out: str = ""
    run: TaskProgress = TaskProgress()
    llm_ready: bool = True
    _job: int = 0

    def _for_job(self, job_id: int) -> None:
        self._job, self.dialog_open = job_id, False

    def _open(self, kind: str) -> bool:
        """Open the dialog on a draft of `kind` (an unknown kind opens nothing); True when it opened."""
        if kind not in DraftKind.__members__.values():
            return False
        self.kind, self.subject, self.body, self.left_out = kind, "", "", ""
        self.run, self.llm_ready, self.refusal = TaskProgress(), llm_configured(), ""
        try:
            with db.session_scope() as session:
                setup = drafts.draft_setup(session, self._job, kind, candidate_id=self.candidate_id(session))
            self.recipient, self.subject = setup.recipient, setup.subject_hint
        except UserFacingError as exc:
            self.recipient, self.refusal = "", str(exc)
        self.dialog_open = True
        return True

    def open_from_route(self, kind: str) -> Any:
        """The job page opened with `?draft=<kind>`: that draft, written at once when a model is set up."""
        return DraftsState.generate if self._open(kind) and self.llm_ready and not self.refusal else None

    @rx.event
    def open_kind(self, kind: str) -> None:
        self._open(kind)

    @rx.event
    def set_subject(self, text: str) -> None:
        self.subject = text[:SUBJECT_CHARS]

    @rx.event
    def set_body(self, text: str) -> None:
        self.body = text[:BODY_CHARS]

    @rx.var
    def kind_label(self) -> str:
        return DraftKind(self.kind).label

    @rx.var
    def mailto(self) -> str:
        return mailto_link(self.recipient, self.subject, self.body)

    @rx.event
    def copied(self) -> Any:
        return rx.toast.success("Copied the draft. Nothing was sent.")

    @rx.event(background=True)
    async def generate(self) -> Any:
        async with self:
            self.llm_ready = llm_configured()
            if self.run == WRITING or not self.llm_ready or self.refusal:
                return None
            self.run, self.left_out = WRITING, ""
            job_id, kind, typed = self._job, self.kind, self.body
            candidate_id = self.read_candidate_id()
        try:
            draft = await drafts.write_draft(job_id, kind, candidate_id=candidate_id, llm=get_llm_client())
        except UserFacingError as exc:  # what is in the box stays there: it can be finished by hand
            async with self:
                self.run = TaskProgress(TaskStatus.FAILED.value, error=str(exc))
            return None
        async with self:
            self.run = TaskProgress()
            if (self._job, self.kind) != (job_id, kind):
                return None  # another draft was opened meanwhile
            if self.body != typed:
                return rx.toast.info("Your edits were kept. Write with my model again to replace them.")
            self.subject, self.body, self.left_out = draft.subject, draft.body, draft.left_out
            self.recipient = draft.recipient or self.recipient
        return None


def _draft_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(DraftsState.kind_label),
            rx.dialog.description(
                "Edit it, then copy it or open it in your mail program. Nothing is sent from here.", size="2"
            ),
            rx.vstack(
                when_llm_missing(DraftsState.llm_ready, "Drafting", "Write the email by hand in the box below."),
                rx.cond(DraftsState.refusal != "", rx.text(DraftsState.refusal, color_scheme="red", role="alert")),
                task_status_line(DraftsState.run, "The draft could not be written: ", ""),
                rx.cond(DraftsState.left_out != "", rx.text(DraftsState.left_out, size="1", color_scheme="gray")),
                labelled(
                    "To",
                    rx.input(value=DraftsState.recipient, read_only=True, placeholder="(your mail program asks)"),
                ),
                labelled(
                    "Subject",
                    rx.input(
                        value=DraftsState.subject,
                        on_change=DraftsState.set_subject,
                        max_length=SUBJECT_CHARS,
                        width="100%",
                    ),
                ),
                text_box(
                    "Email",
                    value=DraftsState.body,
                    on_change=DraftsState.set_body,
                    max_length=BODY_CHARS,
                    noun="email",
                    rows="10",
                ),
                rx.hstack(
                    task_button(
                        rx.cond(DraftsState.body != "", "Write again with my model", "Write with my model"),
                        on_click=DraftsState.generate,
                        llm_ready=DraftsState.llm_ready,
                        run=DraftsState.run,
                    ),
                    rx.spacer(),
                    icon_button(
                        "copy",
                        "Copy",
                        on_click=[rx.set_clipboard(DraftsState.body), DraftsState.copied],
                        disabled=DraftsState.body == "",
                    ),
                    icon_link(
                        "mail",
                        "Open in mail",
                        href=DraftsState.mailto,
                        aria_label="Open the draft in your mail program",
                    ),
                    rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                    width="100%",
                    wrap="wrap",
                    spacing="2",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="640px",
        ),
        open=DraftsState.dialog_open,
        on_open_change=DraftsState.set_open,
    )


def drafts_section() -> rx.Component:
    """The Drafts section: one button per kind of email, each opening the dialog on that draft."""
    return titled_section(
        "Drafts",
        rx.hstack(
            *[
                rx.button(kind.label, variant="soft", size="2", on_click=DraftsState.open_kind(kind.value))
                for kind in DraftKind
            ],
            wrap="wrap",
            spacing="2",
            class_name="no-print",
        ),
        _draft_dialog(),
    )
