"""The practice interview: saved sessions, streamed interviewer turns that can be stopped, scores.

An interviewer turn streams from the language model through a small pump task into a queue;
the caller reads the text in batches (at most one per `flush_s`), so a page can show tokens
as they arrive without one state update per token. Stopping cancels the pump: what arrived
is kept and saved, marked as stopped. A session whose first turn never came (no language
model answered) is not kept, and only a session with the interviewer's questions in it can
go into the round's notes.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from peregrine import db
from peregrine.config import UserProfile, user_profile
from peregrine.domain import limits
from peregrine.domain.dates import local_moment
from peregrine.domain.interviews import InterviewKind
from peregrine.llm.client import LLMClient, LLMUnavailable
from peregrine.llm.prompts import practice as prompts
from peregrine.models import Interview, InterviewPrep, Job, PracticeMessage, PracticeSession, utcnow
from peregrine.services import question_bank
from peregrine.services.errors import InvalidInput, NotFound, check_length
from peregrine.services.sanitize import clean_text

INTERVIEWER, CANDIDATE = "interviewer", "candidate"
QUESTIONS_PER_SESSION = 5
MAX_ANSWER_CHARS = limits.PRACTICE_ANSWER
STAR_PARTS = ("situation", "task", "action", "result")


# ----------------------------------------------------------------------------- sessions
def sessions_of(session: Session, interview_id: int) -> list[PracticeSession]:
    return list(
        session.exec(
            select(PracticeSession)
            .where(PracticeSession.interview_id == interview_id)
            .order_by(col(PracticeSession.id).desc())
        )
    )


def get_session(session: Session, session_id: int) -> PracticeSession:
    found = session.get(PracticeSession, session_id)
    if found is None:
        raise NotFound(f"Practice session {session_id} was not found.")
    return found


def start_session(session: Session, interview_id: int) -> PracticeSession:
    interview = session.get(Interview, interview_id)
    if interview is None:
        raise NotFound(f"Interview {interview_id} was not found.")
    # the interviewer draws on the job's question bank (its weakest questions), so it is brought up to date
    question_bank.sync_bank(session, candidate_id=interview.candidate_id, job_id=interview.job_id)
    practice = PracticeSession(interview_id=interview_id)
    session.add(practice)
    session.flush()
    return practice


def discard_if_empty(session: Session, session_id: int) -> bool:
    """Drop a session nothing was said in (its first turn failed); True if it was dropped."""
    practice = session.get(PracticeSession, session_id)
    if practice is None or messages_of(session, session_id):
        return False
    session.delete(practice)
    return True


def messages_of(session: Session, session_id: int) -> list[PracticeMessage]:
    return list(
        session.exec(
            select(PracticeMessage).where(PracticeMessage.session_id == session_id).order_by(col(PracticeMessage.id))
        )
    )


def add_answer(session: Session, session_id: int, text: str) -> PracticeMessage:
    """The candidate's answer; refused when empty, too long, or the session has been scored."""
    answer = text.strip()
    if not answer:
        raise InvalidInput("Type your answer first.")
    check_length("That answer is", answer, MAX_ANSWER_CHARS)
    if get_session(session, session_id).ended_at is not None:
        raise InvalidInput("This session has been scored; start a new one to keep practising.")
    message = PracticeMessage(session_id=session_id, role=CANDIDATE, text=answer)
    session.add(message)
    session.flush()
    return message


def interviewer_messages(session: Session, session_id: int, profile: UserProfile) -> list[dict[str, str]]:
    """The chat so far as the model sees it: its role prompt, then the turns (it is the assistant)."""
    practice = get_session(session, session_id)
    interview = session.get(Interview, practice.interview_id)
    if interview is None:
        raise NotFound("The interview of this practice session no longer exists.")
    job = session.get(Job, interview.job_id)
    assert job is not None
    prep_row = session.exec(select(InterviewPrep).where(InterviewPrep.interview_id == interview.id)).first()
    people = ", ".join(f"{p['name']} ({p['role']})" if p.get("role") else p["name"] for p in interview.interviewers)
    kind = InterviewKind(interview.kind)
    system = prompts.INTERVIEWER.substitute(
        interviewer=people or f"the {kind.label.lower()} interviewer",
        candidate=profile.name,
        title=job.title,
        company=job.company,
        kind=kind.label.lower(),
        focus=f", focused on {interview.focus}" if interview.focus else "",
        style=prompts.STYLES.get(kind.value, prompts.STYLES["other"]),
        questions=QUESTIONS_PER_SESSION,
        prep=_prep_digest(prep_row, question_bank.weakest(session, candidate_id=job.candidate_id, job_id=job.id)),
    )
    chat: list[dict[str, str]] = [{"role": "system", "content": system}, {"role": "user", "content": prompts.START}]
    for message in messages_of(session, session_id):
        chat.append({"role": "assistant" if message.role == INTERVIEWER else "user", "content": message.text})
    return chat


def _prep_digest(prep_row: InterviewPrep | None, weakest: list[question_bank.BankLine]) -> str:
    """The prep the interviewer draws on, and the job's questions that went worst (ask them again)."""
    hardest = "\n".join(f"- {line.text}" for line in weakest)
    again = f"\n\n## Questions that went worst before: ask some of them again\n{hardest}" if hardest else ""
    if prep_row is None:
        return "(no preparation generated for this interview)" + again
    parts = [
        ("Roadmap and targets", prep_row.prep_plan),
        ("Predicted questions", prep_row.predicted_questions),
        ("Resume defense", prep_row.resume_defense_prep),
    ]
    return "\n\n".join(f"## {title}\n{text[:4000]}" for title, text in parts if text) + again


