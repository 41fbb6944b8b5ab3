"""The calendar feed: its secret address, and the events a candidate's calendar app subscribes to.

A calendar app fetches a plain URL and sends no token, so the address `/calendar/<secret>.ics` is
the credential. The secret is stored only as its SHA-256 hash (like the API tokens) and shown in
clear once, when it is made; making a new one revokes the old, and a revoked or unknown secret is
simply not found.

The feed holds every scheduled interview round (a cancelled one stays, marked cancelled, so the
calendar app strikes it rather than keeping a stale copy) and the decision deadline of every offer
still waiting for an answer. Follow-up dates join when the app records them: a reader beside
`_round_entries` that returns `CalendarEntry`s, added to `feed_entries`.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from peregrine.domain.interviews import InterviewKind, RoundOutcome
from peregrine.domain.stages import Stage
from peregrine.models import CalendarFeed, Interview, Job, Offer, utcnow
from peregrine.routes import calendar_feed_url, job_url, prep_url
from peregrine.services.calendar_ics import CalendarEntry, render_calendar

PREFIX = "cal_"
#: No round records how long it lasts yet: an hour is the block a calendar shows.
ROUND_DURATION = timedelta(hours=1)
UID_DOMAIN = "peregrine"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def live_feed(session: Session, candidate_id: int) -> CalendarFeed | None:
    return session.exec(
        select(CalendarFeed).where(CalendarFeed.candidate_id == candidate_id, col(CalendarFeed.revoked_at).is_(None))
    ).first()


def new_feed(session: Session, candidate_id: int) -> tuple[CalendarFeed, str]:
    """A new feed address for the candidate (any earlier one stops working), and its secret in
    clear: returned here and never stored."""
    revoke_feed(session, candidate_id)
    secret = PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed(candidate_id=candidate_id, secret_hash=_hash(secret))
    session.add(feed)
    session.flush()
    return feed, secret


def revoke_feed(session: Session, candidate_id: int) -> bool:
    """Stop the candidate's feed address working; whether there was one."""
    feed = live_feed(session, candidate_id)
    if feed is None:
        return False
    feed.revoked_at = utcnow()
    session.add(feed)
    session.flush()
    return True


def owner_of_secret(session: Session, secret: str) -> int | None:
    """The candidate whose live feed this secret opens, or None (unknown, revoked, malformed)."""
    if not secret.startswith(PREFIX):
        return None
    return session.exec(
        select(CalendarFeed.candidate_id).where(
            CalendarFeed.secret_hash == _hash(secret), col(CalendarFeed.revoked_at).is_(None)
        )
    ).first()


def feed_url(base_url: str, secret: str) -> str:
    return base_url.rstrip("/") + calendar_feed_url(secret)


def feed_ics(session: Session, candidate_id: int, *, base_url: str) -> bytes:
    """The candidate's calendar as .ics bytes; links point into the app at `base_url`."""
    return render_calendar(feed_entries(session, candidate_id, base_url=base_url))


def feed_entries(session: Session, candidate_id: int, *, base_url: str) -> list[CalendarEntry]:
    readers: list[Callable[[Session, int, str], list[CalendarEntry]]] = [_round_entries, _deadline_entries]
    return [entry for reader in readers for entry in reader(session, candidate_id, base_url.rstrip("/"))]


def _round_entries(session: Session, candidate_id: int, base_url: str) -> list[CalendarEntry]:
    # Plain columns, not Interview objects: at 1,000 rounds, loading the objects alone took as long
    # (17 ms) as reading these columns and building every entry.
    rows = session.execute(
        select_columns(
            col(Interview.id),
            col(Interview.job_id),
            col(Interview.order),
            col(Interview.name),
            col(Interview.kind),
            col(Interview.format),
            col(Interview.focus),
            col(Interview.interviewers),
            col(Interview.scheduled_at),
            col(Interview.outcome),
            col(Interview.updated_at),
            col(Job.company),
            col(Job.title),
        )
        .join(Job, col(Job.id) == Interview.job_id)
        .where(col(Interview.candidate_id) == candidate_id, col(Interview.scheduled_at).is_not(None))
        .order_by(col(Interview.scheduled_at), col(Interview.id))
    ).all()
    return [_round_entry(row, base_url) for row in rows]


def _round_entry(row: Any, base_url: str) -> CalendarEntry:
    prep = base_url + prep_url(row.job_id, row.id)
    people = [
        f"{person['name']} ({person['role']})" if person.get("role") else person["name"] for person in row.interviewers
    ]
    lines = [
        f"{_kind_label(row.kind)} round {row.order} for {row.title} at {row.company}.",
        *([f"Format: {row.format}"] if row.format else []),
        *([f"Focus: {row.focus}"] if row.focus else []),
        *([f"Interviewers: {', '.join(people)}"] if people else []),
        f"Prepare: {prep}",
    ]
    return CalendarEntry(
        uid=f"interview-round-{row.id}@{UID_DOMAIN}",
        summary=f"{row.name}: {row.company}",
        start=row.scheduled_at,
        duration=ROUND_DURATION,
        changed_at=row.updated_at,
        description="\n".join(lines),
        url=prep,
        cancelled=row.outcome == RoundOutcome.CANCELLED.value,
    )


def _kind_label(kind: str) -> str:
    try:
        return InterviewKind(kind).label
    except ValueError:
        return InterviewKind.OTHER.label


def _deadline_entries(session: Session, candidate_id: int, base_url: str) -> list[CalendarEntry]:
    rows = session.exec(
        select(Offer, Job.company, Job.title)
        .join(Job, col(Job.id) == Offer.job_id)
        .where(
            Job.candidate_id == candidate_id,
            Job.stage == Stage.OFFER.value,
            col(Offer.decision_deadline).is_not(None),
        )
        .order_by(col(Offer.decision_deadline), col(Offer.id))
    ).all()
    entries = []
    for offer, company, title in rows:
        assert offer.decision_deadline is not None  # selected so
        link = base_url + job_url(offer.job_id)
        entries.append(
            CalendarEntry(
                uid=f"offer-deadline-{offer.id}@{UID_DOMAIN}",
                summary=f"Decide on the offer: {company}",
                start=offer.decision_deadline,
                changed_at=offer.updated_at,
                description=f"The offer for {title} at {company} asks for an answer today.\n{link}",
                url=link,
            )
        )
    return entries
