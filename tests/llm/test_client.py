"""The LLM client against real HTTP: fake OpenAI-compatible servers on 127.0.0.1, no mocks.

The production code (openai 3 + instructor) runs unchanged; the fake servers script the answers
and the failures and record what they received.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, Field

from peregrine.config import ConfigNotice
from peregrine.llm import Attempt, LLMBackend, LLMClient, LLMSettings, LLMUnavailable, load_llm_settings
from peregrine.llm.settings import DEFAULT_TIMEOUT_S
from tests.fakes.fixtures import WriteLLMConfig, backend_entry
from tests.fakes.openai_server import FakeOpenAIServer, closed_port_url, tokenize
from tests.llm.people import ADA, Person, client_for, eventually

MESSAGES = [
    {"role": "system", "content": "You extract people from text."},
    {"role": "user", "content": "Ada Lovelace was 36 when she died."},
]


def _down(name: str, **overrides: object) -> dict[str, object]:
    return {"name": name, "base_url": closed_port_url(), "model": "any-model", "api_key_env": None, **overrides}


# ---------------------------------------------------------------------------------------------- structured
@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("mode", "request_check"),
    [
        ("json", lambda body: body["response_format"] == {"type": "json_object"} and "tools" not in body),
        (
            "tools",
            lambda body: (
                body["tools"][0]["function"]["name"] == "Person" and body["tool_choice"]["function"]["name"] == "Person"
            ),
        ),
        ("md_json", lambda body: "response_format" not in body and "tools" not in body),
        (
            "json_schema",
            lambda body: (
                body["response_format"]["type"] == "json_schema"
                and set(body["response_format"]["json_schema"]["schema"]["properties"]) == {"name", "age"}
            ),
        ),
    ],
)
async def test_structured_answer_lands_in_the_model_in_each_mode(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig, mode: str, request_check: object
) -> None:
    client = client_for(llm_config_dir, fake_llm, mode=mode)
    fake_llm.queue_json(ADA)

    person = await client.structured(Person, MESSAGES)

    assert person.model_dump() == ADA
    assert type(person) is Person
    assert len(fake_llm.requests) == 1
    body = fake_llm.requests[0]
    assert body["model"] == "fake-model"
    assert callable(request_check)
    assert request_check(body), body
    sent = [(m["role"], m["content"]) for m in body["messages"]]
    assert any(role == "user" and "Ada Lovelace was 36 when she died." in content for role, content in sent)
    assert any(role == "system" and "You extract people from text." in content for role, content in sent)


@pytest.mark.asyncio
async def test_first_backend_down_then_the_second_answers(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_for(llm_config_dir, _down("local"), fake_llm)
    fake_llm.queue_json(ADA)

    with caplog.at_level(logging.INFO, logger="peregrine.llm"):
        person = await client.structured(Person, MESSAGES)

    assert person.name == "Ada Lovelace"
    assert len(fake_llm.requests) == 1
    failures = [r for r in caplog.records if r.name == "peregrine.llm" and r.levelno == logging.WARNING]
    assert len(failures) == 1
    assert "local" in failures[0].getMessage()
    assert "connection refused" in failures[0].getMessage()


@pytest.mark.asyncio
async def test_http_500_on_the_first_backend_moves_on_without_retrying_it(
    fake_llm: FakeOpenAIServer, second_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, fake_llm, second_llm)
    fake_llm.fail_next(status=500)
    second_llm.queue_json({"name": "Grace Hopper", "age": 85})

    person = await client.structured(Person, MESSAGES)

    assert person.model_dump() == {"name": "Grace Hopper", "age": 85}
    assert len(fake_llm.requests) == 1  # openai's own retries are off: the next backend is the retry
    assert len(second_llm.requests) == 1
    assert second_llm.requests[0]["model"] == "second-model"


@pytest.mark.asyncio
async def test_invalid_json_is_reasked_once_then_succeeds(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, fake_llm)
    fake_llm.queue_json("{not json")
    fake_llm.queue_json(ADA)

    person = await client.structured(Person, MESSAGES, max_retries=2)

    assert person.age == 36
    assert len(fake_llm.requests) == 2
    reask = fake_llm.requests[1]["messages"]
    assert "json_invalid" in reask[-1]["content"]  # the validation error is fed back to the model
    assert all(m["role"] != "assistant" for m in reask)  # ... but not the bad answer (test_bounds.py)


@pytest.mark.asyncio
async def test_junk_from_every_backend_after_the_retries_is_unavailable_with_invalid_answer(
    fake_llm: FakeOpenAIServer, second_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, fake_llm, second_llm)
    for _ in range(2):
        fake_llm.queue_json("{not json")
        second_llm.queue_json({"name": "Ada", "age": -4})  # valid JSON, fails the model's ge=0

    with pytest.raises(LLMUnavailable) as caught:
        await client.structured(Person, MESSAGES, max_retries=1)

    assert len(fake_llm.requests) == 2
    assert len(second_llm.requests) == 2
    assert [a.backend for a in caught.value.attempts] == ["fake", "second"]
    assert all(a.error.startswith("invalid answer after 2 attempts") for a in caught.value.attempts)
    assert "age" in caught.value.attempts[1].error
    assert "invalid answer" in str(caught.value)


@pytest.mark.asyncio
async def test_every_backend_down_names_each_then_works_once_one_is_up(llm_config_dir: WriteLLMConfig) -> None:
    first = FakeOpenAIServer(name="first")  # never started: its port refuses connections
    second = FakeOpenAIServer(name="second").start()
    second.stop()
    client = client_for(llm_config_dir, first, second)

    with pytest.raises(LLMUnavailable) as caught:
        await client.structured(Person, MESSAGES)

    assert caught.value.attempts == [
        Attempt("first", "connection refused", first.url),
        Attempt("second", "connection refused", second.url),
    ]
    assert str(caught.value) == (
        f"No language model answered. Tried: first ({first.url}) — connection refused; "
        f"second ({second.url}) — connection refused."
    )
    assert not caught.value.nothing_configured

    second.start()  # the same port again
    try:
        second.queue_json(ADA)
        person = await client.structured(Person, MESSAGES)
    finally:
        second.stop()
    assert person.name == "Ada Lovelace"
    assert len(second.requests) == 1


@pytest.mark.asyncio
async def test_message_gives_the_reason_of_each_backend(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    down = _down("ollama")
    client = client_for(llm_config_dir, down, fake_llm)
    fake_llm.fail_next(status=503, message="model is loading")

    with pytest.raises(LLMUnavailable) as caught:
        await client.structured(Person, MESSAGES)

    assert str(caught.value) == (
        f"No language model answered. Tried: ollama ({down['base_url']}) — connection refused; "
        f"fake ({fake_llm.url}) — HTTP 503: model is loading."
    )


@pytest.mark.asyncio
async def test_a_slow_backend_is_abandoned_at_its_timeout(
    fake_llm: FakeOpenAIServer, second_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    llm_config_dir(backend_entry(fake_llm, timeout_s=0.5), second_llm)
    client = LLMClient()
    fake_llm.delay_s = 10
    second_llm.queue_json(ADA)

    person = await client.structured(Person, MESSAGES)

    assert person.name == "Ada Lovelace"
    # Given up at its timeout and closed, not waited out for the backend's 10 s answer.
    assert await eventually(lambda: fake_llm.abandoned == 1)
    assert len(fake_llm.requests) == 1
    assert len(second_llm.requests) == 1


@pytest.mark.asyncio
async def test_only_slow_backends_report_their_timeout(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, fake_llm, timeout_s=0.3)
    fake_llm.delay_s = 10

    with pytest.raises(LLMUnavailable) as caught:
        await client.structured(Person, MESSAGES)

    assert caught.value.attempts == [Attempt("fake", "timed out after 0.3 s", fake_llm.url)]


@pytest.mark.asyncio
async def test_no_backend_configured_points_to_llm_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEREGRINE_CONFIG_DIR", str(tmp_path))  # no llm.yaml there
    client = LLMClient()

    with pytest.raises(LLMUnavailable) as caught:
        await client.structured(Person, MESSAGES)
    with pytest.raises(LLMUnavailable):
        await _collect(client, [])

    assert caught.value.nothing_configured
    assert "No language model is configured" in str(caught.value)
    assert str(tmp_path / "llm.yaml") in str(caught.value)
    assert client.configured is False


@pytest.mark.asyncio
async def test_vision_calls_use_only_vision_backends(
    fake_llm: FakeOpenAIServer, second_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    llm_config_dir(fake_llm, backend_entry(second_llm, vision=True))
    client = LLMClient()
    second_llm.queue_json(ADA)
    image_message = {
        "role": "user",
        "content": [
            {"type": "text", "text": "Who is on this screenshot?"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
        ],
    }

    person = await client.structured(Person, [image_message], vision=True)

    assert person.name == "Ada Lovelace"
    assert fake_llm.requests == []
    assert second_llm.requests[0]["messages"][-1]["content"][1]["image_url"]["url"].startswith("data:image/png")


@pytest.mark.asyncio
async def test_vision_without_a_vision_backend_is_unavailable(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, fake_llm)

    with pytest.raises(LLMUnavailable) as caught:
        await client.structured(Person, MESSAGES, vision=True)

    assert caught.value.nothing_configured
    assert "vision: true" in str(caught.value)
    assert fake_llm.requests == []


@pytest.mark.asyncio
async def test_api_key_comes_from_the_named_variable_and_is_never_logged(
    fake_llm: FakeOpenAIServer,
    second_llm: FakeOpenAIServer,
    llm_config_dir: WriteLLMConfig,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("PEREGRINE_TEST_LLM_KEY", "sk-very-secret-123")
    llm_config_dir(backend_entry(fake_llm, api_key_env="PEREGRINE_TEST_LLM_KEY"), second_llm)
    client = LLMClient()
    fake_llm.fail_next(status=401, message="bad key")

    with caplog.at_level(logging.DEBUG):
        await client.structured(Person, MESSAGES)

    assert fake_llm.request_headers[0]["authorization"] == "Bearer sk-very-secret-123"
    assert second_llm.request_headers[0]["authorization"] == "Bearer not-needed"
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name == "peregrine.llm")
    assert "fake" in ours
    assert "second-model" in ours
    assert " ms" in ours
    assert "sk-very-secret-123" not in caplog.text


@pytest.mark.asyncio
async def test_a_backend_whose_key_variable_is_unset_is_skipped(
    fake_llm: FakeOpenAIServer,
    second_llm: FakeOpenAIServer,
    llm_config_dir: WriteLLMConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PEREGRINE_TEST_UNSET_KEY", raising=False)
    llm_config_dir(backend_entry(fake_llm, api_key_env="PEREGRINE_TEST_UNSET_KEY"), second_llm)
    settings = load_llm_settings()
    client = LLMClient(settings)

    person = await client.structured(Person, MESSAGES)

    assert person.model_dump() == {"name": "example", "age": 0}  # the fake's default answer, built from the schema
    assert fake_llm.requests == []
    assert len(second_llm.requests) == 1
    assert [n.message for n in settings.notices if "PEREGRINE_TEST_UNSET_KEY" in n.message]


# ---------------------------------------------------------------------------------------------- concurrency
async def _pair(client: LLMClient) -> None:
    results = await asyncio.gather(client.structured(Person, MESSAGES), client.structured(Person, MESSAGES))
    assert len(results) == 2


@pytest.mark.asyncio
async def test_max_concurrent_calls_one_serialises_calls(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    fake_llm.delay_s = 0.4
    client = client_for(llm_config_dir, fake_llm, max_concurrent_calls=1)

    await _pair(client)

    assert fake_llm.max_in_flight == 1  # one after the other


@pytest.mark.asyncio
async def test_max_concurrent_calls_two_lets_two_run_together(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    fake_llm.delay_s = 0.4
    client = client_for(llm_config_dir, fake_llm, max_concurrent_calls=2)

    await _pair(client)

    assert fake_llm.max_in_flight == 2  # both at once


def test_one_client_serves_several_event_loops(fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig) -> None:
    fake_llm.delay_s = 0.1
    client = client_for(llm_config_dir, fake_llm, max_concurrent_calls=1)

    asyncio.run(_pair(client))  # the semaphore is contended in this loop…
    asyncio.run(_pair(client))  # …and in a brand-new one

    assert len(fake_llm.requests) == 4
    assert fake_llm.max_in_flight == 1  # still one at a time in the second loop


@pytest.mark.asyncio
async def test_a_stream_holds_its_slot_until_it_ends(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, fake_llm, max_concurrent_calls=1)
    fake_llm.queue_text("one two three four five")
    fake_llm.stream_delay_s = 0.1
    finished: list[str] = []

    async def stream() -> None:
        assert [chunk async for chunk in client.stream_text(MESSAGES)]
        finished.append("stream")

    async def structured() -> None:
        await asyncio.sleep(0.05)  # the stream takes the slot first
        await client.structured(Person, MESSAGES)
        finished.append("structured")

    await asyncio.gather(stream(), structured())

    assert finished == ["stream", "structured"]
    assert fake_llm.requests[0].get("stream") is True
    assert "stream" not in fake_llm.requests[1]


# ---------------------------------------------------------------------------------------------- streaming
async def _collect(client: LLMClient, into: list[str]) -> None:
    async for chunk in client.stream_text(MESSAGES):
        into.append(chunk)


@pytest.mark.asyncio
async def test_stream_yields_tokens_in_order_as_they_arrive(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, fake_llm)
    text = "Tell me about a time you led a project under pressure."
    fake_llm.queue_text(text)
    fake_llm.stream_delay_s = 0.08
    arrivals: list[tuple[float, str]] = []

    async for chunk in client.stream_text(MESSAGES):
        arrivals.append((time.monotonic(), chunk))

    chunks = [chunk for _, chunk in arrivals]
    assert chunks == tokenize(text)
    assert len(chunks) >= 5
    assert "".join(chunks) == text
    gaps = [later - earlier for (earlier, _), (later, _) in itertools.pairwise(arrivals)]
    # spread over time, not buffered into one burst (tolerant of a busy machine delaying a read)
    assert sum(gap >= 0.04 for gap in gaps) >= len(gaps) // 2
    assert arrivals[-1][0] - arrivals[0][0] >= 0.08 * (len(chunks) - 1) * 0.5
    body = fake_llm.requests[0]
    assert body["stream"] is True
    assert body["messages"] == MESSAGES


@pytest.mark.asyncio
async def test_stream_falls_back_when_the_first_backend_fails_before_any_token(
    fake_llm: FakeOpenAIServer, second_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, _down("down"), fake_llm, second_llm)
    fake_llm.fail_next(status=500)
    second_llm.queue_text("Hello there, candidate.")

    text = "".join([chunk async for chunk in client.stream_text(MESSAGES)])

    assert text == "Hello there, candidate."
    assert len(fake_llm.requests) == 1
    assert len(second_llm.requests) == 1


@pytest.mark.asyncio
async def test_stream_broken_after_the_first_token_is_not_restarted_elsewhere(
    fake_llm: FakeOpenAIServer, second_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, fake_llm, second_llm)
    fake_llm.queue_text("one two three four five")
    fake_llm.cut_stream_after(2)
    received: list[str] = []

    with pytest.raises(LLMUnavailable) as caught:
        await _collect(client, received)

    assert received == ["one", " two"]
    assert second_llm.requests == []
    assert "stopped in the middle" in str(caught.value)
    assert caught.value.attempts[-1].backend == "fake"
    assert "after 2 chunks" in caught.value.attempts[-1].error


@pytest.mark.asyncio
async def test_stream_with_every_backend_down_is_unavailable(llm_config_dir: WriteLLMConfig) -> None:
    client = client_for(llm_config_dir, _down("a"), _down("b"))

    with pytest.raises(LLMUnavailable) as caught:
        await _collect(client, [])

    assert [(a.backend, a.error) for a in caught.value.attempts] == [
        ("a", "connection refused"),
        ("b", "connection refused"),
    ]


@pytest.mark.asyncio
async def test_stream_skips_a_backend_that_is_too_slow_to_start(
    fake_llm: FakeOpenAIServer, second_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    llm_config_dir(backend_entry(fake_llm, timeout_s=0.4), second_llm)
    client = LLMClient()
    fake_llm.delay_s = 10
    second_llm.queue_text("fast answer")

    text = "".join([chunk async for chunk in client.stream_text(MESSAGES)])

    assert text == "fast answer"
    assert await eventually(lambda: fake_llm.abandoned == 1)  # given up at its timeout, not waited out


# ---------------------------------------------------------------------------------------------- check_backends
@pytest.mark.asyncio
async def test_check_backends_reports_reachability_model_and_latency(llm_config_dir: WriteLLMConfig) -> None:
    with FakeOpenAIServer(name="local", model="llama3.1:8b", models=["llama3.1:8b", "qwen2.5:7b"]) as server:
        down = _down("offline")
        llm_config_dir(server, backend_entry(server, name="wrong-model", model="mistral:7b"), down)
        client = LLMClient()

        statuses = await client.check_backends()

    assert [s.name for s in statuses] == ["local", "wrong-model", "offline"]
    present, absent, offline = statuses
    assert (present.reachable, present.model_present, present.error) == (True, True, "")
    assert present.latency_ms is not None
    assert present.latency_ms > 0
    assert present.ok
    assert (absent.reachable, absent.model_present) == (True, False)
    assert "'mistral:7b' is not on this server" in absent.error
    assert "llama3.1:8b, qwen2.5:7b" in absent.error
    assert not absent.ok
    assert (offline.reachable, offline.model_present, offline.latency_ms) == (False, False, None)
    assert offline.error == "connection refused"
    assert offline.base_url == down["base_url"]
    assert server.models_requests == 2


# ---------------------------------------------------------------------------------------------- settings
def _write_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> str:
    (tmp_path / "llm.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("PEREGRINE_CONFIG_DIR", str(tmp_path))
    return str(tmp_path / "llm.yaml")


def test_malformed_yaml_is_a_notice_with_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write_yaml(tmp_path, monkeypatch, "backends:\n  - name: ollama\n    base_url: [unclosed\n")

    settings = load_llm_settings()

    assert settings.backends == ()
    assert settings.max_concurrent_calls == 2
    assert len(settings.notices) == 1
    assert settings.notices[0].path == path
    assert settings.notices[0].message.startswith("could not be read at line 4, column 1")


def test_missing_file_means_no_backend_and_a_notice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEREGRINE_CONFIG_DIR", str(tmp_path))

    settings = load_llm_settings()

    assert settings.backends == ()
    assert settings.notices == (ConfigNotice(str(tmp_path / "llm.yaml"), "not found; using defaults", missing=True),)


def test_bad_backends_become_notices_and_are_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write_yaml(
        tmp_path,
        monkeypatch,
        """
