"""What every API route depends on: a database session, and the candidate of the bearer token."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from peregrine import db
from peregrine.services import api_tokens

_bearer = HTTPBearer(auto_error=False, description="A token from Settings → REST API")
_last_seen: dict[int, float] = {}
LAST_USED_EVERY_S = 60.0


async def session() -> AsyncIterator[Session]:
    """The route's session. Its connection is taken inside the route's worker thread and given back
    as soon as the route returns (the exit runs on the event loop, not queued behind other
    requests for a thread), so a burst of requests never holds more connections than threads."""
    with db.session_scope() as opened:
        yield opened


# The session commits when the route returns, before the answer leaves: a client that sends its
# next request on receipt (DELETE, then GET) must see the change.
DbSession = Annotated[Session, Depends(session, scope="function")]


async def candidate_id(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> int:
    """The candidate whose token this is; 401 without a live token.

    One indexed lookup, on the event loop (a hop to a worker thread would cost more than the
    query), in a session of its own that is closed at once: sharing the route's session would
    hold its connection while the route waits for a worker thread.
    """
    with db.session_scope() as opened:
        owner = api_tokens.authenticate(opened, credentials.credentials) if credentials else None
        if owner is None:
            raise HTTPException(
                status_code=status.HTTP_401_UNAUTHORIZED,
                detail="A valid bearer token is required (Settings → REST API).",
                headers={"WWW-Authenticate": "Bearer"},
            )
        _note_use(opened, owner.token_id)
        return owner.candidate_id


def _note_use(session: Session, token_id: int) -> None:
    """Record when a token was last used, at most once a minute (reads stay reads)."""
    now = time.monotonic()
    if now - _last_seen.get(token_id, -LAST_USED_EVERY_S) >= LAST_USED_EVERY_S:
        _last_seen[token_id] = now
        api_tokens.record_use(session, token_id)


CandidateId = Annotated[int, Depends(candidate_id)]
