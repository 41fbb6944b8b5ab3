"""Errors a service raises for the caller to show; each message is meant for the user."""

from __future__ import annotations


class ServiceError(Exception):
    """Base for errors whose message can be shown to the user as it is."""


class NotFound(ServiceError, LookupError):
    """The record does not exist (or belongs to another candidate, which must look the same)."""


class StaleVersion(ServiceError):
    """The record changed since the caller read it (another tab, the API, an email)."""

    def __init__(self, message: str = "This card changed elsewhere; the board was reloaded.") -> None:
        super().__init__(message)


class InvalidInput(ServiceError, ValueError):
    """What the user typed cannot be saved; the message says what to change."""
