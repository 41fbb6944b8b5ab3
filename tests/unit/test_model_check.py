"""Settings → Test this model (issue 21): the verdicts per feature from a window, and the check itself
against the fake server answering as a real one would (valid, invalid, not JSON, down)."""

from __future__ import annotations

import pytest

from peregrine.services.model_check import (
    FeatureNeed,
    ModelCheckAnswer,
    check_model,
    feature_needs,
    feature_verdicts,
)
from tests.fakes.fixtures import WriteLLMConfig, backend_entry
from tests.fakes.openai_server import FakeOpenAIServer, closed_port_url
from tests.llm.people import client_for

PREP = FeatureNeed("Base prep", fixed_tokens=1_000, input_tokens=3_000, answer_tokens=2_500)
GOOD = {"city": "London", "year": 1815, "languages": ["Ada", "Pascal"]}


def test_a_window_large_enough_fits() -> None:
    (verdict,) = feature_verdicts(8_192, [PREP])
    assert verdict.fit == "fits"
    assert verdict.text == "Base prep needs about 6,500 tokens of window; this backend has 8,192: it fits."


def test_a_window_under_the_typical_need_trims() -> None:
    (verdict,) = feature_verdicts(4_096, [PREP])
    assert verdict.fit == "trims"
    assert verdict.text == (
        "Base prep needs about 6,500 tokens of window; this backend has 4,096: it will trim more than it should."
    )


def test_a_window_under_the_prompt_and_answer_alone_cannot_run() -> None:
    (verdict,) = feature_verdicts(3_000, [PREP])
    assert verdict.fit == "too_small"
    assert "needs at least 3,500 tokens of window even with its inputs left out" in verdict.text
    assert "cannot run here" in verdict.text


def test_an_unknown_window_says_so_and_how_to_set_it() -> None:
    (verdict,) = feature_verdicts(None, [PREP])
    assert verdict.fit == "unknown"
    assert "set context_tokens in config/llm.yaml" in verdict.text


def test_every_feature_is_judged_and_the_needs_come_from_the_prompts() -> None:
    from peregrine.llm.prompts import output_tokens
    from peregrine.llm.prompts.interview_prep import SECTIONS

    needs = {need.name: need for need in feature_needs()}
    assert set(needs) == {
        "Company research",
        "Base prep",
        "Round prep",
        "Practice interview (a turn)",
        "Practice scores",
        "Survey answers",
        "Email classification",
    }
    assert needs["Round prep"].answer_tokens in {output_tokens(section.schema) for section in SECTIONS}
    assert needs["Email classification"].typical < needs["Base prep"].typical
    assert all(need.fixed_tokens > 100 for need in needs.values()), "each carries its prompt's own text"
    verdicts = {v.feature: v.fit for v in feature_verdicts(4_096, list(needs.values()))}
    assert verdicts["Email classification"] == "fits"
    assert {v.fit for v in feature_verdicts(1_024, list(needs.values()))} <= {"trims", "too_small"}


@pytest.mark.asyncio
async def test_a_backend_that_answers_the_schema_is_reported_in_full(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    fake_llm.announce_window("llama.cpp", 4096)
    client = client_for(llm_config_dir, backend_entry(fake_llm, dialect="json_schema"))
    fake_llm.queue_json(GOOD)

    check = await check_model(client, client.settings.backends[0])

    assert (check.answered, check.valid_json, check.matches_schema) == (True, True, True)
    assert check.speed.endswith("tokens/s (the server's count)")
    assert check.window == "4,096 tokens (read from the server: llama.cpp /props n_ctx)"
    assert len(check.verdicts) == len(feature_needs())
    (body,) = fake_llm.requests
    assert body["response_format"]["json_schema"]["schema"] == ModelCheckAnswer.model_json_schema()


@pytest.mark.asyncio
async def test_an_answer_out_of_the_schema_is_json_but_no_match(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, backend_entry(fake_llm, context_tokens=8192))
    fake_llm.queue_json({**GOOD, "year": 18150})

    check = await check_model(client, client.settings.backends[0])

    assert (check.answered, check.valid_json, check.matches_schema) == (True, True, False)
    assert check.schema_error.startswith("year: Input should be less than or equal to 2100")
    assert check.window == "8,192 tokens (from config: context_tokens in llm.yaml)"
    assert len(fake_llm.requests) == 1, "asked once: the test shows the first answer, not a retry's"


@pytest.mark.asyncio
async def test_an_answer_that_is_not_json_is_said_to_be_so(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, backend_entry(fake_llm, mode="md_json"))
    fake_llm.queue_text("London, 1815, Ada and Pascal.")

    check = await check_model(client, client.settings.backends[0])

    assert (check.answered, check.valid_json, check.matches_schema) == (True, False, False)
    assert check.schema_error.startswith("not JSON")
    assert check.speed.endswith("(the server's count)")


@pytest.mark.asyncio
async def test_tools_mode_and_ollama_answers_are_read_too(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    for settings in ({"mode": "tools"}, {"dialect": "ollama"}):
        fake_llm.reset()
        client = client_for(llm_config_dir, backend_entry(fake_llm, **settings))
        fake_llm.queue_json(GOOD)
        check = await check_model(client, client.settings.backends[0])
        assert check.matches_schema, settings


@pytest.mark.asyncio
async def test_a_backend_that_is_down_is_reported_not_raised(llm_config_dir: WriteLLMConfig) -> None:
    client = client_for(llm_config_dir, {"name": "down", "base_url": closed_port_url(), "model": "m"})

    check = await check_model(client, client.settings.backends[0])

    assert (check.answered, check.error) == (False, "connection refused")
    assert (check.valid_json, check.matches_schema, check.speed) == (False, False, "—")
    assert check.window.startswith("unknown")
    assert {verdict.fit for verdict in check.verdicts} == {"unknown"}


@pytest.mark.asyncio
async def test_an_http_error_is_the_reason(fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig) -> None:
    client = client_for(llm_config_dir, fake_llm)
    fake_llm.fail_next(500, message="model failed to load")

    check = await check_model(client, client.settings.backends[0])

    assert not check.answered
    assert check.error == "HTTP 500: model failed to load"
