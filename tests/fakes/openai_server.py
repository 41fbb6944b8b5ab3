"""A small OpenAI-compatible server for tests, speaking the real HTTP protocol.

The production LLM client (openai + instructor) talks to it unchanged over 127.0.0.1. A test scripts
the answers and the failures through a plain Python API and reads back what the server received::

    server = FakeOpenAIServer(model="fake-model").start()
    server.queue_json({"name": "Ada"})      # next answer (FIFO), as tool call / JSON content / text
    server.queue_json({...}, schema="Person")  # the next answer to a request for that schema (by title)
    server.fail_next(status=500)            # the next request answers HTTP 500
    server.delay_s = 3                      # every answer waits 3 s first (beyond a client's timeout)
    server.stream_delay_s = 0.05            # pause between streamed chunks
    ...
    server.announce_window("llama.cpp", 4096)  # say the context window as that server kind does
    server.requests                         # JSON bodies of the chat requests received, in order
    server.request_paths                    # and where each went (/v1/chat/completions, /api/chat)
    server.abandoned                        # requests the client closed before the answer was done
    server.stop(); server.start()           # down, then up again on the same port

How an answer is shaped follows the request, like a real server:
- `tools` in the request: a forced tool call (`message.tool_calls[0].function.arguments`,
  finish_reason "tool_calls"), for instructor's TOOLS mode;
- `response_format` json_object (with or without llama-cpp-python's `schema`) / json_schema: the JSON
  as `message.content` (JSON, JSON_SCHEMA modes and the server-enforced dialects);
- otherwise plain text content (MD_JSON mode and ordinary chat);
- `stream: true`: server-sent events, one `chat.completion.chunk` per token, then `data: [DONE]`;
- `max_tokens`: an answer longer than that many tokens (the fake's tokens: words) is cut there and
  ends with finish_reason "length", as a real server does.
Ollama's native `POST /api/chat` is answered too (streamed as Ollama does, a JSON object a line, unless
`stream` is false): `format` is the schema, `options.num_predict`
the max_tokens, the answer in `message.content` with `done_reason` and `eval_count`.
The context window is said where the real servers say it, for the kind `announce_window` names: Ollama
`POST /api/show` (`parameters` num_ctx, or `model_info` `<arch>.context_length`), llama.cpp
`GET /props` (`default_generation_settings.n_ctx`), vLLM `GET /v1/models` (`max_model_len`). The other
kinds' endpoints answer 404, as on a real server of another kind.
A client that closes the connection while the fake waits (`delay_s`) or streams is noticed, like a
server that stops generating: the request counts in `abandoned` and the fake sends nothing more.
When nothing is queued, the default answer is built from the JSON schema the request carries (tools
or json_schema, or the schema instructor writes into the JSON-mode system prompt), else `default_text`.
"""

from __future__ import annotations

import asyncio
import collections
import json
import re
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from tests.fakes.loopback import LoopbackServer

WindowKind = Literal["ollama", "ollama_model_max", "llama.cpp", "vllm"]

_TOKEN_RE = re.compile(r"\s*\S+|\s+")


@dataclass(frozen=True)
class _Answer:
    kind: Literal["json", "text"]
    body: str
    cut: bool = False  # cut off at the request's max_tokens (finish_reason "length")


def _within_max_tokens(answer: _Answer, max_tokens: object) -> _Answer:
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens <= 0:
        return answer
    tokens = tokenize(answer.body)
    if len(tokens) <= max_tokens:
        return answer
    return _Answer(answer.kind, "".join(tokens[:max_tokens]), cut=True)


@dataclass(frozen=True)
class _Failure:
    status: int
    message: str


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def closed_port_url() -> str:
    """An OpenAI-style base URL on 127.0.0.1 where no server listens (connection refused)."""
    return f"http://127.0.0.1:{free_port()}/v1"


def tokenize(text: str) -> list[str]:
    """Split text the way the fake streams it: one chunk per word, leading whitespace attached."""
    return _TOKEN_RE.findall(text)


