"""Following background tasks from a page: refresh while a run is going, stop when it is over."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from peregrine.services.task_events import wait_for_change


async def follow_tasks(state: Any, refresh: Callable[[], bool], *, poll_s: float = 1.0) -> None:
    """The body of a page's background `watch` event: call `refresh` (under the state's lock) each
    time a task changes, until it returns False (nothing left running).

    `state._watching` keeps one follower per page, however often the page asks for one.
    """
    async with state:
        if state._watching:
            return
        state._watching = True
    try:
        while True:
            await wait_for_change(timeout_s=poll_s)
            async with state:
                if not refresh():
                    return
    finally:
        async with state:
            state._watching = False
