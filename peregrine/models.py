"""The tables. Plain SQLModel; the schema changes only through Alembic migrations."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Candidate(SQLModel, table=True):
    """The person whose pipeline it is; every job belongs to one."""

    id: int | None = Field(default=None, primary_key=True)
    name: str
    email: str = ""
    headline: str = ""
    created_at: datetime = Field(default_factory=utcnow)


class Job(SQLModel, table=True):
    """One application, one card on the board.

    `stage` is written only by `services.jobs.move_job`. `version` grows with every
    write so a change made elsewhere (another tab, the API) is detected, never overwritten.
    """

    __table_args__ = (Index("ix_job_candidate_stage_position", "candidate_id", "stage", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    company: str = Field(index=True)
    title: str
    url: str = ""
    location: str = ""
    source: str = Field(default="", index=True)
    recruiter: str = ""
    raw_jd_text: str = ""
    stage: str = Field(default="applied")
    stage_entered_at: datetime = Field(default_factory=utcnow)
    rejection_stage: str | None = None
    rejection_reason: str | None = None
    position: float = 0.0
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class StageEvent(SQLModel, table=True):
    """Every stage move, in order: the job's history, undo and the analytics stand on it."""

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="job.id", index=True, ondelete="CASCADE")
    from_stage: str
    to_stage: str
    rejection_reason: str | None = None
    source: str
    at: datetime = Field(default_factory=utcnow)