backends:
  - name: no-url
    model: m
  - name: no-model
    base_url: http://localhost:1/v1
  - name: odd-mode
    base_url: http://localhost:2/v1
    model: m
    mode: yaml
  - name: zero-timeout
    base_url: http://localhost:3/v1
    model: m
    timeout_s: 0
  - name: negative-timeout
    base_url: http://localhost:4/v1
    model: m
    timeout_s: -5
  - just a string
  - name: good
    base_url: http://localhost:11434/v1/
    model: llama3.1:8b
max_concurrent_calls: 0
""",
    )

    settings = load_llm_settings()

    assert settings.backends == (
        # defaults filled in, trailing slash dropped
        LLMBackend(
            name="good",
            base_url="http://localhost:11434/v1",
            model="llama3.1:8b",
            api_key_env=None,
            mode="json",
            vision=False,
            timeout_s=DEFAULT_TIMEOUT_S,
        ),
    )
    assert settings.max_concurrent_calls == 2
    assert all(notice.path == path for notice in settings.notices)
    messages = [notice.message for notice in settings.notices]
    expected = {
        "'no-url'": "base_url is missing",
        "'no-model'": "model is missing",
        "'odd-mode'": "mode 'yaml' is unknown",
        "'zero-timeout'": "timeout_s must be a positive number",
        "'negative-timeout'": "timeout_s must be a positive number",
        "#6": "must be a mapping",
        "max_concurrent_calls": "using 2",
    }
    for name, problem in expected.items():
        assert any(name in m and problem in m for m in messages), (name, messages)
    assert len(messages) == len(expected)


def test_settings_read_every_documented_field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEREGRINE_TEST_SET_KEY", "sk-x")
    _write_yaml(
        tmp_path,
        monkeypatch,
        """
