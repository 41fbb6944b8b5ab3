"""`services.board.load_board`: what a filter hides is counted per stage, and old rejections are marked."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from peregrine.domain.stages import MoveSource, RejectionReason, Stage
from peregrine.models import Candidate, Job, utcnow
from peregrine.services.board import card_view, load_board
from peregrine.services.jobs import JobFields, create_job, get_job, move_job


def _job(session: Session, candidate: Candidate, company: str, stage: Stage = Stage.APPLIED) -> int:
    assert candidate.id is not None
    job = create_job(session, candidate.id, JobFields(company=company, title="Engineer", source="LinkedIn"))
    assert job.id is not None
    if stage is not Stage.APPLIED:
        move_job(session, job.id, stage, source=MoveSource.BUTTON, reason=RejectionReason.GHOSTED, research=False)
    session.commit()
    return job.id


def test_a_filter_counts_what_it_hides_in_each_stage(session: Session, candidate: Candidate) -> None:
    assert candidate.id is not None
    for company in ("Acme", "Acme", "Globex"):
        _job(session, candidate, company)
    _job(session, candidate, "Initech", Stage.PHONE_SCREEN)

    board = load_board(session, candidate.id, text="acme")

    assert len(board.columns[Stage.APPLIED]) == 2
    assert board.hidden[Stage.APPLIED] == 1
    assert board.hidden[Stage.PHONE_SCREEN] == 1
    assert board.hidden[Stage.SURVEY] == 0
    assert set(load_board(session, candidate.id).hidden.values()) == {0}


def test_a_rejection_over_thirty_days_old_is_marked_older(session: Session, candidate: Candidate) -> None:
    assert candidate.id is not None
    old, recent, applied = (
        _job(session, candidate, "Old", Stage.REJECTED),
        _job(session, candidate, "Recent", Stage.REJECTED),
        _job(session, candidate, "Applied long ago"),
    )
    now = utcnow()
    long_ago, lately = now - timedelta(days=31), now - timedelta(days=29)
    session.execute(update(Job).where(col(Job.id).in_([old, applied])).values(stage_entered_at=long_ago))
    session.execute(update(Job).where(col(Job.id) == recent).values(stage_entered_at=lately))
    session.commit()

    cards = load_board(session, candidate.id).cards

    assert (cards[old].older, cards[recent].older, cards[applied].older) == (True, False, False)
    assert card_view(session, get_job(session, old)).older is True
