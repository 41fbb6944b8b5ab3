"""Errors a service raises for the caller to show (each message is meant for the user), and the
length check every service runs on what the user typed."""

from __future__ import annotations

from collections.abc import Mapping

from peregrine.domain.errors import UserFacingError
from peregrine.domain.limits import too_long


class ServiceError(UserFacingError):
    """Base for the services' refusals; the message can be shown to the user as it is."""


class NotFound(ServiceError, LookupError):
    """The record does not exist (or belongs to another candidate, which must look the same)."""


class StaleVersion(ServiceError):
    """The record changed since the caller read it (another tab, the API, an email)."""

    def __init__(self, message: str = "This card changed elsewhere; the board was reloaded.") -> None:
        super().__init__(message)


class InvalidInput(ServiceError, ValueError):
    """What the user typed cannot be saved; the message says what to change."""


NOTHING_SAVED = "Nothing was saved."


def check_length(subject: str, text: str, limit: int, *, outcome: str = NOTHING_SAVED) -> None:
    """Refuse `text` when it is over `limit` (see `domain.limits`); it is never cut to fit.

    A cut would lose what the user wrote without telling them; a refusal names the field (`subject`,
    with its verb: "The bullet is"), its length and the limit, and `outcome` says nothing was written.
    """
    problem = too_long(subject, text, limit)
    if problem is not None:
        raise InvalidInput(f"{problem} {outcome}")


def check_lengths(values: Mapping[str, object], fields: Mapping[str, tuple[str, int]]) -> None:
    """`check_length` for each text of `values` named in `fields` (a table of `domain.limits`)."""
    for key, (subject, limit) in fields.items():
        value = values.get(key)
        if isinstance(value, str):
            check_length(subject, value, limit)
