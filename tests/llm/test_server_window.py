"""The context window read from the server where it says (issue 21), Ollama's native /api/chat, and
md_json's compact schema: against the fake server answering as Ollama, llama.cpp and vLLM do."""

from __future__ import annotations

import json

import pytest

from peregrine.llm import LLMClient, LLMUnavailable
from peregrine.llm.client import compact_schema
from tests.fakes.fixtures import WriteLLMConfig, backend_entry
from tests.fakes.openai_server import FakeOpenAIServer, WindowKind
from tests.llm.people import ADA, Person, client_for

MESSAGES = [{"role": "user", "content": "Ada Lovelace was 36 when she died."}]
LONG = [{"role": "user", "content": "Describe Ada Lovelace. " * 700}]  # ~16,000 characters


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("kind", "dialect", "detail"),
    [
        ("ollama", "ollama", "Ollama /api/show num_ctx"),
        ("ollama_model_max", "ollama", "Ollama /api/show context_length"),
        ("llama.cpp", "json_schema", "llama.cpp /props n_ctx"),
        ("vllm", "json_schema", "vLLM /v1/models max_model_len"),
    ],
)
async def test_the_window_is_read_where_each_server_says_it(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig, kind: WindowKind, dialect: str, detail: str
) -> None:
    fake_llm.announce_window(kind, 4096)
    client = client_for(llm_config_dir, backend_entry(fake_llm, dialect=dialect))
    (backend,) = client.settings.backends

    window = await client.context_window(backend)

    assert (window.tokens, window.source, window.detail) == (4096, "server", detail)
    assert "4,096 tokens (read from the server" in window.describe()


