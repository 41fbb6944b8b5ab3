"""The tables, and the bases that name a record's user-editable fields once.

Plain SQLModel; the schema changes only through Alembic migrations. A record the user edits is a
family, as in the FastAPI full-stack template: `JobBase` lists the fields a user fills in, with
their types, defaults and limits (`domain.limits`); the table `Job(JobBase, table=True)` adds what
the app keeps, and the API's `JobIn` (`api.schemas`) is the same base with the API's own extras. A
table is not validated on construction, so the limits bind where input arrives: the API's schema,
and the service's check (`services.errors.check_lengths`), which refuses with the field's name.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, StringConstraints
from sqlalchemy import JSON, Column, Index, text
from sqlmodel import AutoString, Field, SQLModel

from peregrine.domain import limits


def utcnow() -> datetime:
    return datetime.now(UTC)


def _sane_day(value: date) -> date:
    if not 1900 <= value.year <= 2200:
        raise ValueError("must be between the years 1900 and 2200")
    return value


#: A day a user can mean (the database and the pages read years 1900-2200 only).
Day = Annotated[date, AfterValidator(_sane_day)]
#: A whole amount of money, in units of its currency.
Amount = Annotated[int, Field(ge=0, le=1_000_000_000)]


def limited_text(limit: int, **options: Any) -> Any:
    """A text field of at most `limit` characters where input is validated. Its column stays a
    plain VARCHAR (`sa_type`): SQLite does not enforce lengths, and a limit can change without a
    migration."""
    return Field(max_length=limit, sa_type=AutoString, **options)


class Candidate(SQLModel, table=True):
    """The person whose pipeline it is; every job belongs to one."""

    id: int | None = Field(default=None, primary_key=True)
    name: str
    email: str = ""
    headline: str = ""
    created_at: datetime = Field(default_factory=utcnow)


class JobBase(SQLModel):
    """The fields of a job a user fills in, as the table stores them and the API accepts them.

    The job description, work mode, tags and notes are not here: the API names or shapes them
    differently from the table (`description`, an enum, a list, notes kept when left out).
    """

    company: str = limited_text(limits.COMPANY, index=True, min_length=1)
    title: str = limited_text(limits.JOB_TITLE, min_length=1)
    url: str = limited_text(limits.JOB_URL, default="")
    location: str = limited_text(limits.LOCATION, default="")
    source: str = limited_text(
        limits.SOURCE, default="", index=True, description="where the job came from (its feeder source)"
    )
    recruiter: str = limited_text(limits.RECRUITER, default="")
    #: The day the application went out (an imported job's may be long before `created_at`).
    applied_on: Day | None = Field(default=None, description="the day you applied; default today (kept on update)")
    salary_min: Amount | None = None
    salary_max: Amount | None = None
    salary_currency: Annotated[str, StringConstraints(pattern="^([A-Za-z]{3})?$")] = limited_text(
        limits.CURRENCY, default=""
    )


class Job(JobBase, table=True):
    """One application, one card on the board.

    `stage` is written only by `services.jobs.move_job`. `version` grows with every
    write so a change made elsewhere (another tab, the API) is detected, never overwritten.
    """

    __table_args__ = (Index("ix_job_candidate_stage_position", "candidate_id", "stage", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    raw_jd_text: str = ""
    #: "" (not said), "remote", "hybrid" or "onsite" (domain.job_details.WorkMode).
    work_mode: str = ""
    #: Comma-joined, each tag once (domain.job_details.join_tags).
    tags: str = ""
    notes: str = ""
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
    #: When the job entered `from_stage`, so `at - from_entered_at` is the stay this move ended:
    #: time in stages is then one aggregate, not a window over every job's history. None for an
    #: undo and for the move it took back — a mistaken drag measures nothing.
    from_entered_at: datetime | None = None


class Task(SQLModel, table=True):
    """One background generation (company research, prep…), recorded before it runs.

    A row per run makes background work durable: a restart finds tasks left `running`
    and queues them again instead of leaving a spinner forever. At most one task of a
    kind is active (queued or running) per job; the database enforces it.
    """

    __table_args__ = (
        Index(
            "ux_task_active_per_target",
            "kind",
            "job_id",
            text("coalesce(interview_id, 0)"),
            unique=True,
            sqlite_where=text("status IN ('queued', 'running')"),
            postgresql_where=text("status IN ('queued', 'running')"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True)
    job_id: int | None = Field(default=None, foreign_key="job.id", index=True, ondelete="CASCADE")
    interview_id: int | None = Field(default=None, foreign_key="interview.id", index=True, ondelete="CASCADE")
    status: str = Field(default="queued", index=True)
    phase: str = ""
    attempts: int = 0
    error: str | None = None
    #: The parts this run makes, when it makes only some (a prep section's Retry); empty: all of them.
    sections: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None


class CompanyResearch(SQLModel, table=True):
    """The latest complete research brief of a job; replaced only by a newer complete one."""

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="job.id", unique=True, ondelete="CASCADE")
    brief: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    generated_at: datetime = Field(default_factory=utcnow)


class ResearchRevision(SQLModel, table=True):
    """A brief that became a job's research: written by a run, or put back by a restore.

    The newest is the brief shown; the others are its History, from which any can be restored
    (which records a revision of its own, so the History says what happened when)."""

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="job.id", index=True, ondelete="CASCADE")
    brief: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    #: When the brief was written by its run (a restore keeps the time of the brief it restores).
    generated_at: datetime = Field(default_factory=utcnow)
    made_by: str = "research"  # "research" or "restore"
    created_at: datetime = Field(default_factory=utcnow)


class Interview(SQLModel, table=True):
    """One interview round of a job; `order` is 1, 2, 3… per job with no gaps.

    `candidate_id` repeats the job's owner (a job never changes hands) so the per-kind analytics
    read one covering index instead of joining 400,000 rounds to their jobs.
    """

    __table_args__ = (
        Index("ux_interview_job_order", "job_id", "order", unique=True),
        Index(
            "ix_interview_candidate_kind_stats",
            "candidate_id",
            "kind",
            "outcome",
            "overall_rating",
            "technical_rating",
            "culture_fit_rating",
            "communication_rating",
            "job_id",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="job.id", index=True, ondelete="CASCADE")
    candidate_id: int = Field(foreign_key="candidate.id", ondelete="CASCADE")
    order: int
    name: str
    kind: str = "other"
    format: str = ""
    focus: str = ""
    interviewers: list[dict[str, str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    scheduled_at: datetime | None = None
    completed_at: datetime | None = None
    outcome: str = "pending"
    overall_rating: int | None = None
    technical_rating: int | None = None
    culture_fit_rating: int | None = None
    communication_rating: int | None = None
    notes: str = ""
    questions_asked: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    feedback: str = ""
    next_steps: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ExperienceProjectBase(SQLModel):
    """The text fields of a resume project a user fills in (the stack, a JSON list, is the table's)."""

    name: str = limited_text(limits.PROJECT_NAME, min_length=1)
    company: str = limited_text(limits.PROJECT_COMPANY, default="")
    role: str = limited_text(limits.PROJECT_ROLE, default="")
    period: str = limited_text(limits.PROJECT_PERIOD, default="")
    situation: str = limited_text(limits.PROJECT_STORY, default="")
    actions: str = limited_text(limits.PROJECT_STORY, default="")
    results: str = limited_text(limits.PROJECT_STORY, default="")
    metrics: str = limited_text(limits.PROJECT_STORY, default="")
    decisions: str = limited_text(limits.PROJECT_STORY, default="")


class ExperienceProject(ExperienceProjectBase, table=True):
    """A piece of work behind resume bullets: the authentic detail interview prep draws on."""

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True, ondelete="CASCADE")
    position: int = 0
    # A Column object belongs to one table, so a JSON column is declared on the table, not the base.
    stack: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ResumeBullet(SQLModel, table=True):
    """One line of the resume, tied to the project that can defend it."""

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="experienceproject.id", index=True, ondelete="CASCADE")
    position: int = 0
    text: str


