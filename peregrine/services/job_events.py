"""Which jobs changed, announced after the change commits, so an open board follows moves made
by an email, the API or another tab.

Writers mark a job in their session: `jobs._write`, `create_job` and `delete_job` do (each bumps
or ends the job's version); a round or an email written for a job marks it too, as a change the
version does not show. When the session commits, the ids go out to everyone waiting in
`changes_after`. Each announcement has a sequence number, so a reader that was busy while
changes came in still gets them on its next call; one that fell further behind than the log
keeps is told to reload everything. Process-local, like the backend itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
from collections import deque
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.orm import Session

from peregrine.models import EmailMessage, Interview

_LOG_SIZE = 1000
_SESSION_KEY = "peregrine.changed_jobs"


@dataclass(frozen=True)
class Changes:
    """Jobs changed since a reader last looked. `unversioned` ones changed what their card shows
    (a round, an email) without a new job version, so comparing versions cannot tell."""

    ids: frozenset[int] = frozenset()
    unversioned: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.ids)

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.ids | other.ids, self.unversioned | other.unversioned)


NOTHING = Changes()

_lock = threading.Lock()
_log: deque[tuple[int, Changes]] = deque(maxlen=_LOG_SIZE)
_seq = itertools.count(1)
_latest = 0
_waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = set()


def mark_changed(session: Session, job_id: int, *, versioned: bool = True) -> None:
    """Announce `job_id` once this session commits (a rollback forgets it)."""
    marked: dict[int, bool] = session.info.setdefault(_SESSION_KEY, {})
    marked[job_id] = marked.get(job_id, True) and versioned


def latest() -> int:
    """The sequence number of the newest announcement: where a new reader starts."""
    return _latest


def announce(changes: Changes) -> None:
    """Tell every waiting reader these jobs changed. Safe from any thread."""
    if not changes:
        return
    global _latest
    with _lock:
        _latest = next(_seq)
        _log.append((_latest, changes))
        waiters = list(_waiters)
        _waiters.clear()
    for loop, future in waiters:
        loop.call_soon_threadsafe(_wake, future)


async def changes_after(seq: int, timeout_s: float) -> tuple[int, Changes | None]:
    """The jobs changed since `seq`, waiting up to `timeout_s` for one; and the new `seq`.

    None instead of changes means the reader fell behind the log: reload everything.
    Empty changes mean nothing changed in time.
    """
    found = _since(seq)
    if found[1] is None or found[1]:
        return found
    loop = asyncio.get_running_loop()
    waiter = (loop, loop.create_future())
    with _lock:
        if _latest > seq:  # announced between the check above and now
            return _since_locked(seq)
        _waiters.add(waiter)
    try:
        with contextlib.suppress(TimeoutError):  # nothing announced in time: say so
            await asyncio.wait_for(waiter[1], timeout_s)
    finally:
        with _lock:
            _waiters.discard(waiter)
    return _since(seq)


def _since(seq: int) -> tuple[int, Changes | None]:
    with _lock:
        return _since_locked(seq)


def _since_locked(seq: int) -> tuple[int, Changes | None]:
    if _latest <= seq:
        return seq, NOTHING
    if not _log or _log[0][0] > seq + 1:
        return _latest, None
    found = NOTHING
    for number, changes in _log:
        if number > seq:
            found |= changes
    return _latest, found


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


@event.listens_for(Session, "before_flush")
def _mark_card_rows(session: Session, _context: object, _instances: object) -> None:
    """A card shows its job's next round and mail badge: a written round or email changes it."""
    for row in itertools.chain(session.new, session.dirty, session.deleted):
        if isinstance(row, Interview | EmailMessage) and row.job_id is not None:
            mark_changed(session, row.job_id, versioned=False)


@event.listens_for(Session, "after_commit")
def _announce_committed(session: Session) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT released: nothing is visible to others yet
        return
    marked: dict[int, bool] = session.info.pop(_SESSION_KEY, {})
    announce(Changes(frozenset(marked), frozenset(job_id for job_id, versioned in marked.items() if not versioned)))


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    if not session.in_nested_transaction():  # a SAVEPOINT rolled back: the rest still commits
        session.info.pop(_SESSION_KEY, None)
