"""Durable background work: every generation is a `Task` row before it runs.

The row is the truth the UI shows (queued, running with its phase, succeeded,
failed with its cause), and what a restart recovers: tasks left `running` by a
stopped process are marked interrupted and queued again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from peregrine import db
from peregrine.models import Task, utcnow
from peregrine.services.task_events import task_changed


class TaskKind(StrEnum):
    COMPANY_RESEARCH = "company_research"
    BASE_PREP = "base_prep"
    INTERVIEW_PREP = "interview_prep"


class TaskStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


ACTIVE = (TaskStatus.QUEUED.value, TaskStatus.RUNNING.value)
INTERRUPTED_MESSAGE = "Interrupted by a restart; queued again."
#: What a run says before the runner names a phase of its own.
WAITING_LABEL = "Waiting for its turn"
STARTING_LABEL = "Starting"


@dataclass(frozen=True)
class TaskProgress:
    """A run as a page shows it, derived from its row by `progress_of` (one derivation for every page)."""

    #: "" when there is no run, else the row's `TaskStatus` value.
    status: str = ""
    #: The runner's own phase ("Writing the roadmap"), "" until it names one.
    phase: str = ""
    #: The status line while the run is queued or running: the phase, or that it waits or starts.
    label: str = ""
    #: Why it failed; "" unless it failed (a queued-again run keeps its old error in the row, unshown).
    error: str = ""


def progress_of(task: Task | None) -> TaskProgress:
    """What a page says about `task` (the latest run of a target, or None when it never ran)."""
    if task is None:
        return TaskProgress()
    failed = task.status == TaskStatus.FAILED.value
    waiting = WAITING_LABEL if task.status == TaskStatus.QUEUED.value else STARTING_LABEL
    label = (task.phase or waiting) if task.status in ACTIVE else ""
    return TaskProgress(task.status, task.phase or "", label, task.error or "" if failed else "")


def _of_target(kind: TaskKind, job_id: int, interview_id: int | None) -> Any:
    """The tasks of one target: a job (no interview) or one interview of it."""
    interview = col(Task.interview_id)
    return and_(
        col(Task.kind) == kind.value,
        col(Task.job_id) == job_id,
        interview.is_(None) if interview_id is None else interview == interview_id,
    )


def active_task(session: Session, kind: TaskKind, job_id: int, interview_id: int | None = None) -> Task | None:
    return session.exec(
        select(Task).where(_of_target(kind, job_id, interview_id), col(Task.status).in_(ACTIVE))
    ).first()


def latest_task(session: Session, kind: TaskKind, job_id: int, interview_id: int | None = None) -> Task | None:
    return session.exec(
        select(Task).where(_of_target(kind, job_id, interview_id)).order_by(col(Task.id).desc()).limit(1)
    ).first()


def queue_task(
    session: Session, kind: TaskKind, job_id: int, interview_id: int | None = None, *, sections: Sequence[str] = ()
) -> Task:
    """Queue a run (of only `sections` of its target, when given), or return the one already queued
    or running for this target (never two at once)."""
    existing = active_task(session, kind, job_id, interview_id)
    if existing is not None:
        return existing
    task = Task(kind=kind.value, job_id=job_id, interview_id=interview_id, sections=list(sections))
    try:
        with session.begin_nested():
            session.add(task)
    except IntegrityError:  # another process queued it a moment ago
        found = active_task(session, kind, job_id, interview_id)
        assert found is not None
        return found
    return task


def queue_first_research(session: Session, job_id: int) -> Task | None:
    """Entering Phone screen researches the company once per job; "Research again" is explicit."""
    if latest_task(session, TaskKind.COMPANY_RESEARCH, job_id) is not None:
        return None
    return queue_task(session, TaskKind.COMPANY_RESEARCH, job_id)


def claim_task(session: Session, task_id: int) -> bool:
    """Mark a queued task running; False if someone else claimed it first."""
    claimed = session.execute(
        update(Task)
        .where(col(Task.id) == task_id, col(Task.status) == TaskStatus.QUEUED.value)
        .values(
            status=TaskStatus.RUNNING.value,
            attempts=col(Task.attempts) + 1,
            started_at=utcnow(),
            finished_at=None,
            phase="",
        )
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return claimed.rowcount == 1  # type: ignore[attr-defined]


def set_phase(session: Session, task_id: int, phase: str) -> None:
    session.execute(update(Task).where(col(Task.id) == task_id).values(phase=phase))


def finish_task(session: Session, task_id: int) -> None:
    session.execute(
        update(Task)
        .where(col(Task.id) == task_id)
        .values(status=TaskStatus.SUCCEEDED.value, phase="", error=None, finished_at=utcnow())
    )


def fail_task(session: Session, task_id: int, error: str) -> None:
    session.execute(
        update(Task)
        .where(col(Task.id) == task_id)
        .values(status=TaskStatus.FAILED.value, phase="", error=error, finished_at=utcnow())
    )


def announce_phase(task_id: int, phase: str) -> None:
    """A runner's progress line, written in a transaction of its own; open pages follow at once."""
    with db.session_scope() as session:
        set_phase(session, task_id, phase)
    task_changed()


def announce_end(task_id: int, error: str | None) -> None:
    """A run ended: succeeded (no `error`) or failed with why, in a transaction of its own; open
    pages follow at once."""
    with db.session_scope() as session:
        if error is None:
            finish_task(session, task_id)
        else:
            fail_task(session, task_id, error)
    task_changed()


def queued_tasks(session: Session, limit: int = 10) -> list[Task]:
    return list(
        session.exec(select(Task).where(Task.status == TaskStatus.QUEUED.value).order_by(col(Task.id)).limit(limit))
    )


def recover_interrupted(session: Session) -> int:
    """At start-up: tasks a stopped process left running go back to the queue."""
    result = session.execute(
        update(Task)
        .where(col(Task.status) == TaskStatus.RUNNING.value)
        .values(status=TaskStatus.QUEUED.value, phase="", error=INTERRUPTED_MESSAGE)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
