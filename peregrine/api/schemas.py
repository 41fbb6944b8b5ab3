"""What the REST API accepts and returns (pydantic).

A job's and an offer's input extend the base of their table (`models.JobBase`, `models.OfferBase`),
so a field and its limit are written once for the table and the API (the service's input, a
dataclass by the same names, is kept in step by tests/unit/test_limits.py). The answers
(`JobOut`, `OfferOut`) are declared apart: every field of an answer is required and unbounded, since
it states what is stored, where an input's fields have defaults and limits.

Bounds are part of the contract: text has a maximum length, numbers and dates a sane range,
so a request the database could not store is a 422 with a reason, never a 500. Every text
limit comes from `domain.limits`, the table the pages and the services use: what the API
accepts, a page can show and edit, and the other way round.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from peregrine.domain import limits
from peregrine.domain.interviews import InterviewKind, RoundOutcome
from peregrine.domain.job_details import WorkMode
from peregrine.domain.stages import RejectionReason, Stage
from peregrine.models import JobBase, OfferBase


def _sane_moment(value: datetime) -> datetime:
    """Aware and within 1900-2200: naive times are read as UTC."""
    moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if not 1900 <= moment.year <= 2200:
        raise ValueError("must be between the years 1900 and 2200")
    return moment.astimezone(UTC)


Moment = Annotated[datetime, AfterValidator(_sane_moment)]
Rating = Annotated[int, Field(ge=1, le=5)]
Version = Annotated[int, Field(ge=1, le=2**62)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class JobIn(JobBase):
    # A job as sent: `models.JobBase`'s fields, and those the API shapes its own way. (A comment,
    # not a docstring: a docstring would become the schema's description in the OpenAPI document.)

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]  # SQLModel types it as its own TypedDict

    description: Annotated[str, Field(max_length=limits.JOB_DESCRIPTION)] = Field(
        default="", description="the job description as posted"
    )
    work_mode: WorkMode | None = Field(default=None, description="remote, hybrid or onsite; none when not said")
    tags: Annotated[list[Annotated[str, Field(max_length=limits.JOB_TAG)]], Field(max_length=limits.JOB_TAGS)] = []
    notes: Annotated[str, Field(max_length=limits.JOB_NOTES)] | None = Field(
        default=None, description="free-text notes; left out, they are kept as they are"
    )


class JobUpdate(JobIn):
    expected_version: Version | None = Field(
        default=None, description="the version you read; a job changed since is refused with 409"
    )


class JobOut(BaseModel):
    id: int
    company: str
    title: str
    url: str
    location: str
    source: str
    recruiter: str
    description: str
    applied_on: date | None
    work_mode: WorkMode | None
    salary_min: int | None
    salary_max: int | None
    salary_currency: str
    tags: list[str]
    notes: str
    stage: Stage
    rejection_stage: Stage | None
    rejection_reason: RejectionReason | None
    final_outcome: str = Field(description="in_progress, hired, or rejected")
    version: int
    created_at: datetime
    updated_at: datetime


class MoveIn(Strict):
    to_stage: Stage
    expected_version: Version | None = None
    reason: RejectionReason | None = Field(default=None, description="required when moving to rejected")


class Interviewer(Strict):
    name: Annotated[str, Field(min_length=1, max_length=limits.INTERVIEWER_NAME)]
    role: Annotated[str, Field(max_length=limits.INTERVIEWER_ROLE)] = ""


class RoundIn(Strict):
    name: Annotated[str, Field(min_length=1, max_length=limits.ROUND_NAME)]
    kind: InterviewKind = InterviewKind.OTHER
    format: Annotated[str, Field(max_length=limits.ROUND_FORMAT)] = ""
    focus: Annotated[str, Field(max_length=limits.ROUND_FOCUS)] = ""
    interviewers: Annotated[list[Interviewer], Field(max_length=limits.INTERVIEWERS)] = []
    scheduled_at: Moment | None = None


class RoundCreate(RoundIn):
    position: Annotated[int, Field(ge=1, le=1000)] | None = Field(
        default=None, description="1-based place among the job's rounds; default last"
    )


class OutcomeIn(Strict):
    outcome: RoundOutcome
    overall_rating: Rating | None = None
    technical_rating: Rating | None = None
    culture_fit_rating: Rating | None = None
    communication_rating: Rating | None = None
    notes: Annotated[str, Field(max_length=limits.ROUND_NOTES)] | None = None
    feedback: Annotated[str, Field(max_length=limits.ROUND_FEEDBACK)] | None = None
    next_steps: Annotated[str, Field(max_length=limits.ROUND_NEXT_STEPS)] | None = None
    completed_at: Moment | None = None


class RoundOut(BaseModel):
    id: int
    job_id: int
    order: int
    name: str
    kind: InterviewKind
    format: str
    focus: str
    interviewers: list[dict[str, str]]
    scheduled_at: datetime | None
    completed_at: datetime | None
    outcome: RoundOutcome
    overall_rating: int | None
    technical_rating: int | None
    culture_fit_rating: int | None
    communication_rating: int | None
    notes: str
    feedback: str
    next_steps: str


class OfferIn(OfferBase):
    # An offer as sent: exactly `models.OfferBase`'s fields.

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]  # as JobIn


class OfferOut(BaseModel):
    job_id: int
    base_salary: int | None
    currency: str
    bonus: int | None
    equity: str
    signing_bonus: int | None
    start_date: date | None
    decision_deadline: date | None
    notes: str


class FunnelStepOut(BaseModel):
    stage: Stage
    reached: int
    share: float | None
    pass_rate: float | None


class ConversionOut(BaseModel):
    """Seed 002's feeder figures."""

    source: str
    jobs: int
    interviews: int
    offers: int
    hired: int
    interview_rate: float | None
    offer_rate: float | None
    conversion_rate: float | None