# ----------------------------------------------------------------------------- a streamed turn
_running: dict[int, asyncio.Task[None]] = {}


def stop_turn(session_id: int) -> bool:
    """Stop the interviewer's turn being streamed in this session; False if none is."""
    pump = _running.get(session_id)
    if pump is None or pump.done():
        return False
    pump.cancel()
    return True


@dataclass
class InterviewerTurn:
    """One interviewer turn: iterate `batches()` for the text as it arrives, then read the outcome."""

    session_id: int
    llm: LLMClient
    profile: UserProfile = field(default_factory=user_profile)
    text: str = ""
    stopped: bool = False
    error: str = ""
    tokens: int = 0
    batches_sent: int = 0

    async def batches(self, flush_s: float = 0.016) -> AsyncIterator[str]:
        """Yield the streamed text in batches, at most one per `flush_s`; save the turn at the end."""
        with db.session_scope() as session:
            messages = interviewer_messages(session, self.session_id, self.profile)
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        pump = asyncio.create_task(self._pump(messages, queue))
        _running[self.session_id] = pump
        pending, last_flush = "", 0.0
        try:
            while True:
                wait = None if not pending else max(0.0, flush_s - (time.perf_counter() - last_flush))
                try:
                    chunk = await asyncio.wait_for(queue.get(), timeout=wait)
                except TimeoutError:
                    chunk = ""
                if chunk is None:
                    break
                pending += chunk
                if pending and time.perf_counter() - last_flush >= flush_s:
                    yield self._sent(pending)
                    pending, last_flush = "", time.perf_counter()
            if pending:
                yield self._sent(pending)
        finally:
            if not pump.done():
                pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
            _running.pop(self.session_id, None)
            self._save()

    def _sent(self, text: str) -> str:
        self.text += text
        self.batches_sent += 1
        return text

    async def _pump(self, messages: list[dict[str, str]], queue: asyncio.Queue[str | None]) -> None:
        stream = self.llm.stream_text(messages, max_tokens=prompts.TURN_MAX_TOKENS)  # issue 21: bounded turn
        try:
            async for chunk in stream:
                self.tokens += 1
                queue.put_nowait(chunk)
        except asyncio.CancelledError:
            self.stopped = True
        except LLMUnavailable as exc:
            self.error = str(exc)
        finally:
            await stream.aclose()
            queue.put_nowait(None)

    def _save(self) -> None:
        # Shown as plain text (React escapes it), so only the length is capped: line breaks stay.
        text = self.text.replace("\x00", "").strip()[:20_000]
        if not text:
            return
        with db.session_scope() as session:
            session.add(PracticeMessage(session_id=self.session_id, role=INTERVIEWER, text=text, stopped=self.stopped))


# ----------------------------------------------------------------------------- the end
def transcript(messages: list[PracticeMessage]) -> str:
    lines = []
    for message in messages:
        who = "Interviewer" if message.role == INTERVIEWER else "Me"
        lines.append(f"{who}: {message.text}{' [stopped]' if message.stopped else ''}")
    return "\n".join(lines)


async def score_session(session_id: int, *, llm: LLMClient | None = None) -> list[dict[str, Any]]:
    """Score every answer (STAR parts and relevance, 1-5, one improvement each) and end the session."""
    with db.session_scope() as session:
        practice = get_session(session, session_id)
        messages = messages_of(session, session_id)
        interview = session.get(Interview, practice.interview_id)
        job = session.get(Job, interview.job_id) if interview else None
        if interview is None or job is None:
            raise NotFound("The interview of this practice session no longer exists.")
        answers = sum(message.role == CANDIDATE for message in messages)
        if answers == 0:
            raise InvalidInput("Answer at least one question before asking for scores.")
        prompt = prompts.SCORER.substitute(
            title=job.title,
            company=job.company,
            kind=InterviewKind(interview.kind).label.lower(),
            count=answers,
            transcript=transcript(messages),
        )
    scored = await (llm or LLMClient()).structured(
        prompts.scores_schema(answers), [{"role": "user", "content": prompt}]
    )
    scores = [
        {**item.model_dump(), "question": clean_text(item.question), "improvement": clean_text(item.improvement)}
        for item in scored.answers
    ]
    with db.session_scope() as session:
        practice = get_session(session, session_id)
        practice.scores = scores
        practice.ended_at = utcnow()
        session.add(practice)
    return scores


def append_to_notes(session: Session, session_id: int) -> Interview:
    """Add the transcript (and scores, if any) to the interview's notes, once per session."""
    practice = get_session(session, session_id)
    interview = session.get(Interview, practice.interview_id)
    if interview is None:
        raise NotFound("The interview of this practice session no longer exists.")
    if practice.appended_to_notes:
        raise InvalidInput("This session is already in the interview's notes.")
    messages = messages_of(session, session_id)
    if not any(message.role == INTERVIEWER for message in messages):
        # Without the questions, the answers alone are no practice interview worth keeping in the notes.
        raise InvalidInput("Nothing to add yet: the interviewer has not asked anything in this session.")
    text = transcript(messages)
    block = f"Practice session, {local_moment(practice.started_at)}:\n{text}"
    if practice.scores:
        block += "\nScores:\n" + "\n".join(
            f"- {score['question']}: STAR {'/'.join(str(score[p]) for p in STAR_PARTS)}, "
            f"relevance {score['relevance']}. {score['improvement']}"
            for score in practice.scores
        )
    interview.notes = f"{interview.notes.rstrip()}\n\n{block}".strip()
    interview.updated_at = utcnow()
    practice.appended_to_notes = True
    session.add(interview)
    session.add(practice)
    return interview
