"""A process-local signal that some task changed, so pages showing progress update at once.

Pages that show a task's progress wait on `wait_for_change` instead of polling on a
fixed beat; they still wake after `timeout_s` to catch tasks changed by another process.
"""

from __future__ import annotations

import asyncio
import contextlib

_waiters: set[asyncio.Future[None]] = set()


def task_changed() -> None:
    """Wake everyone waiting (safe to call with nobody waiting, from the event loop's thread)."""
    for waiter in list(_waiters):
        if not waiter.done():
            waiter.set_result(None)
    _waiters.clear()


async def wait_for_change(timeout_s: float) -> None:
    waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    _waiters.add(waiter)
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(waiter, timeout_s)
    finally:
        _waiters.discard(waiter)