backends:
  - name: openai
    base_url: https://api.openai.com/v1
    model: gpt-4o-mini
    api_key_env: PEREGRINE_TEST_SET_KEY
    mode: tools
    vision: true
    timeout_s: 60
max_concurrent_calls: 1
""",
    )

    settings = load_llm_settings()

    assert settings.notices == ()
    assert settings.max_concurrent_calls == 1
    (backend,) = settings.backends
    assert (backend.name, backend.api_key_env, backend.mode, backend.vision, backend.timeout_s) == (
        "openai",
        "PEREGRINE_TEST_SET_KEY",
        "tools",
        True,
        60.0,
    )
    assert settings.vision_backends == (backend,)


def test_backends_that_is_not_a_list_is_a_notice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_yaml(tmp_path, monkeypatch, "backends: ollama\ntypo_setting: 3\n")

    settings = load_llm_settings()

    assert settings.backends == ()
    messages = " | ".join(n.message for n in settings.notices)
    assert "backends must be a list" in messages
    assert "'typo_setting'" in messages


def test_the_example_file_is_valid(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "config" / "llm.yaml.example"
    _write_yaml(tmp_path, monkeypatch, example.read_text(encoding="utf-8"))

    settings = load_llm_settings()

    assert settings.notices == ()
    assert [b.name for b in settings.backends] == ["ollama"]
    assert settings == LLMSettings(backends=settings.backends, max_concurrent_calls=2)


class Roster(BaseModel):
    team: str
    people: list[Person] = Field(min_length=2, max_length=3)


@pytest.mark.asyncio
async def test_streamed_structured_answer_reports_partials_as_they_grow(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, fake_llm)
    fake_llm.stream_delay_s = 0.005
    fake_llm.queue_json({"team": "Platform", "people": [{"name": "Ada", "age": 36}, {"name": "Grace", "age": 45}]})
    seen: list[dict[str, Any]] = []

    roster = await client.structured(
        Roster, [{"role": "user", "content": "team?"}], on_partial=lambda p: seen.append(p.model_dump())
    )

    assert roster == Roster(team="Platform", people=[Person(name="Ada", age=36), Person(name="Grace", age=45)])
    assert len(fake_llm.requests) == 1
    assert fake_llm.requests[0]["stream"] is True
    assert len(seen) > 5, "one partial per streamed chunk"
    assert seen[0] != seen[-1]
    assert any(len(p.get("people") or []) == 1 for p in seen), "the list grows item by item"


@pytest.mark.asyncio
async def test_streamed_answer_that_breaks_the_schema_is_asked_again_plainly(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, fake_llm)
    fake_llm.queue_json({"team": "Platform", "people": [{"name": "Ada", "age": 36}]})  # one person: too few
    fake_llm.queue_json({"team": "Platform", "people": [{"name": "Ada", "age": 36}, {"name": "Grace", "age": 45}]})

    roster = await client.structured(Roster, [{"role": "user", "content": "team?"}], on_partial=lambda p: None)

    assert len(roster.people) == 2
    assert [bool(r.get("stream")) for r in fake_llm.requests] == [True, False]


@pytest.mark.asyncio
async def test_streamed_call_to_a_dead_backend_moves_on_without_a_second_try(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, _down("dead"), fake_llm)
    fake_llm.queue_json({"team": "Platform", "people": [{"name": "Ada", "age": 36}, {"name": "Grace", "age": 45}]})

    roster = await client.structured(Roster, [{"role": "user", "content": "team?"}], on_partial=lambda p: None)

    assert roster.team == "Platform"
    assert len(fake_llm.requests) == 1