class PrepBase(SQLModel, table=True):
    """The preparation every interview of a job shares (the base prep).

    Sections are markdown. `edited` lists the sections the user changed by hand, so a
    regenerate can ask before replacing them.
    """

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="job.id", unique=True, ondelete="CASCADE")
    formatted_jd: str = ""
    company_context: str = ""
    primary_drivers: str = ""
    background_narrative: str = ""
    edited: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    #: Why the last generation of a section failed (section → reason), until it succeeds or is edited.
    section_errors: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )
    #: What the prompt of a section left out to fit the model's window (section → notice).
    left_out: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}"))
    generated_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class InterviewPrep(SQLModel, table=True):
    """The preparation of one interview (its round prep).

    `predicted` keeps the predicted questions as plain strings, so the questions really
    asked in the round can be matched against them (the hit rate).
    """

    id: int | None = Field(default=None, primary_key=True)
    interview_id: int = Field(foreign_key="interview.id", unique=True, ondelete="CASCADE")
    prep_plan: str = ""
    predicted_questions: str = ""
    interviewer_questions: str = ""
    resume_defense_prep: str = ""
    technical_deep_dives: str = ""
    predicted: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    edited: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    #: As on `PrepBase`: why a section's last generation failed, and what its prompt left out.
    section_errors: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )
    left_out: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}"))
    generated_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class PrepRevision(SQLModel, table=True):
    """An earlier text of a prep section, kept when an edit or a regenerate replaced it."""

    __table_args__ = (Index("ix_preprevision_owner_section", "owner", "owner_id", "section"),)

    id: int | None = Field(default=None, primary_key=True)
    owner: str  # "base" (PrepBase) or "interview" (InterviewPrep)
    owner_id: int
    section: str
    text: str
    was_edited: bool = False
    replaced_by: str = ""  # "edit", "regenerate", "restore"
    created_at: datetime = Field(default_factory=utcnow)


