"""What Settings shows: the configuration as read, and whether each outside service answers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from peregrine.config import ConfigNotice, user_profile
from peregrine.integrations.searxng import SearxngClient, load_searxng_settings
from peregrine.llm.client import LLMClient
from peregrine.llm.settings import load_llm_settings


@dataclass(frozen=True)
class ServiceRow:
    """One line of the status table, display-ready."""

    name: str
    address: str
    detail: str
    ok: bool
    latency: str


@dataclass(frozen=True)
class ConfigOverview:
    name: str
    email: str
    headline: str
    tier: str
    accessibility_focus: bool
    lgbtq_focus: bool
    notices: list[str]
    backends: list[ServiceRow]
    searxng: ServiceRow


def _notice_lines(notices: tuple[ConfigNotice, ...]) -> list[str]:
    return [f"{notice.path}: {notice.message}" for notice in notices]


def config_overview() -> ConfigOverview:
    """The files as read now, before any service is asked (so the page shows at once)."""
    profile = user_profile()
    llm = load_llm_settings()
    searxng = load_searxng_settings()
    return ConfigOverview(
        name=profile.name,
        email=profile.email,
        headline=profile.headline,
        tier=profile.tier,
        accessibility_focus=profile.candidate_accessibility_focus,
        lgbtq_focus=profile.candidate_lgbtq_focus,
        notices=_notice_lines(profile.notices) + _notice_lines(llm.notices) + _notice_lines(searxng.notices),
        backends=[
            ServiceRow(
                name=backend.name,
                address=backend.base_url,
                detail=f"model {backend.model} · {backend.mode} mode" + (" · reads images" if backend.vision else ""),
                ok=False,
                latency="checking…",
            )
            for backend in llm.backends
        ],
        searxng=ServiceRow(name="SearXNG", address=searxng.url, detail="", ok=False, latency="checking…"),
    )


async def check_services() -> tuple[list[ServiceRow], ServiceRow]:
    """Ask every LLM backend for its models and SearXNG for a search, at the same time."""
    llm = LLMClient()
    backends, searxng = await asyncio.gather(llm.check_backends(), SearxngClient().check())
    settings = {backend.name: backend for backend in llm.settings.backends}
    rows = []
    for status in backends:
        backend = settings.get(status.name)
        mode = f" · {backend.mode} mode" if backend else ""
        if status.ok:
            detail = f"model {status.model} available{mode}"
        elif status.reachable and not status.model_present:
            detail = f"reachable, but model {status.model} is not listed"
        else:
            detail = status.error or "not reachable"
        rows.append(ServiceRow(status.name, status.base_url, detail, status.ok, _ms(status.latency_ms)))
    if searxng.ok:
        search_detail = "answering JSON searches"
    elif searxng.reachable and not searxng.json_enabled:
        search_detail = searxng.error or "reachable, but the JSON format is disabled"
    else:
        search_detail = searxng.error or "not reachable"
    search_row = ServiceRow("SearXNG", searxng.url, search_detail, searxng.ok, _ms(searxng.latency_ms))
    return rows, search_row


def _ms(latency: float | None) -> str:
    return "—" if latency is None else f"{latency:.0f} ms"
