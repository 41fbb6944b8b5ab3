"""Attacks on the running app, as a stranger's web page or a hostile client would make them.

The app listens on 127.0.0.1, but the user's own browser visits other sites, and their pages can
reach 127.0.0.1 too. Each test here makes one such attempt against the real backend (and the
built pages, served through the same Guard) and checks it is refused — and, where it matters,
that the app's own pages still get through.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Page, expect

from peregrine import db
from peregrine.services import api_tokens
from peregrine.services.candidates import current_candidate
from tests.browser.conftest import open_board
from tests.browser.helpers import seed_job

pytestmark = pytest.mark.browser

EVIL = "https://evil.example"


def _upload_handler() -> str:
    from peregrine.pages.survey import SurveyState

    return f"{SurveyState.get_full_name()}.handle_upload"


UPLOAD_HANDLER = _upload_handler()


def address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80


def raw_request(url: str, head: str, body_chunks: Iterator[bytes] | None = None) -> tuple[int, int]:
    """Send `head` (a request line and headers) and then body chunks until the server answers.

    Returns the status and how many body bytes were sent before the answer: a server that reads
    the whole body before refusing it answers only after the last chunk.
    """
    host, port = address(url)
    sent = 0
    with socket.create_connection((host, port), timeout=30) as conn:
        conn.sendall(head.encode("latin-1"))
        conn.setblocking(False)
        for chunk in body_chunks or iter(()):
            if _answered(conn):
                break
            try:
                conn.setblocking(True)
                conn.settimeout(5)
                conn.sendall(chunk)
                sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError, TimeoutError):
                break
            finally:
                conn.setblocking(False)
        conn.setblocking(True)
        conn.settimeout(30)
        answer = conn.recv(65_536)
        status_line = answer.split(b"\r\n", 1)[0]
    return int(status_line.split()[1]), sent


def _answered(conn: socket.socket) -> bool:
    try:
        return bool(conn.recv(1, socket.MSG_PEEK))
    except BlockingIOError:
        return False
    except OSError:
        return True


def chunked(total: int, size: int = 256 * 1024, *, start: bytes = b"") -> Iterator[bytes]:
    """A chunked body of `total` bytes, as a client streams it without a Content-Length."""
    if start:
        yield b"%x\r\n%s\r\n" % (len(start), start)
    piece = b"x" * size
    for _ in range(total // size):
        yield b"%x\r\n%s\r\n" % (size, piece)
    yield b"0\r\n\r\n"


def handshake(url: str, origin: str, *, transport: str = "websocket") -> int:
    """The event socket's opening request (Socket.IO over a websocket); the HTTP status it gets."""
    host, port = address(url)
    head = (
        f"GET /_event/?EIO=4&transport={transport} HTTP/1.1\r\nHost: {host}:{port}\r\nOrigin: {origin}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    )
    if transport != "websocket":
        head = f"GET /_event/?EIO=4&transport={transport} HTTP/1.1\r\nHost: {host}:{port}\r\nOrigin: {origin}\r\n\r\n"
    return raw_request(url, head)[0]


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture
def token(app_data: object) -> str:
    with db.session_scope() as session:
        candidate = current_candidate(session)
        _, plaintext = api_tokens.create_token(session, candidate.id or 0, "security tests")
    return plaintext


# --- the event socket -----------------------------------------------------------------------------


def test_the_event_socket_serves_only_the_apps_own_pages(api_url: str, app_url: str) -> None:
    assert handshake(api_url, origin_of(app_url)) == 101  # the app's pages still connect
    assert handshake(api_url, origin_of(api_url)) == 101
    assert handshake(api_url, EVIL) == 403
    assert handshake(api_url, "http://localhost:1") == 403  # another server on this machine
    assert handshake(api_url, "null") == 403  # a sandboxed frame or a file
    # No other way in: long polling carries events too, and it is refused whoever asks.
    assert handshake(api_url, EVIL, transport="polling") == 403
    assert handshake(api_url, origin_of(app_url), transport="polling") == 400


class AttackerPage(BaseHTTPRequestHandler):
    """A stranger's page: it opens the event socket and reads the API with a token, like the
    attack that opened this issue (the token would come from the socket's state)."""

    script = ""

    def do_GET(self) -> None:
        body = f"<!doctype html><title>cat pictures</title><pre id=out>…</pre><script>{self.script}</script>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def attacker(api_url: str, token: str) -> Iterator[str]:
    AttackerPage.script = f"""
      const out = {{socket: "pending", api: "pending"}};
      const show = () => document.getElementById("out").textContent = JSON.stringify(out);
      const ws = new WebSocket("{api_url.replace("http", "ws")}/_event/?EIO=4&transport=websocket");
      ws.onmessage = (e) => {{ out.socket = "open:" + e.data.slice(0, 1); show(); }};
      ws.onclose = () => {{ if (out.socket === "pending") out.socket = "refused"; show(); }};
      fetch("{api_url}/api/v1/jobs", {{headers: {{Authorization: "Bearer {token}"}}}})
        .then((r) => r.text()).then((t) => {{ out.api = "read " + t.length + " bytes"; show(); }})
        .catch(() => {{ out.api = "blocked"; show(); }});
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), AttackerPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def test_a_page_on_another_origin_cannot_open_the_socket_or_read_the_api(
    page: Page, attacker: str, clean_db: None
) -> None:
    seed_job("Initech", "Secret job")
    page.goto(attacker)
    outcome = page.locator("#out")
    expect(outcome).to_contain_text('"socket":"refused"', timeout=15_000)
    expect(outcome).to_contain_text('"api":"blocked"', timeout=15_000)


# --- host names and CORS --------------------------------------------------------------------------


def test_requests_naming_another_host_are_refused(api_url: str, app_url: str) -> None:
    for url in (api_url + "/ping", app_url + "/"):
        assert httpx.get(url, headers={"Host": "evil.example"}).status_code == 400  # DNS rebinding
        assert httpx.get(url).status_code == 200


def test_cross_origin_preflights_are_refused_on_the_api_and_uploads(api_url: str) -> None:
    for path in ("/api/v1/jobs", "/_upload"):
        answer = httpx.options(
            api_url + path,
            headers={
                "Origin": EVIL,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        assert answer.status_code == 403, path
        assert "access-control-allow-origin" not in answer.headers
        assert "access-control-allow-credentials" not in answer.headers


def test_an_origin_the_user_allowed_may_call_the_api_but_not_uploads(
    api_url: str, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    extension = "chrome-extension://peregrinecapture"
    monkeypatch.setenv("PEREGRINE_CORS_ORIGINS", extension)
    preflight = httpx.options(
        api_url + "/api/v1/jobs", headers={"Origin": extension, "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == extension
    listed = httpx.get(api_url + "/api/v1/jobs", headers={"Origin": extension, "Authorization": f"Bearer {token}"})
    assert listed.status_code == 200
    assert listed.headers["access-control-allow-origin"] == extension
    upload = httpx.post(api_url + "/_upload", headers={"Origin": extension}, content=b"x")
    assert upload.status_code == 403


# --- bodies ---------------------------------------------------------------------------------------


def test_a_huge_declared_upload_is_refused_before_its_body_is_read(api_url: str) -> None:
    host, port = address(api_url)
    head = (
        f"POST /_upload HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Length: {2 * 1024**3}\r\n"
        "Content-Type: multipart/form-data; boundary=x\r\nReflex-Client-Token: random\r\n"
        f"Reflex-Event-Handler: {UPLOAD_HANDLER}\r\n\r\n"
    )
    # Not a byte of the body is sent: a server that waited for it would never answer.
    assert raw_request(api_url, head)[0] == 413


def test_a_streamed_upload_is_cut_off_at_the_surveys_limit(api_url: str) -> None:
    host, port = address(api_url)
    head = (
        f"POST /_upload HTTP/1.1\r\nHost: {host}:{port}\r\nTransfer-Encoding: chunked\r\n"
        "Content-Type: multipart/form-data; boundary=x\r\nReflex-Client-Token: random\r\n"
        f"Reflex-Event-Handler: {UPLOAD_HANDLER}\r\n\r\n"
    )
    total = 400 * 1024 * 1024
    part = b'--x\r\nContent-Disposition: form-data; name="files"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n'
    status, sent = raw_request(api_url, head, chunked(total, start=part))
    assert status == 413
    assert sent < total // 2  # refused while it streamed, not after it was spooled whole


def test_an_api_body_over_a_megabyte_is_refused_before_it_is_parsed(api_url: str) -> None:
    host, port = address(api_url)
    declared = f"POST /api/v1/jobs HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Length: {300 * 1024**2}\r\n"
    assert raw_request(api_url, declared + "Content-Type: application/json\r\n\r\n")[0] == 413
    streamed = f"POST /api/v1/jobs HTTP/1.1\r\nHost: {host}:{port}\r\nTransfer-Encoding: chunked\r\n"
    total = 300 * 1024 * 1024
    status, sent = raw_request(api_url, streamed + "Content-Type: application/json\r\n\r\n", chunked(total))
    assert status == 413
    assert sent < total // 2


# --- headers, and the app under its CSP -----------------------------------------------------------


def test_pages_and_api_answers_carry_the_security_headers(app_url: str, api_url: str, token: str) -> None:
    page = httpx.get(app_url + "/")
    api = httpx.get(api_url + "/api/v1/jobs", headers={"Authorization": f"Bearer {token}"})
    for answer in (page, api):
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"
    scripts = page.headers["content-security-policy"].split("script-src", 1)[1].split(";", 1)[0]
    assert "'unsafe-inline'" not in scripts
    assert "'sha256-" in scripts


VIOLATIONS = """
  window.__csp = [];
  document.addEventListener("securitypolicyviolation",
    (e) => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline")));
"""


def test_every_page_works_under_its_content_security_policy(page: Page, app_url: str, clean_db: None) -> None:
    job_id = seed_job("Globex", "Engineer")
    page.add_init_script(VIOLATIONS)
    open_board(page, app_url)
    globex = page.get_by_role("article", name="Globex — Engineer")
    # A move answers with a toast, which Reflex runs as a script the server sends.
    globex.get_by_role("button", name="Advance to Phone screen").click()
    expect(page.get_by_text("Globex moved to Phone screen.", exact=False)).to_be_visible()
    violations = page.evaluate("window.__csp")
    for path in (
        f"/applications/{job_id}",
        f"/applications/{job_id}/survey",
        f"/applications/{job_id}/interview-prep",
        "/prep",
        "/analytics",
        "/offers",
        "/resume",
        "/inbox",
        "/settings",
    ):
        page.goto(app_url + path)
        expect(page.get_by_role("navigation").first).to_be_visible(timeout=30_000)
        page.wait_for_timeout(300)
        violations += page.evaluate("window.__csp")
    assert violations == []


def test_the_api_docs_render_from_the_apps_own_files(page: Page, api_url: str) -> None:
    """Swagger UI comes from the app, not a CDN: the docs work offline and under their policy."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.add_init_script(VIOLATIONS)
    page.goto(api_url + "/api/docs")
    expect(page.get_by_role("heading", name="Peregrine API")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("/api/v1/jobs").first).to_be_visible()
    assert page.evaluate("window.__csp") == []
    assert all(url.startswith(api_url) for url in requested), requested


def test_a_path_with_a_line_break_reaches_the_api(api_url: str, token: str) -> None:
    """Reflex's catch-all mount does not match a newline; the API is mounted outside it."""
    answer = httpx.get(api_url + "/api/v1/jobs/company/%0AInitech", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert answer.json() == []
