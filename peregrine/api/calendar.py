"""`/calendar/<secret>.ics`: the calendar feed a calendar app subscribes to.

Served by the API's FastAPI app but outside `/api/v1`: a calendar app sends no bearer token and
no Origin, so the secret in the address is all it shows (`services.calendar_feed`). An unknown,
revoked or malformed secret gets the same 404 as any missing page, so a guess learns nothing.
Links in the events point to `PEREGRINE_PUBLIC_URL` when the app is served beyond this machine,
else to the address the request came to.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response, status

from peregrine import config, db, routes
from peregrine.services import calendar_feed

router = APIRouter()


@router.api_route(routes.CALENDAR_FEEDS + "{feed}", methods=["GET", "HEAD"], include_in_schema=False)
def calendar(feed: str, request: Request) -> Response:
    secret = routes.calendar_feed_secret(feed)
    with db.session_scope() as session:
        candidate_id = calendar_feed.owner_of_secret(session, secret) if secret is not None else None
        if candidate_id is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Not found.")
        body = calendar_feed.feed_ics(session, candidate_id, base_url=config.public_url() or str(request.base_url))
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"cache-control": "private, no-cache", "content-disposition": 'inline; filename="peregrine.ics"'},
    )
