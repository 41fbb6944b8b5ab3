"""`LLMClient.prompt_room`: the room a prompt's variable inputs have on the tightest declared window."""

from __future__ import annotations

from pydantic import BaseModel

from peregrine.llm.budget import estimate_tokens
from peregrine.llm.client import LLMClient, compact_schema, structured_request
from peregrine.llm.settings import LLMBackend, LLMSettings

MESSAGES = [{"role": "system", "content": "You answer in JSON."}, {"role": "user", "content": "Who?"}]


class Person(BaseModel):
    name: str


def backend(name: str, context_tokens: int | None, **options: object) -> LLMBackend:
    return LLMBackend(name=name, base_url="http://127.0.0.1:9/v1", model="m", context_tokens=context_tokens, **options)  # type: ignore[arg-type]


def test_the_room_is_the_tightest_declared_window_less_the_prompt_and_the_answer() -> None:
    client = LLMClient(LLMSettings(backends=(backend("big", 32_768), backend("small", 4096), backend("unknown", None))))

    room = client.prompt_room(Person, MESSAGES, max_tokens=500)

    assert room is not None
    assert (room.backend, room.window) == ("small", 4096)
    sent = structured_request(backend("small", 4096), Person, MESSAGES).messages  # json mode adds the schema
    assert compact_schema(Person) in sent[0]["content"]
    assert room.tokens == 4096 - 500 - estimate_tokens(sent)


def test_no_declared_window_means_no_room_to_respect() -> None:
    assert LLMClient(LLMSettings(backends=(backend("unknown", None),))).prompt_room(Person, MESSAGES) is None
    assert LLMClient(LLMSettings()).prompt_room(Person, MESSAGES) is None
