"""Offers: recorded per job, compared side by side; recording one moves the job to Offer.

The move goes through `move_job` like every other (the job's stage follows
what happened), so the stage rules still hold: a job already at Offer or Hired stays put,
and a rejected job keeps its offer on record without being moved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from peregrine.domain import limits
from peregrine.domain.stages import MoveSource, Stage
from peregrine.models import Job, Offer
from peregrine.services.errors import InvalidInput, check_lengths
from peregrine.services.jobs import MoveResult, get_job, move_job
from peregrine.services.records import write_fields

MAX_AMOUNT = 1_000_000_000
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_BEFORE_OFFER = (Stage.APPLIED, Stage.SURVEY, Stage.PHONE_SCREEN, Stage.INTERVIEWING)


@dataclass
class OfferFields:
    """What the candidate fills in; amounts are whole units of `currency`. The service's member of
    the `models.OfferBase` family, a plain dataclass for the reason `services.jobs.JobFields` gives."""

    base_salary: int | None = None
    currency: str = "USD"
    bonus: int | None = None
    equity: str = ""
    signing_bonus: int | None = None
    start_date: date | None = None
    decision_deadline: date | None = None
    notes: str = ""

    def cleaned(self) -> dict[str, object]:
        currency = self.currency.strip().upper() or "USD"
        if not _CURRENCY.match(currency):
            raise InvalidInput(f"“{self.currency}” is not a currency code; use three letters such as USD or EUR.")
        amounts = {"base_salary": self.base_salary, "bonus": self.bonus, "signing_bonus": self.signing_bonus}
        for name, amount in amounts.items():
            label = name.replace("_", " ")
            # A float (NaN and infinity among them) is no whole amount, and would be stored as one.
            if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)):
                raise InvalidInput(f"The {label} must be a whole number, such as 120000.")
            if amount is not None and amount < 0:
                raise InvalidInput(f"The {label} cannot be negative.")
            if amount is not None and not 0 <= amount <= MAX_AMOUNT:
                raise InvalidInput(f"The {label} must be between 0 and {MAX_AMOUNT:,}; got {amount:,}.")
        values: dict[str, object] = {
            **amounts,
            "currency": currency,
            "equity": self.equity.strip(),
            "start_date": self.start_date,
            "decision_deadline": self.decision_deadline,
            "notes": self.notes.strip(),
        }
        check_lengths(values, limits.OFFER_FIELDS)
        return values


def parse_amount(text: str, label: str) -> int | None:
    """An amount as typed ("120,000", "120_000" or empty), or InvalidInput saying what is wrong."""
    cleaned = text.replace(",", "").replace("_", "").strip()
    if not cleaned:
        return None
    if cleaned.startswith("-") and cleaned[1:].strip().isdigit():
        raise InvalidInput(f"The {label} cannot be negative.")
    if not cleaned.isdigit():
        raise InvalidInput(f"The {label} must be a whole number, such as 120000; got “{text}”.")
    return int(cleaned)


def parse_day(text: str, label: str) -> date | None:
    """A day as an `<input type="date">` sends it ("2026-12-04" or empty), or InvalidInput naming the field."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"The {label} “{text}” is not a date.") from None


@dataclass(frozen=True)
class OfferRecorded:
    offer: Offer
    moved: MoveResult | None


def offer_of(session: Session, job_id: int) -> Offer | None:
    return session.exec(select(Offer).where(Offer.job_id == job_id)).first()


def record_offer(
    session: Session, job_id: int, fields: OfferFields, *, candidate_id: int | None = None
) -> OfferRecorded:
    """Save the job's offer (create or update); a job before Offer moves to Offer."""
    values = fields.cleaned()
    job = get_job(session, job_id, candidate_id=candidate_id)
    offer = write_fields(session, offer_of(session, job_id) or Offer(job_id=job_id), values)
    moved = None
    if Stage(job.stage) in _BEFORE_OFFER:
        moved = move_job(session, job_id, Stage.OFFER, source=MoveSource.OFFER, candidate_id=candidate_id)
    return OfferRecorded(offer, moved)


@dataclass(frozen=True)
class OfferLine:
    """One offer as the comparison shows it, with its first-year total."""

    job_id: int
    company: str
    title: str
    stage: str
    offer: Offer

    def deadline_passed(self, today: date) -> bool:
        """The decision deadline is behind us (a deadline of today still holds)."""
        return self.offer.decision_deadline is not None and self.offer.decision_deadline < today

    @property
    def first_year_cash(self) -> int | None:
        """Base + bonus + signing: the cash of the first year, when a base is known."""
        if self.offer.base_salary is None:
            return None
        return self.offer.base_salary + (self.offer.bonus or 0) + (self.offer.signing_bonus or 0)


def offers_to_compare(
    session: Session, candidate_id: int, job_ids: list[int] | None = None, *, undecided_only: bool = False
) -> list[OfferLine]:
    """The candidate's offers (or the chosen ones), the richest first year first within a currency.
    `undecided_only` leaves out the job already hired: its offer was taken, there is nothing to weigh."""
    query = select(Offer, Job).join(Job, col(Job.id) == col(Offer.job_id)).where(Job.candidate_id == candidate_id)
    if job_ids:
        query = query.where(col(Job.id).in_(job_ids))
    if undecided_only:
        query = query.where(col(Job.stage) != Stage.HIRED.value)
    lines = [OfferLine(job.id or 0, job.company, job.title, job.stage, offer) for offer, job in session.exec(query)]
    return sorted(lines, key=lambda line: (line.offer.currency, -(line.first_year_cash or 0), line.company))
