"""The `/api/v1` endpoints (interview processes = jobs, their stages = rounds, outcomes, analytics)
plus jobs and the stage move, and the exports. Every lookup is scoped to the token's candidate:
another candidate's job is simply not found.
"""

from __future__ import annotations

import tempfile
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Path, Query, Response, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlalchemy import Row

from peregrine import db
from peregrine.api.deps import CandidateId, DbSession, TransactionInThread
from peregrine.api.schemas import (
    CompanyStatsOut,
    ConversionOut,
    FunnelStepOut,
    JobIn,
    JobOut,
    JobUpdate,
    MoveIn,
    OfferIn,
    OfferOut,
    OutcomeIn,
    Problem,
    RoundCreate,
    RoundIn,
    RoundOut,
    StageSuccessOut,
)
from peregrine.domain import limits
from peregrine.domain.job_details import WorkMode, split_tags
from peregrine.domain.stages import MoveSource, Stage
from peregrine.models import Interview, Job, JobBase, Offer
from peregrine.services import analytics, archive, downloads, export, interviews, offers
from peregrine.services import jobs as job_service
from peregrine.services.analytics import Filters
from peregrine.services.errors import NotFound

router = APIRouter(route_class=TransactionInThread)

Id = Annotated[int, Path(ge=1, le=2**62)]
CONFLICT: dict[int | str, dict[str, Any]] = {status.HTTP_409_CONFLICT: {"model": Problem}}
MISSING: dict[int | str, dict[str, Any]] = {status.HTTP_404_NOT_FOUND: {"model": Problem}}


# ----------------------------------------------------------------------------- mapping
Out = TypeVar("Out", bound=BaseModel)


def _read_as(schema: type[Out], record: Any, **named: Any) -> Out:
    """`record` (a row, a service's figures) as the API's `schema`: each field read from the
    attribute of its name, but for those the API names or shapes otherwise, given in `named`."""
    read = {name: getattr(record, name) for name in schema.model_fields if name not in named}
    return schema.model_validate(read | named)


def _job_out(job: Job | Row[Any]) -> JobOut:
    outcome = job.stage if job.stage in (Stage.HIRED.value, Stage.REJECTED.value) else "in_progress"
    return _read_as(
        JobOut,
        job,
        id=job.id or 0,
        description=job.raw_jd_text,
        work_mode=WorkMode(job.work_mode) if job.work_mode else None,
        tags=split_tags(job.tags),
        stage=Stage(job.stage),
        rejection_stage=Stage(job.rejection_stage) if job.rejection_stage else None,
        final_outcome=outcome,
    )


def _round_out(interview: Interview) -> RoundOut:
    return RoundOut.model_validate(interview, from_attributes=True)


def _offer_out(offer: Offer) -> OfferOut:
    return OfferOut.model_validate(offer, from_attributes=True)


def _fields(body: JobIn) -> job_service.JobFields:
    return job_service.JobFields(
        **body.model_dump(include=set(JobBase.model_fields)),
        raw_jd_text=body.description,
        work_mode=body.work_mode.value if body.work_mode else "",
        tags=body.tags,
    )


def _save_notes(session: DbSession, job: Job, body: JobIn) -> Job:
    """Notes sent with a job replace its notes; left out, they stay."""
    if body.notes is None:
        return job
    return job_service.save_notes(session, job.id or 0, body.notes, previous=job.notes)


def _round_fields(body: RoundIn) -> interviews.RoundFields:
    # The interviewers come as plain mappings; a new round's position is not one of its fields.
    return interviews.RoundFields(**body.model_dump(exclude={"position"}))


def _own_round(session: DbSession, interview_id: int, candidate: int) -> Interview:
    interview = interviews.get_round(session, interview_id)
    job_service.get_job(session, interview.job_id, candidate_id=candidate)  # another candidate's: 404
    return interview


