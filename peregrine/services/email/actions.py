"""Acting: what a classified, matched message does to its job, by itself or at the user's word.

Exactly as the README's table says (`domain.email_rules.email_move`), always through
`services.jobs.move_job(..., source=MoveSource.EMAIL)`: an email never moves a job backwards or
out of Hired or Rejected. Below the confidence threshold (``imap.min_confidence``, default 0.6)
nothing moves and the message is flagged for review; an offer always asks for a look. Nor does a
language model's class move anything on the model's word alone: when the sentence it quotes is not
in the email, or neither that sentence nor the keyword rules support the class
(`email_rules.corroborate`), the message waits for review with both readings in its note.

`process_pending` classifies, matches and acts on every stored message not processed yet; a
message whose processing failed is retried on the next polls (`MAX_ATTEMPTS` in all) and never
holds up the others. The inbox page's own actions (change a message's class or job, apply its
action, undo it through `jobs.undo_last_move`, mark it reviewed) make their moves with the same
helpers, so they are here too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import select as select_columns
from sqlalchemy import update
from sqlmodel import Session, col

from peregrine import db
from peregrine.domain import email_rules
from peregrine.domain.email_rules import ACTIONABLE, DEFAULT_MIN_CONFIDENCE, EmailClass, Verdict, email_move
from peregrine.domain.stages import MoveNotAllowed, MoveSource, RejectionReason, Stage
from peregrine.llm.client import LLMClient
from peregrine.models import EmailMessage, Job, utcnow
from peregrine.services import jobs, task_runner
from peregrine.services.email.classify import EmailClassifier
from peregrine.services.email.kinds import ClassifiedBy, MatchKind, MessageAction, MessageStatus
from peregrine.services.email.matching import JobKeys, load_job_keys, match_job
from peregrine.services.email.store import get_message
from peregrine.services.errors import InvalidInput

log = logging.getLogger("peregrine.email")

#: Processing tries per message before it stays failed (shown in the inbox with its error).
MAX_ATTEMPTS = 5


@dataclass
class ProcessReport:
    processed: int = 0
    moved: int = 0
    review: int = 0
    failed: int = 0
    by_rules: int = 0
    queued_research: list[int] = field(default_factory=list)


def pending_ids(session: Session, candidate_id: int | None) -> list[tuple[int, int]]:
    query = select_columns(col(EmailMessage.id), col(EmailMessage.attempts)).where(
        col(EmailMessage.status).in_([MessageStatus.NEW.value, MessageStatus.FAILED.value]),
        col(EmailMessage.attempts) < MAX_ATTEMPTS,
    )
    if candidate_id is not None:
        query = query.where(col(EmailMessage.candidate_id) == candidate_id)
    rows = session.execute(query.order_by(col(EmailMessage.received_at), col(EmailMessage.id))).all()
    return [(message_id, attempts) for message_id, attempts in rows]


def _claim(session: Session, message_id: int, attempts: int) -> EmailMessage | None:
    """Count this try; None when another worker took the message first."""
    result = session.execute(
        update(EmailMessage)
        .where(col(EmailMessage.id) == message_id, col(EmailMessage.attempts) == attempts)
        .values(attempts=attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.get(EmailMessage, message_id)


async def process_pending(
    *,
    candidate_id: int | None = None,
    llm: LLMClient | None = None,
    classifier: EmailClassifier | None = None,
    min_confidence: float | None = None,
) -> ProcessReport:
    """Classify, match and act on every stored message not processed yet (failed ones again, up to
    `MAX_ATTEMPTS`). One message failing never stops the others."""
    with db.session_scope() as session:
        pending = pending_ids(session, candidate_id)
    batch = Batch(classifier or EmailClassifier(llm if llm is not None else LLMClient()), min_confidence)
    for message_id, attempts in pending:
        await batch.process(message_id, attempts)
    return batch.finish()


class Batch:
    """Messages processed one after another with one classifier (and one "the model is down")."""

    def __init__(self, classifier: EmailClassifier, min_confidence: float | None) -> None:
        self.classifier = classifier
        self.threshold = DEFAULT_MIN_CONFIDENCE if min_confidence is None else min_confidence
        self.report = ProcessReport()
        self._job_keys: dict[int, list[JobKeys]] = {}

    async def process(self, message_id: int, attempts: int) -> None:
        report = self.report
        with db.session_scope() as session:
            message = _claim(session, message_id, attempts)
            if message is None:
                return
            sender, subject, text = message.sender, message.subject, message.excerpt
            owner = message.candidate_id
            if owner not in self._job_keys:
                self._job_keys[owner] = load_job_keys(session, owner)
        try:
            verdict, by = await self.classifier.classify(sender=sender, subject=subject, text=text)
            with db.session_scope() as session:
                message = session.get(EmailMessage, message_id)
                if message is None:
                    return
                action, queued = _process(session, message, verdict, by, self.threshold, self._job_keys[owner])
        except Exception as exc:  # a bug or a conflict: this message is retried on the next poll
            log.warning("processing email %s failed (try %d of %d): %s", message_id, attempts + 1, MAX_ATTEMPTS, exc)
            log.debug("processing email %s failed", message_id, exc_info=True)
            _record_failure(message_id, exc)
            report.failed += 1
            return
        report.processed += 1
        report.by_rules += by is ClassifiedBy.RULES
        if queued is not None:
            report.queued_research.append(queued)
        if action is not MessageAction.NONE:
            self._job_keys.pop(owner, None)  # a job may have changed stage: read them again
        report.moved += action is MessageAction.MOVED
        report.review += action is MessageAction.REVIEW

    def finish(self) -> ProcessReport:
        if self.report.queued_research:
            task_runner.wake()
        return self.report


def _record_failure(message_id: int, exc: BaseException) -> None:
    with db.session_scope() as session:
        message = session.get(EmailMessage, message_id)
        if message is not None:
            message.status = MessageStatus.FAILED.value
            message.error = (f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)[:1000]
            session.add(message)


def _process(
    session: Session,
    message: EmailMessage,
    verdict: Verdict,
    by: ClassifiedBy,
    threshold: float,
    job_keys: list[JobKeys],
) -> tuple[MessageAction, int | None]:
    """Store the verdict and the match, then act; returns the action and the research task it queued."""
    if not message.match:  # not matched through its thread when stored
        found = match_job(
            session,
            message.candidate_id,
            sender_domain=message.sender_domain,
            subject=message.subject,
            text=message.excerpt,
            job_keys=job_keys,
        )
        message.match, message.job_id, message.match_candidates = found.kind.value, found.job_id, found.candidates
    message.classification = verdict.classification.value
    message.confidence = verdict.confidence
    message.evidence = verdict.evidence
    message.classified_by = by.value
    queued = _decide(session, message, threshold, verdict.unconfirmed)
    message.status = MessageStatus.PROCESSED.value
    message.error = None
    message.processed_at = utcnow()
    session.add(message)
    return MessageAction(message.action), queued


def _decide(session: Session, message: EmailMessage, threshold: float, unconfirmed: str = "") -> int | None:
    """What the poller does by itself with a classified, matched message."""
    cls = EmailClass(message.classification)
    if cls not in ACTIONABLE:
        _set_action(message, MessageAction.NONE, "Not about a stage change: nothing to do.")
        return None
    doubt = f"{_doubt_note(message, unconfirmed)} " if unconfirmed else ""
    if message.job_id is None:
        _set_action(message, MessageAction.REVIEW, doubt + _choose_note(message))
        return None
    if message.confidence < threshold:
        _set_action(
            message,
            MessageAction.REVIEW,
            f"{doubt}Only {message.confidence:.0%} sure (below {threshold:.0%}): nothing moved. "
            "Check the class, then apply.",
        )
        return None
    if doubt:
        _set_action(message, MessageAction.REVIEW, doubt + "Nothing moved: check the class, then apply.")
        return None
    return _move(session, message, automatic=True)


def _doubt_note(message: EmailMessage, unconfirmed: str) -> str:
    """Both readings of a message the model's word alone does not act on, for the review note."""
    model = EmailClass(message.classification).label
    rules = email_rules.classify(message.subject, message.excerpt)
    if rules.classification is EmailClass.OTHER:
        reading = "the keyword rules find no stage change in it"
    else:
        reading = f"the keyword rules read it as {rules.classification.label} ({rules.confidence:.0%})"
        if rules.evidence:
            reading += f": “{rules.evidence}”"
    return f"The language model read this as {model} ({message.confidence:.0%} sure) but {unconfirmed}; {reading}."


