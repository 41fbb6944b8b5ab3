"""Emails drafted by the user's model for the user to edit and send themselves (nothing is sent here).

`draft_setup` reads what a draft of a `DraftKind` is about (the job, its latest round that has
happened, its offer) and who it goes to; `write_draft` asks the model for it, with the variable
inputs trimmed to the tightest backend's window (`llm.budget`). Every read is scoped by candidate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from peregrine import db
from peregrine.config import UserProfile, user_profile
from peregrine.domain.dates import as_utc, calendar_date
from peregrine.domain.drafts import DraftKind, email_address
from peregrine.llm.budget import RETRY_TOKENS, PromptInput, fit_inputs
from peregrine.llm.client import LLMClient
from peregrine.llm.prompts import drafts as prompts
from peregrine.models import Interview, Job, Offer, StageEvent, utcnow
from peregrine.services import jobs as job_service
from peregrine.services.errors import InvalidInput
from peregrine.services.sanitize import clean_text


@dataclass(frozen=True)
class DraftSetup:
    """What a draft is about: who it goes to, the facts sent whole, the inputs trimmed to the window."""

    kind: DraftKind
    #: The address the `mailto:` link fills in ("" when none is known: the mail program asks).
    recipient: str
    #: How the prompt names the people written to ("Ana Diaz and Sam Lee", "the hiring team").
    recipients: str
    subject_hint: str
    facts: dict[str, str]
    inputs: tuple[PromptInput, ...]


@dataclass(frozen=True)
class Draft:
    subject: str
    body: str
    recipient: str
    #: What the window left out of the prompt ("" when everything fitted).
    left_out: str = ""


def _names(people: list[dict[str, str]]) -> str:
    names = [person.get("name", "").strip() for person in people if person.get("name", "").strip()]
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)


def _last_round(session: Session, job_id: int, now: datetime) -> Interview | None:
    """The latest round that has happened (scheduled before `now`, or completed), else the last one."""
    rounds = session.exec(select(Interview).where(Interview.job_id == job_id).order_by(col(Interview.order))).all()
    happened = [r for r in rounds if r.completed_at or (r.scheduled_at and as_utc(r.scheduled_at) <= now)]
    latest = happened or list(rounds)
    return latest[-1] if latest else None


def _quiet_since(session: Session, job: Job) -> datetime:
    """When anything last happened to the job: its latest move, else when it was added."""
    last_move = session.exec(
        select(StageEvent.at).where(StageEvent.job_id == job.id).order_by(col(StageEvent.at).desc())
    ).first()
    return as_utc(last_move or job.created_at)


def _offer_terms(offer: Offer | None) -> str:
    if offer is None:
        return ""
    terms = [
        f"base salary {offer.base_salary:,} {offer.currency}" if offer.base_salary else "",
        f"bonus {offer.bonus:,} {offer.currency}" if offer.bonus else "",
        f"signing bonus {offer.signing_bonus:,} {offer.currency}" if offer.signing_bonus else "",
        f"equity {offer.equity}" if offer.equity else "",
        f"start date {calendar_date(offer.start_date)}" if offer.start_date else "",
    ]
    return "; ".join(term for term in terms if term)


def draft_setup(
    session: Session, job_id: int, kind: DraftKind | str, *, candidate_id: int, now: datetime | None = None
) -> DraftSetup:
    """What a draft of `kind` for the job is about, and to whom (another candidate's job is NotFound)."""
    kind = DraftKind(kind)
    now = as_utc(now or utcnow())
    job = job_service.get_job(session, job_id, candidate_id=candidate_id)
    facts = {"company": job.company, "title": job.title}
    people, notes = "", job.notes
    recipient = email_address(job.recruiter)
    if kind is DraftKind.THANK_YOU:
        interview = _last_round(session, job_id, now)
        if interview is None:
            raise InvalidInput("A thank-you note follows a round: add the round first (Interview rounds).")
        people = _names(interview.interviewers)
        recipient = email_address(*(" ".join(p.values()) for p in interview.interviewers)) or recipient
        facts["round"] = interview.name
        notes = interview.notes
    elif kind is DraftKind.FOLLOW_UP:
        days = max(1, (now - _quiet_since(session, job)).days)
        facts["silence"] = f"{days} day{'s' if days != 1 else ''}"
    else:
        offer = session.exec(select(Offer).where(Offer.job_id == job_id)).first()
        facts["offer"] = _offer_terms(offer)
    people = people or job.recruiter.split("<")[0].strip() or "the hiring team"
    inputs = (
        PromptInput("notes", [notes.strip()] if notes.strip() else [], "the notes", weight=2, whole=False, cap=3_000),
        PromptInput(
            "job", [job.raw_jd_text.strip()] if job.raw_jd_text.strip() else [], "the job", whole=False, cap=3_000
        ),
    )
    return DraftSetup(kind, recipient, people, f"{job.title} at {job.company}", facts, inputs)


def _messages(setup: DraftSetup, candidate: str, texts: dict[str, str]) -> list[dict[str, str]]:
    ask = prompts.ASKS[setup.kind].safe_substitute(
        candidate=candidate,
        recipients=setup.recipients,
        company=setup.facts["company"],
        title=setup.facts["title"],
        round=setup.facts.get("round", ""),
        silence=setup.facts.get("silence", ""),
    )
    facts = "\n".join(f"- {name}: {value}" for name, value in setup.facts.items() if value)
    context = "\n\n".join(text for text in (texts.get("notes", ""), texts.get("job", "")) if text) or "(none)"
    return [
        {"role": "system", "content": prompts.SYSTEM},
        {"role": "user", "content": ask + "\n\n" + prompts.FACTS.substitute(facts=facts, context=context)},
    ]


async def write_draft(
    job_id: int,
    kind: DraftKind | str,
    *,
    candidate_id: int,
    llm: LLMClient,
    profile: UserProfile | None = None,
    now: datetime | None = None,
) -> Draft:
    """The model's draft of `kind` for the job (raises `LLMUnavailable` when no backend answers)."""
    with db.session_scope() as session:
        setup = draft_setup(session, job_id, kind, candidate_id=candidate_id, now=now)
    candidate = (profile or user_profile()).name
    room = llm.prompt_room(prompts.EmailDraft, _messages(setup, candidate, {}))
    fitted = fit_inputs(setup.inputs, room.tokens - RETRY_TOKENS if room is not None else None)
    answer = await llm.structured(prompts.EmailDraft, _messages(setup, candidate, fitted.texts))
    return Draft(
        subject=clean_text(answer.subject, max_chars=prompts.SUBJECT_CHARS),
        body=answer.body.strip(),  # shown as text in a box, so its paragraphs stay as written
        recipient=setup.recipient,
        left_out=fitted.notice(room),
    )
