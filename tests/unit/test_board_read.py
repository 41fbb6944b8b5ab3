"""`services.board.load_board`: what a filter hides is counted per stage, and old rejections are marked."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from peregrine.domain.stages import Stage
from peregrine.models import Candidate, Job, utcnow
from peregrine.services.board import card_view, load_board
from peregrine.services.jobs import get_job
from tests.factories import new_job


def test_a_filter_counts_what_it_hides_in_each_stage(session: Session, candidate: Candidate) -> None:
    assert candidate.id is not None
    for company in ("Acme", "Acme", "Globex"):
        new_job(session, candidate.id, company=company, source="LinkedIn", walk=False)
    new_job(session, candidate.id, company="Initech", stage=Stage.PHONE_SCREEN, source="LinkedIn", walk=False)

    board = load_board(session, candidate.id, text="acme")

    assert len(board.columns[Stage.APPLIED]) == 2
    assert board.hidden[Stage.APPLIED] == 1
    assert board.hidden[Stage.PHONE_SCREEN] == 1
    assert board.hidden[Stage.SURVEY] == 0
    assert set(load_board(session, candidate.id).hidden.values()) == {0}


def test_a_rejection_over_thirty_days_old_is_marked_older(session: Session, candidate: Candidate) -> None:
    assert candidate.id is not None
    old, recent, applied = (
        new_job(session, candidate.id, company="Old", stage=Stage.REJECTED, source="LinkedIn", walk=False),
        new_job(session, candidate.id, company="Recent", stage=Stage.REJECTED, source="LinkedIn", walk=False),
        new_job(session, candidate.id, company="Applied long ago", source="LinkedIn", walk=False),
    )
    now = utcnow()
    long_ago, lately = now - timedelta(days=31), now - timedelta(days=29)
    session.execute(update(Job).where(col(Job.id).in_([old, applied])).values(stage_entered_at=long_ago))
    session.execute(update(Job).where(col(Job.id) == recent).values(stage_entered_at=lately))
    session.commit()

    cards = load_board(session, candidate.id).cards

    assert (cards[old].older, cards[recent].older, cards[applied].older) == (True, False, False)
    assert card_view(session, get_job(session, old)).older is True
