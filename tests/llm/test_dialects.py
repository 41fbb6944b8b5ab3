"""Structured-output dialects per backend (issue 21): each sends what its server expects, asserted on
the request body the fake OpenAI-compatible server received; json mode's prompt carries a compact
schema, not instructor's indented one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, Field

from peregrine.llm import LLMClient, load_llm_settings
from peregrine.llm.client import compact_schema
from tests.fakes.fixtures import WriteLLMConfig
from tests.fakes.openai_server import FakeOpenAIServer
from tests.llm.people import ADA

MESSAGES = [
    {"role": "system", "content": "You extract people from text."},
    {"role": "user", "content": "Ada Lovelace was 36 when she died."},
]


class Person(BaseModel):
    name: str = Field(description="the person's full name")
    age: int = Field(ge=0)


SCHEMA = Person.model_json_schema()


def _system(body: dict[str, Any]) -> str:
    first = body["messages"][0]
    assert first["role"] == "system"
    return str(first["content"])


def _no_schema_in_prompt(body: dict[str, Any]) -> bool:
    return "json_schema" not in json.dumps(body["messages"]) and '"properties"' not in json.dumps(body["messages"])


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("settings", "check"),
    [
        (  # OpenAI, vLLM, llama.cpp's llama-server: the schema in response_format, enforced by the server
            {"dialect": "json_schema"},
            lambda body: (
                body["response_format"]["type"] == "json_schema"
                and body["response_format"]["json_schema"]["schema"] == SCHEMA
                and body["response_format"]["json_schema"]["name"] == "Person"
                and "tools" not in body
                and _no_schema_in_prompt(body)
            ),
        ),
        (  # Ollama's native /api/chat: the schema as `format`, the budget as options, the schema in the prompt
            {"dialect": "ollama", "context_tokens": 8192},
            lambda body: (
                body["format"] == SCHEMA
                and body["stream"] is False
                and body["options"] == {"num_predict": body["max_tokens"], "num_ctx": 8192}
                and "response_format" not in body
                and compact_schema(Person) in _system(body)
                and _system(body).startswith("You extract people from text.")
            ),
        ),
        (  # llama-cpp-python's server: json_object with a schema
            {"dialect": "llama_cpp_python"},
            lambda body: (
                body["response_format"] == {"type": "json_object", "schema": SCHEMA}
                and "tools" not in body
                and _no_schema_in_prompt(body)
            ),
        ),
        (  # instructor's json mode, as before, but the schema in the prompt is compact
            {"mode": "json"},
            lambda body: (
                body["response_format"] == {"type": "json_object"}
                and compact_schema(Person) in _system(body)
                and '\n  "' not in _system(body)
            ),
        ),
    ],
    ids=["json_schema", "ollama", "llama_cpp_python", "instructor-json"],
)
@pytest.mark.parametrize("streamed", [False, True], ids=["plain", "streamed"])
async def test_each_dialect_sends_what_its_server_expects(
    fake_llm: FakeOpenAIServer,
    llm_config_dir: WriteLLMConfig,
    settings: dict[str, str],
    check: object,
    streamed: bool,
) -> None:
    llm_config_dir(fake_llm, **settings)
    client = LLMClient(load_llm_settings())
    fake_llm.queue_json(ADA)
    seen: list[Any] = []

    person = await client.structured(Person, MESSAGES, on_partial=seen.append if streamed else None)

    assert person == Person(**ADA)
    (body,) = fake_llm.requests
    assert callable(check)
    if settings.get("dialect") == "ollama":  # one unstreamed answer, on the native endpoint
        assert fake_llm.request_paths == ["/api/chat"]
        body = {**body, "max_tokens": body["options"]["num_predict"]}
    else:
        assert bool(body.get("stream")) is streamed
    assert check(body), json.dumps(body)[:2000]
    assert body["max_tokens"] > 0
    if streamed:
        assert seen


@pytest.mark.asyncio
async def test_instructor_tools_mode_sends_the_schema_as_a_tool(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    """Not streamed: the fake server streams no tool-call deltas."""
    llm_config_dir(fake_llm, mode="tools")
    client = LLMClient(load_llm_settings())
    fake_llm.queue_json(ADA)

    assert await client.structured(Person, MESSAGES) == Person(**ADA)
    (body,) = fake_llm.requests
    assert body["tools"][0]["function"]["parameters"]["properties"].keys() == {"name", "age"}


@pytest.mark.asyncio
async def test_a_retry_in_a_dialect_keeps_its_shape(fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig) -> None:
    llm_config_dir(fake_llm, dialect="llama_cpp_python")
    client = LLMClient(load_llm_settings())
    fake_llm.queue_json({"name": "Ada", "age": -1})
    fake_llm.queue_json(ADA)

    await client.structured(Person, MESSAGES)

    first, second = fake_llm.requests
    assert first["response_format"] == second["response_format"] == {"type": "json_object", "schema": SCHEMA}
    assert "greater_than_equal" in second["messages"][-1]["content"]


def test_the_compact_schema_is_much_shorter_than_the_indented_one() -> None:
    from peregrine.llm.prompts.interview_prep import PredictedQuestions

    indented = json.dumps(PredictedQuestions.model_json_schema(), indent=2)
    compact = compact_schema(PredictedQuestions)
    assert json.loads(compact) == json.loads(indented)
    assert len(compact) < 0.7 * len(indented)


def test_dialect_is_read_and_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = tmp_path / "cfg"
    directory.mkdir()
    (directory / "llm.yaml").write_text(
        "backends:\n"
        "  - {name: a, base_url: 'http://127.0.0.1:1/v1', model: m}\n"
        "  - {name: b, base_url: 'http://127.0.0.1:1/v1', model: m, dialect: llama_cpp_python}\n"
        "  - {name: c, base_url: 'http://127.0.0.1:1/v1', model: m, dialect: grammar}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PEREGRINE_CONFIG_DIR", str(directory))

    settings = load_llm_settings()

    assert [(b.name, b.dialect) for b in settings.backends] == [("a", "instructor"), ("b", "llama_cpp_python")]
    (notice,) = settings.notices
    assert "dialect 'grammar' is unknown" in notice.message
