"""A job's company and title are stored clean (`domain.text.clean_name`), so a look-alike name
finds the earlier rejection and cannot pass for another company on the board."""

from __future__ import annotations

from sqlmodel import Session

from peregrine import db
from peregrine.domain.stages import MoveSource, RejectionReason, Stage
from peregrine.models import Candidate, Job
from peregrine.services import analytics
from peregrine.services.analytics import Filters
from peregrine.services.jobs import JobFields, create_job, list_jobs, move_job, recent_rejections_at, update_job

FULLWIDTH_ACME = "\uff21\uff43\uff4d\uff45"


def _rejected(session: Session, candidate_id: int, company: str, title: str = "Engineer") -> Job:
    job = create_job(session, candidate_id, JobFields(company=company, title=title))
    move_job(session, job.id or 0, Stage.REJECTED, source=MoveSource.BUTTON, reason=RejectionReason.REJECTED_BY_COMPANY)
    return job


def test_a_look_alike_company_finds_the_earlier_rejection(session: Session, candidate: Candidate) -> None:
    earlier = _rejected(session, candidate.id or 0, "Acme")
    for look_alike in ("Ac\u200bme", "\ufeffACME", FULLWIDTH_ACME, "Acme\u202c", " acme\u2060 "):
        found = recent_rejections_at(session, candidate.id or 0, look_alike)
        assert [job.id for job in found] == [earlier.id], repr(look_alike)


def test_an_earlier_look_alike_is_found_by_the_plain_name(session: Session, candidate: Candidate) -> None:
    earlier = _rejected(session, candidate.id or 0, "Ac\u200bme\u202e")
    assert [job.id for job in recent_rejections_at(session, candidate.id or 0, "Acme")] == [earlier.id]


def test_a_non_ascii_name_finds_itself_on_sqlite(session: Session, candidate: Candidate) -> None:
    # SQLite's lower() leaves "É" alone while Python's lowers it: the same name must still match.
    earlier = _rejected(session, candidate.id or 0, "École Polytechnique")
    assert [job.id for job in recent_rejections_at(session, candidate.id or 0, "École Polytechnique")] == [earlier.id]
    assert [job.id for job in recent_rejections_at(session, candidate.id or 0, "ÉCOLE POLYTECHNIQUE")] == [earlier.id]


def test_names_are_stored_clean_on_create_and_on_edit(session: Session, candidate: Candidate) -> None:
    fields = JobFields(company=f"{FULLWIDTH_ACME}\u200b Corp", title="Staff\n\tEng")
    job = create_job(session, candidate.id or 0, fields)
    assert (job.company, job.title) == ("Acme Corp", "Staff Eng")
    update_job(
        session, job.id or 0, JobFields(company="\u202eAcme", title="Lead\u00a0\u200dEngineer"), expected_version=1
    )
    session.commit()
    with db.session_scope() as fresh:
        stored = fresh.get(Job, job.id)
        assert stored is not None
        assert (stored.company, stored.title) == ("Acme", "Lead Engineer")


def test_company_filters_compare_clean_names(session: Session, candidate: Candidate) -> None:
    job = create_job(session, candidate.id or 0, JobFields(company="Acme", title="Engineer"))
    assert [found.id for found in list_jobs(session, candidate.id or 0, company="AC\u200bME")] == [job.id]
    funnel = analytics.conversion_funnel(session, candidate.id or 0, Filters(company=FULLWIDTH_ACME))
    assert funnel[0].reached == 1