def _choose_note(message: EmailMessage) -> str:
    if message.match_candidates:
        return f"{len(message.match_candidates)} jobs could be meant: choose one, then apply."
    return "No job matched this email: choose one, then apply."


def _set_action(message: EmailMessage, action: MessageAction, note: str) -> None:
    message.action = action.value
    message.action_note = note


def _move(session: Session, message: EmailMessage, *, automatic: bool) -> int | None:
    """Make the class's move through the move service; returns the research task it queued, if any."""
    cls = EmailClass(message.classification)
    job = session.get(Job, message.job_id) if message.job_id is not None else None
    if job is None:
        _set_action(message, MessageAction.REVIEW, "The job of this email no longer exists: choose another.")
        return None
    wanted = email_move(Stage(job.stage), cls)
    offer_note = " An offer: look at its details." if cls is EmailClass.OFFER and automatic else ""
    if wanted.target is None:
        # An offer needs a look; so does any email about a job saved but not applied to.
        flag = (automatic and cls is EmailClass.OFFER and job.stage == Stage.OFFER.value) or job.stage == Stage.SAVED
        _set_action(message, MessageAction.REVIEW if flag else MessageAction.NONE, wanted.note + offer_note)
        message.stage_event_id = None
        return None
    try:
        result = jobs.move_job(
            session,
            job.id,  # type: ignore[arg-type]
            wanted.target,
            source=MoveSource.EMAIL,
            reason=RejectionReason.REJECTED_BY_COMPANY if wanted.target is Stage.REJECTED else None,
            candidate_id=message.candidate_id,
        )
    except MoveNotAllowed as exc:
        _set_action(message, MessageAction.NONE, str(exc))
        message.stage_event_id = None
        return None
    message.stage_event_id = result.event.id
    research = " Company research was queued." if result.queued_task_id is not None else ""
    note = f"Moved {job.company} from {result.from_stage.label} to {wanted.target.label}.{research}{offer_note}"
    flagged = automatic and cls is EmailClass.OFFER
    _set_action(message, MessageAction.REVIEW if flagged else MessageAction.MOVED, note)
    return result.queued_task_id