@pytest.mark.asyncio
async def test_a_request_over_the_window_the_server_said_is_not_sent(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    fake_llm.announce_window("llama.cpp", 4096)
    client = client_for(llm_config_dir, backend_entry(fake_llm, dialect="json_schema"))

    with pytest.raises(LLMUnavailable) as caught:
        await client.structured(Person, LONG)

    assert fake_llm.requests == [], "never sent: the server would answer HTTP 400"
    assert "window of 4,096 tokens (read from the server: llama.cpp /props n_ctx)" in str(caught.value)
    fake_llm.queue_json(ADA)
    assert await client.structured(Person, MESSAGES) == Person(**ADA), "a request that fits goes out"


@pytest.mark.asyncio
async def test_the_window_is_read_once_and_the_file_wins(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    fake_llm.announce_window("llama.cpp", 4096)
    client = client_for(llm_config_dir, backend_entry(fake_llm, dialect="json_schema"))
    await client.structured(Person, MESSAGES)
    await client.structured(Person, MESSAGES)
    assert fake_llm.window_requests == 1

    configured = client_for(llm_config_dir, backend_entry(fake_llm, context_tokens=16384))
    window = await configured.context_window(configured.settings.backends[0])
    assert (window.tokens, window.source) == (16384, "config")
    assert fake_llm.window_requests == 1, "a window in llm.yaml is not asked of the server"


@pytest.mark.asyncio
async def test_a_server_that_says_nothing_leaves_the_window_unknown_and_requests_go_out(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, fake_llm)
    window = await client.context_window(client.settings.backends[0])
    assert (window.tokens, window.source) == (None, "unknown")
    assert "set context_tokens" in window.describe()

    fake_llm.queue_json(ADA)
    assert await client.structured(Person, LONG) == Person(**ADA), "unchecked, as before: never fatal"


@pytest.mark.asyncio
async def test_an_unreachable_server_leaves_the_window_unknown(llm_config_dir: WriteLLMConfig) -> None:
    from tests.fakes.openai_server import closed_port_url

    client = client_for(llm_config_dir, {"name": "down", "base_url": closed_port_url(), "model": "m"})
    window = await client.context_window(client.settings.backends[0])
    assert window.tokens is None


# ------------------------------------------------------------------------------ Ollama's /api/chat
@pytest.mark.asyncio
async def test_ollama_without_a_configured_window_sends_no_num_ctx(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    """The model's maximum (model_info) is not a window to allocate: Ollama keeps its own default."""
    fake_llm.announce_window("ollama_model_max", 32768)
    client = client_for(llm_config_dir, backend_entry(fake_llm, dialect="ollama"))
    fake_llm.queue_json(ADA)

    assert await client.structured(Person, MESSAGES, max_tokens=300) == Person(**ADA)

    (body,) = fake_llm.requests
    assert body["options"] == {"num_predict": 300}


@pytest.mark.asyncio
async def test_ollama_answers_that_break_the_schema_are_asked_again_on_the_native_endpoint(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, backend_entry(fake_llm, dialect="ollama"))
    fake_llm.queue_json({"name": "Ada", "age": -1})
    fake_llm.queue_json(ADA)

    assert await client.structured(Person, MESSAGES) == Person(**ADA)

    assert fake_llm.request_paths == ["/api/chat", "/api/chat"]
    first, second = fake_llm.requests
    assert first["format"] == second["format"] == Person.model_json_schema()
    assert "greater_than_equal" in second["messages"][-1]["content"]


@pytest.mark.asyncio
async def test_ollama_cut_off_and_http_errors_are_named(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, backend_entry(fake_llm, dialect="ollama"))
    fake_llm.queue_json({"name": "Ada " * 50, "age": 36})
    with pytest.raises(LLMUnavailable, match="cut off at its limit of 5 tokens"):
        await client.structured(Person, MESSAGES, max_tokens=5)

    fake_llm.fail_next(404, message="model 'fake-model' not found")
    with pytest.raises(LLMUnavailable, match="HTTP 404: model 'fake-model' not found"):
        await client.structured(Person, MESSAGES)


@pytest.mark.asyncio
async def test_ollama_gets_images_as_base64_beside_the_text(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, backend_entry(fake_llm, dialect="ollama"))
    picture = [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Who is this?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
            ],
        }
    ]
    await client.structured(Person, picture)

    (body,) = fake_llm.requests
    assert body["messages"][-1] == {"role": "user", "content": "Who is this?", "images": ["iVBORw0KGgo="]}


# ---------------------------------------------------------------------------------------- md_json
@pytest.mark.asyncio
async def test_md_json_sends_the_compact_schema_and_reads_the_code_block(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client = client_for(llm_config_dir, backend_entry(fake_llm, mode="md_json"))
    fake_llm.queue_text(f"Here it is:\n```json\n{json.dumps(ADA)}\n```")

    assert await client.structured(Person, MESSAGES) == Person(**ADA)

    (body,) = fake_llm.requests
    prompt = json.dumps(body["messages"])
    assert json.dumps(compact_schema(Person))[1:-1] in prompt
    assert '\\n  \\"' not in prompt, "no indented schema (instructor's own) in the prompt"
    assert "response_format" not in body
    assert "tools" not in body


@pytest.mark.asyncio
async def test_md_json_streamed_callers_get_the_whole_answer(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    client: LLMClient = client_for(llm_config_dir, backend_entry(fake_llm, mode="md_json"))
    fake_llm.queue_text(f"```json\n{json.dumps(ADA)}\n```")
    seen: list[object] = []

    await client.structured(Person, MESSAGES, on_partial=seen.append)

    assert seen == [Person(**ADA)]


@pytest.mark.asyncio
async def test_ollama_streams_text_from_its_own_endpoint_with_the_window(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    """A practice turn on Ollama: /api/chat streamed, so num_ctx reaches the server (its /v1 cannot take it)."""
    client = client_for(llm_config_dir, backend_entry(fake_llm, dialect="ollama", context_tokens=8192))
    fake_llm.queue_text("Tell me about a system you designed end to end.")

    text = "".join([chunk async for chunk in client.stream_text(MESSAGES, max_tokens=150)])

    assert text == "Tell me about a system you designed end to end."
    assert fake_llm.request_paths == ["/api/chat"]
    (body,) = fake_llm.requests
    assert body["stream"] is True
    assert body["options"] == {"num_predict": 150, "num_ctx": 8192}
    assert "format" not in body


@pytest.mark.asyncio
async def test_an_ollama_stream_closed_early_is_abandoned_at_the_server(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    from tests.llm.people import eventually

    client = client_for(llm_config_dir, backend_entry(fake_llm, dialect="ollama"))
    fake_llm.stream_delay_s = 0.05
    fake_llm.queue_text("word " * 200)

    stream = client.stream_text(MESSAGES, max_tokens=500)
    assert (await stream.__anext__()).strip() == "word"
    await stream.aclose()

    assert await eventually(lambda: fake_llm.abandoned == 1), "the server saw the client leave and stopped"


@pytest.mark.asyncio
async def test_an_ollama_stream_error_is_named(fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig) -> None:
    client = client_for(llm_config_dir, backend_entry(fake_llm, dialect="ollama"))
    fake_llm.fail_next(404, message="model 'fake-model' not found")

    with pytest.raises(LLMUnavailable, match="HTTP 404: model 'fake-model' not found"):
        _ = [piece async for piece in client.stream_text(MESSAGES)]
