"""`Guard`: the ASGI middleware in front of the whole backend (pages, event socket, uploads, API).

For every request, in this order:
1. **Host** — only the names in the policy (DNS rebinding: a stranger's name that resolves to
   127.0.0.1 gets 400).
2. **Origin** — a request that carries an Origin must come from the app's own pages; the API also
   takes the origins the user allowed for CORS (answered here, without credentials). Anything else
   gets 403, and a websocket handshake (the event socket) is closed before it is accepted.
3. **Body size** — a declared Content-Length over the path's limit gets 413 before a byte is read;
   a body that streams past it is cut off and answered 413, before it is parsed or spooled.
4. **Headers** — every answer gets the security headers and a Content-Security-Policy.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from peregrine.routes import CALENDAR_FEEDS
from peregrine.web.csp import API_POLICY, COMMON_HEADERS
from peregrine.web.policy import SitePolicy

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
#: FastAPI's interactive docs are a page: they run under the pages' policy, not the JSON one.
API_DOCS = "/api/docs"
_CORS_METHODS = "GET, POST, PUT, PATCH, DELETE"
_CORS_HEADERS = "authorization, content-type"

Headers = list[tuple[bytes, bytes]]


class BodyTooLarge(Exception):
    """The request body passed its limit while it streamed in."""


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _send_plain(send: Send, status: int, message: str, extra: Headers | None = None) -> None:
    body = json.dumps({"detail": message}).encode()
    headers: Headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class Guard:
    def __init__(
        self,
        app: ASGIApp,
        *,
        policy: Callable[[], SitePolicy],
        page_policy: Callable[[], str],
    ) -> None:
        self.app = app
        self.policy = policy
        self.page_policy = page_policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        policy = self.policy()
        host = _header(scope, b"host") or ""
        origin = _header(scope, b"origin")
        refusal = None
        if not policy.allows_host(host):
            refusal = f"host {host!r} is not served here"
        elif origin is not None and not policy.is_app_origin(origin, scheme=scope["scheme"], host_header=host):
            refusal = f"origin {origin!r} is not one of this app's addresses"
        if refusal is None:
            await self.app(scope, receive, send)
            return
        log.warning("Refused a websocket to %s: %s", scope.get("path"), refusal)
        await receive()  # websocket.connect
        await send({"type": "websocket.close", "code": 1008, "reason": "refused"})

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        policy = self.policy()
        path: str = scope["path"]
        host = _header(scope, b"host") or ""
        if not policy.allows_host(host):
            await _send_plain(send, 400, "Invalid host header: this address is not served here.")
            return
        cors: Headers = []
        origin = _header(scope, b"origin")
        if origin is not None and not policy.is_app_origin(origin, scheme=scope["scheme"], host_header=host):
            if not (path.startswith(API_PREFIX) and policy.allows_api_origin(origin)):
                log.warning("Refused %s %s from origin %r", scope["method"], path, origin)
                await _send_plain(send, 403, "Cross-origin request refused: the origin is not one of this app's.")
                return
            cors = [(b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"Origin")]
            if scope["method"] == "OPTIONS" and _header(scope, b"access-control-request-method"):
                await self._preflight(send, cors)
                return
        limit = policy.limits.for_path(path)
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _send_plain(send, 413, _too_large(limit), cors)
            return
        await self._forward(scope, receive, send, limit=limit, extra=[*self._security_headers(path), *cors])

    async def _preflight(self, send: Send, cors: Headers) -> None:
        headers: Headers = [
            *cors,
            (b"access-control-allow-methods", _CORS_METHODS.encode()),
            (b"access-control-allow-headers", _CORS_HEADERS.encode()),
            (b"access-control-max-age", b"600"),
            (b"content-length", b"0"),
        ]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    def _security_headers(self, path: str) -> Headers:
        is_data = (path.startswith(API_PREFIX) and not path.startswith(API_DOCS)) or path.startswith(CALENDAR_FEEDS)
        csp = API_POLICY if is_data else self.page_policy()
        return [
            (b"content-security-policy", csp.encode()),
            *((name.lower().encode(), value.encode()) for name, value in COMMON_HEADERS),
        ]

    async def _forward(self, scope: Scope, receive: Receive, send: Send, *, limit: int, extra: Headers) -> None:
        received = 0
        overflow = False
        started = False

        async def counted_receive() -> Message:
            nonlocal received, overflow
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    overflow = True
                    raise BodyTooLarge()
            return message

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                if overflow:  # the app answered its own error for the cut body: say why instead
                    raise BodyTooLarge()
                started = True
                headers = list(message.get("headers", ()))
                # A route that sets its own policy keeps it (the API docs allow their start-up script).
                own = {name.lower() for name, _ in headers} & {b"content-security-policy"}
                replaced = {name for name, _ in extra} - own
                kept = [(k, v) for k, v in headers if k.lower() not in replaced]
                message = {**message, "headers": [*kept, *(h for h in extra if h[0] in replaced)]}
            await send(message)

        try:
            await self.app(scope, counted_receive, with_headers)
        except BodyTooLarge:
            if started:
                raise
            await _send_plain(send, 413, _too_large(limit), extra)
        except Exception:
            if overflow and not started:
                await _send_plain(send, 413, _too_large(limit), extra)
                return
            raise


def _too_large(limit: int) -> str:
    size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
    return f"The request is too large: at most {size} is accepted here."
