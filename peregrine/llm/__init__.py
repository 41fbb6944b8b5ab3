"""Language models: settings from `config/llm.yaml` and the client every LLM feature calls.

Plain Python (no reflex): usable from services, the REST API, pages and the CLI alike.
"""

from peregrine.llm.client import (
    Attempt,
    BackendStatus,
    LLMClient,
    LLMUnavailable,
    get_llm_client,
    reload_llm_client,
)
from peregrine.llm.settings import LLMBackend, LLMSettings, load_llm_settings

__all__ = [
    "Attempt",
    "BackendStatus",
    "LLMBackend",
    "LLMClient",
    "LLMSettings",
    "LLMUnavailable",
    "get_llm_client",
    "load_llm_settings",
    "reload_llm_client",
]
