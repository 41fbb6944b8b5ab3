"""Durable background tasks on a real SQLite file: queueing, claiming, recovery, the research trigger."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from peregrine import db
from peregrine.domain.stages import MoveSource, RejectionReason, Stage
from peregrine.models import Candidate, Task
from peregrine.services import tasks
from peregrine.services.jobs import move_job, undo_last_move
from peregrine.services.research import queue_research_again
from tests.factories import new_job

RESEARCH = tasks.TaskKind.COMPANY_RESEARCH


def research_tasks(job_id: int) -> list[Task]:
    with db.session_scope() as session:
        return list(session.exec(select(Task).where(Task.job_id == job_id, Task.kind == RESEARCH.value)))


def test_entering_phone_screen_queues_exactly_one_research_task(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, candidate.id)
    result = move_job(session, job_id, Stage.PHONE_SCREEN, source=MoveSource.DRAG)
    session.commit()

    queued = research_tasks(job_id)
    assert [(task.id, task.status) for task in queued] == [(result.queued_task_id, "queued")]


def test_other_moves_queue_nothing(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, candidate.id)
    result = move_job(session, job_id, Stage.SURVEY, source=MoveSource.BUTTON)
    session.commit()
    assert result.queued_task_id is None
    assert research_tasks(job_id) == []


def test_research_starts_by_itself_once_per_job(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, candidate.id)
    move_job(session, job_id, Stage.PHONE_SCREEN, source=MoveSource.BUTTON)
    undo_last_move(session, job_id)
    again = move_job(session, job_id, Stage.PHONE_SCREEN, source=MoveSource.BUTTON)
    session.commit()

    assert again.queued_task_id is None
    assert len(research_tasks(job_id)) == 1


def test_rejected_then_restored_to_phone_screen_does_not_research_again(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, candidate.id)
    move_job(session, job_id, Stage.PHONE_SCREEN, source=MoveSource.BUTTON)
    move_job(session, job_id, Stage.REJECTED, source=MoveSource.BUTTON, reason=RejectionReason.GHOSTED)
    move_job(session, job_id, Stage.PHONE_SCREEN, source=MoveSource.BUTTON)
    session.commit()
    assert len(research_tasks(job_id)) == 1


def test_research_again_while_one_is_active_returns_the_active_one(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, candidate.id)
    first = tasks.queue_task(session, RESEARCH, job_id)
    second = queue_research_again(session, job_id)
    session.commit()
    assert first.id == second.id
    assert len(research_tasks(job_id)) == 1


def test_the_database_refuses_two_active_tasks_for_one_job(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, candidate.id)
    session.add(Task(kind=RESEARCH.value, job_id=job_id))
    session.commit()
    session.add(Task(kind=RESEARCH.value, job_id=job_id, status="running"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_research_again_after_a_finished_run_queues_a_new_one(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, candidate.id)
    first = tasks.queue_task(session, RESEARCH, job_id)
    session.commit()
    assert first.id is not None
    assert tasks.claim_task(session, first.id)
    tasks.fail_task(session, first.id, "SearXNG is down")
    second = queue_research_again(session, job_id)
    session.commit()

    assert second.id != first.id
    assert sorted(task.status for task in research_tasks(job_id)) == ["failed", "queued"]


def test_a_task_is_claimed_once(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, candidate.id)
    task = tasks.queue_task(session, RESEARCH, job_id)
    session.commit()
    assert task.id is not None

    assert tasks.claim_task(session, task.id) is True
    assert tasks.claim_task(session, task.id) is False
    session.commit()
    (stored,) = research_tasks(job_id)
    assert (stored.status, stored.attempts) == ("running", 1)
    assert stored.started_at is not None


def test_a_restart_queues_running_tasks_again(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, candidate.id)
    other_id = new_job(session, candidate.id, company="Globex")
    running = tasks.queue_task(session, RESEARCH, job_id)
    done = tasks.queue_task(session, RESEARCH, other_id)
    session.commit()
    assert running.id is not None
    assert done.id is not None
    tasks.claim_task(session, running.id)
    tasks.set_phase(session, running.id, "Reading the news")
    tasks.claim_task(session, done.id)
    tasks.finish_task(session, done.id)
    session.commit()

    assert tasks.recover_interrupted(session) == 1
    session.commit()

    (recovered,) = research_tasks(job_id)
    assert (recovered.status, recovered.phase, recovered.error) == ("queued", "", tasks.INTERRUPTED_MESSAGE)
    assert [task.status for task in research_tasks(other_id)] == ["succeeded"]
    assert [task.id for task in tasks.queued_tasks(session)] == [running.id]


def test_a_run_reads_the_same_on_every_page() -> None:
    """`progress_of`: the status line's words, derived from the row without a database."""
    assert tasks.progress_of(None) == tasks.TaskProgress()
    queued = tasks.progress_of(Task(kind=RESEARCH.value, job_id=1, error=tasks.INTERRUPTED_MESSAGE))
    assert (queued.status, queued.label, queued.error) == ("queued", "Waiting for its turn", "")
    starting = tasks.progress_of(Task(kind=RESEARCH.value, job_id=1, status="running"))
    assert (starting.label, starting.phase) == ("Starting", "")
    writing = tasks.progress_of(Task(kind=RESEARCH.value, job_id=1, status="running", phase="Searching"))
    assert (writing.label, writing.phase) == ("Searching", "Searching")
    failed = tasks.progress_of(Task(kind=RESEARCH.value, job_id=1, status="failed", error="No answer"))
    assert (failed.status, failed.label, failed.error) == ("failed", "", "No answer")
    done = tasks.progress_of(Task(kind=RESEARCH.value, job_id=1, status="succeeded"))
    assert (done.status, done.label, done.error) == ("succeeded", "", "")