def example_for_schema(schema: dict[str, Any], defs: dict[str, Any] | None = None, depth: int = 0) -> Any:
    """A small value that validates against a (pydantic-generated) JSON schema."""
    defs = defs if defs is not None else schema.get("$defs", {})
    if depth > 8:
        return None
    if "$ref" in schema:
        return example_for_schema(defs.get(schema["$ref"].rsplit("/", 1)[-1], {}), defs, depth + 1)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    for key in ("anyOf", "oneOf", "allOf"):
        if schema.get(key):
            options = [option for option in schema[key] if option.get("type") != "null"] or schema[key]
            return example_for_schema(options[0], defs, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {name: example_for_schema(sub, defs, depth + 1) for name, sub in props.items()}
    if kind == "array":
        item = example_for_schema(schema.get("items", {}), defs, depth + 1)
        return [item] * int(schema.get("minItems", 0))
    if kind == "string":
        return "example" + "." * max(0, int(schema.get("minLength", 0)) - 7)
    if kind == "integer":
        return int(schema.get("minimum", 0))
    if kind == "number":
        return float(schema.get("minimum", 0))
    if kind == "boolean":
        return False
    return None


def _schema_in_request(body: dict[str, Any]) -> dict[str, Any] | None:
    if isinstance(body.get("format"), dict):  # Ollama's /api/chat
        return dict(body["format"])
    tools = body.get("tools") or []
    if tools:
        params: dict[str, Any] | None = tools[0].get("function", {}).get("parameters")
        return params
    response_format = body.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        schema: dict[str, Any] | None = response_format.get("json_schema", {}).get("schema")
        return schema
    if response_format.get("type") == "json_object" and isinstance(response_format.get("schema"), dict):
        return dict(response_format["schema"])  # llama-cpp-python's shape
    # instructor's JSON / MD_JSON modes write the schema into a system message, after "json_schema:".
    decoder = json.JSONDecoder()
    for message in body.get("messages", []):
        content = message.get("content")
        if message.get("role") != "system" or not isinstance(content, str) or "json_schema" not in content:
            continue
        start = content.find("{", content.find("json_schema"))
        if start < 0:
            continue
        try:
            found, _ = decoder.raw_decode(content[start:])
        except ValueError:
            continue
        if isinstance(found, dict):
            return found
    return None


def requested_schema(body: dict[str, Any]) -> str:
    """The title of the schema a request asks for (a pydantic model's name), "" for plain chat."""
    return str((_schema_in_request(body) or {}).get("title", ""))


class FakeOpenAIServer(LoopbackServer):
    """An OpenAI-compatible chat-completions server in a background thread (uvicorn, 127.0.0.1)."""

    label = "fake OpenAI server"

    def __init__(
        self,
        *,
        model: str = "fake-model",
        models: Iterable[str] | None = None,
        name: str = "fake",
        port: int | None = None,
    ) -> None:
        super().__init__(port=port or free_port())
        self.name = name
        self.model = model
        self.models: list[str] = list(models) if models is not None else [model]
        self.default_text = "This is the fake model's answer."
        self.delay_s: float = 0.0
        """Seconds every chat completion waits before answering (a slow or hung server)."""
        self.stream_delay_s: float = 0.0
        """Seconds between two streamed chunks."""
        self.requests: list[dict[str, Any]] = []
        """JSON bodies of the chat requests received (/v1/chat/completions, /api/chat), in order, failed ones too."""
        self.request_paths: list[str] = []
        """The path each of `requests` was sent to."""
        self.window: tuple[WindowKind, int] | None = None
        self.window_requests = 0
        """Requests to the endpoints that say the window (/props, /api/show)."""
        self.answered_at: list[float] = []
        """Wall-clock times at which non-streamed answers were sent (for latency benchmarks)."""
        self.chunk_sent_at: list[tuple[float, str]] = []
        """(wall-clock time, text) of every streamed content chunk, as it was handed to the socket."""
        self.request_headers: list[dict[str, str]] = []
        """Headers of those requests, same order (e.g. to check the Authorization header)."""
        self.models_requests = 0
        self.abandoned = 0
        """Chat completions whose client went away before the answer was sent in full."""
        self.in_flight = 0
        self.max_in_flight = 0
        """The largest number of chat completions this server was answering at the same time."""
        self._answers: collections.deque[_Answer] = collections.deque()
        self._for_schema: dict[str, collections.deque[_Answer]] = {}
        self._failures: collections.deque[_Failure] = collections.deque()
        self._cut_stream_after: int | None = None
        self._lock = threading.Lock()
        self.app = self._build_app()

    # ----------------------------------------------------------------- scripting (called by tests)
    @property
    def url(self) -> str:
        """The base URL a client is configured with (ends in /v1)."""
        return f"http://127.0.0.1:{self.port}/v1"

    def queue_json(self, answer: Any, *, schema: str | None = None) -> None:
        """Queue the next structured answer: a JSON-able object, or a raw string sent verbatim. With
        `schema` (a pydantic model's name, the JSON schema's title), it answers the next request for
        that schema only, whatever comes before it: the sections of a prep each get their own."""
        body = answer if isinstance(answer, str) else json.dumps(answer)
        with self._lock:
            if schema is None:
                self._answers.append(_Answer("json", body))
            else:
                self._for_schema.setdefault(schema, collections.deque()).append(_Answer("json", body))

    def queue_text(self, text: str) -> None:
        """Queue the next plain-text answer (streamed token by token when the request streams)."""
        with self._lock:
            self._answers.append(_Answer("text", text))

    def fail_next(self, status: int = 500, times: int = 1, message: str = "The fake server failed on purpose.") -> None:
        """Answer the next `times` chat completions with this HTTP status and an OpenAI-style error body."""
        with self._lock:
            self._failures.extend(_Failure(status, message) for _ in range(times))

    def announce_window(self, kind: WindowKind | None, tokens: int = 4096) -> None:
        """Say a context window of `tokens` the way a server of `kind` does (None: say none).
        "ollama" sets num_ctx in `parameters`; "ollama_model_max" only has the model's context_length."""
        self.window = (kind, tokens) if kind is not None else None

    def cut_stream_after(self, chunks: int | None) -> None:
        """Drop the connection after this many content chunks of the next streamed answers (None: never)."""
        self._cut_stream_after = chunks

    def reset(self) -> None:
        with self._lock:
            self._answers.clear()
            self._for_schema.clear()
            self._failures.clear()
            self.requests.clear()
            self.request_paths.clear()
            self.request_headers.clear()
            self.chunk_sent_at.clear()
        self.abandoned = 0
        self.delay_s = 0.0
        self.stream_delay_s = 0.0
        self._cut_stream_after = None
        self.window = None
        self.window_requests = 0

    # ----------------------------------------------------------------- the HTTP side
    def _build_app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/v1/models")
        async def list_models() -> dict[str, Any]:
            self.models_requests += 1
            vllm = self.window is not None and self.window[0] == "vllm"
            return {
                "object": "list",
                "data": [
                    {
                        "id": m,
                        "object": "model",
                        "created": 0,
                        "owned_by": "fake",
                        **({"max_model_len": self.window[1]} if vllm and self.window is not None else {}),
                    }
                    for m in self.models
                ],
            }

        @app.get("/props")
        async def llama_cpp_props() -> Response:
            self.window_requests += 1
            if self.window is None or self.window[0] != "llama.cpp":
                return JSONResponse({"detail": "Not Found"}, status_code=404)
            return JSONResponse({"default_generation_settings": {"n_ctx": self.window[1]}, "total_slots": 1})

        @app.post("/api/show")
        async def ollama_show(request: Request) -> Response:
            self.window_requests += 1
            model = (await request.json()).get("model")
            if self.window is None or not self.window[0].startswith("ollama"):
                return JSONResponse({"detail": "Not Found"}, status_code=404)
            if model not in self.models:
                return JSONResponse({"error": f"model '{model}' not found"}, status_code=404)
            kind, tokens = self.window
            parameters = f'num_ctx                        {tokens}\nstop                           "<|im_end|>"'
            return JSONResponse(
                {
                    "parameters": parameters if kind == "ollama" else 'stop "<|im_end|>"',
                    "model_info": {"general.architecture": "qwen2", "qwen2.context_length": tokens},
                }
            )

        @app.post("/v1/chat/completions")
        async def chat_completions(request: Request) -> Response:
            body = await request.json()
            taken = await self._take(body, request)
            if isinstance(taken, Response):
                return taken
            answer = _within_max_tokens(taken, body.get("max_tokens"))
            if body.get("stream"):
                return StreamingResponse(self._stream(body, answer), media_type="text/event-stream")
            self.answered_at.append(time.time())  # wall clock, for latency benchmarks across processes
            return JSONResponse(self._completion(body, answer))

        @app.post("/api/chat")
        async def ollama_chat(request: Request) -> Response:
            body = await request.json()
            taken = await self._take(body, request)
            if isinstance(taken, Response):
                return taken
            answer = _within_max_tokens(taken, (body.get("options") or {}).get("num_predict"))
            if body.get("stream", True):  # Ollama streams unless told not to
                return StreamingResponse(self._ollama_stream(body, answer), media_type="application/x-ndjson")
            return JSONResponse(
                {
                    "model": body.get("model", self.model),
                    "created_at": "2026-12-04T12:00:00Z",
                    "message": {"role": "assistant", "content": answer.body},
                    "done": True,
                    "done_reason": "length" if answer.cut else "stop",
                    "prompt_eval_count": 10,
                    "eval_count": len(tokenize(answer.body)),
                }
            )

        return app

    async def _take(self, body: dict[str, Any], request: Request) -> _Answer | Response:
        """Record a chat request, wait `delay_s`, and give the answer to send (or the failure response)."""
        with self._lock:
            self.requests.append(body)
            self.request_paths.append(request.url.path)
            self.request_headers.append(dict(request.headers))
            failure = self._failures.popleft() if self._failures else None
            keyed = self._for_schema.get(requested_schema(body))
            if keyed:
                answer: _Answer | None = keyed.popleft()
            else:
                answer = self._answers.popleft() if self._answers else None
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            gone = await self._sleep(self.delay_s, request)
        finally:
            self.in_flight -= 1
        if gone:
            self.abandoned += 1
            return Response(status_code=499)
        if failure is not None:
            if request.url.path == "/api/chat":  # Ollama's own error shape
                return JSONResponse({"error": failure.message}, status_code=failure.status)
            error = {"message": failure.message, "type": "server_error", "param": None, "code": None}
            return JSONResponse({"error": error}, status_code=failure.status)
        return answer if answer is not None else self._default_answer(body)

    async def _sleep(self, seconds: float, request: Request | None = None) -> bool:
        """Sleep, but wake up early when the server is being stopped or the client went away (True)."""
        deadline = time.monotonic() + seconds
        while not self._stopping.is_set() and (left := deadline - time.monotonic()) > 0:
            await asyncio.sleep(min(left, 0.02))
            if request is not None and await request.is_disconnected():
                return True
        return False

    def _default_answer(self, body: dict[str, Any]) -> _Answer:
        schema = _schema_in_request(body)
        if schema is not None:
            return _Answer("json", json.dumps(example_for_schema(schema)))
        if body.get("response_format", {}).get("type") == "json_object":
            return _Answer("json", "{}")
        return _Answer("text", self.default_text)

    def _completion(self, body: dict[str, Any], answer: _Answer) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": answer.body}
        finish_reason = "length" if answer.cut else "stop"
        tools = body.get("tools") or []
        if tools:
            forced = body.get("tool_choice")
            name = (
                forced["function"]["name"]
                if isinstance(forced, dict) and "function" in forced
                else tools[0]["function"]["name"]
            )
            message = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": f"call_{uuid.uuid4().hex[:12]}",
                        "type": "function",
                        "function": {"name": name, "arguments": answer.body},
                    }
                ],
            }
            finish_reason = "length" if answer.cut else "tool_calls"
        completion_tokens = len(tokenize(answer.body))
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", self.model),
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": None}],
            "usage": {
                "prompt_tokens": 10,
                "completion_tokens": completion_tokens,
                "total_tokens": 10 + completion_tokens,
            },
        }

    async def _ollama_stream(self, body: dict[str, Any], answer: _Answer) -> AsyncIterator[str]:
        """Ollama's streamed /api/chat: one JSON object a line, the last `done` with its `done_reason`."""
        model = body.get("model", self.model)
        finished = False
        try:
            for sent, token in enumerate(tokenize(answer.body)):
                if sent:
                    await self._sleep(self.stream_delay_s)
                self.chunk_sent_at.append((time.time(), token))
                part = {"model": model, "message": {"role": "assistant", "content": token}, "done": False}
                yield json.dumps(part) + "\n"
            last = {
                "model": model,
                "message": {"role": "assistant", "content": ""},
                "done": True,
                "done_reason": "length" if answer.cut else "stop",
                "eval_count": len(tokenize(answer.body)),
            }
            yield json.dumps(last) + "\n"
            finished = True
        finally:
            if not finished and not self._stopping.is_set():
                self.abandoned += 1

    async def _stream(self, body: dict[str, Any], answer: _Answer) -> AsyncIterator[str]:
        ident = f"chatcmpl-{uuid.uuid4().hex}"
        created = int(time.time())
        model = body.get("model", self.model)

        def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> str:
            payload = {
                "id": ident,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}],
            }
            return f"data: {json.dumps(payload)}\n\n"

        cut_after = self._cut_stream_after
        finished = False
        try:
            yield chunk({"role": "assistant", "content": ""})
            for sent, token in enumerate(tokenize(answer.body)):
                if cut_after is not None and sent >= cut_after:
                    finished = True  # cut on purpose, not abandoned by the client
                    raise ConnectionAbortedError("fake server cut the stream on purpose")
                if sent:
                    await self._sleep(self.stream_delay_s)
                self.chunk_sent_at.append((time.time(), token))
                yield chunk({"content": token})
            yield chunk({}, "length" if answer.cut else "stop")
            yield "data: [DONE]\n\n"
            finished = True
        finally:
            if not finished and not self._stopping.is_set():
                self.abandoned += 1