# ==================================================================================================
# The user's actions, from the inbox page


def standing_move(message: EmailMessage) -> bool:
    """The message's move is in force (it can be undone, and must be before class or job change)."""
    return message.stage_event_id is not None and message.action in (
        MessageAction.MOVED.value,
        MessageAction.REVIEW.value,
    )


def _changeable(session: Session, message_id: int, candidate_id: int | None) -> EmailMessage:
    message = get_message(session, message_id, candidate_id=candidate_id)
    if message.status != MessageStatus.PROCESSED.value:
        raise InvalidInput("This email is not processed yet; try again in a moment.")
    if standing_move(message):
        raise InvalidInput("This email has moved its job: undo that move first.")
    return message


def _waiting_for_apply(message: EmailMessage) -> None:
    if EmailClass(message.classification) not in ACTIONABLE:
        _set_action(message, MessageAction.NONE, "Not about a stage change: nothing to do.")
    elif message.job_id is None:
        _set_action(message, MessageAction.REVIEW, _choose_note(message))
    else:
        _set_action(message, MessageAction.REVIEW, "Ready: apply to act on it.")


def set_classification(
    session: Session, message_id: int, classification: EmailClass | str, *, candidate_id: int | None = None
) -> EmailMessage:
    """The user's class for a message; its action then waits for Apply."""
    message = _changeable(session, message_id, candidate_id)
    try:
        cls = EmailClass(classification)
    except ValueError:
        allowed = ", ".join(item.value for item in EmailClass)
        raise InvalidInput(f"Unknown class {classification!r}; choose one of {allowed}.") from None
    message.classification = cls.value
    message.classified_by = ClassifiedBy.USER.value
    message.confidence = 1.0
    message.evidence = ""
    _waiting_for_apply(message)
    session.add(message)
    session.flush()
    return message


def choose_job(session: Session, message_id: int, job_id: int, *, candidate_id: int | None = None) -> EmailMessage:
    """The user's job for a message; its action then waits for Apply."""
    message = _changeable(session, message_id, candidate_id)
    job = jobs.get_job(session, job_id, candidate_id=message.candidate_id)
    message.job_id = job.id
    message.match = MatchKind.USER.value
    _waiting_for_apply(message)
    session.add(message)
    session.flush()
    return message


@dataclass(frozen=True)
class ActionOutcome:
    message: EmailMessage
    moved: bool
    note: str
    queued_task_id: int | None = None


def apply_action(session: Session, message_id: int, *, candidate_id: int | None = None) -> ActionOutcome:
    """Do what the message's class says for its job, whatever the confidence (the user asked for it)."""
    message = _changeable(session, message_id, candidate_id)
    if message.job_id is None:
        raise InvalidInput("Choose the job this email is about first.")
    if EmailClass(message.classification) not in ACTIONABLE:
        raise InvalidInput("An email of class Other moves nothing: change its class first.")
    queued = _move(session, message, automatic=False)
    session.add(message)
    session.flush()
    if queued is not None:
        task_runner.wake()
    return ActionOutcome(message, message.action == MessageAction.MOVED.value, message.action_note, queued)


def undo_action(session: Session, message_id: int, *, candidate_id: int | None = None) -> ActionOutcome:
    """Take back the move an email made, through the jobs service (only while it is the job's last move)."""
    message = get_message(session, message_id, candidate_id=candidate_id)
    if not standing_move(message) or message.job_id is None:
        raise InvalidInput("This email has no move to undo.")
    history = jobs.stage_history(session, message.job_id)
    if not history or history[-1].id != message.stage_event_id:
        raise MoveNotAllowed("The job has moved again since this email moved it; move it on the board instead.", [])
    result = jobs.undo_last_move(session, message.job_id)
    _set_action(
        message, MessageAction.UNDONE, f"Undone: {result.job.company} is back in {Stage(result.job.stage).label}."
    )
    session.add(message)
    session.flush()
    return ActionOutcome(message, True, message.action_note)


def mark_reviewed(session: Session, message_id: int, *, candidate_id: int | None = None) -> EmailMessage:
    """Clear the review flag: an offer's move stands; otherwise nothing moves."""
    message = get_message(session, message_id, candidate_id=candidate_id)
    if message.action != MessageAction.REVIEW.value:
        raise InvalidInput("This email does not wait for a review.")
    if standing_move(message):
        _set_action(message, MessageAction.MOVED, message.action_note.replace(" An offer: look at its details.", ""))
    else:
        _set_action(message, MessageAction.NONE, "Dismissed: nothing moved.")
    session.add(message)
    session.flush()
    return message
