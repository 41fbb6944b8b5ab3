"""The `fake_searxng` fixture: a started fake SearXNG, stopped after the test.

Register it as a plugin (``pytest_plugins = ["tests.fakes.searxng_fixtures"]`` in the root
conftest), or import the fixture into a test module.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.searxng_server import FakeSearxng


@pytest.fixture
def fake_searxng() -> Iterator[FakeSearxng]:
    """A fake SearXNG with JSON enabled and no results scripted yet, on a free 127.0.0.1 port."""
    server = FakeSearxng().start()
    try:
        yield server
    finally:
        server.stop()
