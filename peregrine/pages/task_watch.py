"""Following background work from a page: refresh while a run is going, stop when it is over."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

from peregrine.services.task_events import wait_for_change


@contextlib.asynccontextmanager
async def one_follower(state: Any, flag: str) -> AsyncIterator[bool]:
    """One long-lived follower per page, however often the page starts it: the body gets True in the
    follower that runs (the state's `flag` is set until it ends) and False in any other."""
    async with state:
        mine = not getattr(state, flag)
        if mine:
            setattr(state, flag, True)
    if not mine:
        yield False
        return
    try:
        yield True
    finally:
        async with state:
            setattr(state, flag, False)


async def follow_tasks(state: Any, refresh: Callable[[], bool], *, poll_s: float = 1.0) -> None:
    """The body of a page's background `watch` event: call `refresh` (under the state's lock) each
    time a task changes, until it returns False (nothing left running). One per page (`_watching`)."""
    async with one_follower(state, "_watching") as mine:
        while mine:
            await wait_for_change(timeout_s=poll_s)
            async with state:
                if not refresh():
                    return


def client_connected(token: str) -> bool:
    """Whether the browser tab with this client token still has its websocket open: a page's
    long-lived follower ends with its tab instead of waiting on for nobody."""
    from reflex.utils.prerequisites import get_and_validate_app

    namespace = get_and_validate_app().app.event_namespace
    return namespace is None or token in namespace.token_to_sid
