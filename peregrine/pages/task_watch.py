"""Following background work from a page: refresh while a run is going, stop when it is over."""

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


def client_connected(token: str) -> bool:
    """Whether the browser tab with this client token still has its websocket open: a page's
    long-lived follower ends with its tab instead of waiting on for nobody."""
    from reflex.utils.prerequisites import get_and_validate_app

    namespace = get_and_validate_app().app.event_namespace
    return namespace is None or token in namespace.token_to_sid
