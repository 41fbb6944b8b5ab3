"""What the user reviews before a captured job is saved, and the save.

The warnings say what only Peregrine knows at that moment — the job is already on the board (the
same URL, or the same company and title: `jobs.possible_duplicates`), this company turned the
candidate down before, or ghosted them (`jobs.recent_rejections_at`, as the job dialog warns).
Warnings never refuse: the user may still save.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session

from peregrine.domain.dates import calendar_date
from peregrine.domain.stages import RejectionReason, Stage
from peregrine.models import Job
from peregrine.services import jobs as job_service
from peregrine.services.capture.fields import CapturedFields
from peregrine.services.errors import InvalidInput

WarningKind = Literal["duplicate", "rejected", "ghosted"]
#: The answer while the Saved ("not applied yet") stage does not exist: `save_captured`'s seam.
SAVED_NEEDS_STAGE = "Saving a job as not applied yet needs the Saved stage, which this Peregrine does not have yet."


@dataclass(frozen=True)
class CaptureWarning:
    kind: WarningKind
    message: str
    job_id: int | None = None


def warnings_for(session: Session, candidate_id: int, fields: CapturedFields) -> list[CaptureWarning]:
    """The board's warnings about a captured job, the duplicates first."""
    found = [
        CaptureWarning(
            "duplicate",
            f"Already on your board: {job.company} — {job.title} ({Stage(job.stage).label}).",
            job.id,
        )
        for job in job_service.possible_duplicates(
            session, candidate_id, company=fields.company, title=fields.title, url=fields.url
        )
    ]
    if fields.company.strip():
        earlier = job_service.recent_rejections_at(session, candidate_id, fields.company)
        found += [_rejection_warning(job) for job in earlier]
    return found


def _rejection_warning(job: Job) -> CaptureWarning:
    when = calendar_date(job.stage_entered_at)
    if job.rejection_reason == RejectionReason.GHOSTED.value:
        return CaptureWarning("ghosted", f"{job.company} ghosted you on {when} ({job.title}).", job.id)
    stage = Stage(job.rejection_stage).label if job.rejection_stage else Stage.APPLIED.label
    reason = RejectionReason(job.rejection_reason).label if job.rejection_reason else "Rejected"
    return CaptureWarning(
        "rejected", f"{job.company} turned you down on {when} ({job.title}, at {stage}: {reason}).", job.id
    )


def save_captured(session: Session, candidate_id: int, fields: job_service.JobFields, *, saved: bool = False) -> Job:
    """Add the captured job (as the user reviewed it) to the top of Applied. `saved` — not applied
    yet — is refused until the Saved stage exists: that is the one place it will go."""
    if saved:
        raise InvalidInput(SAVED_NEEDS_STAGE)
    return job_service.create_job(session, candidate_id, fields)
