"""SearXNG, the self-hosted meta search engine company research reads the web and the news through.

Peregrine calls its JSON API, ``GET {url}/search?q=…&format=json[&categories=…][&time_range=…][&pageno=…]``
(https://docs.searxng.org/dev/search_api.html), and turns every way it can go wrong into one of three
errors whose message can be shown to the user as it is:

- `SearxngUnavailable`: nothing answered at the configured URL (connection refused, unknown host,
  timeout); the message names the URL and the cause.
- `SearxngJsonDisabled`: the instance answered 403, which is what SearXNG does for ``format=json``
  unless ``json`` is listed under ``search.formats`` in *its own* settings.yml (a stock instance
  ships with ``html`` only); the message says so.
- `SearxngError` (the base of both): any other HTTP status, or a body that is not SearXNG's JSON.

When every engine fails, SearXNG still answers 200 with no results and lists the engines under
``unresponsive_engines``; `SearxngClient.search` then returns ``[]`` and logs which engines failed.

Result text (``title``, ``content``) is passed on as SearXNG sent it: callers run it through
`peregrine.services.sanitize.clean_text` before it reaches a page.
"""

from __future__ import annotations

import logging
import math
import socket
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from peregrine.config import ConfigNotice, read_section

logger = logging.getLogger(__name__)

DEFAULT_URL = "http://localhost:8888"
DEFAULT_TIMEOUT_S = 10.0
#: The values SearXNG accepts for ``time_range``; anything else is a 400 from the instance.
TIME_RANGES = ("day", "week", "month", "year")

_SETTINGS_HINT = (
    "enable JSON output in SearXNG's own settings.yml (not Peregrine's): add `json` to the list under "
    "`search:` → `formats:` (for example `formats: [html, json]`), then restart SearXNG"
)
_HEADERS = {
    # SearXNG's bot detection (when its limiter is on) refuses clients that send no Accept-Language,
    # or an Accept without text/html; a plain, honest client identity passes it.
    "Accept": "application/json, text/html;q=0.5",
    "Accept-Language": "en-US,en;q=0.8",
    "User-Agent": "Peregrine/0.1 (self-hosted job search; +https://docs.searxng.org/dev/search_api.html)",
}


# --------------------------------------------------------------------------------------------------
# Settings


@dataclass(frozen=True)
class SearxngSettings:
    """Where SearXNG is (``searxng: {url}`` in ``config/services.yaml``) and how long to wait for it."""

    url: str = DEFAULT_URL
    timeout_s: float = DEFAULT_TIMEOUT_S
    notices: tuple[ConfigNotice, ...] = field(default=(), compare=False)


def load_searxng_settings() -> SearxngSettings:
    """Read the ``searxng`` section of ``config/services.yaml``.

    Never raises: a missing file or section means the defaults, and anything malformed is
    reported as a `ConfigNotice` (shown in Settings) while the default is used in its place.
    ``timeout_s`` (seconds, > 0) is read too when present; the documented key is ``url``.
    """
    section, notices, path = read_section(
        "services.yaml",
        "searxng",
        not_a_mapping=f"`searxng` must be a mapping such as `searxng: {{url: {DEFAULT_URL}}}`; using defaults",
    )
    if section is None:
        return SearxngSettings(notices=tuple(notices))

    url = DEFAULT_URL
    raw_url = section.get("url")
    if raw_url is not None:
        normalised = _normalise_base_url(raw_url)
        if normalised is None:
            notices.append(
                ConfigNotice(path, f"searxng.url {raw_url!r} is not an http:// or https:// URL; using {DEFAULT_URL}")
            )
        else:
            url = normalised

    timeout_s = DEFAULT_TIMEOUT_S
    raw_timeout = section.get("timeout_s")
    if raw_timeout is not None:
        if (
            isinstance(raw_timeout, int | float)
            and not isinstance(raw_timeout, bool)
            and math.isfinite(raw_timeout)
            and raw_timeout > 0
        ):
            timeout_s = float(raw_timeout)
        else:
            message = f"searxng.timeout_s {raw_timeout!r} is not a positive number of seconds"
            notices.append(ConfigNotice(path, f"{message}; using {DEFAULT_TIMEOUT_S:g}"))

    unknown = sorted(str(key) for key in section if key not in ("url", "timeout_s"))
    if unknown:
        notices.append(ConfigNotice(path, f"unknown key(s) under searxng ignored: {', '.join(unknown)}"))
    return SearxngSettings(url=url, timeout_s=timeout_s, notices=tuple(notices))


def _normalise_base_url(value: object) -> str | None:
    """The base URL without a trailing slash, or None when it is not an absolute http(s) URL."""
    url = _http_url(value)
    if url is None:
        return None
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path.rstrip("/"), parts.query, ""))


# --------------------------------------------------------------------------------------------------
# Errors