class StageSuccessOut(BaseModel):
    kind: InterviewKind
    rounds: int
    passed: int
    failed: int
    success_rate: float | None
    average_ratings: dict[str, float | None]


class CompanyStatsOut(BaseModel):
    """Seed 002 §7's company hiring insights."""

    company: str
    total_applications: int
    interview_rate: float | None
    offer_rate: float | None
    hired: int
    average_days_to_decision: float | None
    sources_with_interviews: list[str]
    rejection_reasons: dict[str, int]


class Problem(BaseModel):
    detail: str
    allowed: list[Stage] | None = None


class CapturePreviewIn(Strict):
    """A page as the browser extension or bookmarklet reads it."""

    url: Annotated[str, Field(max_length=limits.JOB_URL)]
    title: Annotated[str, Field(max_length=limits.JOB_TITLE * 4)] = ""
    # Bounded by the edge's body limit for this path; over 5 MB the service refuses with the reason.
    html: str = Field(description="the page's HTML (document.documentElement.outerHTML)")
    selection: Annotated[str, Field(max_length=limits.JOB_DESCRIPTION)] = ""


class CapturedFieldsOut(BaseModel):
    company: str
    title: str
    location: str
    work_mode: WorkMode | None
    salary_min: int | None
    salary_max: int | None
    salary_currency: str
    description: str
    url: str
    source: str


class CaptureWarningOut(BaseModel):
    kind: str = Field(description="duplicate, rejected or ghosted")
    message: str
    job_id: int | None
    job_url: str | None = Field(description="the job's page, a path on this server")


class CapturePreviewOut(BaseModel):
    fields: CapturedFieldsOut
    warnings: list[CaptureWarningOut]
    extracted_by: str = Field(description="json-ld, microdata, an ATS adapter's name (greenhouse…), or text")


class CaptureIn(JobIn):
    saved: bool = Field(default=False, description="not applied yet: saved outside the pipeline")


class CaptureOut(BaseModel):
    job_id: int
    job_url: str = Field(description="the job's page, a path on this server")
