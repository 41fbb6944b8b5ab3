"""`AppState`: the state every page state extends (reflex-examples' form-designer pattern).

It answers one question in one way: whose data is this page about? Today Peregrine shows one
person, the first candidate; with accounts, the signed-in user is resolved here, on every event,
and no page resolves it another way. What a handler does when a service refuses is not here: a
`UserFacingError` that reaches Reflex is shown by `pages.errors.show_error`, the app's one
exception handler, and anything else is logged there as the bug it is.

`DialogMixin` is the other half every dialog's state shares: whether the dialog is open, and how
it closes.
"""

from __future__ import annotations

import logging

import reflex as rx
from sqlmodel import Session

from peregrine import db
from peregrine.services.candidates import current_candidate

log = logging.getLogger("peregrine.pages")


class DialogMixin(rx.State, mixin=True):
    """A page state that edits something in a dialog: whether the dialog is open, and the handler
    the dialog calls when the user closes it (Escape, Cancel, a click outside)."""

    dialog_open: bool = False

    @rx.event
    def set_open(self, is_open: bool) -> None:
        self.dialog_open = is_open


class AppState(rx.State):
    """The base of every page's state."""

    def candidate_id(self, session: Session) -> int:
        """The id of the candidate whose pipeline this page shows, read in `session`."""
        return current_candidate(session).id or 0

    def read_candidate_id(self) -> int:
        """`candidate_id` in a session of its own, for handlers that have none open."""
        with db.session_scope() as session:
            return self.candidate_id(session)