# ----------------------------------------------------------------------------- jobs
@router.get("/jobs", tags=["jobs"])
def list_jobs(
    session: DbSession,
    candidate: CandidateId,
    stage: Stage | None = None,
    company: Annotated[str | None, Query(max_length=300)] = None,
    source: Annotated[str | None, Query(max_length=300)] = None,
    work_mode: WorkMode | None = None,
    tag: Annotated[str | None, Query(max_length=limits.JOB_TAG)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
) -> list[JobOut]:
    """The candidate's jobs (their interview processes), newest first."""
    return [
        _job_out(job)
        for job in job_service.list_jobs(
            session,
            candidate,
            stage=stage,
            company=company,
            source=source,
            work_mode=work_mode.value if work_mode else None,
            tag=tag,
            limit=limit,
            offset=offset,
        )
    ]


@router.post("/jobs", status_code=status.HTTP_201_CREATED, tags=["jobs"])
def create_job(body: JobIn, session: DbSession, candidate: CandidateId) -> JobOut:
    return _job_out(_save_notes(session, job_service.create_job(session, candidate, _fields(body)), body))


@router.get("/jobs/company/{company}", tags=["jobs"])
def jobs_at_company(
    company: Annotated[str, Path(min_length=1, max_length=300)], session: DbSession, candidate: CandidateId
) -> list[JobOut]:
    return [_job_out(job) for job in job_service.list_jobs(session, candidate, company=company, limit=500)]


@router.get("/jobs/{job_id}", responses=MISSING, tags=["jobs"])
async def get_job(job_id: Id, candidate: CandidateId) -> JobOut:
    # The API's busiest request: one primary-key read on a bare connection, on the event loop
    # (cheaper than a hop to a worker thread, and than an ORM session around one statement).
    with db.engine().connect() as connection:
        return _job_out(job_service.read_job(connection, job_id, candidate_id=candidate))


@router.put("/jobs/{job_id}", responses={**MISSING, **CONFLICT}, tags=["jobs"])
def update_job(job_id: Id, body: JobUpdate, session: DbSession, candidate: CandidateId) -> JobOut:
    job = job_service.get_job(session, job_id, candidate_id=candidate)
    expected = body.expected_version if body.expected_version is not None else job.version
    return _job_out(
        _save_notes(session, job_service.update_job(session, job_id, _fields(body), expected_version=expected), body)
    )


@router.delete("/jobs/{job_id}", status_code=status.HTTP_204_NO_CONTENT, responses=MISSING, tags=["jobs"])
def delete_job(job_id: Id, session: DbSession, candidate: CandidateId) -> Response:
    job_service.get_job(session, job_id, candidate_id=candidate)
    job_service.delete_job(session, job_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/jobs/{job_id}/move", responses={**MISSING, **CONFLICT}, tags=["jobs"])
def move_job(job_id: Id, body: MoveIn, session: DbSession, candidate: CandidateId) -> JobOut:
    """Move the job to another stage through the same rules as the board (409 with the allowed moves)."""
    moved = job_service.move_job(
        session,
        job_id,
        body.to_stage,
        source=MoveSource.API,
        expected_version=body.expected_version,
        reason=body.reason,
        candidate_id=candidate,
    )
    return _job_out(moved.job)


# ----------------------------------------------------------------------------- rounds
@router.get("/jobs/{job_id}/rounds", responses=MISSING, tags=["rounds"])
def list_rounds(job_id: Id, session: DbSession, candidate: CandidateId) -> list[RoundOut]:
    job_service.get_job(session, job_id, candidate_id=candidate)
    return [_round_out(interview) for interview in interviews.rounds_of(session, job_id)]


@router.post("/jobs/{job_id}/rounds", status_code=status.HTTP_201_CREATED, responses=MISSING, tags=["rounds"])
def add_round(job_id: Id, body: RoundCreate, session: DbSession, candidate: CandidateId) -> RoundOut:
    """Add a round (a stage of the process); the first round of an Applied job moves it, as on the job page."""
    job_service.get_job(session, job_id, candidate_id=candidate)
    return _round_out(interviews.add_round(session, job_id, _round_fields(body), position=body.position))


@router.get("/rounds/{round_id}", responses=MISSING, tags=["rounds"])
def get_round(round_id: Id, session: DbSession, candidate: CandidateId) -> RoundOut:
    return _round_out(_own_round(session, round_id, candidate))


@router.put("/rounds/{round_id}", responses=MISSING, tags=["rounds"])
def update_round(round_id: Id, body: RoundIn, session: DbSession, candidate: CandidateId) -> RoundOut:
    _own_round(session, round_id, candidate)
    return _round_out(interviews.update_round(session, round_id, _round_fields(body)))


@router.put("/rounds/{round_id}/outcome", responses=MISSING, tags=["rounds"])
def record_outcome(round_id: Id, body: OutcomeIn, session: DbSession, candidate: CandidateId) -> RoundOut:
    _own_round(session, round_id, candidate)
    ratings: dict[str, int | None] = {
        name: getattr(body, name)
        for name in ("overall_rating", "technical_rating", "culture_fit_rating", "communication_rating")
        if name in body.model_fields_set
    }
    return _round_out(
        interviews.record_outcome(
            session,
            round_id,
            outcome=body.outcome,
            ratings=ratings,
            notes=body.notes,
            feedback=body.feedback,
            next_steps=body.next_steps,
            completed_at=body.completed_at,
        )
    )


@router.delete("/rounds/{round_id}", status_code=status.HTTP_204_NO_CONTENT, responses=MISSING, tags=["rounds"])
def delete_round(round_id: Id, session: DbSession, candidate: CandidateId) -> Response:
    _own_round(session, round_id, candidate)
    interviews.delete_round(session, round_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# ----------------------------------------------------------------------------- offers
@router.get("/jobs/{job_id}/offer", responses=MISSING, tags=["offers"])
def get_offer(job_id: Id, session: DbSession, candidate: CandidateId) -> OfferOut:
    job_service.get_job(session, job_id, candidate_id=candidate)
    offer = offers.offer_of(session, job_id)
    if offer is None:
        raise NotFound(f"Job {job_id} has no offer.")
    return _offer_out(offer)


@router.put("/jobs/{job_id}/offer", responses=MISSING, tags=["offers"])
def put_offer(job_id: Id, body: OfferIn, session: DbSession, candidate: CandidateId) -> OfferOut:
    """Record the job's offer; a job before Offer moves to Offer through the move service."""
    recorded = offers.record_offer(session, job_id, offers.OfferFields(**body.model_dump()), candidate_id=candidate)
    return _offer_out(recorded.offer)


# ----------------------------------------------------------------------------- analytics
@router.get("/analytics/funnel", tags=["analytics"])
def funnel(
    session: DbSession,
    candidate: CandidateId,
    source: Annotated[str | None, Query(max_length=300)] = None,
    company: Annotated[str | None, Query(max_length=300)] = None,
) -> list[FunnelStepOut]:
    steps = analytics.conversion_funnel(session, candidate, Filters(source=source, company=company))
    return [FunnelStepOut.model_validate(step, from_attributes=True) for step in steps]


@router.get("/analytics/conversion-rates", tags=["analytics"])
def conversion_rates(session: DbSession, candidate: CandidateId) -> list[ConversionOut]:
    """Seed 002's conversion per feeder source."""
    return [_read_as(ConversionOut, c, source=c.name) for c in analytics.source_conversion(session, candidate)]


@router.get("/analytics/stage-success-rates", tags=["analytics"])
def stage_success_rates(session: DbSession, candidate: CandidateId) -> list[StageSuccessOut]:
    """Success rate and average ratings per round kind."""
    return [
        StageSuccessOut.model_validate(k, from_attributes=True) for k in analytics.round_kind_stats(session, candidate)
    ]


@router.get("/analytics/company-stats/{company}", responses=MISSING, tags=["analytics"])
def company_stats(
    company: Annotated[str, Path(min_length=1, max_length=300)], session: DbSession, candidate: CandidateId
) -> CompanyStatsOut:
    found = analytics.company_insights(session, candidate, company)
    if found is None:
        raise NotFound(f"No applications at {company}.")
    c = found.conversion
    return _read_as(
        CompanyStatsOut,
        found,
        total_applications=c.jobs,
        interview_rate=c.interview_rate,
        offer_rate=c.offer_rate,
        hired=c.hired,
    )


# ----------------------------------------------------------------------------- exports
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
#: An archive up to this size is built in memory, a larger one in a temporary file.
ARCHIVE_IN_MEMORY_BYTES = 16 * 1024 * 1024


def _file(media_type: str) -> dict[int | str, dict[str, Any]]:
    return {status.HTTP_200_OK: {"content": {media_type: {}}, "description": "The file, as an attachment."}}


def _attachment(data: bytes, media_type: str, filename: str) -> Response:
    return Response(data, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/export/jobs.csv", response_class=Response, responses=_file(CSV), tags=["export"])
def export_jobs_csv(session: DbSession, candidate: CandidateId) -> Response:
    """A row per job, with the day each stage was entered (UTF-8 with a BOM, for Excel)."""
    return _attachment(export.jobs_csv(session, candidate), CSV, "peregrine-jobs.csv")


@router.get("/export/jobs.xlsx", response_class=Response, responses=_file(XLSX), tags=["export"])
def export_jobs_xlsx(session: DbSession, candidate: CandidateId) -> Response:
    return _attachment(export.jobs_xlsx(session, candidate), XLSX, "peregrine-jobs.xlsx")


@router.get("/export/log.csv", response_class=Response, responses=_file(CSV), tags=["export"])
def export_search_log(
    session: DbSession,
    candidate: CandidateId,
    start: Annotated[date, Query(alias="from")],
    end: Annotated[date, Query(alias="to")],
) -> Response:
    """The job-search log: each job applied for from `from` to `to`, its later steps and outcome."""
    data = export.log_csv(session, candidate, start=start, end=end)
    return _attachment(data, CSV, f"job-search-log-{start.isoformat()}-{end.isoformat()}.csv")


@router.get("/export/archive", response_class=StreamingResponse, responses=_file(ZIP), tags=["export"])
def export_archive(session: DbSession, candidate: CandidateId) -> StreamingResponse:
    """Everything the candidate owns: a zip of archive.json (every table) and files/ (survey screenshots),
    which `python -m peregrine import-archive` imports into an empty database."""
    spool = tempfile.SpooledTemporaryFile(max_size=ARCHIVE_IN_MEMORY_BYTES)  # noqa: SIM115 (closed once streamed)
    archive.write_archive(session, candidate, spool)
    headers = {"Content-Disposition": 'attachment; filename="peregrine-archive.zip"'}
    return StreamingResponse(downloads.chunks(spool), media_type=ZIP, headers=headers)


@router.get(
    "/export/download/{ticket}",
    response_class=StreamingResponse,
    responses={**_file("application/octet-stream"), **MISSING},
    tags=["export"],
)
def download_prepared(ticket: Annotated[str, Path(min_length=1, max_length=64)]) -> StreamingResponse:
    """A file the Settings page prepared: fetched once with its ticket (the ticket is the credential)."""
    path = downloads.find(ticket)
    if path is None:
        raise NotFound("This download has expired or was already fetched; export again from Settings.")
    headers = {"Content-Disposition": f'attachment; filename="{downloads.filename_of(path)}"'}
    return StreamingResponse(downloads.stream_once(path), media_type="application/octet-stream", headers=headers)
