"""The one door to the language models: structured answers, streamed text, backend checks.

Every LLM call in Peregrine goes through `LLMClient`. It tries the backends of `config/llm.yaml` in
order and moves on when one cannot be reached, times out, answers an HTTP error or keeps returning
an answer that does not fit the requested pydantic model; when none answers it raises
`LLMUnavailable`, whose message names every backend tried and why it failed, ready to show a user.

Structured output goes through instructor (`instructor.from_openai` on an `openai.AsyncOpenAI`), in
the backend's dialect (`structured_request`): instructor's own `mode`, or a schema the server
enforces in the request shape that server documents (OpenAI/vLLM/llama-server, llama-cpp-python,
and Ollama's own `/api/chat`, which alone lets the app set the window it runs with). A backend whose
window is known (`context_tokens`, or read from the server once: `llm/server_window.py`) is never
sent a request that cannot fit.

An answer that breaks the schema is asked for again up to `max_retries` times, by this module
rather than by instructor: instructor's re-ask appends the bad answer and the error to the
conversation, which grows with every try (3,004 → 3,857 tokens on a real server, then over the
window); here a retry sends the original messages plus one short message that names what was wrong,
and nothing else. Transport errors are not retried on the same backend
(openai's own retries are switched off): the next backend is the retry.

Every call is bounded. It sends `max_tokens` (the schema's `output_tokens`, see `llm/prompts`), and
an answer the server cut off there (finish_reason "length") is reported as such, naming the backend
and the limit, and is not asked for again on that backend: the same request would be cut off again.
`timeout_s` bounds each wait for the server (connect, the first byte, the next streamed chunk);
`total_timeout_s` bounds a whole request, streamed or not. When the app gives up, the request's
connection is closed, so a server that watches its connection stops generating instead of running on
for minutes and holding up the next call.

Facts this module relies on (checked against openai 3.3.0 and instructor 1.17.0): every failure
inside instructor's `create` arrives as `instructor.core.InstructorRetryException` whose
`__cause__` is the real error: `openai.APITimeoutError` (a subclass of `openai.APIConnectionError`)
for a timeout, `openai.APIConnectionError` for an unreachable server, `openai.APIStatusError` (e.g.
`InternalServerError`) for an HTTP error, and `pydantic.ValidationError` (also for text that is not
JSON) once the validation retries are used up.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import os
import ssl
import time
import weakref
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any, TypeVar, cast

import httpx
import httpx2
import instructor
import openai
import pydantic
from instructor.core import IncompleteOutputException, InstructorError, InstructorRetryException
from instructor.utils import extract_json_from_codeblock

from peregrine.domain.errors import UserFacingError
from peregrine.llm.budget import Room, estimate_tokens
from peregrine.llm.prompts import DEFAULT_OUTPUT_TOKENS, output_tokens
from peregrine.llm.server_window import ContextWindow, configured_window, read_server_window, server_root
from peregrine.llm.settings import LLMBackend, LLMSettings, llm_config_path, load_llm_settings

logger = logging.getLogger("peregrine.llm")

T = TypeVar("T", bound=pydantic.BaseModel)

NO_KEY_NEEDED = "not-needed"
CHECK_TIMEOUT_S = 5.0
#: Seconds before a window the server did not say is asked for again (a server started later says it).
UNKNOWN_WINDOW_RETRY_S = 60.0

_INSTRUCTOR_MODES: dict[str, instructor.Mode] = {
    "json": instructor.Mode.JSON,
    "tools": instructor.Mode.TOOLS,
    "md_json": instructor.Mode.MD_JSON,
    "json_schema": instructor.Mode.JSON_SCHEMA,
}


@dataclass(frozen=True)
class Attempt:
    """One backend that was tried, and why it gave no answer."""

    backend: str
    error: str
    base_url: str = ""

    def describe(self) -> str:
        where = f"{self.backend} ({self.base_url})" if self.base_url else self.backend
        return f"{where} — {self.error}"


class BackendGaveUp(Exception):
    """One backend's request ended without a usable answer; `reason` is the sentence for the user."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class LLMUnavailable(UserFacingError):
    """No configured backend gave an answer. `str()` is a sentence fit to show the user."""

    def __init__(self, attempts: list[Attempt], message: str | None = None) -> None:
        self.attempts = list(attempts)
        if message is None:
            tried = "; ".join(attempt.describe() for attempt in self.attempts)
            message = f"No language model answered. Tried: {tried}."
        self.message = message
        super().__init__(message)

    @property
    def nothing_configured(self) -> bool:
        """True when no backend was even tried (none configured, or none with vision)."""
        return not self.attempts

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class BackendStatus:
    """What `GET {base_url}/models` said about one backend (for the Settings page)."""

    name: str
    base_url: str
    model: str
    reachable: bool
    model_present: bool
    latency_ms: float | None
    error: str

    @property
    def ok(self) -> bool:
        return self.reachable and self.model_present and not self.error


