"""What the REST API accepts and returns (pydantic), kept apart from the tables it maps to.

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


def _sane_moment(value: datetime) -> datetime:
    """Aware and within 1900-2200: naive times are read as UTC."""
    moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if not 1900 <= moment.year <= 2200:
        raise ValueError("must be between the years 1900 and 2200")
    return moment.astimezone(UTC)


def _sane_day(value: date) -> date:
    if not 1900 <= value.year <= 2200:
        raise ValueError("must be between the years 1900 and 2200")
    return value


Moment = Annotated[datetime, AfterValidator(_sane_moment)]
Day = Annotated[date, AfterValidator(_sane_day)]
Amount = Annotated[int, Field(ge=0, le=1_000_000_000)]
Rating = Annotated[int, Field(ge=1, le=5)]
Version = Annotated[int, Field(ge=1, le=2**62)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class JobIn(Strict):
    company: Annotated[str, Field(min_length=1, max_length=limits.COMPANY)]
    title: Annotated[str, Field(min_length=1, max_length=limits.JOB_TITLE)]
    url: Annotated[str, Field(max_length=limits.JOB_URL)] = ""
    location: Annotated[str, Field(max_length=limits.LOCATION)] = ""
    source: Annotated[str, Field(max_length=limits.SOURCE)] = Field(
        default="", description="where the job came from (seed 002's feeder source)"
    )
    recruiter: Annotated[str, Field(max_length=limits.RECRUITER)] = ""
    description: Annotated[str, Field(max_length=limits.JOB_DESCRIPTION)] = Field(
        default="", description="the job description as posted"
    )
    applied_on: Day | None = Field(default=None, description="the day you applied; default today (kept on update)")
    work_mode: WorkMode | None = Field(default=None, description="remote, hybrid or onsite; none when not said")
    salary_min: Amount | None = None
    salary_max: Amount | None = None
    salary_currency: Annotated[str, Field(pattern="^([A-Za-z]{3})?$", max_length=limits.CURRENCY)] = ""
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


class OfferIn(Strict):
    base_salary: Amount | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Za-z]{3}$")] = "USD"
    bonus: Amount | None = None
    equity: Annotated[str, Field(max_length=limits.OFFER_EQUITY)] = ""
    signing_bonus: Amount | None = None
    start_date: Day | None = None
    decision_deadline: Day | None = None
    notes: Annotated[str, Field(max_length=limits.OFFER_NOTES)] = ""


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
