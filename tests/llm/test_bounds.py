"""Every call bounded (issue 21): `max_tokens` from each schema, a total time limit for streamed and
unstreamed requests with the connection closed at the server, an answer cut off at the length limit
reported as such, and retries that send only the validation error.

Real HTTP against the fake OpenAI-compatible server, as in `test_client.py`.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from pydantic import BaseModel

from peregrine.llm import LLMClient, LLMUnavailable, load_llm_settings
from peregrine.llm.prompts import (
    DEFAULT_OUTPUT_TOKENS,
    base_prep,
    company_research,
    email_classify,
    interview_prep,
    practice,
    resume_split,
    survey,
)
from peregrine.llm.settings import DEFAULT_TIMEOUT_S, DEFAULT_TOTAL_TIMEOUT_S
from tests.fakes.fixtures import WriteLLMConfig, backend_entry
from tests.fakes.openai_server import FakeOpenAIServer
from tests.llm.people import ADA, Person, client_for, eventually

MESSAGES = [{"role": "user", "content": "Ada Lovelace was 36 when she died."}]


# ------------------------------------------------------------------------------------- max_tokens
@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        (email_classify.EmailClassification, 200),  # an email class ~200 tokens
        (practice.scores_schema(3), 3 * 150),  # a score ~150 an answer
        (survey.SuggestedAnswer, 300),  # a survey answer ~300
        (survey.ScreenshotText, 1000),
        (company_research.CompanyBrief, 1200),  # research ~1,200
        (company_research.brief_schema(accessibility=True, lgbtq=True), 1200 + 2 * 300),
        (base_prep.CallbackDrivers, 600),  # prep, section by section
        (base_prep.FormattedDescription, 1500),
        (interview_prep.PredictedQuestions, 1500),
        (interview_prep.QuestionsToAsk, 400),
        (resume_split.ResumeSplit, 1800),  # a part of a resume restated as projects
        (Person, DEFAULT_OUTPUT_TOKENS),  # a schema that declares nothing is still bounded
    ],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
async def test_every_structured_call_sends_the_max_tokens_its_schema_declares(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig, schema: type[BaseModel], expected: int
) -> None:
    client = client_for(llm_config_dir, fake_llm)

    await client.structured(schema, MESSAGES)

    assert fake_llm.requests[0]["max_tokens"] == expected


@pytest.mark.asyncio
async def test_streamed_structured_calls_and_text_streams_are_bounded_too(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, fake_llm)

    await client.structured(email_classify.EmailClassification, MESSAGES, on_partial=lambda part: None)
    text = "".join([chunk async for chunk in client.stream_text(MESSAGES, max_tokens=practice.TURN_MAX_TOKENS)])
    await client.structured(Person, MESSAGES, max_tokens=77)

    assert text
    assert [r.get("stream", False) for r in fake_llm.requests] == [True, True, False]
    assert [r["max_tokens"] for r in fake_llm.requests] == [200, 150, 77]
    assert practice.TURN_MAX_TOKENS == 150  # a practice turn ~150


@pytest.mark.asyncio
async def test_an_answer_cut_off_at_the_length_limit_is_reported_and_not_asked_again(
    fake_llm: FakeOpenAIServer, second_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, fake_llm, second_llm)
    long_answer = {"name": "Ada " * 40, "age": 36}
    fake_llm.queue_json(long_answer)
    second_llm.queue_json(long_answer)

    with pytest.raises(LLMUnavailable) as caught:
        await client.structured(Person, MESSAGES, max_tokens=12, max_retries=2)

    assert len(fake_llm.requests) == 1, "a cut-off answer would be cut off again: not retried"
    assert len(second_llm.requests) == 1
    for attempt in caught.value.attempts:
        assert "cut off at its limit of 12 tokens" in attempt.error
        assert "max_tokens" in attempt.error
    message = str(caught.value)
    assert "fake (" in message
    assert "second (" in message


@pytest.mark.asyncio
async def test_a_cut_off_answer_moves_on_to_the_next_backend(
    fake_llm: FakeOpenAIServer, second_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, fake_llm, second_llm)
    fake_llm.queue_json({"name": "Ada " * 40, "age": 36})
    second_llm.queue_json(ADA)

    person = await client.structured(Person, MESSAGES, max_tokens=12)

    assert person.name == "Ada Lovelace"
    assert len(fake_llm.requests) == 1


@pytest.mark.asyncio
async def test_a_streamed_answer_cut_off_at_the_length_limit_is_not_asked_again_unstreamed(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, fake_llm)
    fake_llm.queue_json({"name": "Ada " * 40, "age": 36})
    seen: list[object] = []

    with pytest.raises(LLMUnavailable) as caught:
        await client.structured(Person, MESSAGES, max_tokens=12, on_partial=seen.append)

    assert len(fake_llm.requests) == 1, "not retried blindly"
    assert seen, "the partials still came"
    assert "cut off at its limit of 12 tokens" in caught.value.attempts[0].error


# ------------------------------------------------------------------------------------- retries
@pytest.mark.asyncio
async def test_a_retry_sends_only_the_validation_error_not_the_growing_conversation(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, fake_llm)
    bad = json.dumps({"name": "Ada " * 200, "age": -4})  # a long answer that breaks age >= 0
    fake_llm.queue_json(bad)
    fake_llm.queue_json(bad)
    fake_llm.queue_json(ADA)

    person = await client.structured(Person, MESSAGES, max_retries=2)

    assert person.age == 36
    first, second, third = (r["messages"] for r in fake_llm.requests)
    for retry in (second, third):
        sent = json.dumps(retry)
        assert "Ada Ada Ada" not in sent, "the bad answer is not sent back"
        assert all(message["role"] != "assistant" for message in retry)
        assert "age" in sent
        assert "greater_than_equal" in sent
    assert len(json.dumps(third)) == len(json.dumps(second)), "the request does not grow from retry to retry"
    assert len(json.dumps(second)) - len(json.dumps(first)) < 400, "a short message, not the conversation"


# ------------------------------------------------------------------------------------- time limits
@pytest.mark.asyncio
async def test_a_slow_stream_is_stopped_at_its_total_limit_and_closed_at_the_server(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    # each chunk comes well within timeout_s (the wait between reads): only a total limit stops it
    client = client_for(llm_config_dir, fake_llm, timeout_s=5, total_timeout_s=0.6)
    words = 80
    fake_llm.queue_text(" ".join(f"word{n}" for n in range(words)))
    fake_llm.stream_delay_s = 0.05
    received: list[str] = []

    async def read() -> None:
        async for chunk in client.stream_text(MESSAGES):
            received.append(chunk)

    with pytest.raises(LLMUnavailable) as caught:
        await read()

    assert 0 < len(received) < words, "text came before the limit, and the limit came before the end"
    assert "took longer than 0.6 s in all (total_timeout_s)" in str(caught.value)
    assert await eventually(lambda: fake_llm.abandoned == 1), "the server saw the request closed"
    sent = len(fake_llm.chunk_sent_at)
    await asyncio.sleep(0.3)
    assert len(fake_llm.chunk_sent_at) == sent < words, "and sent nothing more"


@pytest.mark.asyncio
async def test_a_streamed_structured_answer_is_bounded_in_total_and_not_asked_again(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, fake_llm, timeout_s=5, total_timeout_s=0.5)
    fake_llm.queue_json({"name": "Ada " * 60, "age": 36})
    fake_llm.stream_delay_s = 0.05

    with pytest.raises(LLMUnavailable) as caught:
        await client.structured(Person, MESSAGES, on_partial=lambda part: None)

    assert len(fake_llm.requests) == 1, "a timed-out stream is not asked for again, unstreamed"
    assert "took longer than 0.5 s in all" in caught.value.attempts[0].error
    assert await eventually(lambda: fake_llm.abandoned == 1)


@pytest.mark.asyncio
async def test_an_unstreamed_request_is_bounded_in_total_and_closed_at_the_server(
    fake_llm: FakeOpenAIServer, second_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    llm_config_dir(backend_entry(fake_llm, timeout_s=5, total_timeout_s=0.5), second_llm)
    client = LLMClient()
    fake_llm.delay_s = 10
    second_llm.queue_json(ADA)

    person = await client.structured(Person, MESSAGES)

    assert person.name == "Ada Lovelace"  # from the second backend, the first given up at its total limit
    assert await eventually(lambda: fake_llm.abandoned == 1), "the slow server saw the client leave"


# ------------------------------------------------------------------------------------- settings
def _write_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    directory = tmp_path / "cfg"
    directory.mkdir()
    (directory / "llm.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("PEREGRINE_CONFIG_DIR", str(directory))


def test_defaults_are_sized_for_a_model_on_a_cpu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_yaml(
        tmp_path,
        monkeypatch,
        "backends:\n  - {name: a, base_url: 'http://127.0.0.1:1/v1', model: m}\n"
        "  - {name: b, base_url: 'http://127.0.0.1:1/v1', model: m, timeout_s: 30, total_timeout_s: 90}\n"
        "  - {name: c, base_url: 'http://127.0.0.1:1/v1', model: m, total_timeout_s: 0}\n",
    )

    settings = load_llm_settings()

    a, b = settings.backends
    assert (a.timeout_s, a.total_timeout_s) == (DEFAULT_TIMEOUT_S, DEFAULT_TOTAL_TIMEOUT_S)
    assert DEFAULT_TIMEOUT_S > 214, "a 0.5B model on a CPU took up to 214 s for research"
    assert DEFAULT_TOTAL_TIMEOUT_S >= DEFAULT_TIMEOUT_S
    assert (b.timeout_s, b.total_timeout_s) == (30.0, 90.0)
    (notice,) = settings.notices
    assert "'c'" in notice.message
    assert "total_timeout_s must be a positive number" in notice.message


# ------------------------------------------------------------------------------------- the window
@pytest.mark.asyncio
async def test_a_request_that_cannot_fit_the_window_is_not_sent_and_the_next_backend_answers(
    fake_llm: FakeOpenAIServer, second_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    llm_config_dir(backend_entry(fake_llm, context_tokens=4096, dialect="json_schema"), second_llm)
    client = LLMClient()
    long_prompt = [{"role": "user", "content": "Describe Ada Lovelace. " * 700}]  # ~16,000 chars
    second_llm.queue_json(ADA)

    person = await client.structured(Person, long_prompt, max_tokens=500)

    assert person.name == "Ada Lovelace"
    assert fake_llm.requests == [], "never sent: the server would answer HTTP 400"
    with pytest.raises(LLMUnavailable) as caught:
        await client_for(llm_config_dir, backend_entry(fake_llm, context_tokens=4096)).structured(Person, long_prompt)
    (attempt,) = caught.value.attempts
    assert attempt.error.startswith("not sent: the request needs about")
    assert "window of 4,096 tokens (context_tokens)" in attempt.error
    assert fake_llm.requests == []


def test_fits_asks_every_backend_that_states_a_window(
    fake_llm: FakeOpenAIServer, second_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    llm_config_dir(backend_entry(second_llm), backend_entry(fake_llm, context_tokens=4096))
    client = LLMClient()

    assert client.fits(Person, MESSAGES)
    # ~4,000 tokens of prompt and the 1,024 of Person's answer: over the second backend's window
    assert not client.fits(Person, [{"role": "user", "content": "x" * 12_000}])
    assert client_for(llm_config_dir, second_llm).fits(Person, [{"role": "user", "content": "x" * 12_000}])


@pytest.mark.asyncio
async def test_a_retry_that_would_not_fit_the_window_is_skipped(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    from peregrine.llm.client import estimate_tokens

    first = estimate_tokens(MESSAGES) + 400
    client = client_for(llm_config_dir, backend_entry(fake_llm, context_tokens=first + 10, dialect="json_schema"))
    fake_llm.queue_json({"name": "Ada", "age": -4})

    with pytest.raises(LLMUnavailable) as caught:
        await client.structured(Person, MESSAGES, max_tokens=400, max_retries=2)

    assert len(fake_llm.requests) == 1
    assert "a retry would not fit this backend's window" in caught.value.attempts[0].error
    assert "age" in caught.value.attempts[0].error


@pytest.mark.asyncio
async def test_a_text_stream_that_cannot_fit_is_not_sent(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, backend_entry(fake_llm, context_tokens=512))

    with pytest.raises(LLMUnavailable, match="window of 512 tokens"):
        async for _ in client.stream_text([{"role": "user", "content": "word " * 2000}], max_tokens=150):
            pass
    assert fake_llm.requests == []


def test_context_tokens_is_read_and_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_yaml(
        tmp_path,
        monkeypatch,
        "backends:\n  - {name: a, base_url: 'http://127.0.0.1:1/v1', model: m, context_tokens: 4096}\n"
        "  - {name: b, base_url: 'http://127.0.0.1:1/v1', model: m}\n"
        "  - {name: c, base_url: 'http://127.0.0.1:1/v1', model: m, context_tokens: 4k}\n",
    )

    settings = load_llm_settings()

    assert [(b.name, b.context_tokens) for b in settings.backends] == [("a", 4096), ("b", None)]
    (notice,) = settings.notices
    assert "context_tokens must be a whole number" in notice.message
