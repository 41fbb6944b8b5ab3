"""The REST API under `/api/v1`, mounted on the Reflex backend; docs at `/api/docs`.

`mount_api` puts the API in front of Reflex's own routes: a request under `/api/` goes straight
to it, everything else (pages, the websocket, uploads) straight to Reflex, so neither walks the
other's routes and middleware.

Routes stay thin: they check the bearer token, call the same services the pages call (a
stage move goes through `move_job`, with source "api"), and turn service errors into HTTP
answers: not found (or another candidate's) → 404, bad input → 422, a refused move or a
stale version → 409. A 422 says where and what, never echoing the input (`json_body`).
"""

from __future__ import annotations

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from peregrine import routes as app_routes
from peregrine.api import calendar, routes
from peregrine.api.docs import mount_docs
from peregrine.api.json_body import validation_error
from peregrine.domain.stages import MoveNotAllowed
from peregrine.services.errors import InvalidInput, NotFound, StaleVersion


def build_api() -> FastAPI:
    api = FastAPI(
        title="Peregrine API",
        version="1",
        description="Jobs, their interview rounds and offers, stage moves, and the pipeline analytics.",
        docs_url=None,  # served by `mount_docs`, from the app's own files
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    api.include_router(routes.router, prefix="/api/v1")
    api.include_router(calendar.router)
    mount_docs(api)
    api.add_exception_handler(RequestValidationError, validation_error)

    @api.exception_handler(NotFound)
    async def not_found(_request: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status.HTTP_404_NOT_FOUND)

    @api.exception_handler(InvalidInput)
    async def invalid(_request: Request, exc: InvalidInput) -> JSONResponse:
        # The same shape as FastAPI's own 422s, so a client reads one kind of validation error.
        detail = [{"loc": ["body"], "msg": str(exc), "type": "value_error"}]
        return JSONResponse({"detail": detail}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)

    @api.exception_handler(StaleVersion)
    async def stale(_request: Request, _exc: StaleVersion) -> JSONResponse:
        detail = "The job changed since you read it; read it again and retry."
        return JSONResponse({"detail": detail}, status_code=status.HTTP_409_CONFLICT)

    @api.exception_handler(MoveNotAllowed)
    async def refused(_request: Request, exc: MoveNotAllowed) -> JSONResponse:
        body = {"detail": str(exc), "allowed": [stage.value for stage in exc.allowed]}
        return JSONResponse(body, status_code=status.HTTP_409_CONFLICT)

    return api


API_PREFIX = "/api/"


class ApiFirst:
    """The backend's ASGI app: `/api/…` and the calendar feeds to the REST API's app, anything
    else to Reflex."""

    def __init__(self, api: ASGIApp, reflex_app: ASGIApp) -> None:
        self.api = api
        self.reflex_app = reflex_app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith((API_PREFIX, app_routes.CALENDAR_FEEDS)):
            await self.api(scope, receive, send)
        else:
            await self.reflex_app(scope, receive, send)


def mount_api(reflex_app: ASGIApp) -> ASGIApp:
    """The REST API in front of Reflex's backend app (see `peregrine.PeregrineApp`). CORS and the
    other checks of the edge are the Guard's, around both."""
    return ApiFirst(build_api(), reflex_app)
