"""The board's "Move to Rejected" dialog: the reason asked before a job moves to Rejected.

The board opens it (`RejectDialogState.ask`) for a drop on Rejected or a card's Reject button;
its answer goes back to the board's `reject` event, which makes the move.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from peregrine import db
from peregrine.components.dialogs import confirm_dialog
from peregrine.domain.stages import MoveSource, RejectionReason, Stage, reasons_for
from peregrine.pages.state import AppState, DialogMixin
from peregrine.services import jobs as job_service
from peregrine.services.errors import ServiceError


class RejectDialogState(DialogMixin, AppState):
    """The reason asked before a job moves to Rejected."""

    card_id: int = 0
    heading: str = ""
    reason: str = RejectionReason.REJECTED_BY_COMPANY.value
    #: The reasons that fit the job's stage (value, label): only a job at Offer can decline one.
    reasons: list[tuple[str, str]] = [(reason.value, reason.label) for reason in RejectionReason]
    _source: str = MoveSource.BUTTON.value

    @rx.event
    def ask(self, card_id: int, heading: str, source: str = MoveSource.BUTTON.value) -> None:
        """Open the dialog for `card_id`; `heading` names the job, `source` says what opened it."""
        self.card_id = card_id
        self._source = source
        self.heading = heading
        self.reasons = [(reason.value, reason.label) for reason in reasons_for(_stage_of(card_id))]
        self.reason = RejectionReason.REJECTED_BY_COMPANY.value
        self.dialog_open = True

    @rx.event
    def set_reason(self, reason: str) -> None:
        self.reason = reason

    @rx.event
    def confirm(self) -> Any:
        # Imported here: the board imports this module to open the dialog.
        from peregrine.pages.board import BoardState

        self.dialog_open = False
        return BoardState.reject(self.card_id, self.reason, self._source)


def _stage_of(card_id: int) -> Stage:
    with db.session_scope() as session:
        try:
            return Stage(job_service.get_job(session, card_id).stage)
        except ServiceError:
            return Stage.APPLIED  # gone meanwhile: the move will say so


def reject_dialog() -> rx.Component:
    return confirm_dialog(
        rx.radio_group.root(
            rx.vstack(
                rx.foreach(
                    RejectDialogState.reasons,
                    lambda reason: rx.el.label(rx.hstack(rx.radio_group.item(value=reason[0]), rx.text(reason[1]))),
                ),
                spacing="2",
            ),
            value=RejectDialogState.reason,
            on_change=RejectDialogState.set_reason,
            aria_label="Reason",
            padding_y="3",
        ),
        title="Move to Rejected",
        description=["Why did ", RejectDialogState.heading, " end? The stage it ended in is kept for your analytics."],
        confirm_label="Reject",
        on_confirm=RejectDialogState.confirm,
        open=RejectDialogState.dialog_open,
        on_open_change=RejectDialogState.set_open,
    )
