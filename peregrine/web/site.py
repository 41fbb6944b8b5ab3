"""The edge for this Reflex app: the policy from Reflex's configuration, the Guard around the
backend, and the event socket's own origin check.

Reflex learns its addresses late (the test harness sets the frontend's URL after the app is
built), so the policy is rebuilt whenever those addresses or the PEREGRINE_* variables change,
and reused otherwise: a request pays for a few dictionary reads.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from reflex.config import get_config
from reflex.constants import Dirs
from reflex.utils.prerequisites import get_web_dir
from starlette.types import ASGIApp

from peregrine.web import csp
from peregrine.web.guard import Guard
from peregrine.web.policy import SitePolicy

_ENVIRONMENT = ("PEREGRINE_PUBLIC_URL", "PEREGRINE_ALLOWED_HOSTS", "PEREGRINE_CORS_ORIGINS")


def current_policy() -> SitePolicy:
    config = get_config()
    environment = tuple(os.environ.get(name) for name in _ENVIRONMENT)
    return _policy_for(config.deploy_url, config.api_url, _stamp(_endpoints_file()), environment)


@lru_cache(maxsize=8)
def _policy_for(
    deploy_url: str | None, api_url: str | None, _endpoints_stamp: int, _environment: tuple[str | None, ...]
) -> SitePolicy:
    return SitePolicy.from_environment(served_at=(deploy_url, api_url, *built_endpoints()))


def _endpoints_file() -> Path:
    return get_web_dir() / "env.json"


def _stamp(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def built_endpoints() -> list[str]:
    """The backend URLs the built pages connect to (Reflex writes them into `.web/env.json` at
    build time): the truth of where the pages' socket and uploads go, whatever the config says now."""
    try:
        endpoints = json.loads(_endpoints_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [value for value in endpoints.values() if isinstance(value, str) and "://" in value]


def backend_url() -> str:
    """Where the backend answers, the API and the calendar feeds with it (in production the pages'
    own address: one port serves both)."""
    return str(get_config().api_url)


def built_pages() -> Path:
    return get_web_dir() / Dirs.STATIC


def current_page_policy() -> str:
    pages = built_pages()
    return _page_policy_for(current_policy(), str(pages), _stamp(pages / "index.html"))


@lru_cache(maxsize=8)
def _page_policy_for(policy: SitePolicy, pages: str, _stamp: int) -> str:
    return csp.page_policy(
        script_hashes=csp.inline_script_hashes(Path(pages)),
        connect_sources=policy.connect_sources(),
    )


def guard(backend: ASGIApp) -> ASGIApp:
    return Guard(backend, policy=current_policy, page_policy=current_page_policy)


def socket_origin_allowed(origin: str | None, environ: dict[str, Any]) -> bool:
    """The event socket's own check (python-engineio calls it on every handshake), the same rule
    as the Guard's: a second lock on the same door, in case a request ever reaches it another way."""
    if origin is None:
        return True  # not a browser: a browser always names the page's origin on a socket
    scheme = str(environ.get("wsgi.url_scheme", "http"))
    return current_policy().is_app_origin(origin, scheme=scheme, host_header=str(environ.get("HTTP_HOST", "")))
