"""Following work done elsewhere from a page: background runs (refresh while one is going, stop
when it is over) and job changes written by other writers (while the tab is open)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

from peregrine.services import job_events
from peregrine.services.task_events import wait_for_change

#: How often an idle page checks that its tab is still open (changes themselves arrive at once).
CHANGES_CHECK_SECONDS = 30.0


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


async def job_changes(state: Any, flag: str) -> AsyncIterator[tuple[int, job_events.Changes | None]]:
    """The body of a page's background `follow_changes`: while its tab is open, each batch of jobs
    changed after the state's `_change_seq`, as their writes commit, with the sequence number to
    store once the page has shown them. None instead of changes: the page fell behind, read
    everything again. One per page (`flag`)."""
    async with one_follower(state, flag) as mine:
        if not mine:
            return
        async with state:
            token = state.router.session.client_token
        while client_connected(token):
            async with state:
                seq = state._change_seq
            seq, changes = await job_events.changes_after(seq, timeout_s=CHANGES_CHECK_SECONDS)
            if changes is None or changes:
                yield seq, changes
