"""The app's one handler for errors that reach Reflex: a user-facing error is shown as it is, a bug
is logged and shown calmly; every refusal the services, the rules and the LLM client raise shares
the one root."""

from __future__ import annotations

import logging

import pytest

from peregrine.domain.errors import UserFacingError
from peregrine.domain.interviews import InvalidRating
from peregrine.domain.stages import MoveNotAllowed
from peregrine.llm.client import LLMUnavailable
from peregrine.pages.errors import UNEXPECTED, show_error
from peregrine.services.errors import InvalidInput, NotFound, StaleVersion


def shown(spec: object) -> str:
    return str(getattr(spec, "args", ""))


def test_every_refusal_has_the_one_root() -> None:
    refusals = (InvalidInput("x"), NotFound("x"), StaleVersion(), MoveNotAllowed("x", []), InvalidRating("x"))
    for error in (*refusals, LLMUnavailable([], "No backend is configured.")):
        assert isinstance(error, UserFacingError), type(error)
    assert not issubclass(MoveNotAllowed, ValueError)  # pages catching ValueError must not swallow a refusal


def test_a_refusal_is_shown_as_it_is_and_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        spec = show_error(InvalidInput("The bonus cannot be negative."))
    assert "The bonus cannot be negative." in shown(spec)
    assert caplog.records == []


def test_a_bug_is_logged_with_its_traceback_and_shown_calmly(caplog: pytest.LogCaptureFixture) -> None:
    try:
        raise KeyError("card 7")
    except KeyError as exc:
        with caplog.at_level(logging.ERROR):
            spec = show_error(exc)
    assert UNEXPECTED in shown(spec)
    assert "card 7" not in shown(spec)
    assert caplog.records[0].exc_info is not None
