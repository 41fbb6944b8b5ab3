"""What every API route depends on: a database session, and the candidate of the bearer token."""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPBearer
from sqlmodel import Session

from peregrine import db
from peregrine.api.json_body import StrictJsonRoute
from peregrine.services import api_tokens

_last_seen: dict[int, float] = {}
LAST_USED_EVERY_S = 60.0


async def session() -> AsyncIterator[Session]:
    """The route's session. Its connection is taken inside the route's worker thread, where the
    route also commits (`TransactionInThread`); the exit here only closes what is left."""
    with db.session_scope() as opened:
        yield opened


DbSession = Annotated[Session, Depends(session, scope="function")]


class TransactionInThread(StrictJsonRoute):
    """A route that takes a `session` commits it, or rolls it back, in its own worker thread
    before it returns: a client that sends its next request on receipt sees the change. (Its JSON
    body is checked first, as every route's: `StrictJsonRoute`.)

    Why not in the session dependency's exit: that runs on the event loop, after the route's
    writes took SQLite's write lock in the worker thread. A write made on the event loop
    meanwhile (a page's event, a research task noting its phase) waits for that lock while
    blocking the very loop that would release it: both stuck until SQLite gives up after 30 s.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint) and "session" in inspect.signature(endpoint).parameters:
            endpoint = _committing(endpoint)
        super().__init__(path, endpoint, **kwargs)


def _committing(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(endpoint)  # FastAPI reads the parameters and return type through the wrapper
    def run(*args: Any, **kwargs: Any) -> Any:
        opened: Session = kwargs["session"]
        try:
            result = endpoint(*args, **kwargs)
            opened.commit()
        except BaseException:
            opened.rollback()
            raise
        return result

    return run


class BearerToken(HTTPBearer):
    """The gate of every route: the candidate whose live token the request carries; 401 otherwise.

    A bearer scheme that also checks the token, rather than a dependency on one: FastAPI still
    documents it as the API's security scheme, and every request resolves one dependency, not
    two. It runs on the event loop, not in a worker thread: the owner of a token is remembered
    for a second (`api_tokens.owner_of`), so this is mostly a dictionary lookup.
    """

    async def __call__(self, request: Request) -> int:  # type: ignore[override]
        credentials = await super().__call__(request)
        owner = api_tokens.owner_of(credentials.credentials) if credentials is not None else None
        if owner is None:
            raise HTTPException(
                status_code=status.HTTP_401_UNAUTHORIZED,
                detail="A valid bearer token is required (Settings → REST API).",
                headers={"WWW-Authenticate": "Bearer"},
            )
        _note_use(owner.token_id)
        return owner.candidate_id


candidate_id = BearerToken(auto_error=False, description="A token from Settings → REST API")


def _note_use(token_id: int) -> None:
    """Record when a token was last used, at most once a minute (reads stay reads)."""
    now = time.monotonic()
    if now - _last_seen.get(token_id, -LAST_USED_EVERY_S) >= LAST_USED_EVERY_S:
        _last_seen[token_id] = now
        with db.engine().begin() as connection:
            api_tokens.record_use(connection, token_id)


CandidateId = Annotated[int, Depends(candidate_id)]