class LLMClient:
    """Calls the configured backends in order, at most `max_concurrent_calls` at a time.

    One instance can serve several event loops (tests use one loop per test): the semaphore is
    created lazily per running loop, and every call opens and closes its own HTTP client.
    """

    def __init__(self, settings: LLMSettings | None = None) -> None:
        self.settings = settings if settings is not None else load_llm_settings()
        self._semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )
        self._windows: dict[LLMBackend, tuple[ContextWindow, float]] = {}

    @property
    def configured(self) -> bool:
        return bool(self.settings.backends)

    def prompt_room(
        self, response_model: type[pydantic.BaseModel], messages: list[dict[str, Any]], *, max_tokens: int | None = None
    ) -> Room | None:
        """The tokens left for a prompt's variable inputs beside `messages` (its fixed parts, as this
        backend's dialect sends them) and the answer's `max_tokens`, on the tightest backend that
        declares `context_tokens`; None when none declares one (see `llm.budget`)."""
        budget = max_tokens if max_tokens is not None else output_tokens(response_model)
        rooms = []
        for backend in self.settings.backends:
            if backend.context_tokens is None:
                continue
            request = structured_request(backend, response_model, messages)
            fixed = _prompt_tokens(request.messages, response_model, request)
            rooms.append(Room(backend.context_tokens - budget - fixed, backend.name, backend.context_tokens))
        return min(rooms, key=lambda room: room.tokens, default=None)

    # ------------------------------------------------------------------ structured answers
    async def structured(
        self,
        response_model: type[T],
        messages: list[dict[str, Any]],
        *,
        max_retries: int = 2,
        vision: bool = False,
        on_partial: Callable[[Any], None] | None = None,
        max_tokens: int | None = None,
    ) -> T:
        """Ask for an answer that fills `response_model`; the first backend that gives a valid one wins.

        With `on_partial`, the answer is streamed first and each partial object (fields filled so
        far) is passed to it as it grows, so a long generation can show its progress. A streamed
        answer that breaks the schema at the end, or a backend that cannot stream, falls back to the
        ordinary call on the same backend, where instructor re-asks with the validation error.

        `max_tokens` (default: the schema's `output_tokens`) caps the answer's length.

        Raises `LLMUnavailable` when no backend is configured (or none with vision, if `vision`) or
        when every backend failed: unreachable, timed out, HTTP error, an answer cut off at
        `max_tokens`, or an invalid answer after `max_retries` re-asks.
        """
        budget = max_tokens if max_tokens is not None else output_tokens(response_model)
        attempts: list[Attempt] = []
        async with self._slot():
            for backend, api_key in self._keyed_candidates(vision, attempts):
                started = time.perf_counter()
                try:
                    backend = await self._budgeted(backend, api_key)
                    request = structured_request(backend, response_model, messages)
                    _check_fits(backend, request.messages, budget, response_model, request)
                    if request.answered_whole:
                        result = await _answer_whole(backend, api_key, response_model, request, budget, max_retries)
                        if on_partial is not None:
                            on_partial(result)
                    else:
                        async with _openai_client(backend, api_key) as raw_client:
                            finish = _watch_streamed_finish(raw_client)
                            patched = instructor.from_openai(raw_client, mode=request.mode)
                            result = None
                            if on_partial is not None:
                                result = await _streamed(patched, response_model, request, backend, on_partial, budget)
                                if result is None and "length" in finish:  # the same request would be cut off again
                                    raise BackendGaveUp(_cut_off(budget))
                            if result is None:
                                ask = _instructor_asker(patched, response_model, request, backend, budget)
                                result = await _validated(ask, response_model, request, backend, budget, max_retries)
                except (
                    BackendGaveUp,
                    InstructorError,
                    openai.OpenAIError,
                    pydantic.ValidationError,
                    httpx.HTTPError,
                ) as exc:
                    attempt = Attempt(backend.name, describe_error(exc, backend), backend.base_url)
                    attempts.append(attempt)
                    logger.warning(
                        "structured %s: backend %s (model %s) failed after %.0f ms: %s",
                        response_model.__name__,
                        backend.name,
                        backend.model,
                        _ms_since(started),
                        attempt.error,
                    )
                    continue
                logger.info(
                    "structured %s: backend %s (model %s) answered in %.0f ms",
                    response_model.__name__,
                    backend.name,
                    backend.model,
                    _ms_since(started),
                )
                return _plain_instance(response_model, result)
        raise LLMUnavailable(attempts)

    # ------------------------------------------------------------------ streamed text
    async def stream_text(
        self, messages: list[dict[str, Any]], *, max_tokens: int = DEFAULT_OUTPUT_TOKENS
    ) -> AsyncGenerator[str, None]:
        """Yield the answer's text as it arrives, from the first backend that starts answering.

        A backend that fails before its first token is skipped for the next one; a failure after
        text has been yielded raises `LLMUnavailable` (the text so far is not repeated elsewhere).
        The answer is capped at `max_tokens`, and the whole stream at the backend's
        `total_timeout_s` (each chunk is also awaited at most `timeout_s`): past it the stream is
        closed, which tells the server to stop. Close the generator (or read it to the end) to free
        its slot among `max_concurrent_calls`.
        """
        attempts: list[Attempt] = []
        async with self._slot():
            for backend, api_key in self._keyed_candidates(False, attempts):
                started = time.perf_counter()
                async with _openai_client(backend, api_key) as raw_client:
                    stream: openai.AsyncStream[Any] | None = None
                    first = ""
                    deadline = asyncio.get_running_loop().time() + backend.total_timeout_s
                    finish: list[str] = []
                    chunks_in: AsyncGenerator[str, None] | None = None
                    try:
                        backend = await self._budgeted(backend, api_key)
                        if backend.context_tokens is not None:
                            needed = estimate_tokens(messages) + max_tokens
                            if needed > backend.context_tokens:
                                raise BackendGaveUp(
                                    f"not sent: the request needs about {needed:,} tokens, over this backend's "
                                    f"window of {backend.context_tokens:,} tokens ({backend.window_note})"
                                )
                        if backend.dialect == "ollama":  # its own endpoint: the only one that takes num_ctx
                            body = ollama_chat_body(backend, messages, None, max_tokens, stream=True)
                            chunks_in = _ollama_chunks(backend, api_key, body, deadline, finish)
                        else:
                            async with _within(backend, deadline):
                                stream = await raw_client.chat.completions.create(
                                    model=backend.model,
                                    messages=cast(Any, messages),
                                    stream=True,
                                    max_tokens=max_tokens,
                                )
                            chunks_in = _chunks_until(stream, backend, deadline, finish)
                        async for text in chunks_in:
                            first = text
                            if first:
                                break
                    except Exception as exc:
                        attempt = Attempt(backend.name, describe_error(exc, backend), backend.base_url)
                        attempts.append(attempt)
                        logger.warning(
                            "stream: backend %s (model %s) failed before its first token after %.0f ms: %s",
                            backend.name,
                            backend.model,
                            _ms_since(started),
                            attempt.error,
                        )
                        await _close_quietly(stream, chunks_in)
                        continue

                    chunks = 0
                    try:
                        if first and chunks_in is not None:
                            chunks += 1
                            yield first
                            async for text in chunks_in:
                                if text:
                                    chunks += 1
                                    yield text
                    except Exception as exc:
                        reason = f"broke off after {chunks} chunks: {describe_error(exc, backend)}"
                        attempts.append(Attempt(backend.name, reason, backend.base_url))
                        logger.warning(
                            "stream: backend %s (model %s) %s (after %.0f ms)",
                            backend.name,
                            backend.model,
                            reason,
                            _ms_since(started),
                        )
                        raise LLMUnavailable(
                            attempts,
                            f"The language model stopped in the middle of its answer: {attempts[-1].describe()}.",
                        ) from exc
                    finally:
                        await _close_quietly(stream, chunks_in)
                    if "length" in finish:
                        logger.warning(
                            "stream: backend %s (model %s) was cut off at its limit of %d tokens (max_tokens)",
                            backend.name,
                            backend.model,
                            max_tokens,
                        )
                    logger.info(
                        "stream: backend %s (model %s) streamed %d chunks in %.0f ms",
                        backend.name,
                        backend.model,
                        chunks,
                        _ms_since(started),
                    )
                    return
        raise LLMUnavailable(attempts)

    def fits(self, response_model: type[pydantic.BaseModel], messages: list[dict[str, Any]]) -> bool:
        """Whether a `structured` call with these messages fits the window of every backend that
        states one (`context_tokens`), in that backend's dialect: what a caller that cuts a long text
        into parts asks, so no part is refused or cut off on a fallback backend."""
        budget = output_tokens(response_model)
        for backend in self.settings.backends:
            request = structured_request(backend, response_model, messages)
            if not _fits(backend, request.messages, budget, response_model, request):
                return False
        return True

    # ------------------------------------------------------------------ health check
    async def check_backends(self, timeout_s: float = CHECK_TIMEOUT_S) -> list[BackendStatus]:
        """`GET {base_url}/models` on every backend at once: reachable? model listed? how fast?"""
        async with httpx.AsyncClient() as http:  # created before the clocks start: its set-up is no latency
            checks = (self._check(http, backend, timeout_s) for backend in self.settings.backends)
            return list(await asyncio.gather(*checks))

    async def _check(self, http: httpx.AsyncClient, backend: LLMBackend, timeout_s: float) -> BackendStatus:
        timeout = min(timeout_s, backend.timeout_s)
        api_key = self._api_key(backend)
        key_problem = f"the environment variable {backend.api_key_env} is not set" if api_key is None else ""

        def status(reachable: bool, present: bool, latency: float | None, error: str) -> BackendStatus:
            error = "; ".join(part for part in (key_problem, error) if part)
            return BackendStatus(backend.name, backend.base_url, backend.model, reachable, present, latency, error)

        started = time.perf_counter()
        try:
            response = await http.get(
                f"{backend.base_url}/models",
                headers={"Authorization": f"Bearer {api_key or NO_KEY_NEEDED}"},
                timeout=timeout,
            )
        except httpx.TimeoutException:
            return status(False, False, None, f"no answer within {timeout:g} s")
        except httpx.HTTPError as exc:
            return status(False, False, None, _connection_reason(exc))
        latency = _ms_since(started)
        logger.info(
            "check: backend %s answered GET /models in %.0f ms (HTTP %d)", backend.name, latency, response.status_code
        )
        if response.status_code >= 400:
            return status(True, False, latency, f"HTTP {response.status_code}{_body_message(response)}")
        try:
            listed = response.json().get("data")
            ids = [str(item["id"]) for item in listed if isinstance(item, dict) and "id" in item]
        except (ValueError, AttributeError, TypeError):
            return status(True, False, latency, "the answer to GET /models is not an OpenAI model list")
        if backend.model in ids:
            return status(True, True, latency, "")
        offered = ", ".join(ids[:10]) + (", …" if len(ids) > 10 else "") if ids else "none"
        return status(True, False, latency, f"model {backend.model!r} is not on this server (it offers: {offered})")

    # ------------------------------------------------------------------ one raw try (Settings → Test this model)
    async def try_backend(
        self, backend: LLMBackend, response_model: type[pydantic.BaseModel], messages: list[dict[str, Any]]
    ) -> Trial:
        """Ask this one backend once, in its dialect, and hand back what it said, unparsed, with how
        long the answer took: whether it is JSON and fits the schema is the caller's to judge."""
        api_key = self._api_key(backend)
        if api_key is None:
            return Trial(False, self._missing_key_attempt(backend).error, "", None, 0.0)
        max_tokens = output_tokens(response_model)
        async with self._slot():
            started = time.perf_counter()
            try:
                backend = await self._budgeted(backend, api_key)
                request = structured_request(backend, response_model, messages)
                _check_fits(backend, request.messages, max_tokens, response_model, request)
                started = time.perf_counter()
                async with _within(backend):
                    answer = await _raw_answer(backend, api_key, response_model, request, max_tokens)
            except (BackendGaveUp, InstructorError, openai.OpenAIError, httpx.HTTPError) as exc:
                return Trial(False, describe_error(exc, backend), "", None, time.perf_counter() - started)
        return Trial(True, "", answer.text, answer.completion_tokens, time.perf_counter() - started)

    # ------------------------------------------------------------------ context windows
    async def context_window(self, backend: LLMBackend) -> ContextWindow:
        """The backend's window: `context_tokens` when set, else what its server says (read once and
        kept; a server that said nothing is asked again after `UNKNOWN_WINDOW_RETRY_S`). Never raises."""
        configured = configured_window(backend)
        if configured is not None:
            return configured
        known = self._windows.get(backend)
        now = time.monotonic()
        if known is not None and (known[0].tokens is not None or now - known[1] < UNKNOWN_WINDOW_RETRY_S):
            return known[0]
        async with httpx.AsyncClient() as http:
            window = await read_server_window(
                http, backend, self._api_key(backend) or NO_KEY_NEEDED, min(CHECK_TIMEOUT_S, backend.timeout_s)
            )
        self._windows[backend] = (window, now)
        return window

    async def _budgeted(self, backend: LLMBackend, api_key: str) -> LLMBackend:
        """The backend with the window its server said as its `context_tokens`, when the file gave none."""
        if backend.context_tokens is not None:
            return backend
        window = await self.context_window(backend)
        if window.tokens is None:
            return backend
        return replace(backend, context_tokens=window.tokens, window_note=f"read from the server: {window.detail}")

    # ------------------------------------------------------------------ plumbing
    def _candidates(self, vision: bool) -> tuple[LLMBackend, ...]:
        if not self.settings.backends:
            raise LLMUnavailable(
                [],
                f"No language model is configured. Add a backend to {llm_config_path()} "
                "(see config/llm.yaml.example); everything else keeps working without one.",
            )
        if not vision:
            return self.settings.backends
        if not self.settings.vision_backends:
            raise LLMUnavailable(
                [],
                "No language model that reads images is configured. Mark such a backend with "
                f"`vision: true` in {llm_config_path()}.",
            )
        return self.settings.vision_backends

    @contextlib.asynccontextmanager
    async def _slot(self) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.settings.max_concurrent_calls)
        async with semaphore:
            yield

    @staticmethod
    def _api_key(backend: LLMBackend) -> str | None:
        """The key to send; None when the backend names an environment variable that is not set."""
        if backend.api_key_env is None:
            return NO_KEY_NEEDED
        return os.environ.get(backend.api_key_env) or None

    def _keyed_candidates(self, vision: bool, attempts: list[Attempt]) -> Iterator[tuple[LLMBackend, str]]:
        """The backends to try, in order, with their keys; one whose key is missing is recorded and skipped."""
        for backend in self._candidates(vision):
            api_key = self._api_key(backend)
            if api_key is None:
                attempts.append(self._missing_key_attempt(backend))
            else:
                yield backend, api_key

    @staticmethod
    def _missing_key_attempt(backend: LLMBackend) -> Attempt:
        error = f"skipped: the environment variable {backend.api_key_env} is not set"
        logger.warning("backend %s (model %s) %s", backend.name, backend.model, error)
        return Attempt(backend.name, error, backend.base_url)


