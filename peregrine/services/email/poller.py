"""Polling: a poll (`poll_once`) reads the new messages of the configured folder without changing
them on the server (`integrations.imap`), stores each once (`store.store_message`), then processes
what is not processed yet (`actions`).

`poll_forever` is the backend's lifespan task: it does nothing while IMAP is not configured, backs
off while the server is down or refuses the login, and keeps a `PollerStatus` for Settings.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from peregrine import db
from peregrine.integrations.imap import (
    FetchedMessage,
    ImapError,
    ImapMailbox,
    ImapNotConfigured,
    ImapSettings,
    load_imap_settings,
)
from peregrine.llm.client import LLMClient
from peregrine.models import utcnow
from peregrine.services.candidates import current_candidate
from peregrine.services.email.actions import Batch, ProcessReport, pending_ids
from peregrine.services.email.classify import EmailClassifier
from peregrine.services.email.store import highest_uid, store_message

log = logging.getLogger("peregrine.email")

#: Messages read per poll; a fuller mailbox is read over the next polls, one right after another.
FETCH_LIMIT = 200
#: The longest wait between two tries while the server is down or refuses the login.
MAX_BACKOFF_S = 3600.0
#: How often a poller with no IMAP configured looks at services.yaml again.
OFF_RECHECK_S = 60.0
#: Right after a poll that left messages on the server for the next one.
MORE_WAITING_S = 1.0


@dataclass
class PollReport:
    fetched: int = 0
    new: int = 0
    more_waiting: bool = False
    processing: ProcessReport = field(default_factory=ProcessReport)

    def summary(self) -> str:
        done = self.processing
        parts = [f"{self.new} new message{'s' if self.new != 1 else ''}"]
        if done.moved:
            parts.append(f"{done.moved} moved a job")
        if done.review:
            parts.append(f"{done.review} to review")
        if done.failed:
            parts.append(f"{done.failed} failed (retried next time)")
        return ", ".join(parts)


def mailbox_key(settings: ImapSettings, uid_validity: int | None) -> str:
    """Where a UID means something: UIDs are only comparable within one account's folder and one
    UIDVALIDITY (RFC 3501 §2.3.1.1). A new server, account or re-created folder gets a new key, so
    its messages are read from the first-sync window again (Message-IDs keep that duplicate-free)."""
    return f"{settings.user}@{settings.host}:{settings.port}/{settings.folder};UIDVALIDITY={uid_validity or 0}"


def _read_mailbox(settings: ImapSettings, candidate_id: int) -> tuple[list[FetchedMessage], bool, str]:
    """The messages after the last one read from this mailbox (blocking: runs in a thread)."""
    with ImapMailbox(settings) as box:
        folder = box.folder
        key = mailbox_key(settings, folder.uid_validity if folder is not None else None)
        with db.session_scope() as session:
            last_uid = highest_uid(session, candidate_id, key)
        if last_uid and folder is not None and folder.uid_next and last_uid >= folder.uid_next:
            last_uid = 0  # a server that reuses UIDs without changing UIDVALIDITY: read the window again
        since = None if last_uid else date.today() - timedelta(days=settings.first_sync_days)
        uids = box.uids_after(last_uid, since=since)
        batch = uids[:FETCH_LIMIT]
        return list(box.fetch(batch)), len(uids) > len(batch), key


async def poll_once(
    settings: ImapSettings | None = None,
    *,
    llm: LLMClient | None = None,
    classifier: EmailClassifier | None = None,
) -> PollReport:
    """Read the new messages, store them, process everything pending. Raises `ImapError`."""
    settings = settings if settings is not None else load_imap_settings()
    if not settings.configured:
        raise ImapNotConfigured()
    with db.session_scope() as session:
        candidate_id = current_candidate(session).id
        assert candidate_id is not None
    fetched, more, mailbox = await asyncio.to_thread(_read_mailbox, settings, candidate_id)
    report = PollReport(fetched=len(fetched), more_waiting=more)
    # Earlier failures are retried first; then each new message is processed right after it is
    # stored, in the server's order, so that a reply finds the job its thread was matched to.
    with db.session_scope() as session:
        retries = pending_ids(session, candidate_id)
    batch = Batch(classifier or EmailClassifier(llm if llm is not None else LLMClient()), settings.min_confidence)
    for message_id, attempts in retries:
        await batch.process(message_id, attempts)
    for item in fetched:
        with db.session_scope() as session:
            message, created = store_message(
                session,
                candidate_id,
                item.raw,
                folder=mailbox,
                uid=item.uid,
                internal_date=item.internal_date,
            )
            stored_id, attempts = message.id, message.attempts
        report.new += created
        if created and stored_id is not None:
            await batch.process(stored_id, attempts)
    report.processing = batch.finish()
    return report


@dataclass(frozen=True)
class PollerStatus:
    """What Settings shows about the poller. `state`: off, starting, ok or error."""

    state: str = "off"
    address: str = ""
    last_success_at: datetime | None = None
    last_summary: str = ""
    last_error: str = ""
    last_error_kind: str = ""
    last_error_at: datetime | None = None
    next_try_at: datetime | None = None
    failures: int = 0
    next_delay_s: float = 0.0


_status = PollerStatus()
_wakeup: asyncio.Event | None = None


def poller_status() -> PollerStatus:
    return _status


def _set_status(**changes: Any) -> None:
    global _status
    _status = replace(_status, **changes)


def wake() -> None:
    """Poll now rather than at the next tick (the inbox's "Check mail now")."""
    if _wakeup is not None:
        _wakeup.set()


def backoff_delay(interval_s: float, failures: int) -> float:
    """The wait after `failures` failed polls in a row: the interval, doubled per failure, at most an hour."""
    if failures <= 0:
        return interval_s
    return min(MAX_BACKOFF_S, interval_s * 2 ** (failures - 1))


async def poll_forever(*, poll_seconds: float | None = None, off_recheck_s: float = OFF_RECHECK_S) -> None:
    """The backend's lifespan task: poll while IMAP is configured, back off while it fails, never raise.

    services.yaml is read again before every poll, so switching email sync on or off needs no restart.
    `poll_seconds` overrides ``imap.poll_seconds`` (for tests).
    """
    global _wakeup
    _wakeup = asyncio.Event()
    failures = 0
    while True:
        _wakeup.clear()
        settings = load_imap_settings()
        if not settings.configured:
            failures = 0
            delay = off_recheck_s
            _set_status(state="off", address="", next_try_at=None, failures=0, next_delay_s=0.0)
        else:
            interval = poll_seconds if poll_seconds is not None else float(settings.poll_seconds)
            if _status.state == "off":
                _set_status(state="starting", address=settings.address)
            try:
                report = await poll_once(settings)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                delay = backoff_delay(interval, failures)
                if isinstance(exc, ImapError):
                    message, kind = str(exc), exc.kind
                    log.warning("email poll failed (%s); next try in %.0f s: %s", kind, delay, message)
                else:
                    message, kind = f"Unexpected error: {exc}", "bug"
                    log.exception("email poll crashed; next try in %.0f s", delay)
                _set_status(
                    state="error",
                    address=settings.address,
                    last_error=message,
                    last_error_kind=kind,
                    last_error_at=utcnow(),
                    failures=failures,
                    next_delay_s=delay,
                    next_try_at=utcnow() + timedelta(seconds=delay),
                )
            else:
                failures = 0
                delay = MORE_WAITING_S if report.more_waiting else interval
                if report.new or report.processing.processed:
                    log.info("email poll: %s", report.summary())
                _set_status(
                    state="ok",
                    address=settings.address,
                    last_success_at=utcnow(),
                    last_summary=report.summary(),
                    failures=0,
                    next_delay_s=delay,
                    next_try_at=utcnow() + timedelta(seconds=delay),
                )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(_wakeup.wait(), timeout=delay)
