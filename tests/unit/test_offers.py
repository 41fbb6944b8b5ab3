"""Offers on a real SQLite file: validation, the move to Offer through the move service, comparison."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from peregrine.domain.stages import MoveSource, RejectionReason, Stage
from peregrine.models import Candidate, Job, StageEvent
from peregrine.services import offers
from peregrine.services.errors import InvalidInput
from peregrine.services.jobs import move_job
from peregrine.services.offers import OfferFields
from tests.factories import new_job


def test_recording_an_offer_moves_the_job_to_offer(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, candidate.id, company="Acme", stage=Stage.INTERVIEWING, walk=False)
    recorded = offers.record_offer(
        session,
        job_id,
        OfferFields(
            base_salary=150_000,
            currency="eur",
            bonus=15_000,
            equity="0.1% over 4 years",
            start_date=date(2027, 1, 4),
            decision_deadline=date(2026, 12, 1),
        ),
    )
    session.commit()
    assert recorded.moved is not None
    assert recorded.moved.from_stage == Stage.INTERVIEWING
    job = session.get(Job, job_id)
    assert job is not None
    assert job.stage == Stage.OFFER.value
    last = session.exec(select(StageEvent).where(StageEvent.job_id == job_id).order_by(StageEvent.id.desc())).first()  # type: ignore[union-attr]
    assert last is not None
    assert (last.to_stage, last.source) == ("offer", "offer")  # the history says an offer moved it
    stored = offers.offer_of(session, job_id)
    assert stored is not None
    assert (stored.currency, stored.base_salary, stored.equity) == ("EUR", 150_000, "0.1% over 4 years")


def test_updating_an_offer_does_not_move_again_and_a_rejected_job_stays_rejected(
    session: Session, candidate: Candidate
) -> None:
    job_id = new_job(session, candidate.id, company="Acme", stage=Stage.INTERVIEWING, walk=False)
    offers.record_offer(session, job_id, OfferFields(base_salary=100_000))
    again = offers.record_offer(session, job_id, OfferFields(base_salary=110_000))
    assert again.moved is None
    declined = new_job(session, candidate.id, company="Globex", stage=Stage.INTERVIEWING, walk=False)
    move_job(session, declined, Stage.REJECTED, source=MoveSource.BUTTON, reason=RejectionReason.WITHDREW)
    kept = offers.record_offer(session, declined, OfferFields(base_salary=90_000))
    assert kept.moved is None
    assert session.get(Job, declined).stage == Stage.REJECTED.value  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (OfferFields(currency="dollars"), "is not a currency code"),
        (OfferFields(base_salary=-5), "base salary cannot be negative"),
        (OfferFields(signing_bonus=10**12), "signing bonus must be between 0"),
        (OfferFields(base_salary=float("nan")), "base salary must be a whole number"),  # type: ignore[arg-type]
        (OfferFields(bonus=float("inf")), "bonus must be a whole number"),  # type: ignore[arg-type]
        (OfferFields(bonus=1500.5), "bonus must be a whole number"),  # type: ignore[arg-type]
        (OfferFields(signing_bonus=True), "signing bonus must be a whole number"),
    ],
)
def test_bad_offer_details_are_refused_and_nothing_is_written(
    session: Session, candidate: Candidate, fields: OfferFields, message: str
) -> None:
    job_id = new_job(session, candidate.id, company="Acme", stage=Stage.INTERVIEWING, walk=False)
    with pytest.raises(InvalidInput, match=message):
        offers.record_offer(session, job_id, fields)
    assert offers.offer_of(session, job_id) is None
    assert session.get(Job, job_id).stage == Stage.INTERVIEWING.value  # type: ignore[union-attr]


def test_offers_compare_by_first_year_cash(session: Session, candidate: Candidate) -> None:
    small = new_job(session, candidate.id, company="Small Co", stage=Stage.INTERVIEWING, walk=False)
    big = new_job(session, candidate.id, company="Big Co", stage=Stage.INTERVIEWING, walk=False)
    new_job(session, candidate.id, company="No Offer Co", stage=Stage.INTERVIEWING, walk=False)
    offers.record_offer(session, small, OfferFields(base_salary=100_000, bonus=5_000))
    offers.record_offer(session, big, OfferFields(base_salary=120_000, signing_bonus=20_000))
    lines = offers.offers_to_compare(session, candidate.id or 0)
    assert [(line.company, line.first_year_cash) for line in lines] == [("Big Co", 140_000), ("Small Co", 105_000)]
    assert [line.company for line in offers.offers_to_compare(session, candidate.id or 0, [small])] == ["Small Co"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [("-5000", "The bonus cannot be negative."), ("5k", "The bonus must be a whole number")],
)
def test_a_typed_amount_is_refused_with_what_is_wrong(typed: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        offers.parse_amount(typed, "bonus")
    assert offers.parse_amount("120,000", "bonus") == 120_000
