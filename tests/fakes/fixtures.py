"""Pytest fixtures around the fake outside services (loaded by `tests/conftest.py`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fakes.openai_server import FakeOpenAIServer

BackendSpec = FakeOpenAIServer | Mapping[str, Any]
WriteLLMConfig = Callable[..., Path]


@pytest.fixture
def fake_llm() -> Iterator[FakeOpenAIServer]:
    """A started fake OpenAI-compatible server (model "fake-model"), stopped after the test."""
    server = FakeOpenAIServer(name="fake").start()
    try:
        yield server
    finally:
        server.stop()


def backend_entry(server: FakeOpenAIServer, **overrides: Any) -> dict[str, Any]:
    """The `llm.yaml` entry for a fake server; keyword arguments override or add settings."""
    return {"name": server.name, "base_url": server.url, "model": server.model, "api_key_env": None, **overrides}


@pytest.fixture
def llm_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WriteLLMConfig:
    """A function that writes `llm.yaml` for the given backends and points PEREGRINE_CONFIG_DIR at it.

    ``llm_config_dir(server_a, {"name": "down", "base_url": closed_port_url(), "model": "m"},
    max_concurrent_calls=1, timeout_s=2)``: servers become entries through `backend_entry`;
    mappings are written as given; other keywords are added to every entry (except
    `max_concurrent_calls`, a top-level setting). Returns the config directory.
    """

    def write(*backends: BackendSpec, max_concurrent_calls: int | None = None, **common: Any) -> Path:
        directory = tmp_path / "llm-config"
        directory.mkdir(exist_ok=True)
        entries = [
            backend_entry(spec, **common) if isinstance(spec, FakeOpenAIServer) else {**common, **spec}
            for spec in backends
        ]
        document: dict[str, Any] = {"backends": entries}
        if max_concurrent_calls is not None:
            document["max_concurrent_calls"] = max_concurrent_calls
        (directory / "llm.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        monkeypatch.setenv("PEREGRINE_CONFIG_DIR", str(directory))
        return directory

    return write
