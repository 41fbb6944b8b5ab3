"""What the LLM client tests ask for: a person read from one sentence, and a client on the
backends a test writes into its own llm.yaml."""

from __future__ import annotations

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