_shared: LLMClient | None = None


def get_llm_client() -> LLMClient:
    """The app-wide client (so `max_concurrent_calls` holds across every feature), made again when
    `llm.yaml` now says something else: a backend added or removed applies without a restart."""
    global _shared
    settings = load_llm_settings()
    if _shared is None or not _same_backends(_shared.settings, settings):
        _shared = LLMClient(settings)
    return _shared


def _same_backends(old: LLMSettings, new: LLMSettings) -> bool:
    return (old.backends, old.max_concurrent_calls) == (new.backends, new.max_concurrent_calls)


def reload_llm_client() -> LLMClient:
    """Re-read `llm.yaml` and replace the app-wide client (after the user edited the file)."""
    global _shared
    _shared = LLMClient()
    return _shared


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """The TLS settings openai would build for every client (certificates loaded once: ~35 ms saved per call)."""
    return httpx2.create_ssl_context()


@contextlib.asynccontextmanager
async def _openai_client(backend: LLMBackend, api_key: str) -> AsyncIterator[openai.AsyncOpenAI]:
    """A client for one call, closed after it: nothing outlives the event loop it was opened on."""
    client = openai.AsyncOpenAI(
        base_url=backend.base_url,
        api_key=api_key,
        timeout=backend.timeout_s,
        max_retries=0,  # the next backend is the retry
        http_client=openai.DefaultAsyncHttpxClient(verify=_ssl_context()),
    )
    async with client:
        yield client


