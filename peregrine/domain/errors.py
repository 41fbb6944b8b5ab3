"""The one root of every error whose message is written for the person using the app.

A page shows such an error as it is (a toast, a callout), the API maps its kinds to status codes,
and anything else that escapes a handler is a bug: logged with its traceback, and shown as a calm
"something went wrong" (see `pages/errors.py`). Subclasses live where their rule lives: a refused
move in `domain.stages`, a bad rating in `domain.interviews`, the services' refusals in
`services.errors`, no model answering in `llm.client`.
"""

from __future__ import annotations


class UserFacingError(Exception):
    """A refusal or failure whose `str()` is a sentence fit to show the user as it is."""
