"""What Settings shows: the configuration as read, and whether each outside service answers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from peregrine.config import ConfigNotice, user_profile
from peregrine.domain.dates import utc_stamp
from peregrine.integrations.imap import check_connection, load_imap_settings
from peregrine.integrations.searxng import SearxngClient, load_searxng_settings
from peregrine.llm.client import LLMClient
from peregrine.llm.settings import load_llm_settings
from peregrine.services.email.poller import poller_status


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
    missing_files: list[str]
    backends: list[ServiceRow]
    searxng: ServiceRow


def _same_named(source: object, *names: str) -> dict[str, Any]:
    """The attributes `names` of `source`, for a view whose fields are called the same."""
    return {name: getattr(source, name) for name in names}


def _problems(notices: list[ConfigNotice]) -> list[str]:
    """One line per problem, once each (two settings may read the same file)."""
    return list(dict.fromkeys(f"{notice.path}: {notice.message}" for notice in notices if not notice.missing))


def _missing_files(notices: list[ConfigNotice]) -> list[str]:
    return list(dict.fromkeys(notice.path for notice in notices if notice.missing))


def config_overview() -> ConfigOverview:
    """The files as read now, before any service is asked (so the page shows at once)."""
    profile = user_profile()
    llm = load_llm_settings()
    searxng = load_searxng_settings()
    imap = load_imap_settings()
    every_notice = [*profile.notices, *llm.notices, *searxng.notices, *imap.notices]
    return ConfigOverview(
        **_same_named(profile, "name", "email", "headline", "tier"),
        accessibility_focus=profile.candidate_accessibility_focus,
        lgbtq_focus=profile.candidate_lgbtq_focus,
        notices=_problems(every_notice),
        missing_files=_missing_files(every_notice),
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


# ---- email (IMAP)


@dataclass(frozen=True)
class ImapOverview:
    """The ``imap:`` settings as Settings shows them: never the password, only whether it is set."""

    configured: bool
    address: str
    user: str
    folder: str
    password_env: str
    password_state: str
    poll: str
    min_confidence: str


@dataclass(frozen=True)
class PollerView:
    """The email poller's status, display-ready."""

    state: str
    last_success: str
    last_summary: str
    last_error: str
    next_try: str


@dataclass(frozen=True)
class ImapTestResult:
    ok: bool
    kind: str
    message: str


def imap_overview() -> ImapOverview:
    settings = load_imap_settings()
    return ImapOverview(
        **_same_named(settings, "configured", "address", "user", "folder", "password_env"),
        password_state="set" if settings.password_set else "not set",
        poll=f"every {settings.poll_seconds} s",
        min_confidence=f"{settings.min_confidence:.0%}",
    )


def poller_view() -> PollerView:
    status = poller_status()
    waiting = status.state == "off" and load_imap_settings().configured  # switched on since the last look
    return PollerView(
        state="starting" if waiting else status.state,
        last_success=_when(status.last_success_at),
        last_summary="The first check starts within a minute." if waiting else status.last_summary,
        last_error=f"{status.last_error} ({_when(status.last_error_at)})" if status.last_error else "",
        next_try=_when(status.next_try_at),
    )


async def check_imap_connection() -> ImapTestResult:
    """The Settings page's "Test connection": log in and open the folder read-only, in a thread."""
    result = await asyncio.to_thread(check_connection)
    return ImapTestResult(result.ok, result.kind, result.message)


def _when(moment: datetime | None) -> str:
    return utc_stamp(moment) if moment is not None else ""
