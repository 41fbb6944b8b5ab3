"""Storing: each message once per candidate and Message-ID (`store_message`), and the lookups of
what is stored.

A reply in a thread already matched is matched when stored, to the job of that thread
(`thread_job`); the poller reads a mailbox on from the highest UID stored for it (`highest_uid`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select as select_columns
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from peregrine.models import EmailMessage
from peregrine.services.email.kinds import MatchKind, MessageStatus
from peregrine.services.email.parsing import parse_message
from peregrine.services.errors import NotFound


def store_message(
    session: Session,
    candidate_id: int,
    raw: bytes,
    *,
    folder: str = "",
    uid: int | None = None,
    internal_date: datetime | None = None,
) -> tuple[EmailMessage, bool]:
    """Keep a message (True) or find the one already kept under its Message-ID (False)."""
    parsed = parse_message(raw, internal_date=internal_date)
    existing = _by_message_id(session, candidate_id, parsed.message_id)
    if existing is not None:
        if uid is not None and existing.folder == folder and (existing.uid or 0) < uid:
            existing.uid = uid  # seen again further up the folder: the next poll starts above it
            session.add(existing)
        return existing, False
    message = EmailMessage(
        candidate_id=candidate_id,
        message_id=parsed.message_id,
        folder=folder,
        uid=uid,
        sender=parsed.sender,
        sender_domain=parsed.sender_domain,
        subject=parsed.subject,
        received_at=parsed.received_at,
        excerpt=parsed.text,
        match_candidates=[],
        status=MessageStatus.NEW.value,
    )
    threaded = thread_job(session, candidate_id, parsed.references)
    if threaded is not None:  # a reply in a thread already matched: the same job
        message.job_id, message.match, message.match_candidates = threaded, MatchKind.MATCHED.value, [threaded]
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:  # stored meanwhile by another worker
        found = _by_message_id(session, candidate_id, parsed.message_id)
        if found is None:
            raise
        return found, False
    return message, True


def _by_message_id(session: Session, candidate_id: int, message_id: str) -> EmailMessage | None:
    return session.exec(
        select(EmailMessage).where(EmailMessage.candidate_id == candidate_id, EmailMessage.message_id == message_id)
    ).first()


def thread_job(session: Session, candidate_id: int, references: tuple[str, ...]) -> int | None:
    """The job of the latest matched message among those this one replies to."""
    if not references:
        return None
    job_id: int | None = session.execute(
        select_columns(col(EmailMessage.job_id))
        .where(
            col(EmailMessage.candidate_id) == candidate_id,
            col(EmailMessage.message_id).in_(references),
            col(EmailMessage.job_id).is_not(None),
            col(EmailMessage.match).in_([MatchKind.MATCHED.value, MatchKind.USER.value]),
        )
        .order_by(col(EmailMessage.id).desc())
        .limit(1)
    ).scalar_one_or_none()
    return job_id


def highest_uid(session: Session, candidate_id: int, folder: str) -> int:
    value = session.execute(
        select_columns(func.max(col(EmailMessage.uid))).where(
            col(EmailMessage.candidate_id) == candidate_id, col(EmailMessage.folder) == folder
        )
    ).scalar_one()
    return int(value or 0)


def get_message(session: Session, message_id: int, *, candidate_id: int | None = None) -> EmailMessage:
    message = session.get(EmailMessage, message_id)
    if message is None or (candidate_id is not None and message.candidate_id != candidate_id):
        raise NotFound(f"Email {message_id} was not found.")
    return message
