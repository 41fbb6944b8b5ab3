"""The language-model backends the user configured in `config/llm.yaml`.

A bad entry never stops the app: it becomes a notice (shown in Settings) naming the file and the
backend, and that backend is left out. See `config/llm.yaml.example` for the documented format.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from peregrine.config import ConfigNotice, config_dir, read_yaml

LLM_CONFIG_FILE = "llm.yaml"

Mode = Literal["json", "tools", "md_json", "json_schema"]
MODES: tuple[str, ...] = get_args(Mode)

#: How a backend is asked for structured output. "instructor": instructor's `mode` (the prompt
#: carries the schema; the server does not enforce it). The others have the SERVER enforce the
#: schema with its grammar, each in the request shape that server documents:
#:   json_schema        `response_format: {"type": "json_schema", "json_schema": {"name", "schema"}}`
#:                      (OpenAI, vLLM, llama.cpp's llama-server)
#:   ollama             Ollama's native `POST /api/chat` with `format: <schema>` and
#:                      `options: {num_predict, num_ctx}` (its /v1 endpoint cannot set num_ctx, and
#:                      Ollama silently cuts a prompt longer than its window from the front), plus the
#:                      schema in the prompt, compact, as Ollama advises
#:   llama_cpp_python   `response_format: {"type": "json_object", "schema": ...}` (llama-cpp-python's
#:                      server, which fails on the json_schema shape)
Dialect = Literal["instructor", "json_schema", "ollama", "llama_cpp_python"]
DIALECTS: tuple[str, ...] = get_args(Dialect)

#: Seconds to wait for the server to send anything (connect, first byte, the next streamed chunk). A
#: model on a CPU may think for minutes before the first byte of an unstreamed answer: a 0.5B model
#: took 60-214 s for company research on two cores, so 120 s was too short.
DEFAULT_TIMEOUT_S = 300.0
#: Seconds one request may take in all, streamed or not, before the app gives up and closes it.
DEFAULT_TOTAL_TIMEOUT_S = 600.0
DEFAULT_MAX_CONCURRENT_CALLS = 2

_BACKEND_KEYS = frozenset(
    {
        "name",
        "base_url",
        "model",
        "api_key_env",
        "mode",
        "dialect",
        "vision",
        "timeout_s",
        "total_timeout_s",
        "context_tokens",
    }
)
_TOP_LEVEL_KEYS = frozenset({"backends", "max_concurrent_calls"})


@dataclass(frozen=True)
class LLMBackend:
    """One OpenAI-compatible server, tried in the order the file lists it."""

    name: str
    base_url: str
    model: str
    api_key_env: str | None = None
    mode: Mode = "json"
    vision: bool = False
    timeout_s: float = DEFAULT_TIMEOUT_S
    total_timeout_s: float = DEFAULT_TOTAL_TIMEOUT_S
    dialect: Dialect = "instructor"
    context_tokens: int | None = None
    """The model's context window as the server runs it (prompt + answer): the user's figure, or the
    one the server said (the client fills it in then, see `llm/server_window.py`)."""
    window_note: str = "context_tokens"
    """Where `context_tokens` came from, as messages name it."""


@dataclass(frozen=True)
class LLMSettings:
    backends: tuple[LLMBackend, ...] = ()
    max_concurrent_calls: int = DEFAULT_MAX_CONCURRENT_CALLS
    notices: tuple[ConfigNotice, ...] = field(default=())

    @property
    def vision_backends(self) -> tuple[LLMBackend, ...]:
        return tuple(backend for backend in self.backends if backend.vision)


def llm_config_path() -> str:
    return str(config_dir() / LLM_CONFIG_FILE)


def llm_configured() -> bool:
    """At least one usable backend is in `llm.yaml` right now. Read afresh on every call (a small
    file), so a backend the user adds applies at once: queued work starts, disabled buttons wake."""
    return bool(load_llm_settings().backends)


def load_llm_settings() -> LLMSettings:
    """Read `llm.yaml` from the config directory; never raises for anything in the file."""
    raw, notices = read_yaml(LLM_CONFIG_FILE)
    path = llm_config_path()

    def notice(message: str) -> None:
        notices.append(ConfigNotice(path, message))

    for key in sorted(set(raw) - _TOP_LEVEL_KEYS, key=str):
        notice(f"unknown setting {key!r} is ignored (known: backends, max_concurrent_calls)")

    max_calls = raw.get("max_concurrent_calls", DEFAULT_MAX_CONCURRENT_CALLS)
    if isinstance(max_calls, bool) or not isinstance(max_calls, int) or max_calls < 1:
        notice(
            f"max_concurrent_calls must be an integer of 1 or more, not {max_calls!r}; "
            f"using {DEFAULT_MAX_CONCURRENT_CALLS}"
        )
        max_calls = DEFAULT_MAX_CONCURRENT_CALLS

    raw_backends = raw.get("backends")
    if raw_backends is None:
        raw_backends = []
    if not isinstance(raw_backends, list):
        notice("backends must be a list of backends (each starting with '- name: ...'); no backend is used")
        raw_backends = []

    backends: list[LLMBackend] = []
    for position, entry in enumerate(raw_backends, start=1):
        backend, problems = _parse_backend(entry, position, taken={b.name for b in backends})
        for problem in problems:
            notice(problem)
        if backend is not None:
            backends.append(backend)

    return LLMSettings(backends=tuple(backends), max_concurrent_calls=max_calls, notices=tuple(notices))


def _parse_backend(entry: Any, position: int, taken: set[str]) -> tuple[LLMBackend | None, list[str]]:
    """One `backends:` entry → the backend (None when unusable) and the notices about it."""
    if not isinstance(entry, dict):
        return None, [f"backend #{position} must be a mapping with name, base_url and model; skipped"]

    raw_name = entry.get("name")
    name = str(raw_name).strip() if raw_name is not None and not isinstance(raw_name, (dict, list)) else ""
    label = f"backend {name!r} (#{position})" if name else f"backend #{position}"
    errors: list[str] = []
    warnings: list[str] = []

    for key in sorted(set(entry) - _BACKEND_KEYS, key=str):
        warnings.append(f"{label}: unknown setting {key!r} is ignored")

    if not name:
        errors.append("name is missing")
    elif name in taken:
        errors.append("another backend already has this name")

    base_url = entry.get("base_url")
    if not isinstance(base_url, str) or not base_url.strip():
        errors.append("base_url is missing")
    elif not base_url.strip().startswith(("http://", "https://")):
        errors.append(f"base_url {base_url!r} must start with http:// or https://")

    model = entry.get("model")
    if not isinstance(model, str) or not model.strip():
        errors.append("model is missing")

    api_key_env = entry.get("api_key_env")
    if api_key_env is not None and (not isinstance(api_key_env, str) or not api_key_env.strip()):
        errors.append(f"api_key_env must be the name of an environment variable or null, not {api_key_env!r}")
    elif isinstance(api_key_env, str) and not os.environ.get(api_key_env.strip()):
        warnings.append(
            f"{label}: the environment variable {api_key_env.strip()} (api_key_env) is not set; "
            "this backend is skipped until it is"
        )

    mode = entry.get("mode", "json")
    if mode not in MODES:
        errors.append(f"mode {mode!r} is unknown (allowed: {', '.join(MODES)})")

    dialect = entry.get("dialect", "instructor")
    if dialect not in DIALECTS:
        errors.append(f"dialect {dialect!r} is unknown (allowed: {', '.join(DIALECTS)})")

    context_tokens = entry.get("context_tokens")
    if context_tokens is not None and (
        isinstance(context_tokens, bool) or not isinstance(context_tokens, int) or context_tokens < 256
    ):
        errors.append(f"context_tokens must be a whole number of tokens (256 or more) or null, not {context_tokens!r}")

    vision = entry.get("vision", False)
    if not isinstance(vision, bool):
        errors.append(f"vision must be true or false, not {vision!r}")

    timeout_s = entry.get("timeout_s", DEFAULT_TIMEOUT_S)
    if isinstance(timeout_s, bool) or not isinstance(timeout_s, (int, float)) or not timeout_s > 0:
        errors.append(f"timeout_s must be a positive number of seconds, not {timeout_s!r}")

    total_timeout_s = entry.get("total_timeout_s", max(DEFAULT_TOTAL_TIMEOUT_S, _number(timeout_s)))
    if isinstance(total_timeout_s, bool) or not isinstance(total_timeout_s, (int, float)) or not total_timeout_s > 0:
        errors.append(f"total_timeout_s must be a positive number of seconds, not {total_timeout_s!r}")

    if errors:
        return None, [*warnings, f"{label}: {'; '.join(errors)}; this backend is skipped"]

    return (
        LLMBackend(
            name=name,
            base_url=str(base_url).strip().rstrip("/"),
            model=str(model).strip(),
            api_key_env=api_key_env.strip() if isinstance(api_key_env, str) else None,
            mode=mode,
            vision=vision,
            timeout_s=float(timeout_s),
            total_timeout_s=float(total_timeout_s),
            dialect=dialect,
            context_tokens=context_tokens,
        ),
        warnings,
    )


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0