class PracticeSession(SQLModel, table=True):
    """One practice interview for a round; its messages and, once ended, the scores."""

    id: int | None = Field(default=None, primary_key=True)
    interview_id: int = Field(foreign_key="interview.id", index=True, ondelete="CASCADE")
    started_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None
    scores: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    appended_to_notes: bool = False


class PracticeMessage(SQLModel, table=True):
    """One turn: the interviewer's (streamed; `stopped` when cut short) or the candidate's."""

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="practicesession.id", index=True, ondelete="CASCADE")
    role: str  # "interviewer" or "candidate"
    text: str
    stopped: bool = False
    at: datetime = Field(default_factory=utcnow)


class SurveyResponse(SQLModel, table=True):
    """One culture-fit survey of a job: what was pasted or read from screenshots, and the answers.

    `images` lists each uploaded screenshot as stored: {name, stored_as, text, reader, error}.
    `questions` lists {question, answer, rationale, error}, the answers as the user last saved them
    (`error`: why the language model's last answer to it was not kept).
    """

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="job.id", index=True, ondelete="CASCADE")
    pasted_text: str = ""
    images: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    questions: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = "draft"  # draft, answered, done
    error: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class EmailMessage(SQLModel, table=True):
    """One message read from the mailbox (never changed there), stored once by its Message-ID.

    It carries how it was classified (and the sentence that decided it), which job it was
    matched to, and the action taken: the stage move it made (undoable) or why it waits for review.
    """

    __table_args__ = (Index("ux_emailmessage_candidate_message", "candidate_id", "message_id", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True, ondelete="CASCADE")
    message_id: str
    folder: str = ""
    uid: int | None = None
    sender: str = ""
    sender_domain: str = Field(default="", index=True)
    subject: str = ""
    received_at: datetime | None = None
    excerpt: str = ""
    classification: str = ""  # interview_request, rejection, offer, survey_received, other
    confidence: float = 0.0
    evidence: str = ""
    classified_by: str = ""  # llm, rules, user
    job_id: int | None = Field(default=None, foreign_key="job.id", index=True, ondelete="SET NULL")
    match: str = ""  # matched, ambiguous, none, user
    match_candidates: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    action: str = ""  # moved, review, none, undone
    action_note: str = ""
    stage_event_id: int | None = None
    status: str = Field(default="new", index=True)  # new, processed, failed
    error: str | None = None
    attempts: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    processed_at: datetime | None = None


class OfferBase(SQLModel):
    """The fields of an offer a user fills in."""

    base_salary: Amount | None = None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")] = "USD"
    bonus: Amount | None = None
    equity: str = limited_text(limits.OFFER_EQUITY, default="")
    signing_bonus: Amount | None = None
    start_date: Day | None = None
    decision_deadline: Day | None = None
    notes: str = limited_text(limits.OFFER_NOTES, default="")


class Offer(OfferBase, table=True):
    """The offer of a job.

    Amounts are whole units of the offer's currency: offers are compared in round figures.
    """

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="job.id", unique=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ApiToken(SQLModel, table=True):
    """A bearer token for the REST API, stored only as its SHA-256 hash; revoked, it stops working."""

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True, ondelete="CASCADE")
    name: str = "default"
    token_hash: str = Field(unique=True)
    prefix: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class ImportMapping(SQLModel, table=True):
    """How a candidate mapped a spreadsheet's columns and statuses, kept for the next file with the
    same headers (`headers_key` is a hash of the normalised headers, `domain.spreadsheet.headers_key`)."""

    __table_args__ = (Index("ux_importmapping_candidate_headers", "candidate_id", "headers_key", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", ondelete="CASCADE")
    headers_key: str
    #: One `domain.spreadsheet.ImportField` value per column, in the file's order.
    columns: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    #: Each normalised status value of the file and the `StatusChoice` value it became.
    statuses: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    #: "" or a `domain.spreadsheet.DateOrder` value.
    date_order: str = ""
    updated_at: datetime = Field(default_factory=utcnow)


class CalendarFeed(SQLModel, table=True):
    """The secret of a candidate's calendar subscription (`/calendar/<secret>.ics`), stored only as
    its SHA-256 hash: calendar apps cannot send an API token, so the address is the credential.
    Regenerating revokes the old one; a revoked feed answers 404."""

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True, ondelete="CASCADE")
    secret_hash: str = Field(unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
