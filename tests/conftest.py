"""Fixtures shared by every test folder."""

import pytest

pytest_plugins = ["tests.fakes.fixtures", "tests.fakes.searxng_fixtures"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last: Playwright's sync API keeps an event loop running in the main
    thread for the rest of the session, where asyncio tests could no longer start theirs."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
