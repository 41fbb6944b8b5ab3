"""A career site for tests, on 127.0.0.1: serves the postings of `posting_pages/` and the
misbehaviours "Add by URL" must survive::

    server = FakeCareerSite().start()
    server.url("/jobs/schema_org_json_ld")   # a posting's page
    server.url("/redirect?to=http://…")      # 302 to `to`
    server.url("/big")                       # a page of 6 MB
    server.url("/slow")                      # waits `delay_s` before answering
    server.url("/host")                      # a page whose <h1> is the Host header it was sent
    server.url("/file")                      # a PDF, not a page
"""

from __future__ import annotations

import asyncio

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tests.fakes.loopback import LoopbackServer
from tests.fakes.postings import page


class FakeCareerSite(LoopbackServer):
    label = "fake career site"

    def __init__(self, *, port: int | None = None) -> None:
        super().__init__(port=port)
        self.delay_s = 3.0
        app = FastAPI()

        @app.get("/jobs/{name}")
        def posting(name: str) -> Response:
            return HTMLResponse(page(name))

        @app.get("/redirect")
        def redirect(to: str) -> Response:
            return RedirectResponse(to, status_code=302)

        @app.get("/big")
        def big() -> Response:
            return HTMLResponse("<p>" + "x" * (6 * 1024 * 1024) + "</p>")

        @app.get("/slow")
        async def slow() -> Response:
            await asyncio.sleep(self.delay_s)
            return HTMLResponse("<h1>Late</h1>")

        @app.get("/host")
        def host(request: Request) -> Response:
            return HTMLResponse(
                f"<title>{request.headers.get('host', '')}</title><h1>{request.headers.get('host')}</h1>"
            )

        @app.get("/file")
        def file() -> Response:
            return Response(b"%PDF-1.4", media_type="application/pdf")

        self.app = app

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"
