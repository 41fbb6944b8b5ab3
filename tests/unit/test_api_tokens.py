"""The REST API's gate: every route asks for a live token, whose owner is remembered briefly and
forgotten the moment the token is revoked."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from sqlmodel import Session
from starlette.types import Receive, Scope, Send

from peregrine import db
from peregrine.api import routes as api_routes
from peregrine.api.app import ApiFirst
from peregrine.api.deps import candidate_id
from peregrine.models import Candidate
from peregrine.services import api_tokens


def _calls(dependant: Dependant) -> Iterator[Callable[..., object] | None]:
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _calls(dependency)


#: The one route whose credential is in its address instead: a file the Settings page prepared, fetched
#: once with its 256-bit ticket (services/downloads.py), since a browser's download sends no token.
BY_TICKET = ["/export/download/{ticket}"]


def test_every_route_of_the_api_needs_a_token() -> None:
    routes = [route for route in api_routes.router.routes if isinstance(route, APIRoute)]
    assert len(routes) > 15
    unguarded = [route.path for route in routes if candidate_id not in set(_calls(route.dependant))]
    assert unguarded == BY_TICKET


def test_the_owner_of_a_token_is_remembered_until_it_is_revoked(session: Session, candidate: Candidate) -> None:
    token, plaintext = api_tokens.create_token(session, candidate.id or 0, "script")
    session.commit()
    owner = api_tokens.owner_of(plaintext)
    assert owner == api_tokens.TokenOwner(token.id or 0, candidate.id or 0)

    # Remembered: a change written below the service (another process, say) is not seen at once…
    with db.engine().begin() as connection:
        connection.exec_driver_sql("UPDATE apitoken SET revoked_at = CURRENT_TIMESTAMP WHERE id = ?", (token.id,))
    assert api_tokens.owner_of(plaintext) == owner
    # …but within RECHECK_AFTER_S.
    hash_ = api_tokens._hash(plaintext)
    read_at, remembered = api_tokens._live[hash_]
    api_tokens._live[hash_] = (read_at - api_tokens.RECHECK_AFTER_S, remembered)
    assert api_tokens.owner_of(plaintext) is None


def test_a_revoke_is_seen_by_the_next_request(session: Session, candidate: Candidate) -> None:
    token, plaintext = api_tokens.create_token(session, candidate.id or 0, "script")
    session.commit()
    assert api_tokens.owner_of(plaintext) is not None
    api_tokens.revoke_token(session, token.id or 0, candidate_id=candidate.id or 0)
    assert api_tokens.owner_of(plaintext) is not None, "still live until the revoke commits"
    session.commit()
    assert api_tokens.owner_of(plaintext) is None


def test_unknown_tokens_are_refused_and_not_remembered(db_url: str) -> None:
    assert api_tokens.owner_of("pgr_not-a-token") is None
    assert api_tokens.owner_of("no prefix") is None
    assert api_tokens._hash("pgr_not-a-token") not in api_tokens._live


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("path", "served_by"),
    [
        ("/api/v1/jobs/1", "api"),
        ("/api/docs", "api"),
        ("/ping", "reflex"),
        ("/_event/", "reflex"),
        ("/apiary", "reflex"),
    ],
)
async def test_api_paths_go_to_the_api_and_the_rest_to_reflex(path: str, served_by: str) -> None:
    served: list[str] = []

    def app(name: str) -> Callable[[Scope, Receive, Send], object]:
        async def serve(_scope: Scope, _receive: Receive, _send: Send) -> None:
            served.append(name)

        return serve

    async def nothing() -> dict[str, object]:
        return {}

    async def ignore(_message: object) -> None:
        return None

    await ApiFirst(app("api"), app("reflex"))({"type": "http", "path": path}, nothing, ignore)  # type: ignore[arg-type]
    assert served == [served_by]