def describe_error(exc: BaseException, backend: LLMBackend) -> str:
    """A short reason for a user: "connection refused", "timed out after 120 s", "HTTP 500: …"."""
    if isinstance(exc, BackendGaveUp):
        return exc.reason
    if isinstance(exc, InstructorRetryException):
        cause = exc.__cause__
        if isinstance(cause, openai.OpenAIError):
            return describe_error(cause, backend)
        if exc.failed_attempts or isinstance(cause, ValueError):  # pydantic / JSON / parsing errors
            detail = _first_line(cause) if cause is not None else _first_line(exc)
            return f"invalid answer after {exc.n_attempts} attempts ({detail})"
        if cause is not None:
            return describe_error(cause, backend)
    if isinstance(exc, IncompleteOutputException):
        return "the answer was cut off (the model reached its length limit)"
    if isinstance(exc, openai.APITimeoutError):
        return f"timed out after {backend.timeout_s:g} s"
    if isinstance(exc, openai.APIConnectionError):
        return _connection_reason(exc)
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}{_error_body_message(exc.body)}"
    if isinstance(exc, pydantic.ValidationError):
        return f"invalid answer ({_first_line(exc)})"
    if type(exc).__name__ in {"RemoteProtocolError", "ReadError"}:  # httpx2, not wrapped by openai mid-stream
        return f"the connection was lost ({_first_line(exc)})"
    if isinstance(exc, httpx.TimeoutException) or type(exc).__name__.endswith("Timeout"):
        return f"timed out after {backend.timeout_s:g} s"
    if isinstance(exc, httpx.TransportError):  # Ollama's /api/chat, called with httpx directly
        return _connection_reason(exc)
    return f"{type(exc).__name__}: {_first_line(exc)}" if str(exc) else type(exc).__name__


