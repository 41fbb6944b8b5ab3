"""The inbox: the messages as the inbox page shows them, display-ready (`list_inbox`), how many
wait for the user, the jobs to choose from, and each job's mail badge on the board.

It only reads; the page's changes go through the user's actions in `actions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import case, func
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from peregrine.domain import email_rules
from peregrine.domain.dates import local_moment
from peregrine.domain.email_rules import ACTIONABLE, EmailClass
from peregrine.domain.stages import Stage
from peregrine.models import EmailMessage, Job, StageEvent
from peregrine.services.email.actions import standing_move
from peregrine.services.email.kinds import ClassifiedBy, MessageAction, MessageStatus
from peregrine.services.sanitize import clean_text


class InboxFilter(StrEnum):
    JOBS = "jobs"  # everything about a job: a class other than Other, or a job matched
    REVIEW = "review"  # waiting for the user (or failed)
    ALL = "all"


@dataclass(frozen=True)
class JobChoice:
    value: str  # the job id as text (a select's value)
    label: str


@dataclass(frozen=True)
class InboxItem:
    """One message as the inbox shows it; display-ready."""

    id: int
    sender: str
    subject: str
    received: str
    excerpt: str
    classification: str
    class_label: str
    confidence: str
    evidence: str
    classified_by: str
    job_id: str
    job_label: str
    job_stage: str
    match: str
    candidates: list[JobChoice]
    action: str
    action_label: str
    action_note: str
    needs_review: bool
    can_apply: bool
    can_undo: bool
    can_change: bool
    status: str
    error: str
    # The keyword rules' own reading of the message, shown beside the language model's when they
    # differ or when the model's word alone was not acted on (empty until the message is processed).
    rules_class: str = ""
    rules_label: str = ""
    rules_confidence: str = ""
    rules_evidence: str = ""
    readings_differ: bool = False  # classified by the language model, and the rules read another class
    evidence_in_email: bool = True  # False: the model's "evidence" is its own words, not the email's


_ACTION_LABELS = {
    MessageAction.MOVED.value: "Moved",
    MessageAction.REVIEW.value: "Needs review",
    MessageAction.NONE.value: "No action",
    MessageAction.UNDONE.value: "Undone",
    "": "Not processed yet",
}
_BY_LABELS = {"llm": "by the language model", "rules": "by the keyword rules", "user": "by you", "": ""}


def _job_label(company: str, title: str) -> str:
    return f"{company} — {title}"


def list_inbox(
    session: Session, candidate_id: int, *, show: InboxFilter | str = InboxFilter.JOBS, limit: int = 200
) -> list[InboxItem]:
    """The messages the inbox page shows, newest first."""
    query = select(EmailMessage).where(EmailMessage.candidate_id == candidate_id)
    show = InboxFilter(show)
    if show is InboxFilter.REVIEW:
        query = query.where(
            (col(EmailMessage.action) == MessageAction.REVIEW.value)
            | (col(EmailMessage.status) == MessageStatus.FAILED.value)
        )
    elif show is InboxFilter.JOBS:
        query = query.where(
            (col(EmailMessage.classification) != EmailClass.OTHER.value) | col(EmailMessage.job_id).is_not(None)
        )
    messages = list(
        session.exec(query.order_by(col(EmailMessage.received_at).desc(), col(EmailMessage.id).desc()).limit(limit))
    )
    wanted_jobs = {m.job_id for m in messages if m.job_id} | {i for m in messages for i in m.match_candidates}
    jobs_by_id: dict[int, tuple[str, str, str]] = {}
    if wanted_jobs:
        rows = session.execute(
            select_columns(col(Job.id), col(Job.company), col(Job.title), col(Job.stage)).where(
                col(Job.id).in_(wanted_jobs), col(Job.candidate_id) == candidate_id
            )
        )
        jobs_by_id = {job_id: (company, title, stage) for job_id, company, title, stage in rows}
    return [_inbox_item(message, jobs_by_id) for message in messages]


def _inbox_item(message: EmailMessage, jobs_by_id: dict[int, tuple[str, str, str]]) -> InboxItem:
    assert message.id is not None
    job = jobs_by_id.get(message.job_id) if message.job_id else None
    processed = message.status == MessageStatus.PROCESSED.value
    cls = message.classification
    standing = standing_move(message)
    # The likely jobs: the message's own first (so the picker always shows what is chosen), then its matches.
    likely = dict.fromkeys([*([message.job_id] if message.job_id else []), *message.match_candidates])
    candidates = [
        JobChoice(str(job_id), _choice_label(*jobs_by_id[job_id])) for job_id in likely if job_id in jobs_by_id
    ]
    rules = email_rules.classify(message.subject, message.excerpt) if processed else None
    by_model = processed and message.classified_by == ClassifiedBy.LLM.value
    return InboxItem(
        id=message.id,
        sender=message.sender,  # cleaned when stored (a second pass would take "<address>" for a tag)
        subject=clean_text(message.subject, max_chars=500) or "(no subject)",
        received=local_moment(message.received_at) if message.received_at else "",
        excerpt=message.excerpt,
        classification=cls,
        class_label=EmailClass(cls).label if cls in EmailClass.__members__.values() else "Not classified yet",
        confidence=f"{message.confidence:.0%}" if processed and message.classified_by != ClassifiedBy.USER else "",
        evidence=clean_text(message.evidence, max_chars=600) if processed else "",
        classified_by=_BY_LABELS.get(message.classified_by, ""),
        job_id=str(message.job_id) if message.job_id else "",
        job_label=_job_label(job[0], job[1]) if job else "",
        job_stage=Stage(job[2]).label if job else "",
        match=message.match,
        candidates=candidates,
        action=message.action,
        action_label=_ACTION_LABELS.get(message.action, message.action),
        action_note=message.action_note,
        needs_review=message.action == MessageAction.REVIEW.value or message.status == MessageStatus.FAILED.value,
        can_apply=processed and not standing and message.job_id is not None and cls in ACTIONABLE,
        can_undo=standing,
        can_change=processed and not standing,
        status=message.status,
        error=message.error or "",
        rules_class=rules.classification.value if rules else "",
        rules_label=rules.classification.label if rules else "",
        rules_confidence=f"{rules.confidence:.0%}" if rules else "",
        rules_evidence=clean_text(rules.evidence, max_chars=600) if rules else "",
        readings_differ=bool(by_model and rules and rules.classification.value != cls),
        evidence_in_email=not (
            by_model
            and message.evidence
            and email_rules.quoted_sentence(message.evidence, message.subject, message.excerpt) is None
        ),
    )


def review_count(session: Session, candidate_id: int) -> int:
    """How many messages wait for the user (flagged for review, or failed)."""
    return int(
        session.execute(
            select_columns(func.count())
            .select_from(EmailMessage)
            .where(
                col(EmailMessage.candidate_id) == candidate_id,
                (col(EmailMessage.action) == MessageAction.REVIEW.value)
                | (col(EmailMessage.status) == MessageStatus.FAILED.value),
            )
        ).scalar_one()
    )


def job_choices(session: Session, candidate_id: int) -> list[JobChoice]:
    """The jobs an email can still be about, for "choose the job": those not yet decided (Hired or
    Rejected ones, which an email never moves, come only as a message's likely or current job),
    by company, then title, each with its stage to tell two alike apart."""
    rows = session.execute(
        select_columns(col(Job.id), col(Job.company), col(Job.title), col(Job.stage))
        .where(col(Job.candidate_id) == candidate_id, col(Job.stage).not_in(_DECIDED))
        .order_by(func.lower(col(Job.company)), func.lower(col(Job.title)), col(Job.id))
    )
    return [JobChoice(str(job_id), _choice_label(company, title, stage)) for job_id, company, title, stage in rows]


_DECIDED = (Stage.HIRED.value, Stage.REJECTED.value)


def _choice_label(company: str, title: str, stage: str) -> str:
    return f"{_job_label(company, title)} · {Stage(stage).label}"


def email_badges(session: Session, candidate_id: int, *, job_id: int | None = None) -> dict[int, str]:
    """Each job's mail badge, for the whole board in one grouped query: "review" (an email about it
    waits for the user) or "moved" (an email's move put the job in the stage it is in now)."""
    review = MessageAction.REVIEW.value
    level = case((col(EmailMessage.action) == review, 2), else_=1)
    query = (
        select_columns(col(EmailMessage.job_id), func.max(level))
        .join(Job, col(Job.id) == col(EmailMessage.job_id))
        .outerjoin(StageEvent, col(StageEvent.id) == col(EmailMessage.stage_event_id))
        .where(
            col(EmailMessage.candidate_id) == candidate_id,
            (col(EmailMessage.action) == review)
            | ((col(EmailMessage.action) == MessageAction.MOVED.value) & (col(StageEvent.to_stage) == col(Job.stage))),
        )
        .group_by(col(EmailMessage.job_id))
    )
    if job_id is not None:
        query = query.where(col(EmailMessage.job_id) == job_id)
    return {found: "review" if rank == 2 else "moved" for found, rank in session.execute(query)}
