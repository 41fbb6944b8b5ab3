"""Runs queued tasks in the backend process, whoever queued them (board, API, email).

Started once with the backend (a Reflex lifespan task). At start it puts tasks a
stopped process left running back in the queue; then it runs what is queued, at
most `max_concurrent_calls` (config/llm.yaml) at a time, waking at once when `wake()` is called and otherwise
checking the queue every few seconds. Every task asks a language model, so while `llm.yaml` names
no usable backend nothing is claimed: the tasks wait, queued, and start once one is configured
(the file is read again at every look at the queue).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable

from peregrine import db
from peregrine.llm.settings import llm_configured, load_llm_settings
from peregrine.models import Task
from peregrine.services import tasks
from peregrine.services.prep import run_base_prep, run_interview_prep
from peregrine.services.research import run_company_research

log = logging.getLogger("peregrine.tasks")

Runner = Callable[[int], Awaitable[bool]]
RUNNERS: dict[str, Runner] = {
    tasks.TaskKind.COMPANY_RESEARCH.value: lambda task_id: run_company_research(task_id),
    tasks.TaskKind.BASE_PREP.value: lambda task_id: run_base_prep(task_id),
    tasks.TaskKind.INTERVIEW_PREP.value: lambda task_id: run_interview_prep(task_id),
}

_wakeup: asyncio.Event | None = None


def wake() -> None:
    """Something was queued: look at the queue now rather than at the next tick."""
    if _wakeup is not None:
        _wakeup.set()


async def run_forever(poll_seconds: float = 3.0, concurrency: int | None = None) -> None:
    """Run queued tasks until cancelled; at most `concurrency` at once (llm.yaml's max_concurrent_calls)."""
    global _wakeup
    _wakeup = asyncio.Event()
    if concurrency is None:
        concurrency = load_llm_settings().max_concurrent_calls
    with db.session_scope() as session:
        recovered = tasks.recover_interrupted(session)
    if recovered:
        log.info("queued %d interrupted task(s) again", recovered)
    running: dict[int, asyncio.Task[None]] = {}
    try:
        while True:
            _wakeup.clear()
            for task in _next_tasks(concurrency - len(running), exclude=set(running)):
                assert task.id is not None
                running[task.id] = asyncio.create_task(_run(task))
                running[task.id].add_done_callback(functools.partial(_forget, running, task.id))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_wakeup.wait(), timeout=poll_seconds)
    finally:
        for job in running.values():
            job.cancel()


def _forget(running: dict[int, asyncio.Task[None]], task_id: int, _done: asyncio.Task[None]) -> None:
    running.pop(task_id, None)


def _next_tasks(room: int, *, exclude: set[int]) -> list[Task]:
    if room <= 0 or not llm_configured():
        return []  # no backend: a run could only fail; the task waits for one instead
    with db.session_scope() as session:
        return [task for task in tasks.queued_tasks(session, limit=room + len(exclude)) if task.id not in exclude][
            :room
        ]


async def _run(task: Task) -> None:
    runner = RUNNERS.get(task.kind)
    assert task.id is not None
    if runner is None:
        with db.session_scope() as session:
            tasks.fail_task(session, task.id, f"No runner for tasks of kind {task.kind!r}.")
        return
    try:
        await runner(task.id)
    finally:
        wake()  # a slot is free: look at the queue again