def _connection_reason(exc: BaseException) -> str:
    seen: BaseException | None = exc
    innermost = exc
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError):
            return "connection refused"
        innermost = seen
        seen = seen.__cause__ or seen.__context__
    detail = _first_line(innermost)
    return f"could not connect ({detail})" if detail else "could not connect"


def _error_body_message(body: object) -> str:
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
    else:
        message = body
    text = _shorten(str(message)) if message else ""
    return f": {text}" if text else ""


def _body_message(response: httpx.Response) -> str:
    try:
        return _error_body_message(response.json())
    except ValueError:
        return _error_body_message(response.text)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    if isinstance(exc, pydantic.ValidationError):
        errors = exc.errors()
        if errors:
            where = ".".join(str(part) for part in errors[0].get("loc", ()))
            text = f"{where}: {errors[0].get('msg', '')}" if where else str(errors[0].get("msg", ""))
    return _shorten(text.splitlines()[0] if text else "")


def _shorten(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def _streamed(
    patched: instructor.AsyncInstructor,
    response_model: type[T],
    request: StructuredRequest,
    backend: LLMBackend,
    on_partial: Callable[[Any], None],
    max_tokens: int,
) -> T | None:
    """The answer streamed as growing partial objects; None when it must be asked for again unstreamed.

    Transport errors (unreachable, timeout) propagate: the next backend is the retry, as for any call.
    So does running past `total_timeout_s` (the stream is closed then).
    """
    last: Any = None
    try:
        async with _within(backend):
            parts = patched.chat.completions.create_partial(
                response_model=response_model,
                messages=cast(Any, request.messages),
                model=backend.model,
                max_retries=0,
                max_tokens=max_tokens,
                **request.extra,
            )
            async for part in parts:
                last = part
                on_partial(part)
    except (InstructorError, openai.OpenAIError, pydantic.ValidationError, ValueError) as exc:
        cause = exc.__cause__ if isinstance(exc, InstructorError) and exc.__cause__ is not None else exc
        if isinstance(cause, openai.APIConnectionError) or (
            isinstance(cause, openai.APIStatusError) and cause.status_code >= 500
        ):
            raise  # the backend is down or broken: the next backend is the retry
        logger.info(
            "structured %s: streamed answer unusable (%s); asking again", response_model.__name__, _first_line(exc)
        )
        return None
    if last is None:
        return None
    try:
        return response_model.model_validate(last.model_dump())
    except pydantic.ValidationError as exc:
        logger.info(
            "structured %s: streamed answer invalid (%s); asking again", response_model.__name__, _first_line(exc)
        )
        return None


def _watch_streamed_finish(raw_client: openai.AsyncOpenAI) -> list[str]:
    """The finish reasons of the streamed answers `raw_client` receives, as they arrive.

    instructor's partial streaming reads the chunks' content and never looks at finish_reason, so a
    stream cut off at `max_tokens` would look like any invalid answer. instructor takes the client's
    `create` when it is built (`instructor.from_openai`), so wrapping it on this one call's client
    before that lets Peregrine see the chunks go by."""
    reasons: list[str] = []
    completions = raw_client.chat.completions
    original = completions.create

    async def create(*args: Any, **kwargs: Any) -> Any:
        result = await original(*args, **kwargs)
        if isinstance(result, openai.AsyncStream):
            # the stream stays an AsyncStream (instructor checks its type); only its chunk source is wrapped
            result._iterator = _noting_finish(result._iterator, reasons)
        return result

    completions.create = create  # type: ignore[method-assign]
    return reasons


async def _noting_finish(chunks: AsyncIterator[Any], reasons: list[str]) -> AsyncIterator[Any]:
    async for chunk in chunks:
        choices = getattr(chunk, "choices", None) or []
        if choices and getattr(choices[0], "finish_reason", None):
            reasons.append(str(choices[0].finish_reason))
        yield chunk


@dataclass(frozen=True)
class StructuredRequest:
    """How one backend is asked for `response_model`: instructor's mode (which also parses the
    answer), the messages as sent, and what else goes into the request body (`extra_body`)."""

    mode: instructor.Mode
    messages: list[dict[str, Any]]
    extra: dict[str, Any]
    ollama_format: dict[str, Any] | None = None
    """The schema for Ollama's native `/api/chat` `format`; the request then goes there, not to /v1."""
    in_codeblock: bool = False
    """md_json: the answer is read from a ```json block of plain text, by this module, not instructor
    (whose MD_JSON mode pastes its own indented schema into the prompt)."""

    @property
    def answered_whole(self) -> bool:
        """Asked for without instructor, unstreamed: a caller's `on_partial` sees the whole answer once."""
        return self.ollama_format is not None or self.in_codeblock


CODEBLOCK_PROMPT = "Answer with that JSON object in a ```json code block, and nothing else."
SCHEMA_PROMPT = (
    "Answer with one JSON object (an instance, not the schema itself) that matches this json_schema:\n{schema}"
)


def compact_schema(response_model: type[pydantic.BaseModel]) -> str:
    """The JSON schema without indentation or spaces: instructor pastes it indented (2 spaces), which
    costs 300-1,400 tokens more on Peregrine's schemas."""
    return json.dumps(response_model.model_json_schema(), separators=(",", ":"), ensure_ascii=False)


def structured_request(
    backend: LLMBackend, response_model: type[pydantic.BaseModel], messages: list[dict[str, Any]]
) -> StructuredRequest:
    """The backend's dialect (see `settings.Dialect` and config/llm.yaml.example) as a request.

    Every shape but tools and md_json is parsed by instructor's JSON_SCHEMA handler (the answer is
    the JSON in `message.content`); `extra_body` replaces the `response_format` it would send where a
    server wants another shape. The json and md_json modes' prompt carries the schema compact, not
    indented (md_json: instructor adds no schema of its own to the prompt). Ollama's request goes to its
    native `/api/chat` (`ollama_chat_body`), with the schema in the prompt too, as Ollama advises."""
    schema = response_model.model_json_schema()
    if backend.dialect == "ollama":
        return StructuredRequest(
            instructor.Mode.JSON_SCHEMA, _with_schema_prompt(messages, response_model), {}, ollama_format=schema
        )
    if backend.dialect == "json_schema":
        # set here rather than left to instructor, which sends a streamed call its Partial model's schema
        named = {"type": "json_schema", "json_schema": {"name": response_model.__name__, "schema": schema}}
        return StructuredRequest(instructor.Mode.JSON_SCHEMA, messages, {"extra_body": {"response_format": named}})
    if backend.dialect == "llama_cpp_python":
        extra = {"extra_body": {"response_format": {"type": "json_object", "schema": schema}}}
        return StructuredRequest(instructor.Mode.JSON_SCHEMA, messages, extra)
    if backend.mode == "json":
        return StructuredRequest(
            instructor.Mode.JSON_SCHEMA,
            _with_schema_prompt(messages, response_model),
            {"extra_body": {"response_format": {"type": "json_object"}}},
        )
    if backend.mode == "md_json":
        asked = [*_with_schema_prompt(messages, response_model), {"role": "user", "content": CODEBLOCK_PROMPT}]
        return StructuredRequest(instructor.Mode.MD_JSON, asked, {}, in_codeblock=True)
    return StructuredRequest(_INSTRUCTOR_MODES[backend.mode], messages, {})


def _with_schema_prompt(
    messages: list[dict[str, Any]], response_model: type[pydantic.BaseModel]
) -> list[dict[str, Any]]:
    """The messages with the compact schema at the end of the system message (a new one if none)."""
    text = SCHEMA_PROMPT.format(schema=compact_schema(response_model))
    out = [dict(message) for message in messages]
    if out and out[0].get("role") == "system":
        content = out[0].get("content")
        if isinstance(content, str):
            out[0]["content"] = f"{content}\n\n{text}"
            return out
        if isinstance(content, list):
            out[0]["content"] = [*content, {"type": "text", "text": text}]
            return out
    return [{"role": "system", "content": text}, *out]


Ask = Callable[[list[dict[str, Any]]], Awaitable[T]]
"""One request for an answer to these messages, parsed and validated (raises ValueError when invalid)."""


def _instructor_asker(
    patched: instructor.AsyncInstructor,
    response_model: type[T],
    request: StructuredRequest,
    backend: LLMBackend,
    max_tokens: int,
) -> Ask[T]:
    async def ask(messages: list[dict[str, Any]]) -> T:
        result: T = await patched.chat.completions.create(
            response_model=response_model,
            messages=cast(Any, messages),
            model=backend.model,
            max_retries=0,  # retries are ours, see _validated
            max_tokens=max_tokens,
            **request.extra,
        )
        return result

    return ask


async def _answer_whole(
    backend: LLMBackend,
    api_key: str,
    response_model: type[T],
    request: StructuredRequest,
    max_tokens: int,
    max_retries: int,
) -> T:
    """An answer asked for without instructor: Ollama's /api/chat, or md_json's code block."""
    if request.ollama_format is not None:
        ask = _ollama_asker(backend, api_key, response_model, request.ollama_format, max_tokens)
        return await _validated(ask, response_model, request, backend, max_tokens, max_retries)
    async with _openai_client(backend, api_key) as raw_client:
        ask = _codeblock_asker(raw_client, backend, response_model, max_tokens)
        return await _validated(ask, response_model, request, backend, max_tokens, max_retries)


def _codeblock_asker(
    raw_client: openai.AsyncOpenAI, backend: LLMBackend, response_model: type[T], max_tokens: int
) -> Ask[T]:
    async def ask(messages: list[dict[str, Any]]) -> T:
        completion = await raw_client.chat.completions.create(
            model=backend.model, messages=cast(Any, messages), max_tokens=max_tokens
        )
        choice = completion.choices[0]
        if choice.finish_reason == "length":
            raise BackendGaveUp(_cut_off(max_tokens))
        return response_model.model_validate_json(extract_json_from_codeblock(choice.message.content or ""))

    return ask


def _ollama_asker(
    backend: LLMBackend, api_key: str, response_model: type[T], schema: dict[str, Any], max_tokens: int
) -> Ask[T]:
    async def ask(messages: list[dict[str, Any]]) -> T:
        answer = await ollama_chat(backend, api_key, ollama_chat_body(backend, messages, schema, max_tokens))
        return response_model.model_validate_json(answer.text)

    return ask


async def _validated(
    ask: Ask[T],
    response_model: type[T],
    request: StructuredRequest,
    backend: LLMBackend,
    max_tokens: int,
    max_retries: int,
) -> T:
    """One answer that validates, asked for at most `1 + max_retries` times on this backend.

    A retry sends the request's messages and one short message naming what was wrong with the last
    answer, not the answer itself (instructor's own re-ask would append both, growing the request
    every time). An answer cut off at `max_tokens` is not asked for again: `BackendGaveUp` says so.
    """
    messages = request.messages
    current = messages
    tries = max(0, max_retries) + 1
    for number in range(1, tries + 1):
        try:
            async with _within(backend):
                return await ask(current)
        except IncompleteOutputException as exc:
            raise BackendGaveUp(_cut_off(max_tokens)) from exc
        except (InstructorRetryException, ValueError) as exc:
            cause = exc.__cause__ if isinstance(exc, InstructorRetryException) else exc
            if isinstance(cause, IncompleteOutputException):
                raise BackendGaveUp(_cut_off(max_tokens)) from exc
            if not isinstance(cause, ValueError):  # pydantic / JSON errors; anything else is the transport's
                raise
            if number == tries:
                raise BackendGaveUp(f"invalid answer after {tries} attempts ({_first_line(cause)})") from exc
            retry = [*messages, {"role": "user", "content": _reask_text(cause)}]
            if not _fits(backend, retry, max_tokens, response_model, request):
                raise BackendGaveUp(
                    f"invalid answer ({_first_line(cause)}), and a retry would not fit this backend's window of "
                    f"{backend.context_tokens} tokens ({backend.window_note})"
                ) from exc
            logger.info(
                "structured %s: backend %s answered invalid (%s); asking again (%d of %d)",
                response_model.__name__,
                backend.name,
                _first_line(cause),
                number + 1,
                tries,
            )
            current = retry
    raise AssertionError("unreachable")  # pragma: no cover


def _prompt_tokens(
    messages: list[dict[str, Any]], response_model: type[pydantic.BaseModel], request: StructuredRequest
) -> int:
    # tools mode sends the schema as a tool, which the server's chat template turns into prompt text
    schema = compact_schema(response_model) if request.mode is instructor.Mode.TOOLS else ""
    return estimate_tokens(messages, schema)


def _fits(
    backend: LLMBackend,
    messages: list[dict[str, Any]],
    max_tokens: int,
    response_model: type[pydantic.BaseModel],
    request: StructuredRequest,
) -> bool:
    if backend.context_tokens is None:
        return True
    return _prompt_tokens(messages, response_model, request) + max_tokens <= backend.context_tokens


def _check_fits(
    backend: LLMBackend,
    messages: list[dict[str, Any]],
    max_tokens: int,
    response_model: type[pydantic.BaseModel],
    request: StructuredRequest,
) -> None:
    """Refuse, before sending it, a request that cannot fit the backend's window (a server answers it
    HTTP 400, or cuts the answer off)."""
    if _fits(backend, messages, max_tokens, response_model, request):
        return
    prompt = _prompt_tokens(messages, response_model, request)
    raise BackendGaveUp(
        f"not sent: the request needs about {prompt + max_tokens:,} tokens (about {prompt:,} of prompt and "
        f"{max_tokens:,} for the answer), over this backend's window of {backend.context_tokens:,} tokens "
        f"({backend.window_note})"
    )


@dataclass(frozen=True)
class Trial:
    """One backend asked once (`LLMClient.try_backend`): did it answer, what, and in how long."""

    answered: bool
    error: str
    text: str
    completion_tokens: int | None
    """What the server counted, when it says (usage / eval_count)."""
    seconds: float


async def _raw_answer(
    backend: LLMBackend,
    api_key: str,
    response_model: type[pydantic.BaseModel],
    request: StructuredRequest,
    max_tokens: int,
) -> RawAnswer:
    """The answer's text exactly as the dialect asks for it, valid or not (an HTTP error still raises)."""
    if request.ollama_format is not None:
        return await ollama_chat(
            backend, api_key, ollama_chat_body(backend, request.messages, request.ollama_format, max_tokens)
        )
    async with _openai_client(backend, api_key) as raw_client:
        if request.in_codeblock:
            completion: Any = await raw_client.chat.completions.create(
                model=backend.model, messages=cast(Any, request.messages), max_tokens=max_tokens
            )
        else:
            patched = instructor.from_openai(raw_client, mode=request.mode)
            try:
                _, completion = await patched.chat.completions.create_with_completion(
                    response_model=response_model,
                    messages=cast(Any, request.messages),
                    model=backend.model,
                    max_retries=0,
                    max_tokens=max_tokens,
                    **request.extra,
                )
            except InstructorRetryException as exc:
                if not isinstance(exc.__cause__, ValueError) or exc.last_completion is None:
                    raise
                completion = exc.last_completion  # an answer that does not validate: still an answer
    choice = completion.choices[0]
    calls = getattr(choice.message, "tool_calls", None) or []
    text = calls[0].function.arguments if calls else (choice.message.content or "")
    usage = getattr(completion, "usage", None)
    return RawAnswer(str(text), getattr(usage, "completion_tokens", None))


@dataclass(frozen=True)
class RawAnswer:
    """What a server answered, before any parsing: the text and the tokens it says it generated."""

    text: str
    completion_tokens: int | None


def ollama_chat_body(
    backend: LLMBackend,
    messages: list[dict[str, Any]],
    schema: dict[str, Any] | None,
    max_tokens: int,
    *,
    stream: bool = False,
) -> dict[str, Any]:
    """Ollama's `POST /api/chat`: `format` is the JSON schema its grammar holds the answer to (none for
    plain text); `num_predict` caps the answer and `num_ctx` sets the window the model runs with, sent
    when the user set `context_tokens` (the /v1 endpoint has no way to set it, and Ollama cuts an
    overlong prompt from the front without a word)."""
    options: dict[str, Any] = {"num_predict": max_tokens}
    if backend.context_tokens is not None and backend.window_note == "context_tokens":
        options["num_ctx"] = backend.context_tokens
    body = {"model": backend.model, "messages": _ollama_messages(messages), "stream": stream, "options": options}
    return {**body, "format": schema} if schema is not None else body


def _ollama_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OpenAI-style messages in Ollama's shape: text content, and images as bare base64 in `images`."""
    out: list[dict[str, Any]] = []
    for message in messages:
        content = message.get("content")
        if not isinstance(content, list):
            out.append({"role": message.get("role", "user"), "content": content or ""})
            continue
        parts = [part for part in content if isinstance(part, dict)]
        text = "\n".join(str(part.get("text", "")) for part in parts if part.get("type") == "text")
        urls = [(part.get("image_url") or {}).get("url") for part in parts if part.get("type") == "image_url"]
        images = [url.partition(",")[2] for url in urls if isinstance(url, str)]
        out.append({"role": message.get("role", "user"), "content": text, **({"images": images} if images else {})})
    return out


async def ollama_chat(backend: LLMBackend, api_key: str, body: dict[str, Any]) -> RawAnswer:
    """One unstreamed `POST /api/chat`; an HTTP error or an answer cut off at `num_predict` gives up."""
    async with httpx.AsyncClient() as http:
        response = await http.post(
            f"{server_root(backend.base_url)}/api/chat",
            json=body,
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=backend.timeout_s,
        )
    if response.status_code >= 400:
        raise BackendGaveUp(f"HTTP {response.status_code}{_body_message(response)}")
    try:
        answer = response.json()
        text = str(answer["message"]["content"])
    except (ValueError, KeyError, TypeError) as exc:
        raise BackendGaveUp("the answer to POST /api/chat is not an Ollama chat answer") from exc
    if answer.get("done_reason") == "length":
        raise BackendGaveUp(_cut_off(int(body["options"]["num_predict"])))
    count = answer.get("eval_count")
    return RawAnswer(text, count if isinstance(count, int) and not isinstance(count, bool) else None)


async def _ollama_chunks(
    backend: LLMBackend, api_key: str, body: dict[str, Any], deadline: float, finish: list[str]
) -> AsyncGenerator[str, None]:
    """A streamed `POST /api/chat`: Ollama sends one JSON object a line, the last with `done` and its
    `done_reason` (into `finish`). Like `_chunks_until`, only the waits are under the deadline; closing
    the generator closes the connection, which stops Ollama generating."""
    async with httpx.AsyncClient() as http:
        request = http.build_request(
            "POST",
            f"{server_root(backend.base_url)}/api/chat",
            json=body,
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=backend.timeout_s,
        )
        async with _within(backend, deadline):
            response = await http.send(request, stream=True)
        try:
            if response.status_code >= 400:
                await response.aread()
                raise BackendGaveUp(f"HTTP {response.status_code}{_body_message(response)}")
            lines = response.aiter_lines()
            while True:
                try:
                    async with _within(backend, deadline):
                        line = await lines.__anext__()
                except StopAsyncIteration:
                    return
                if not line.strip():
                    continue
                part = json.loads(line)
                if part.get("error"):
                    raise BackendGaveUp(f"the server stopped: {_shorten(str(part['error']))}")
                yield str((part.get("message") or {}).get("content") or "")
                if part.get("done"):
                    finish.append(str(part.get("done_reason") or "stop"))
                    return
        finally:
            await response.aclose()


#: How many of a validation error's problems a re-ask names.
REASK_ERRORS = 5


def _reask_text(error: BaseException) -> str:
    """The short message a retry sends: what was wrong, nothing of the wrong answer itself."""
    problems: list[str] = []
    if isinstance(error, pydantic.ValidationError):
        for item in error.errors()[:REASK_ERRORS]:
            where = ".".join(str(part) for part in item.get("loc", ())) or "the answer"
            problems.append(f"- {where}: {_shorten(str(item.get('msg', '')), 200)} ({item.get('type', 'error')})")
        more = error.error_count() - len(problems)
        if more > 0:
            problems.append(f"- and {more} more")
    else:
        problems.append(f"- {_first_line(error)}")
    return (
        "Your previous answer could not be used:\n"
        + "\n".join(problems)
        + "\nAnswer again from the start: one complete JSON object that matches the schema, nothing else."
    )


def _cut_off(max_tokens: int) -> str:
    return (
        f"the answer was cut off at its limit of {max_tokens} tokens (max_tokens; the server said "
        '"length"), so it was not asked again'
    )


@contextlib.asynccontextmanager
async def _within(backend: LLMBackend, deadline: float | None = None) -> AsyncIterator[None]:
    """Give up at the backend's `total_timeout_s` (or the loop-time `deadline`): the awaited request is
    cancelled, which closes its connection, and `BackendGaveUp` says how long it was given."""
    if deadline is None:
        deadline = asyncio.get_running_loop().time() + backend.total_timeout_s
    scope = asyncio.timeout_at(deadline)
    try:
        async with scope:
            yield
    except TimeoutError as exc:
        if not scope.expired():
            raise
        raise BackendGaveUp(
            f"took longer than {backend.total_timeout_s:g} s in all (total_timeout_s); the request was closed"
        ) from exc


async def _chunks_until(
    stream: openai.AsyncStream[Any], backend: LLMBackend, deadline: float, finish: list[str]
) -> AsyncGenerator[str, None]:
    """The stream's text deltas, each awaited only until `deadline`; finish reasons land in `finish`.

    Only the wait for the next chunk is under the deadline, never the caller's own work between two
    chunks (a deadline around a `yield` would cancel whatever the caller awaits at that moment)."""
    iterator = stream.__aiter__()
    while True:
        try:
            async with _within(backend, deadline):
                chunk = await iterator.__anext__()
        except StopAsyncIteration:
            return
        choices = getattr(chunk, "choices", None) or []
        if choices and getattr(choices[0], "finish_reason", None):
            finish.append(str(choices[0].finish_reason))
        yield _delta_text(chunk)


def _plain_instance(response_model: type[T], result: Any) -> T:
    """instructor returns an instance of a subclass it builds (Person + its ResponseSchema mixin), which
    compares unequal to a real Person; hand back an exact `response_model` instance, without re-validating."""
    if type(result) is response_model:
        return cast(T, result)
    values = {name: getattr(result, name) for name in response_model.model_fields}
    values.update(getattr(result, "model_extra", None) or {})
    return response_model.model_construct(_fields_set=set(result.model_fields_set), **values)


def _delta_text(chunk: Any) -> str:
    choices = getattr(chunk, "choices", None) or []
    if not choices or choices[0].delta is None:
        return ""
    return choices[0].delta.content or ""


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


async def _close_quietly(
    stream: openai.AsyncStream[Any] | None, chunks: AsyncGenerator[str, None] | None = None
) -> None:
    """Close the response: the connection goes, and a server that watches it stops generating."""
    if chunks is not None:
        with contextlib.suppress(Exception):
            await chunks.aclose()
    if stream is not None:
        with contextlib.suppress(Exception):
            await stream.close()
