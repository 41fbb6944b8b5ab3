"""What the LLM client tests ask for: a person read from one sentence, and a client on the
backends a test writes into its own llm.yaml."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from pydantic import BaseModel, Field

from peregrine.llm.client import LLMClient
from peregrine.llm.settings import load_llm_settings
from tests.fakes.fixtures import WriteLLMConfig
from tests.fakes.openai_server import FakeOpenAIServer

ADA = {"name": "Ada Lovelace", "age": 36}


class Person(BaseModel):
    name: str
    age: int = Field(ge=0)


def client_for(write: WriteLLMConfig, *backends: FakeOpenAIServer | dict[str, object], **options: object) -> LLMClient:
    """A client on `backends` (written to the test's llm.yaml first), whose settings raised no notice."""
    write(*backends, **options)
    settings = load_llm_settings()
    assert settings.notices == (), settings.notices
    return LLMClient(settings)


async def eventually(check: Callable[[], bool], within_s: float = 5.0) -> bool:
    """Whether `check` comes true within `within_s` (a bound on waiting, not a speed being tested)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if check():
            return True
        await asyncio.sleep(0.02)
    return False
