"""The records tests build again and again, built one way: through the services, as a user would.

Each factory commits, so what it built is what another session (the app's, a page's, the next
`db.session_scope()`) reads. A candidate id left out is the current candidate's.
"""

from __future__ import annotations

import io
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


def fill_every_table(session: Session, *, jobs: int = 12) -> None:
    """A database where every table holds rows: the demo pipeline (jobs, moves, rounds, offers, the
    sample resume) plus what only a model, the mailbox or an import writes (research and its
    revisions, preps and theirs, a practice interview, a survey with a screenshot, an email, a
    remembered spreadsheet mapping), some with HTML and formulas in them. The archive's round trip
    reads it."""
    from peregrine.models import (
        CompanyResearch,
        EmailMessage,
        ImportMapping,
        InterviewPrep,
        PrepBase,
        PrepRevision,
        ResearchRevision,
    )
    from peregrine.services import practice, survey, uploads
    from peregrine.services.demo import load_demo
    from tests.fakes.survey_images import survey_png

    load_demo(session, jobs=jobs)
    candidate_id = current_candidate(session).id or 0
    job_id = new_job(session, candidate_id, company='=HYPERLINK("http://x")', title="<b>Lead</b>", stage=Stage.SURVEY)
    round_id = new_round(session, job_id, "Deep dive")
    brief = {"summary": "A <script>x</script> shop", "sources": [1, 2]}
    session.add_all([CompanyResearch(job_id=job_id, brief=brief), ResearchRevision(job_id=job_id, brief=brief)])
    session.add(ImportMapping(candidate_id=candidate_id, headers_key="k", columns=["company"], statuses={"x": "y"}))
    base = PrepBase(job_id=job_id, formatted_jd="## The role", edited=["formatted_jd"])
    interview_prep = InterviewPrep(interview_id=round_id, prep_plan="1. Read", predicted=["Why us?"])
    session.add_all([base, interview_prep])
    session.flush()
    session.add_all(
        [
            PrepRevision(owner="base", owner_id=base.id or 0, section="formatted_jd", text="old", replaced_by="edit"),
            PrepRevision(owner="interview", owner_id=interview_prep.id or 0, section="prep_plan", text="older"),
        ]
    )
    practice_session = practice.start_session(session, round_id)
    practice.add_answer(session, practice_session.id or 0, "I would start with the data.")
    started = survey.start_survey(session, job_id, pasted_text="Q1. Do you like teams?")
    checked = uploads.check_uploads([("survey.png", io.BytesIO(survey_png()))])
    survey.add_images(session, started.id or 0, checked.accepted)
    session.add(
        EmailMessage(
            candidate_id=candidate_id,
            message_id="<1@example.org>",
            subject="Next steps",
            job_id=job_id,
            match_candidates=[job_id],
        )
    )
    session.commit()
