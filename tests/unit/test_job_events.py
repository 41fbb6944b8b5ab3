"""Jobs changed elsewhere are announced once their change commits, and never lost by a busy reader."""

from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy.exc import IntegrityError

from peregrine import db
from peregrine.domain.interviews import InterviewKind
from peregrine.domain.stages import MoveSource, Stage
from peregrine.models import Candidate, Task
from peregrine.services import interviews, job_events
from peregrine.services.jobs import move_job
from tests.factories import seed_job


def test_a_committed_move_is_announced_and_a_rolled_back_one_is_not(candidate: Candidate) -> None:
    job_id = seed_job()
    start = job_events.latest()

    def failing_request() -> None:
        with db.session_scope() as session:
            move_job(session, job_id, Stage.PHONE_SCREEN, source=MoveSource.API, research=False)
            raise RuntimeError("the request failed after the move")

    with pytest.raises(RuntimeError):
        failing_request()
    assert asyncio.run(job_events.changes_after(start, timeout_s=0.05)) == (start, job_events.NOTHING)

    with db.session_scope() as session:
        move_job(session, job_id, Stage.PHONE_SCREEN, source=MoveSource.API, research=False)
    seq, changed = asyncio.run(job_events.changes_after(start, timeout_s=0.05))
    assert (seq > start, changed) == (True, job_events.Changes(frozenset({job_id})))


def test_new_jobs_rounds_and_deletions_are_announced(candidate: Candidate) -> None:
    start = job_events.latest()
    first, second = seed_job("Acme"), seed_job("Globex")
    with db.session_scope() as session:
        interviews.add_round(session, second, interviews.RoundFields("Screen", kind=InterviewKind.RECRUITER))
    _, changed = asyncio.run(job_events.changes_after(start, timeout_s=0.05))
    assert changed is not None
    assert changed.ids == frozenset({first, second}), "a busy reader gets everything since its last look"
    assert changed.unversioned == frozenset({second}), "a new round changes the card, not the job's version"


def test_a_waiting_reader_wakes_when_another_thread_commits(candidate: Candidate) -> None:
    job_id = seed_job()
    start = job_events.latest()

    def move_soon() -> None:
        with db.session_scope() as session:
            move_job(session, job_id, Stage.SURVEY, source=MoveSource.EMAIL)

    async def wait() -> tuple[float, job_events.Changes | None]:
        loop = asyncio.get_running_loop()
        began = loop.time()
        threading.Timer(0.2, move_soon).start()
        _, changed = await job_events.changes_after(start, timeout_s=5)
        return loop.time() - began, changed

    waited, changed = asyncio.run(wait())
    assert changed == job_events.Changes(frozenset({job_id}))
    assert 0.15 < waited < 2, "woken by the commit, not by the timeout"


def test_a_reader_that_fell_behind_the_log_is_told_to_reload(candidate: Candidate) -> None:
    start = job_events.latest()
    for job_id in range(job_events._LOG_SIZE + 5):
        job_events.announce(job_events.Changes(frozenset({job_id + 1})))
    seq, changed = asyncio.run(job_events.changes_after(start, timeout_s=0.05))
    assert (seq, changed) == (job_events.latest(), None)


def test_nothing_is_announced_before_the_outer_transaction_commits(candidate: Candidate) -> None:
    """Entering Phone screen queues research inside a SAVEPOINT; releasing it is not the commit."""
    job_id = seed_job()
    start = job_events.latest()

    with db.session_scope() as session:
        move_job(session, job_id, Stage.PHONE_SCREEN, source=MoveSource.API)  # research queued in a savepoint
        assert asyncio.run(job_events.changes_after(start, timeout_s=0.01)) == (start, job_events.NOTHING)
        with pytest.raises(IntegrityError), session.begin_nested():  # a savepoint that fails
            session.add(Task(kind="company_research", job_id=job_id))

    _, changed = asyncio.run(job_events.changes_after(start, timeout_s=0.05))
    assert changed == job_events.Changes(frozenset({job_id})), "announced once, at the commit"
