"""The job a page under `/applications/[job_id]/…` is about: read once, the same way on every page,
and only as the page's candidate may see it (another candidate's job is not found)."""

from __future__ import annotations

from dataclasses import dataclass

from peregrine import db, routes
from peregrine.models import Job
from peregrine.pages.state import AppState
from peregrine.services import jobs as job_service
from peregrine.services.errors import InvalidInput


@dataclass(frozen=True)
class RoutedJob:
    """What the job pages show of the job they are about, and where they link."""

    id: int
    label: str  # "Company — Title"
    link: str  # its job page
    job: Job


def job_of_route(raw_id: str, page: AppState) -> RoutedJob:
    """The job named by the route argument, if it is `page`'s candidate's; `InvalidInput` or
    `NotFound` says why not (for the page)."""
    if not raw_id.isdigit():
        raise InvalidInput(f"“{raw_id}” is not a job number.")
    with db.session_scope() as session:
        job = job_service.get_job(session, int(raw_id), candidate_id=page.candidate_id(session))
    return RoutedJob(int(raw_id), f"{job.company} — {job.title}", routes.job_url(raw_id), job)
