"""The context window a backend runs its model with, as the server itself says.

`context_tokens` in `config/llm.yaml` wins when set. Otherwise three servers say it, each in its own
place (read from their documented answers):

- Ollama: `POST /api/show {"model": ...}`: `num_ctx` in `parameters` (the window the model is set to
  run with, from its Modelfile) or else `model_info["<architecture>.context_length"]` (the most the
  model was trained for; Ollama runs a smaller default unless `num_ctx` is set, which the `ollama`
  dialect sends: see `client.py`);
- llama.cpp's `llama-server`: `GET /props`: `default_generation_settings.n_ctx`;
- vLLM: `GET /v1/models`: the model's `max_model_len`.

The endpoints live at the server's root, which is `base_url` without its `/v1`. Anything else (not
reachable, 404, an answer without the figure) means the window is unknown: never an error, since
every feature works without it; the client then sends requests unchecked, as before.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from peregrine.llm.settings import LLMBackend

logger = logging.getLogger("peregrine.llm")

WindowSource = Literal["config", "server", "unknown"]


@dataclass(frozen=True)
class ContextWindow:
    """A backend's context window in tokens (prompt + answer), and where that figure came from."""

    tokens: int | None
    source: WindowSource
    detail: str
    """"context_tokens in llm.yaml", the server's field ("llama.cpp /props n_ctx"), or why unknown."""

    def describe(self) -> str:
        if self.tokens is None:
            return f"unknown ({self.detail})"
        where = "from config" if self.source == "config" else "read from the server"
        return f"{self.tokens:,} tokens ({where}: {self.detail})"


def configured_window(backend: LLMBackend) -> ContextWindow | None:
    if backend.context_tokens is None:
        return None
    return ContextWindow(backend.context_tokens, "config", "context_tokens in llm.yaml")


def server_root(base_url: str) -> str:
    """`http://host:11434/v1` → `http://host:11434`: where the servers' own endpoints live."""
    root = base_url.rstrip("/")
    return root[: -len("/v1")] if root.endswith("/v1") else root


async def read_server_window(
    http: httpx.AsyncClient, backend: LLMBackend, api_key: str, timeout_s: float
) -> ContextWindow:
    """Ask the server where each kind says it (Ollama first for the `ollama` dialect); unknown when none does."""
    endpoints = [("GET", "/v1/models", _from_vllm_models), ("GET", "/props", _from_llama_cpp_props)]
    ollama = ("POST", "/api/show", _from_ollama_show)
    endpoints = [ollama, *endpoints] if backend.dialect == "ollama" else [*endpoints, ollama]
    root = server_root(backend.base_url)
    reasons: list[str] = []
    for method, path, read in endpoints:
        try:
            response = await http.request(
                method,
                root + path,
                json={"model": backend.model} if method == "POST" else None,
                headers={"Authorization": f"Bearer {api_key}"},
                timeout=timeout_s,
            )
            found = read(_dict(response.json()), backend) if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError) as exc:  # unreachable, timed out, not JSON
            reasons.append(f"{path}: {type(exc).__name__}")
            continue
        if found is not None:
            tokens, detail = found
            logger.info("backend %s: the server says its window is %d tokens (%s)", backend.name, tokens, detail)
            return ContextWindow(tokens, "server", detail)
        reasons.append(f"{path}: HTTP {response.status_code}")
    logger.info("backend %s: no server endpoint said the window (%s)", backend.name, "; ".join(reasons))
    return ContextWindow(None, "unknown", "the server does not say; set context_tokens in llm.yaml")


def _from_vllm_models(answer: dict[str, Any], backend: LLMBackend) -> tuple[int, str] | None:
    listed = answer.get("data")
    for entry in listed if isinstance(listed, list) else []:
        if isinstance(entry, dict) and entry.get("id") == backend.model:
            tokens = _tokens(entry.get("max_model_len"))
            return (tokens, "vLLM /v1/models max_model_len") if tokens else None
    return None


def _from_llama_cpp_props(answer: dict[str, Any], backend: LLMBackend) -> tuple[int, str] | None:
    tokens = _tokens(_dict(answer.get("default_generation_settings")).get("n_ctx"))
    return (tokens, "llama.cpp /props n_ctx") if tokens else None


def _from_ollama_show(answer: dict[str, Any], backend: LLMBackend) -> tuple[int, str] | None:
    set_to = _num_ctx(answer.get("parameters"))
    if set_to:
        return set_to, "Ollama /api/show num_ctx"
    for key, value in _dict(answer.get("model_info")).items():
        if str(key).endswith(".context_length") and (tokens := _tokens(value)):
            return tokens, "Ollama /api/show context_length"
    return None


def _num_ctx(parameters: Any) -> int | None:
    """`num_ctx` from Ollama's `parameters`, a text of "name value" lines (as in a Modelfile)."""
    if not isinstance(parameters, str):
        return None
    for line in parameters.splitlines():
        name, _, value = line.strip().partition(" ")
        if name == "num_ctx":
            return _tokens(value.strip().strip('"'))
    return None


def _tokens(value: Any) -> int | None:
    try:
        tokens = int(value)
    except (TypeError, ValueError):
        return None
    return tokens if tokens > 0 and not isinstance(value, bool) else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
