"""What a page shows when a handler raises: the one place page errors become messages.

A `UserFacingError` (a refused move, a stale edit, bad input, no model answering) is shown as it is.
Anything else is a bug: it is logged with its traceback and the user sees a calm sentence instead
of a stack trace. Handlers that must undo something in the browser on a refusal (the board puts a
card back) still catch the error themselves; the rest let it reach here.
"""

# No `from __future__ import annotations`: Reflex checks the handler's annotations as objects.
import logging

import reflex as rx
from reflex_base.event import EventSpec

from peregrine.domain.errors import UserFacingError

log = logging.getLogger("peregrine.pages")

UNEXPECTED = "Something went wrong on our side; nothing you typed was lost. The error was logged."


def show_error(exception: Exception) -> EventSpec:
    """Reflex's `backend_exception_handler` for the app."""
    if isinstance(exception, UserFacingError):
        return rx.toast.error(str(exception), duration=8000)
    log.error("A page handler failed", exc_info=exception)
    return rx.toast.error(UNEXPECTED, duration=8000)
