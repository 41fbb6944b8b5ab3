"""Fetching a job posting's page for "Add by URL", without letting a pasted link reach inside.

A link the user pastes makes this server send a request; without care that request could reach
the machine itself, the home network or a cloud's metadata service (SSRF). So `fetch_page`:

- takes http and https only, with no credentials in the address;
- resolves the name itself and refuses when any answer is loopback, private, link-local, CGNAT,
  multicast, reserved, unspecified or otherwise not global — IPv4 and IPv6, looking inside
  IPv4-mapped, NAT64 and 6to4 addresses — unless the address is in `capture.allow_addresses`;
- connects to the very address it checked (the name travels in the Host header and as the TLS
  server name, so the certificate is still checked against the name): a second DNS answer cannot
  swap in another address between the check and the connection (DNS rebinding);
- follows redirects by hand, at most `MAX_REDIRECTS`, checking every hop as the first;
- gives up after `timeout_s` in all, and refuses a body over `max_bytes` while it streams.

Each refusal is a `FetchRefused` whose message says why, in words for the user. The resolver is
injected (`resolve`), so the tests can answer a name with a private address.

```yaml
capture:
  allow_addresses: [127.0.0.1, 192.168.1.0/24]   # nothing by default
  timeout_s: 10
```
"""

from __future__ import annotations

import ipaddress
import math
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from peregrine.config import ConfigNotice, read_section
from peregrine.domain.errors import UserFacingError

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]

MAX_REDIRECTS = 5
DEFAULT_TIMEOUT_S = 10.0
#: The most HTML read: the extraction's own limit (services.capture.extract.MAX_HTML_BYTES).
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "Peregrine (self-hosted job tracker; Add by URL)"


class FetchRefused(UserFacingError):
    """The page was not fetched; the message says why."""


