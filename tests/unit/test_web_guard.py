"""The HTTP edge on its own: the policy's rules, and the Guard in front of a small ASGI app.

The attacks against the real running app (a foreign page in Chromium, the real event socket,
bodies streamed at the real server) are in tests/browser/test_security.py.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from peregrine.web.csp import inline_script_hashes, page_policy, script_hash
from peregrine.web.guard import Guard
from peregrine.web.policy import BodyLimits, SitePolicy, normal_origin, split_host

FRONTEND = "http://localhost:3000"


def policy(**overrides: Any) -> SitePolicy:
    """The policy of an app whose pages are served at FRONTEND, with `overrides`."""
    return replace(SitePolicy.from_environment(served_at=(FRONTEND,)), **overrides)


class Recorder:
    """An app that reads the whole body and answers 200; remembers how many bytes it read."""

    def __init__(self) -> None:
        self.bytes_read = 0
        self.called = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.called = True
        if scope["type"] == "websocket":
            await receive()
            await send({"type": "websocket.accept"})
            return
        more = True
        while more:
            message = await receive()
            self.bytes_read += len(message.get("body", b""))
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok"})


def guarded(app: Recorder, site: SitePolicy | None = None) -> Guard:
    chosen = site or policy()
    return Guard(app, policy=lambda: chosen, page_policy=lambda: "default-src 'self'; frame-ancestors 'none'")


@pytest.fixture
def app() -> Recorder:
    return Recorder()


def client(app: Guard, host: str = "127.0.0.1:3000") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{host}")


# --- the policy's rules ---------------------------------------------------------------------------


def test_host_names_are_split_from_their_ports() -> None:
    assert split_host("LocalHost:3000") == ("localhost", 3000)
    assert split_host("[::1]:3000") == ("::1", 3000)
    assert split_host("127.0.0.1") == ("127.0.0.1", None)
    assert split_host("evil.example.") == ("evil.example", None)


def test_origins_are_normalised_and_null_is_no_origin() -> None:
    assert normal_origin("HTTP://LocalHost:80") == "http://localhost"
    assert normal_origin("https://jobs.example.org:443") == "https://jobs.example.org"
    assert normal_origin("http://[::1]:3000") == "http://[::1]:3000"
    assert normal_origin("null") is None
    assert normal_origin("http://a.example/path") is None
    assert normal_origin("not an origin") is None


def test_loopback_and_configured_hosts_are_served_and_nothing_else() -> None:
    site = policy()
    assert site.allows_host("127.0.0.1:3000")
    assert site.allows_host("localhost")
    assert site.allows_host("[::1]:3000")
    assert not site.allows_host("evil.example:3000")  # DNS rebinding: a stranger's name for 127.0.0.1
    assert not site.allows_host("")


def test_the_app_origin_is_the_address_itself_or_a_configured_one() -> None:
    site = policy()
    assert site.is_app_origin("http://127.0.0.1:3000", scheme="http", host_header="127.0.0.1:3000")
    # The frontend's configured URL under any loopback name (dev mode: pages on :3000, backend on :8000).
    assert site.is_app_origin("http://127.0.0.1:3000", scheme="http", host_header="127.0.0.1:8000")
    assert site.is_app_origin("http://[::1]:3000", scheme="ws", host_header="localhost:8000")
    # Another server on this machine, another site, a sandboxed frame: never.
    assert not site.is_app_origin("http://localhost:8080", scheme="http", host_header="localhost:8000")
    assert not site.is_app_origin("https://evil.example", scheme="http", host_header="127.0.0.1:3000")
    assert not site.is_app_origin("null", scheme="http", host_header="127.0.0.1:3000")


def test_the_environment_adds_a_public_address_and_api_origins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEREGRINE_PUBLIC_URL", "https://jobs.example.org/")
    monkeypatch.setenv("PEREGRINE_CORS_ORIGINS", "chrome-extension://abcdef, not an origin")
    monkeypatch.setenv("PEREGRINE_ALLOWED_HOSTS", "peregrine.lan")
    site = SitePolicy.from_environment()
    assert site.allows_host("jobs.example.org")
    assert site.allows_host("peregrine.lan:3000")
    # Behind a TLS proxy the backend sees http, the browser names https: the configured URL decides.
    assert site.is_app_origin("https://jobs.example.org", scheme="http", host_header="jobs.example.org")
    assert site.allows_api_origin("chrome-extension://abcdef")
    assert not site.allows_api_origin("https://evil.example")
    assert not site.is_app_origin("chrome-extension://abcdef", scheme="http", host_header="127.0.0.1:3000")


def test_body_limits_follow_the_path() -> None:
    limits = BodyLimits()
    assert limits.for_path("/_upload") == limits.upload > 100 * 1024 * 1024
    assert limits.for_path("/api/v1/jobs") == limits.api == 1024 * 1024
    assert limits.for_path("/") == limits.other < limits.api


# --- the Guard ------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_request_naming_another_host_is_refused(app: Recorder) -> None:
    async with client(guarded(app), host="evil.example:3000") as http:
        answer = await http.get("/")
    assert answer.status_code == 400
    assert "host" in answer.json()["detail"].lower()
    assert not app.called


@pytest.mark.asyncio
async def test_a_request_from_another_origin_is_refused_before_the_app(app: Recorder) -> None:
    async with client(guarded(app)) as http:
        post = await http.post("/_upload", content=b"x", headers={"Origin": "https://evil.example"})
        preflight = await http.options(
            "/api/v1/jobs",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        )
        own = await http.post("/api/v1/jobs", content=b"{}", headers={"Origin": "http://127.0.0.1:3000"})
    assert post.status_code == 403
    assert preflight.status_code == 403
    assert "access-control-allow-origin" not in preflight.headers
    assert own.status_code == 200


@pytest.mark.asyncio
async def test_an_allowed_api_origin_gets_cors_without_credentials_and_only_on_the_api(app: Recorder) -> None:
    site = policy(api_origins=frozenset({"chrome-extension://abcdef"}))
    origin = {"Origin": "chrome-extension://abcdef"}
    async with client(guarded(app, site)) as http:
        preflight = await http.options("/api/v1/jobs", headers={**origin, "Access-Control-Request-Method": "POST"})
        call = await http.get("/api/v1/jobs", headers=origin)
        upload = await http.post("/_upload", content=b"x", headers=origin)
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "chrome-extension://abcdef"
    assert "authorization" in preflight.headers["access-control-allow-headers"]
    assert "access-control-allow-credentials" not in preflight.headers
    assert call.status_code == 200
    assert call.headers["access-control-allow-origin"] == "chrome-extension://abcdef"
    assert upload.status_code == 403


@pytest.mark.asyncio
async def test_a_declared_body_over_the_limit_is_refused_unread(app: Recorder) -> None:
    async with client(guarded(app)) as http:
        answer = await http.post("/api/v1/jobs", content=b"x" * (1024 * 1024 + 1))
    assert answer.status_code == 413
    assert "too large" in answer.json()["detail"]
    assert not app.called


@pytest.mark.asyncio
async def test_only_the_capture_preview_takes_a_page_of_html(app: Recorder) -> None:
    page_of_html = b"x" * (3 * 1024 * 1024)
    async with client(guarded(app)) as http:
        preview = await http.post("/api/v1/capture/preview", content=page_of_html)
        save = await http.post("/api/v1/capture", content=page_of_html)
        too_big = await http.post("/api/v1/capture/preview", content=b"x" * (6 * 1024 * 1024 + 1))
    assert preview.status_code == 200
    assert save.status_code == 413
    assert too_big.status_code == 413


@pytest.mark.asyncio
async def test_a_streamed_body_is_cut_off_at_the_limit(app: Recorder) -> None:
    """No Content-Length: the Guard counts while it streams and stops the app reading past the limit."""
    chunk = b"x" * 65_536
    handed_out = 0

    async def endless() -> Message:
        nonlocal handed_out
        handed_out += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    sent: list[Message] = []

    async def capture(message: Message) -> None:
        sent.append(message)

    scope: Scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/jobs",
        "scheme": "http",
        "headers": [(b"host", b"127.0.0.1:3000")],
    }
    await guarded(app)(scope, endless, capture)
    assert sent[0]["status"] == 413
    assert handed_out == 1024 * 1024 // len(chunk) + 1  # not one chunk more than it takes to pass 1 MB
    assert not any(m.get("status") == 200 for m in sent)


@pytest.mark.asyncio
async def test_every_answer_carries_the_security_headers(app: Recorder) -> None:
    async with client(guarded(app)) as http:
        page = await http.get("/")
        api = await http.get("/api/v1/jobs")
    for answer in (page, api):
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"
    assert api.headers["content-security-policy"].startswith("default-src 'none'")


@pytest.mark.asyncio
async def test_only_the_bookmarklets_window_keeps_the_page_that_opened_it(app: Recorder) -> None:
    async with client(guarded(app)) as http:
        capture = [await http.get(path) for path in ("/capture", "/capture/")]
        others = [await http.get(path) for path in ("/", "/settings", "/capture-other", "/api/v1/capture")]
    assert {answer.headers["cross-origin-opener-policy"] for answer in capture} == {"unsafe-none"}
    assert {answer.headers["cross-origin-opener-policy"] for answer in others} == {"same-origin"}
    assert all(answer.headers["x-frame-options"] == "DENY" for answer in capture)


@pytest.mark.asyncio
async def test_a_websocket_from_another_origin_is_closed_before_it_is_accepted(app: Recorder) -> None:
    def handshake(origin: str) -> tuple[Scope, Receive, list[Message]]:
        scope: Scope = {
            "type": "websocket",
            "path": "/_event/",
            "scheme": "ws",
            "headers": [(b"host", b"127.0.0.1:3000"), (b"origin", origin.encode())],
        }
        sent: list[Message] = []

        async def receive() -> Message:
            return {"type": "websocket.connect"}

        return scope, receive, sent

    outcomes = (("https://evil.example", "websocket.close"), ("http://127.0.0.1:3000", "websocket.accept"))
    for origin, expected in outcomes:
        scope, receive, sent = handshake(origin)

        async def send(message: Message, sent: list[Message] = sent) -> None:
            sent.append(message)

        await guarded(Recorder())(scope, receive, send)
        assert [m["type"] for m in sent] == [expected], origin


# --- the Content-Security-Policy ------------------------------------------------------------------


def test_inline_scripts_of_the_built_pages_are_allowed_by_their_hash(tmp_path: Path) -> None:
    pages = tmp_path
    (pages / "index.html").write_text(
        '<html><head><script>window.a = "<b>";</script><script src="/x.js"></script></head>'
        '<body><script type="module">import "/y.js";</script></body></html>',
        encoding="utf-8",
    )
    hashes = inline_script_hashes(pages)
    assert hashes == {script_hash('window.a = "<b>";'), script_hash('import "/y.js";')}
    csp = page_policy(script_hashes=hashes, connect_sources=["ws://127.0.0.1:8000"])
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "connect-src 'self' ws://127.0.0.1:8000" in csp


@pytest.fixture(autouse=True)
def _no_public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PEREGRINE_PUBLIC_URL", "PEREGRINE_CORS_ORIGINS", "PEREGRINE_ALLOWED_HOSTS"):
        monkeypatch.delenv(name, raising=False)
