"""What the HTTP edge allows: the host names served, the app's own origins, CORS, body limits.

Plain data, built from the environment by `SitePolicy.from_environment`:

- ``PEREGRINE_PUBLIC_URL`` — the address people reach the app at when it is served beyond this
  machine (behind a reverse proxy, say ``https://jobs.example.org``). Its host is served and its
  origin is one of the app's own.
- ``PEREGRINE_ALLOWED_HOSTS`` — more host names to serve, comma-separated (rarely needed).
- ``PEREGRINE_CORS_ORIGINS`` — origins allowed to call the REST API from another origin with a
  bearer token, comma-separated (the browser extension's ``chrome-extension://<id>``). Nothing is
  allowed by default, and these origins never reach the pages, the event socket or uploads.

Loopback names (127.0.0.1, localhost, ::1) are always served: the app listens there.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from peregrine.services import uploads

log = logging.getLogger(__name__)

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}

KB = 1024
MB = 1024 * KB
#: The one API path with a larger body (a page's HTML): see `BodyLimits.capture_preview`.
CAPTURE_PREVIEW_PATH = "/api/v1/capture/preview"


@dataclass(frozen=True)
class BodyLimits:
    """The largest request body each part of the backend reads, in bytes."""

    #: The survey's own limit (10 files of 10 MB), plus room for the multipart framing.
    upload: int = uploads.MAX_FILES_PER_REQUEST * uploads.MAX_FILE_BYTES + MB
    #: A job description of 100,000 characters is at most ~600 KB of JSON even when every character
    #: is escaped as \\uXXXX; the rest of a job is small. The API's schemas then give the exact reason.
    api: int = MB
    #: A capture preview carries a page's whole HTML: the extraction reads up to 5 MB of it
    #: (`services.capture.extract.MAX_HTML_BYTES`), and JSON escaping adds some.
    capture_preview: int = 6 * MB
    #: Pages and the event socket's handshake send no body; Reflex's own small endpoints send little.
    other: int = 64 * KB

    def for_path(self, path: str) -> int:
        if path == "/_upload" or path.startswith("/_upload/"):
            return self.upload
        if path == CAPTURE_PREVIEW_PATH:
            return self.capture_preview
        if path.startswith("/api/"):
            return self.api
        return self.other


def split_host(value: str) -> tuple[str, int | None]:
    """``"LocalHost:3000"`` → ``("localhost", 3000)``; ``"[::1]:3000"`` → ``("::1", 3000)``."""
    value = value.strip().lower()
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    else:
        host, _, port = value.partition(":") if value.count(":") == 1 else (value, "", "")
    return host.rstrip("."), int(port) if port.isdigit() else None


def normal_origin(value: str) -> str | None:
    """An origin as ``scheme://host[:port]``, lower-case, default port dropped; None when it is not one.

    Browsers send ``null`` from sandboxed frames and files: never an origin of the app's.
    """
    value = value.strip()
    if not value or value == "null":
        return None
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").rstrip(".")
    if not scheme or not host or parts.path not in ("", "/") or parts.query or parts.username:
        return None
    shown = f"[{host}]" if ":" in host else host
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        shown = f"{shown}:{port}"
    return f"{scheme}://{shown}"


def url_origin(url: str) -> str | None:
    """The origin of a page a URL points into (``ws://h:1/_event`` → ``http://h:1``), or None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme.lower(), parts.scheme.lower())
    if scheme not in ("http", "https"):
        return None
    return normal_origin(f"{scheme}://{parts.netloc}")


def _same_site_aliases(origin: str) -> set[str]:
    """An origin on a loopback name stands for the same server under every loopback name."""
    parts = urlsplit(origin)
    if (parts.hostname or "") not in LOOPBACK_HOSTS:
        return {origin}
    port = f":{parts.port}" if parts.port else ""
    return {f"{parts.scheme}://{'[::1]' if name == '::1' else name}{port}" for name in LOOPBACK_HOSTS}


def _csv(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


@dataclass(frozen=True)
class SitePolicy:
    #: Host names (lower-case, without a port) that requests may name in their Host header.
    hosts: frozenset[str] = LOOPBACK_HOSTS
    #: Origins the app's own pages are served from, besides the address a request came to.
    app_origins: frozenset[str] = frozenset()
    #: Origins that may call `/api/` from elsewhere, with a bearer token and never a cookie.
    api_origins: frozenset[str] = frozenset()
    limits: BodyLimits = field(default_factory=BodyLimits)

    @classmethod
    def from_environment(cls, *, served_at: Iterable[str | None] = ()) -> SitePolicy:
        """The policy for this process: `served_at` are the URLs the frontend and backend are
        configured at (Reflex's deploy and API URLs), the rest comes from PEREGRINE_* variables."""
        hosts = set(LOOPBACK_HOSTS) | {split_host(name)[0] for name in _csv("PEREGRINE_ALLOWED_HOSTS")}
        origins: set[str] = set()
        for url in [os.environ.get("PEREGRINE_PUBLIC_URL"), *served_at]:
            origin = url_origin(url or "")
            if origin is None:
                if url:
                    log.warning("Ignoring %r: not an http(s) URL", url)
                continue
            origins |= _same_site_aliases(origin)
            hosts.add(urlsplit(origin).hostname or "")
        api = set()
        for value in _csv("PEREGRINE_CORS_ORIGINS"):
            origin = normal_origin(value)
            if origin is None:
                log.warning("PEREGRINE_CORS_ORIGINS: ignoring %r, which is not an origin (scheme://host[:port])", value)
            else:
                api.add(origin)
        return cls(hosts=frozenset(hosts - {""}), app_origins=frozenset(origins), api_origins=frozenset(api))

    def allows_host(self, host_header: str) -> bool:
        return split_host(host_header)[0] in self.hosts

    def is_app_origin(self, origin: str, *, scheme: str, host_header: str) -> bool:
        """Whether a request from `origin` comes from the app's own pages: the very address it was
        sent to (same origin), or one the app is configured to be served at."""
        normal = normal_origin(origin)
        if normal is None:
            return False
        page_scheme = {"ws": "http", "wss": "https"}.get(scheme, scheme)
        own = normal_origin(f"{page_scheme}://{host_header}")
        return normal == own or normal in self.app_origins

    def allows_api_origin(self, origin: str) -> bool:
        normal = normal_origin(origin)
        return normal is not None and normal in self.api_origins

    def connect_sources(self) -> list[str]:
        """The app's own origins as a CSP connect-src list: the pages may call these over HTTP and
        the event socket (ws/wss for each http/https origin). CSP has no syntax for IPv6 literals:
        a page served on [::1] connects to itself through 'self'."""
        sources: set[str] = set()
        for origin in self.app_origins:
            if "[" in origin:
                continue
            sources.add(origin)
            sources.add(origin.replace("http", "ws", 1))
        return sorted(sources)