@dataclass(frozen=True)
class FetchSettings:
    allow_addresses: tuple[IpNetwork, ...] = ()
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_bytes: int = DEFAULT_MAX_BYTES
    notices: tuple[ConfigNotice, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class FetchedPage:
    #: The address the page was finally read from (after redirects).
    url: str
    html: str


def load_fetch_settings() -> FetchSettings:
    """The `capture` section of config/services.yaml; anything malformed is a notice and its default."""
    section, notices, path = read_section(
        "services.yaml", "capture", not_a_mapping="`capture` must be a mapping such as `capture: {timeout_s: 10}`"
    )
    if section is None:
        return FetchSettings(notices=tuple(notices))
    allowed: list[IpNetwork] = []
    for entry in section.get("allow_addresses") or []:
        try:
            allowed.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            notices.append(ConfigNotice(path, f"capture.allow_addresses: {entry!r} is not an address or network"))
    timeout = section.get("timeout_s", DEFAULT_TIMEOUT_S)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not math.isfinite(timeout) or timeout <= 0:
        notices.append(ConfigNotice(path, f"capture.timeout_s {timeout!r} is not a positive number of seconds"))
        timeout = DEFAULT_TIMEOUT_S
    return FetchSettings(allow_addresses=tuple(allowed), timeout_s=float(timeout), notices=tuple(notices))


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the system's resolver answers for `host`."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchRefused(f"The name {host} could not be found: check the link.") from None
    return list(dict.fromkeys(str(answer[4][0]) for answer in answers))


def _embedded_ipv4(address: IpAddress) -> ipaddress.IPv4Address | None:
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def is_public(address: IpAddress) -> bool:
    """Whether an address is one on the internet at large (and so is every address it carries)."""
    inner = _embedded_ipv4(address)
    if inner is not None and not is_public(inner):
        return False
    return address.is_global and not address.is_multicast


def _allowed(address: IpAddress, settings: FetchSettings) -> bool:
    return any(address.version == network.version and address in network for network in settings.allow_addresses)


def checked_address(url: str, settings: FetchSettings, resolve: Resolver) -> tuple[str, int]:
    """The address to connect to and the port for `url`; FetchRefused when the URL or
    any of its name's addresses may not be reached."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FetchRefused("That link is not a valid address.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchRefused("Only http:// and https:// links can be fetched.")
    if parts.username or parts.password:
        raise FetchRefused("A link with a user name or password in it is not fetched.")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchRefused("That link has no host name.")
    port = port or (443 if scheme == "https" else 80)
    try:
        answers = [ipaddress.ip_address(host)]
    except ValueError:
        answers = [ipaddress.ip_address(answer.split("%", 1)[0]) for answer in resolve(host, port)]
    if not answers:
        raise FetchRefused(f"The name {host} could not be found: check the link.")
    for address in answers:
        if not is_public(address) and not _allowed(address, settings):
            raise FetchRefused(
                f"{host} is at {address}, an address on this machine or a private network: Peregrine does not "
                "fetch those (add it to capture.allow_addresses in config/services.yaml if you mean it)."
            )
    return str(answers[0]), port


def fetch_page(url: str, settings: FetchSettings, *, resolve: Resolver = system_resolver) -> FetchedPage:
    """The HTML at `url`, each hop checked and pinned (see the module's docstring)."""
    deadline = time.monotonic() + settings.timeout_s
    current = url.strip()
    with httpx.Client(follow_redirects=False, trust_env=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            address, port = checked_address(current, settings, resolve)
            response_or_next = _one_hop(client, current, address, port, settings, deadline)
            if isinstance(response_or_next, FetchedPage):
                return response_or_next
            current = response_or_next
    raise FetchRefused(f"The link redirects more than {MAX_REDIRECTS} times; open it in the browser instead.")


def _pinned(url: str, address: str, port: int) -> tuple[str, str]:
    """The URL with its host replaced by the checked address, and the Host header of the name."""
    parts = urlsplit(url)
    shown = f"[{address}]" if ":" in address else address
    host = parts.hostname or ""
    host_header = host if parts.port is None else f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, f"{shown}:{port}", parts.path or "/", parts.query, "")), host_header


def _one_hop(
    client: httpx.Client, url: str, address: str, port: int, settings: FetchSettings, deadline: float
) -> FetchedPage | str:
    """The page, or the next address to go to."""
    pinned, host_header = _pinned(url, address, port)
    left = deadline - time.monotonic()
    if left <= 0:
        raise _too_slow(settings)
    request = client.build_request(
        "GET",
        pinned,
        headers={"Host": host_header, "User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml"},
        extensions={"sni_hostname": urlsplit(url).hostname or "", "timeout": httpx.Timeout(left).as_dict()},
    )
    try:
        response = client.send(request, stream=True)
    except httpx.TimeoutException:
        raise _too_slow(settings) from None
    except httpx.HTTPError as exc:
        raise FetchRefused(f"The page could not be reached ({type(exc).__name__}).") from None
    try:
        if response.status_code in _REDIRECTS and response.headers.get("location"):
            return urljoin(url, response.headers["location"])
        if response.status_code >= 400:
            raise FetchRefused(
                f"The site answered {response.status_code}: the page may need a login; use the extension."
            )
        kind = response.headers.get("content-type", "text/html").split(";")[0].strip().lower()
        if kind not in _PAGE_TYPES:
            raise FetchRefused(f"The link is a {kind or 'file'}, not a web page.")
        body = _read_body(response, settings, deadline)
        encoding = response.charset_encoding or "utf-8"
    finally:
        response.close()
    try:
        text = body.decode(encoding, errors="replace")
    except LookupError:
        text = body.decode("utf-8", errors="replace")
    return FetchedPage(url=url, html=text)


def _read_body(response: httpx.Response, settings: FetchSettings, deadline: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > settings.max_bytes:
        raise _too_big(settings)
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > settings.max_bytes:
                raise _too_big(settings)
            if time.monotonic() > deadline:
                raise _too_slow(settings)
            chunks.append(chunk)
    except httpx.TimeoutException:
        raise _too_slow(settings) from None
    except httpx.HTTPError as exc:
        raise FetchRefused(f"The page stopped arriving ({type(exc).__name__}).") from None
    return b"".join(chunks)


def _too_big(settings: FetchSettings) -> FetchRefused:
    return FetchRefused(
        f"The page is over {settings.max_bytes // 1024 // 1024} MB; paste the job's text into the form instead."
    )


def _too_slow(settings: FetchSettings) -> FetchRefused:
    return FetchRefused(f"The site did not send the page within {settings.timeout_s:g} seconds; try again later.")
