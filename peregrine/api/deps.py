"""What every API route depends on: a database session, and the candidate of the bearer token."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from peregrine import db
from peregrine.models import ApiToken, utcnow
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

    One indexed lookup, done on the event loop (a thread hop would cost more than the query), in a
    session of its own that is closed at once.
    """
    with db.session_scope() as opened:
        token = api_tokens.authenticate(opened, credentials.credentials) if credentials else None
        if token is None:
            raise HTTPException(
                status_code=status.HTTP_401_UNAUTHORIZED,
                detail="A valid bearer token is required (Settings → REST API).",
                headers={"WWW-Authenticate": "Bearer"},
            )
        _note_use(opened, token)
        return token.candidate_id


def _note_use(opened: Session, token: ApiToken) -> None:
    """Record when a token was last used, at most once a minute (reads stay reads)."""
    assert token.id is not None
    now = time.monotonic()
    if now - _last_seen.get(token.id, -LAST_USED_EVERY_S) >= LAST_USED_EVERY_S:
        _last_seen[token.id] = now
        token.last_used_at = utcnow()
        opened.add(token)


CandidateId = Annotated[int, Depends(candidate_id)]
