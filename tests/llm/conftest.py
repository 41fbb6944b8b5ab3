"""Fixtures of the LLM client tests: a second fake backend, for fallbacks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.openai_server import FakeOpenAIServer


@pytest.fixture
def second_llm() -> Iterator[FakeOpenAIServer]:
    server = FakeOpenAIServer(name="second", model="second-model").start()
    try:
        yield server
    finally:
        server.stop()
