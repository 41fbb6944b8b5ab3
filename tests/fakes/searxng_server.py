"""A small SearXNG for tests, speaking its real JSON search API over 127.0.0.1.

The production client (`peregrine.integrations.searxng`) talks to it unchanged. A test scripts the
results and the failures through a plain Python API and reads back what the server received::

    server = FakeSearxng().start()
    server.set_results("news", [{"title": "…", "url": "https://…", "content": "…",
                                 "publishedDate": "2025-03-01T09:30:00", "engine": "bing news",
                                 "category": "news"}])
    server.set_results([...])          # category "general"
    server.json_enabled = False        # format=json answers 403, like a stock instance
    server.all_engines_fail = True     # 200 with no results and `unresponsive_engines`
    server.delay_s = 3                 # every search waits first (beyond a client's timeout)
    server.raw_answer = (200, "text/html", "<html>…")  # answer /search with exactly this (not SearXNG)
    server.requests                    # the parameters of every /search request, in order
    server.stop(); server.start()      # down (connection refused), then up again on the same port

How it answers follows SearXNG's ``searx/webapp.py``, in the same order:
- ``format`` (default ``html``) must be an enabled format, else 403 with an HTML body. This fake only
  speaks JSON: any other format answers 403, and so does ``json`` when ``json_enabled`` is False.
- a missing or empty ``q`` answers 400 ``{"error": "No query"}``;
- a ``time_range`` other than day/week/month/year, or a ``pageno`` that is not a whole number ≥ 1,
  answers 400 ``{"error": "Invalid value …"}``;
- otherwise 200 with ``query``, ``results``, ``answers``, ``corrections``, ``infoboxes``,
  ``suggestions`` and ``unresponsive_engines`` (no ``number_of_results``: upstream dropped it).
``categories`` is a comma-separated list (default ``general``); the scripted lists of those
categories are concatenated and cut into pages of ``page_size``. GET and POST (form) both work;
as in SearXNG, form fields win over query-string ones.
"""

from __future__ import annotations

import asyncio
import copy
import threading
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from tests.fakes.loopback import LoopbackServer

TIME_RANGES = ("day", "week", "month", "year")

FORBIDDEN_PAGE = (
    "<!doctype html>\n<html lang=en>\n<title>403 Forbidden</title>\n<h1>Forbidden</h1>\n"
    "<p>You don&#39;t have the permission to access the requested resource. "
    "It is either read-protected or not readable by the server.</p>\n"
)


class FakeSearxng(LoopbackServer):
    """A SearXNG JSON API in a background thread (uvicorn on a free 127.0.0.1 port)."""

    label = "fake SearXNG"

    def __init__(self, *, port: int | None = None) -> None:
        super().__init__(port=port)
        self.json_enabled = True
        """False: ``format=json`` answers 403, as an instance without json in ``search.formats``."""
        self.all_engines_fail = False
        """True: every search answers 200 with no results and `failing_engines` as unresponsive."""
        self.failing_engines: list[tuple[str, str]] = [
            ("duckduckgo", "timeout"),
            ("brave", "Suspended: too many requests"),
        ]
        self.delay_s: float = 0.0
        """Seconds every search waits before answering (a slow or hung instance)."""
        self.page_size = 10
        self.raw_answer: tuple[int, str, str] | None = None
        """(status, content type, body): every /search gets exactly this, as a proxy or another app would."""
        self.requests: list[dict[str, str]] = []
        """The parameters of every /search request received, in order (refused ones included)."""
        self.methods: list[str] = []
        """The HTTP method of each of those requests, same order."""
        self._results: dict[str, list[Any]] = {}
        self._lock = threading.Lock()
        self.app = self._build_app()

    # ----------------------------------------------------------------- scripting (called by tests)
    @property
    def url(self) -> str:
        """The base URL a client is configured with (no trailing slash, no /search)."""
        if not self.port:
            raise RuntimeError("the fake SearXNG has no port until it is started")
        return f"http://127.0.0.1:{self.port}"

    def set_results(self, category: str | list[Any], results: list[Any] | None = None) -> None:
        """Script the results of a category: ``set_results("news", [...])``, or ``set_results([...])`` for general.

        Each result is a dict with SearXNG's keys (title, url, content, publishedDate, engine,
        category); it is sent as given, so a test can leave keys out or put odd values (even a
        non-dict) in.
        """
        if isinstance(category, list):
            name, scripted = "general", category
        else:
            name, scripted = category, list(results or [])
        with self._lock:
            self._results[name] = copy.deepcopy(scripted)

    def reset(self) -> None:
        with self._lock:
            self._results.clear()
            self.requests.clear()
            self.methods.clear()
        self.json_enabled = True
        self.all_engines_fail = False
        self.delay_s = 0.0
        self.raw_answer = None

    # ----------------------------------------------------------------- the HTTP side
    def _build_app(self) -> FastAPI:
        app = FastAPI()

        @app.api_route("/search", methods=["GET", "POST"])
        async def search(request: Request) -> Response:
            params = dict(request.query_params)
            if request.method == "POST":
                form = await request.form()
                params.update({key: str(value) for key, value in form.items()})
            with self._lock:
                self.requests.append(params)
                self.methods.append(request.method)
            return await self._answer(params)

        @app.get("/healthz")
        async def healthz() -> Response:
            return Response("OK", media_type="text/plain")

        return app

    async def _answer(self, params: dict[str, str]) -> Response:
        if self.raw_answer is not None:
            status, content_type, text = self.raw_answer
            return Response(text, status_code=status, media_type=content_type)
        output_format = params.get("format", "html")
        if output_format != "json" or not self.json_enabled:
            return HTMLResponse(FORBIDDEN_PAGE, status_code=403)
        query = params.get("q", "")
        if not query:
            return JSONResponse({"error": "No query"}, status_code=400)
        time_range = params.get("time_range") or None
        if time_range is not None and time_range not in TIME_RANGES:
            return JSONResponse({"error": f'Invalid value "{time_range}" for parameter time_range'}, status_code=400)
        raw_page = params.get("pageno", "1")
        if not raw_page.isdigit() or int(raw_page) < 1:
            return JSONResponse({"error": f'Invalid value "{raw_page}" for parameter pageno'}, status_code=400)
        page = int(raw_page)

        deadline = time.monotonic() + self.delay_s
        while not self._stopping.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(min(0.05, deadline - time.monotonic()))

        categories = [name.strip() for name in params.get("categories", "").split(",") if name.strip()] or ["general"]
        results: list[Any] = []
        unresponsive: list[list[str]] = []
        if self.all_engines_fail:
            unresponsive = [[engine, reason] for engine, reason in self.failing_engines]
        else:
            with self._lock:
                for name in categories:
                    results.extend(copy.deepcopy(self._results.get(name, [])))
            results = results[(page - 1) * self.page_size : page * self.page_size]
        body = {
            "query": query,
            "results": results,
            "answers": [],
            "corrections": [],
            "infoboxes": [],
            "suggestions": [],
            "unresponsive_engines": unresponsive,
        }
        return JSONResponse(body)