class SearxngError(Exception):
    """SearXNG could not answer the search; the message is meant for the user as it is."""

    def __init__(self, message: str, *, url: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status_code = status_code


class SearxngUnavailable(SearxngError):
    """Nothing answered at the configured URL: connection refused, unknown host or timeout."""

    def __init__(self, url: str, cause: str) -> None:
        super().__init__(
            f"SearXNG is not reachable at {url}: {cause}. Check that it is running and that "
            "`searxng.url` in config/services.yaml points to it.",
            url=url,
        )
        self.cause = cause


class SearxngJsonDisabled(SearxngError):
    """The instance refuses ``format=json`` (HTTP 403): JSON output is not enabled in its settings.yml."""

    def __init__(self, url: str) -> None:
        super().__init__(
            f"SearXNG at {url} refused to answer in JSON (HTTP 403 Forbidden). To fix it, {_SETTINGS_HINT}.",
            url=url,
            status_code=403,
        )


# --------------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class SearchResult:
    """One search hit. ``published`` is timezone-aware (UTC when SearXNG sent no offset), or None."""

    title: str
    url: str
    content: str
    published: datetime | None
    engine: str
    category: str


@dataclass(frozen=True)
class SearxngStatus:
    """What the Settings page shows about the configured instance."""

    url: str
    reachable: bool
    json_enabled: bool
    latency_ms: float | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.reachable and self.json_enabled and self.error is None


class SearxngClient:
    """Searches one SearXNG instance through its JSON API (a fresh httpx.AsyncClient per call)."""

    def __init__(self, settings: SearxngSettings | None = None) -> None:
        self.settings = settings if settings is not None else load_searxng_settings()

    @property
    def url(self) -> str:
        return self.settings.url

    async def search(
        self,
        query: str,
        *,
        categories: str | None = None,
        time_range: str | None = None,
        pageno: int = 1,
        limit: int = 10,
    ) -> list[SearchResult]:
        """Up to ``limit`` results for ``query``: http(s) links only, each URL once, in SearXNG's order.

        ``categories`` is SearXNG's comma-separated list (``"general"``, ``"news"``…); ``time_range`` one of
        `TIME_RANGES`. Raises `ValueError` for arguments SearXNG would refuse, `SearxngUnavailable`,
        `SearxngJsonDisabled` or `SearxngError` when the instance cannot answer.
        """
        if not query.strip():
            raise ValueError("query must not be empty")
        if time_range is not None and time_range not in TIME_RANGES:
            raise ValueError(f"time_range must be one of {', '.join(TIME_RANGES)}, not {time_range!r}")
        if pageno < 1:
            raise ValueError(f"pageno must be 1 or more, not {pageno}")
        if limit < 1:
            raise ValueError(f"limit must be 1 or more, not {limit}")

        params: dict[str, str] = {"q": query, "format": "json"}
        if categories:
            params["categories"] = categories
        if time_range:
            params["time_range"] = time_range
        if pageno != 1:
            params["pageno"] = str(pageno)

        response = await self._get(params)
        if response.status_code == 403:
            raise SearxngJsonDisabled(self.url)
        if response.status_code != 200:
            raise SearxngError(self._status_message(response), url=self.url, status_code=response.status_code)
        body = self._json_body(response)
        raw_results = body.get("results")
        if not isinstance(raw_results, list):
            raise SearxngError(
                f"SearXNG at {self.url} answered JSON without a list of results; is that URL a SearXNG instance?",
                url=self.url,
                status_code=response.status_code,
            )

        unresponsive = _unresponsive_engines(body.get("unresponsive_engines"))
        if unresponsive:
            level = logging.WARNING if not raw_results else logging.INFO
            logger.log(
                level,
                "SearXNG at %s: %s for %r; unresponsive engines: %s",
                self.url,
                "no engine answered" if not raw_results else "some engines failed",
                query,
                ", ".join(f"{name} ({reason})" if reason else name for name, reason in unresponsive),
            )

        default_category = categories if categories and "," not in categories else "general"
        results: list[SearchResult] = []
        seen: set[str] = set()
        for item in raw_results:
            result = _parse_result(item, default_category)
            if result is None:
                continue
            key = _dedupe_key(result.url)
            if key in seen:
                continue
            seen.add(key)
            results.append(result)
            if len(results) >= limit:
                break
        return results

    async def check(self) -> SearxngStatus:
        """Is the instance there, and does it answer in JSON? Never raises.

        Asks ``/search?format=json`` without a query: SearXNG checks the format before the query, so
        an instance with JSON enabled answers ``400 {"error": "No query"}`` and one without answers
        403, and no search engine is queried either way.
        """
        started = time.perf_counter()
        try:
            response = await self._get({"format": "json"})
        except SearxngUnavailable as exc:
            return SearxngStatus(self.url, reachable=False, json_enabled=False, latency_ms=None, error=str(exc))
        latency_ms = round((time.perf_counter() - started) * 1000, 1)

        def status(json_enabled: bool, error: str | None) -> SearxngStatus:
            return SearxngStatus(self.url, True, json_enabled, latency_ms, error)

        if response.status_code == 403:
            return status(False, str(SearxngJsonDisabled(self.url)))
        if response.status_code in (200, 400):
            try:
                body = response.json()
            except ValueError:
                body = None
            if isinstance(body, dict) and ("error" in body or "results" in body):
                return status(True, None)
            return status(
                False,
                f"Something answered at {self.url} (HTTP {response.status_code}), but not SearXNG's JSON API; "
                "check `searxng.url` in config/services.yaml.",
            )
        return status(False, self._status_message(response))

    # ----------------------------------------------------------------------------------------------

    async def _get(self, params: dict[str, str]) -> httpx.Response:
        endpoint = f"{self.url}/search"
        timeout = self.settings.timeout_s
        try:
            async with httpx.AsyncClient(timeout=timeout, headers=_HEADERS, follow_redirects=True) as http:
                return await http.get(endpoint, params=params)
        except httpx.TimeoutException as exc:
            raise SearxngUnavailable(self.url, f"no answer within {timeout:g} s") from exc
        except httpx.TransportError as exc:
            raise SearxngUnavailable(self.url, _describe_transport_error(exc, self.url)) from exc

    def _status_message(self, response: httpx.Response) -> str:
        code = response.status_code
        detail = ""
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and isinstance(body.get("error"), str):
            detail = f": {body['error']}"
        if code == 429:
            return (
                f"SearXNG at {self.url} refused the search as too many requests (HTTP 429){detail}. Its limiter "
                "is on; for a private instance set `server.limiter: false` in SearXNG's settings.yml."
            )
        reason = response.reason_phrase or "error"
        return f"SearXNG at {self.url} answered HTTP {code} {reason}{detail}."

    def _json_body(self, response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError as exc:
            kind = response.headers.get("content-type", "no content type")
            raise SearxngError(
                f"SearXNG at {self.url} did not answer in JSON ({kind}); is that URL a SearXNG instance?",
                url=self.url,
                status_code=response.status_code,
            ) from exc
        if not isinstance(body, dict):
            raise SearxngError(
                f"SearXNG at {self.url} answered JSON that is not a search result; is that URL a SearXNG instance?",
                url=self.url,
                status_code=response.status_code,
            )
        return body


# --------------------------------------------------------------------------------------------------
# Parsing helpers


def _describe_transport_error(exc: httpx.TransportError, url: str) -> str:
    """The cause in a few words, from the deepest OS error behind httpx's (often generic) message."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    host = urlsplit(url).hostname or url
    for error in reversed(chain):
        if isinstance(error, ConnectionRefusedError):
            return "connection refused (is SearXNG running, on that port?)"
        if isinstance(error, socket.gaierror):
            return f"the host name {host!r} could not be resolved ({error.strerror or error})"
        if isinstance(error, OSError) and error.errno is not None:
            return error.strerror or str(error)
    text = str(exc) or type(exc).__name__
    lowered = text.lower()
    if "refused" in lowered:
        return "connection refused (is SearXNG running, on that port?)"
    if any(marker in lowered for marker in ("name or service not known", "nodename nor servname", "name resolution")):
        return f"the host name {host!r} could not be resolved ({text})"
    return text


def _unresponsive_engines(value: object) -> list[tuple[str, str]]:
    """SearXNG sends ``[[engine, reason], …]``; tolerate plain names too."""
    if not isinstance(value, list):
        return []
    engines: list[tuple[str, str]] = []
    for entry in value:
        if isinstance(entry, list | tuple) and entry:
            engines.append((str(entry[0]), str(entry[1]) if len(entry) > 1 else ""))
        elif isinstance(entry, str):
            engines.append((entry, ""))
    return engines


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _http_url(value: object) -> str | None:
    """`value` stripped, when it is an absolute http(s) URL with a host and no space; else None."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host or any(c.isspace() for c in url):
        return None
    return url


def _dedupe_key(url: str) -> str:
    """Same page, same key: scheme and host in lower case, no fragment, no trailing slash."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), parts.query, ""))


def _parse_published(value: object) -> datetime | None:
    if value is None or isinstance(value, bool):
        return None
    parsed: datetime | None = None
    if isinstance(value, int | float):
        try:
            parsed = datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    elif isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _parse_result(item: object, default_category: str) -> SearchResult | None:
    if not isinstance(item, dict):
        return None
    url = _http_url(item.get("url"))
    if url is None:
        return None
    return SearchResult(
        title=_text(item.get("title")),
        url=url,
        content=_text(item.get("content")),
        published=_parse_published(item.get("publishedDate")),
        engine=_text(item.get("engine")),
        category=_text(item.get("category")) or default_category,
    )
