"""The records tests build again and again, built one way: through the services, as a user would.

Each factory commits, so what it built is what another session (the app's, a page's, the next
`db.session_scope()`) reads. A candidate id left out is the current candidate's.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from peregrine import db
from peregrine.domain.stages import MoveSource, RejectionReason, Stage
from peregrine.services import interviews, jobs
from peregrine.services.candidates import current_candidate

#: The moves a user makes to bring a new job to a stage along the main path (survey is a side step).
PATH_TO: dict[Stage, list[Stage]] = {
    Stage.APPLIED: [],
    Stage.SURVEY: [Stage.SURVEY],
    Stage.PHONE_SCREEN: [Stage.PHONE_SCREEN],
    Stage.INTERVIEWING: [Stage.PHONE_SCREEN, Stage.INTERVIEWING],
    Stage.OFFER: [Stage.PHONE_SCREEN, Stage.INTERVIEWING, Stage.OFFER],
    Stage.HIRED: [Stage.PHONE_SCREEN, Stage.INTERVIEWING, Stage.OFFER, Stage.HIRED],
}


def new_job(
    session: Session,
    candidate_id: int | None = None,
    *,
    company: str = "Acme",
    title: str = "Engineer",
    stage: Stage = Stage.APPLIED,
    walk: bool = True,
    **fields: Any,
) -> int:
    """A job at `stage`, its id. `walk` brings it there move by move along `PATH_TO` (a history
    like a user's, rejected from the applied stage); otherwise it is moved straight there in one
    move. Rejection says the company ghosted. History being set up queues no research."""
    owner = candidate_id if candidate_id is not None else current_candidate(session).id
    assert owner is not None
    job = jobs.create_job(session, owner, jobs.JobFields(company=company, title=title, **fields))
    assert job.id is not None
    straight = [] if stage is Stage.APPLIED else [stage]
    steps = PATH_TO.get(stage, straight) if walk else straight
    for step in steps:
        reason = RejectionReason.GHOSTED if step is Stage.REJECTED else None
        jobs.move_job(session, job.id, step, source=MoveSource.BUTTON, reason=reason, research=False)
    session.commit()
    return job.id


def new_round(session: Session, job_id: int, name: str = "Technical screen", **fields: Any) -> int:
    """A round of the job, last among its rounds, its id."""
    interview = interviews.add_round(session, job_id, interviews.RoundFields(name=name, **fields))
    session.commit()
    assert interview.id is not None
    return interview.id


def seed_job(company: str = "Acme", title: str = "Engineer", stage: Stage = Stage.APPLIED, **fields: Any) -> int:
    """`new_job` for the current candidate in a transaction of its own (no session at hand)."""
    with db.session_scope() as session:
        return new_job(session, company=company, title=title, stage=stage, **fields)
