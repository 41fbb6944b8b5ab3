"""Email sync: read the mailbox, store each message once, classify it, match it to a job, act.

A poll (`poll_once`) reads the new messages of the configured folder without changing them on the
server (`integrations.imap`), stores each once, keyed by its Message-ID (`store_message`), then
processes what is not processed yet (`process_pending`):

1. **Classify** (`EmailClassifier`): the language model (`llm/prompts/email_classify.py`) when one
   answers, the documented keyword rules of `domain/email_rules.py` otherwise. Either way the class
   comes with a confidence and the sentence that decided it (the evidence).
2. **Match** (`match_job`): a reply to a message already matched goes to the same job; otherwise
   the sender's domain against the company (its name, or its job URL's domain), and the company's
   name in the subject or body. One clear winner is a match; several, or none, wait in the inbox
   for the user to choose.
3. **Act** exactly as seed 000's table says (`domain.email_rules.email_move`), always through
   `services.jobs.move_job(..., source=MoveSource.EMAIL)`: an email never moves a job backwards or
   out of Hired or Rejected. Below the confidence threshold (``imap.min_confidence``, default 0.6)
   nothing moves and the message is flagged for review; an offer always asks for a look.

A message whose processing failed is retried on the next polls (`MAX_ATTEMPTS` in all) and never
holds up the others. The inbox page changes a message's class or job, applies its action, undoes it
(through `jobs.undo_last_move`) or marks it reviewed, with the functions under "The inbox".

`poll_forever` is the backend's lifespan task: it does nothing while IMAP is not configured, backs
off while the server is down or refuses the login, and keeps a `PollerStatus` for Settings.
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import hashlib
import logging
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from email import policy
from email.message import EmailMessage as MimeMessage
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from enum import StrEnum
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import case, func, update
from sqlalchemy import select as select_columns
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from peregrine import db
from peregrine.domain import email_rules
from peregrine.domain.email_rules import ACTIONABLE, DEFAULT_MIN_CONFIDENCE, EmailClass, Verdict, email_move
from peregrine.domain.stages import MoveNotAllowed, MoveSource, RejectionReason, Stage
from peregrine.integrations.imap import (
    FetchedMessage,
    ImapError,
    ImapMailbox,
    ImapNotConfigured,
    ImapSettings,
    load_imap_settings,
)
from peregrine.llm.client import LLMClient, LLMUnavailable
from peregrine.llm.prompts.email_classify import EmailClassification, render_messages
from peregrine.models import EmailMessage, Job, StageEvent, utcnow
from peregrine.services import jobs, task_runner
from peregrine.services.candidates import current_candidate
from peregrine.services.errors import InvalidInput, NotFound
from peregrine.services.sanitize import clean_text

log = logging.getLogger("peregrine.email")

#: How much of a message's new text is kept (and classified): the decisive sentence is near the top.
EXCERPT_CHARS = 2000
#: Processing tries per message before it stays failed (shown in the inbox with its error).
MAX_ATTEMPTS = 5
#: Messages read per poll; a fuller mailbox is read over the next polls, one right after another.
FETCH_LIMIT = 200
#: The longest wait between two tries while the server is down or refuses the login.
MAX_BACKOFF_S = 3600.0
#: How often a poller with no IMAP configured looks at services.yaml again.
OFF_RECHECK_S = 60.0
#: Right after a poll that left messages on the server for the next one.
MORE_WAITING_S = 1.0


class MessageAction(StrEnum):
    MOVED = "moved"
    REVIEW = "review"
    NONE = "none"
    UNDONE = "undone"


class MatchKind(StrEnum):
    MATCHED = "matched"
    AMBIGUOUS = "ambiguous"
    NONE = "none"
    USER = "user"


class MessageStatus(StrEnum):
    NEW = "new"
    PROCESSED = "processed"
    FAILED = "failed"


class ClassifiedBy(StrEnum):
    LLM = "llm"
    RULES = "rules"
    USER = "user"


# ==================================================================================================
# Parsing: RFC 822 bytes → what is stored. Never raises.


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str
    sender: str
    sender_address: str
    sender_domain: str
    subject: str
    received_at: datetime | None
    #: The message's own text as plain text: HTML turned into text, quoted earlier messages dropped.
    text: str
    #: Message-IDs this one replies to (In-Reply-To and References).
    references: tuple[str, ...] = ()


_MESSAGE_ID = re.compile(r"<[^<>\s]{1,500}>")
_SKIP_TAGS = frozenset({"script", "style", "head", "title", "template", "noscript", "svg", "math", "iframe", "object"})
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "footer", "h1", "h2", "h3",
        "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
#: Where the quoted earlier message of a reply starts.
_QUOTE_HEADERS = (
    re.compile(r"^\s*On\b.{0,300}?\bwrote:\s*$", re.MULTILINE | re.DOTALL),
    re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}\s*$", re.MULTILINE | re.IGNORECASE),
    re.compile(r"^\s*_{10,}\s*\n\s*From:", re.MULTILINE),
    re.compile(r"^\s*-{2,}\s*Forwarded message\s*-{2,}\s*$", re.MULTILINE | re.IGNORECASE),
)


class _HtmlText(HTMLParser):
    """HTML to plain text that keeps its line structure (block elements become line breaks)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _HtmlText()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # html.parser is lenient; anything it still chokes on is read as text
        return clean_text(markup, max_chars=0)
    return "".join(parser.parts)


def tidy_text(text: str) -> str:
    """Each line's whitespace collapsed and any markup left in it dropped; at most one blank line in a row."""
    lines: list[str] = []
    for raw_line in _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).split("\n"):
        line = " ".join(raw_line.split())
        if line and ("<" in line or "&" in line):
            line = clean_text(line, max_chars=0)
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip()


def strip_quoted(text: str) -> str:
    """The reply's own text: the quoted earlier message (``>`` lines, "On … wrote:" and below) dropped."""
    cut = len(text)
    for pattern in _QUOTE_HEADERS:
        found = pattern.search(text)
        if found is not None and found.start() > 0:
            cut = min(cut, found.start())
    own = "\n".join(line for line in text[:cut].split("\n") if not line.lstrip().startswith(">"))
    return own.strip() or text.strip()


def _part_text(part: Message) -> str:
    """A text part decoded with its charset; an unknown or lying charset is decoded with replacements."""
    try:
        content = part.get_content() if isinstance(part, MimeMessage) else None
    except Exception:  # unknown charset (LookupError), broken transfer encoding…: decode by hand below
        content = None
    if isinstance(content, str):
        return content
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        return payload.decode("utf-8", errors="replace")


def _body_text(message: Message) -> str:
    part: Message | None = None
    if isinstance(message, MimeMessage):
        with contextlib.suppress(Exception):
            part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        for candidate in message.walk():
            if candidate.get_content_maintype() == "text" and candidate.get_content_disposition() != "attachment":
                part = candidate
                break
    if part is None:
        return ""
    text = _part_text(part)
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return tidy_text(text)


def _header(message: Message, name: str) -> str:
    """A header as text, decoded (RFC 2047); a header the parser cannot read is taken raw."""
    try:
        value = message.get(name)
        return "" if value is None else str(value)
    except Exception:
        for key, raw in message.raw_items() if isinstance(message, MimeMessage) else message.items():
            if key.lower() == name.lower():
                return str(raw)
        return ""


def _sender(message: Message) -> tuple[str, str]:
    """(display form, address)."""
    raw = _header(message, "From")
    name, address = "", ""
    with contextlib.suppress(Exception):
        header = message.get("From")
        addresses = getattr(header, "addresses", ())
        if addresses:
            name, address = addresses[0].display_name, addresses[0].addr_spec
    if not address:
        parsed = getaddresses([raw])
        if parsed:
            name, address = parsed[0]
    address = clean_text(address.strip().strip("<>"), max_chars=320)
    name = clean_text(name, max_chars=200)
    display = f"{name} <{address}>" if name and address else (address or name or clean_text(raw, max_chars=320))
    return display, address.lower()


def _received_at(message: Message, internal_date: datetime | None) -> datetime | None:
    when: datetime | None = None
    with contextlib.suppress(Exception):
        header = message.get("Date")
        when = getattr(header, "datetime", None)
        if when is None and header is not None:
            when = parsedate_to_datetime(str(header))
    if when is None:
        when = internal_date
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC) if when is not None else None


def parse_message(raw: bytes, *, internal_date: datetime | None = None) -> ParsedEmail:
    """What Peregrine keeps of an RFC 822 message. Never raises: whatever cannot be read is left empty."""
    try:
        message: Message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception:
        log.warning("a message could not be parsed; keeping its raw text", exc_info=True)
        text = tidy_text(raw.decode("utf-8", errors="replace"))
        return ParsedEmail(_synthetic_id("", "", "", text), "", "", "", "", internal_date, text[:EXCERPT_CHARS])
    display, address = _sender(message)
    subject = clean_text(_header(message, "Subject"), max_chars=500)
    try:
        text = strip_quoted(_body_text(message))
    except Exception:
        log.warning("the body of a message could not be read", exc_info=True)
        text = ""
    message_id = " ".join(_header(message, "Message-ID").split())[:500]
    if not message_id:
        message_id = _synthetic_id(address, _header(message, "Date"), subject, text)
    references = tuple(
        dict.fromkeys(_MESSAGE_ID.findall(f"{_header(message, 'In-Reply-To')} {_header(message, 'References')}"))
    )
    return ParsedEmail(
        message_id=message_id,
        sender=display,
        sender_address=address,
        sender_domain=address.rsplit("@", 1)[1].strip(". ") if "@" in address else "",
        subject=subject,
        received_at=_received_at(message, internal_date),
        text=_excerpt(text),
        references=references,
    )


def _synthetic_id(sender: str, date_header: str, subject: str, text: str) -> str:
    """A stable id for a message that has no Message-ID: the same message always hashes the same."""
    digest = hashlib.sha256("\x1f".join((sender, date_header.strip(), subject, text[:4000])).encode()).hexdigest()
    return f"<no-message-id.{digest[:40]}@peregrine.invalid>"


def _excerpt(text: str) -> str:
    if len(text) <= EXCERPT_CHARS:
        return text
    cut = text[: EXCERPT_CHARS - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > EXCERPT_CHARS * 0.8 else cut).rstrip() + "…"


# ==================================================================================================
# Storing: once per candidate and Message-ID


def store_message(
    session: Session,
    candidate_id: int,
    raw: bytes,
    *,
    folder: str = "",
    uid: int | None = None,
    internal_date: datetime | None = None,
) -> tuple[EmailMessage, bool]:
    """Keep a message (True) or find the one already kept under its Message-ID (False)."""
    parsed = parse_message(raw, internal_date=internal_date)
    existing = _by_message_id(session, candidate_id, parsed.message_id)
    if existing is not None:
        if uid is not None and existing.folder == folder and (existing.uid or 0) < uid:
            existing.uid = uid  # seen again further up the folder: the next poll starts above it
            session.add(existing)
        return existing, False
    message = EmailMessage(
        candidate_id=candidate_id,
        message_id=parsed.message_id,
        folder=folder,
        uid=uid,
        sender=parsed.sender,
        sender_domain=parsed.sender_domain,
        subject=parsed.subject,
        received_at=parsed.received_at,
        excerpt=parsed.text,
        match_candidates=[],
        status=MessageStatus.NEW.value,
    )
    threaded = thread_job(session, candidate_id, parsed.references)
    if threaded is not None:  # a reply in a thread already matched: the same job
        message.job_id, message.match, message.match_candidates = threaded, MatchKind.MATCHED.value, [threaded]
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:  # stored meanwhile by another worker
        found = _by_message_id(session, candidate_id, parsed.message_id)
        if found is None:
            raise
        return found, False
    return message, True


def _by_message_id(session: Session, candidate_id: int, message_id: str) -> EmailMessage | None:
    return session.exec(
        select(EmailMessage).where(EmailMessage.candidate_id == candidate_id, EmailMessage.message_id == message_id)
    ).first()


def thread_job(session: Session, candidate_id: int, references: tuple[str, ...]) -> int | None:
    """The job of the latest matched message among those this one replies to."""
    if not references:
        return None
    job_id: int | None = session.execute(
        select_columns(col(EmailMessage.job_id))
        .where(
            col(EmailMessage.candidate_id) == candidate_id,
            col(EmailMessage.message_id).in_(references),
            col(EmailMessage.job_id).is_not(None),
            col(EmailMessage.match).in_([MatchKind.MATCHED.value, MatchKind.USER.value]),
        )
        .order_by(col(EmailMessage.id).desc())
        .limit(1)
    ).scalar_one_or_none()
    return job_id


def highest_uid(session: Session, candidate_id: int, folder: str) -> int:
    value = session.execute(
        select_columns(func.max(col(EmailMessage.uid))).where(
            col(EmailMessage.candidate_id) == candidate_id, col(EmailMessage.folder) == folder
        )
    ).scalar_one()
    return int(value or 0)


# ==================================================================================================
# Classifying


class EmailClassifier:
    """The language model when one answers, the keyword rules otherwise.

    Once no model answered, the rest of the batch goes straight to the rules rather than waiting
    for every backend again for each message.
    """

    def __init__(self, llm: LLMClient | None = None) -> None:
        self.llm = llm
        self.llm_down = llm is None

    async def classify(self, *, sender: str, subject: str, text: str) -> tuple[Verdict, ClassifiedBy]:
        if self.llm is not None and not self.llm_down:
            try:
                answer = await self.llm.structured(
                    EmailClassification, render_messages(sender=sender, subject=subject, body=text), max_retries=1
                )
            except LLMUnavailable as exc:
                self.llm_down = True
                log.info("classifying email by the keyword rules: %s", exc)
            else:
                verdict = Verdict(
                    EmailClass(answer.classification),
                    round(answer.confidence, 2),
                    decisive_sentence(answer.evidence, subject, text),
                )
                return verdict, ClassifiedBy.LLM
        return email_rules.classify(subject, text), ClassifiedBy.RULES


def decisive_sentence(evidence: str, subject: str, text: str) -> str:
    """The model's evidence as the email's own sentence: the closest sentence of the email, if any is close."""
    evidence = clean_text(evidence, max_chars=600)
    if not evidence:
        return ""
    candidates = email_rules.sentences(subject) + email_rules.sentences(text)
    wanted = evidence.lower()
    for sentence in candidates:
        if wanted in sentence.lower():
            return clean_text(sentence, max_chars=email_rules.EVIDENCE_CHARS)
    best, best_ratio = "", 0.0
    for sentence in candidates:
        ratio = difflib.SequenceMatcher(None, wanted, sentence.lower()).ratio()
        if ratio > best_ratio:
            best, best_ratio = sentence, ratio
    chosen = best if best_ratio >= 0.6 else evidence
    return clean_text(chosen, max_chars=email_rules.EVIDENCE_CHARS)


# ==================================================================================================
# Matching


@dataclass(frozen=True)
class JobMatch:
    kind: MatchKind
    job_id: int | None
    #: Every job that could be meant, the likeliest first.
    candidates: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _JobKeys:
    id: int
    stage: str
    company_patterns: tuple[re.Pattern[str], ...]
    title_pattern: re.Pattern[str] | None
    domain_labels: frozenset[str]
    url_domain: str


#: Addresses anyone can have: the domain says nothing about the company.
PERSONAL_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com",
        "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de", "fastmail.com",
        "zoho.com", "yandex.com", "mail.com",
    }
)  # fmt: skip
#: Job boards and applicant-tracking systems: they send for many companies and host many job URLs.
JOB_BOARD_DOMAINS = frozenset(
    {
        "linkedin.com", "indeed.com", "glassdoor.com", "ziprecruiter.com", "monster.com", "greenhouse.io",
        "lever.co", "myworkdayjobs.com", "workday.com", "smartrecruiters.com", "ashbyhq.com", "workable.com",
        "jobvite.com", "icims.com", "bamboohr.com", "breezy.hr", "recruitee.com", "teamtailor.com",
        "personio.de", "successfactors.com", "taleo.net", "wellfound.com", "angel.co", "dice.com",
        "hire.lever.co", "applytojob.com", "jazzhr.com", "rippling.com", "gem.com", "otta.com",
    }
)  # fmt: skip
_LEGAL_SUFFIXES = frozenset(
    {"inc", "llc", "ltd", "limited", "gmbh", "corp", "corporation", "co", "company", "plc", "ag", "sa", "bv", "srl"}
)
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ltd", "plc"})


def registrable_domain(host: str) -> str:
    """``mail.jobs.acme.co.uk`` → ``acme.co.uk``: good enough to compare two addresses' organisations."""
    labels = [label for label in host.lower().strip(". ").split(".") if label]
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _company_words(company: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", company.lower())


def _job_keys(job_id: int, company: str, title: str, url: str, stage: str) -> _JobKeys:
    words = _company_words(company)
    core = [word for word in words if word not in _LEGAL_SUFFIXES] or words
    labels = {"".join(words), "".join(core)}
    if core and len(core[0]) >= 4:
        labels.add(core[0])
    names = {company.strip(), " ".join(core)}
    patterns = tuple(
        re.compile(rf"(?<![\w]){re.escape(name)}(?![\w])", re.IGNORECASE) for name in names if len(name) >= 2
    )
    title_words = title.strip()
    title_pattern = (
        re.compile(rf"(?<![\w]){re.escape(title_words)}(?![\w])", re.IGNORECASE) if len(title_words) >= 3 else None
    )
    host = ""
    with contextlib.suppress(ValueError):
        host = urlsplit(url.strip()).hostname or ""
    url_domain = registrable_domain(host) if host else ""
    if url_domain in JOB_BOARD_DOMAINS:
        url_domain = ""
    return _JobKeys(job_id, stage, patterns, title_pattern, frozenset(label for label in labels if label), url_domain)


def _domain_matches(sender_domain: str, keys: _JobKeys) -> bool:
    if not sender_domain:
        return False
    domain = registrable_domain(sender_domain)
    if domain in PERSONAL_MAIL_DOMAINS or domain in JOB_BOARD_DOMAINS:
        return False
    if keys.url_domain and domain == keys.url_domain:
        return True
    label = domain.split(".", 1)[0].replace("-", "")
    return label in keys.domain_labels


def _load_job_keys(session: Session, candidate_id: int) -> list[_JobKeys]:
    rows = session.execute(
        select_columns(col(Job.id), col(Job.company), col(Job.title), col(Job.url), col(Job.stage)).where(
            col(Job.candidate_id) == candidate_id
        )
    ).all()
    return [_job_keys(job_id, company, title, url, stage) for job_id, company, title, url, stage in rows]


#: Points for each sign that a message is about a job.
SCORE_THREAD, SCORE_DOMAIN, SCORE_NAME_IN_SUBJECT, SCORE_NAME_IN_BODY, SCORE_TITLE = 100, 10, 5, 3, 2
_CLOSED = frozenset({Stage.HIRED.value, Stage.REJECTED.value})


def match_job(
    session: Session,
    candidate_id: int,
    *,
    sender_domain: str,
    subject: str,
    text: str,
    job_keys: list[_JobKeys] | None = None,
) -> JobMatch:
    """Which job a message is about: one (matched), several (ambiguous) or none.

    (A reply in a thread already matched is matched when stored, by `thread_job`.)
    """
    keys = job_keys if job_keys is not None else _load_job_keys(session, candidate_id)
    scores: dict[int, int] = {}
    stages: dict[int, str] = {}
    for job in keys:
        score = SCORE_DOMAIN if _domain_matches(sender_domain, job) else 0
        if any(pattern.search(subject) for pattern in job.company_patterns):
            score += SCORE_NAME_IN_SUBJECT
        elif any(pattern.search(text) for pattern in job.company_patterns):
            score += SCORE_NAME_IN_BODY
        if (
            score
            and job.title_pattern is not None
            and (job.title_pattern.search(subject) or job.title_pattern.search(text))
        ):
            score += SCORE_TITLE
        if score:
            scores[job.id] = score
            stages[job.id] = job.stage
    if not scores:
        return JobMatch(MatchKind.NONE, None, [])
    ordered = sorted(scores, key=lambda job_id: (-scores[job_id], stages[job_id] in _CLOSED, job_id))
    top = scores[ordered[0]]
    best = [job_id for job_id in ordered if scores[job_id] == top]
    still_open = [job_id for job_id in best if stages[job_id] not in _CLOSED]
    if still_open:
        best = still_open
    if len(best) == 1:
        return JobMatch(MatchKind.MATCHED, best[0], ordered)
    return JobMatch(MatchKind.AMBIGUOUS, None, ordered)


# ==================================================================================================
# Acting


@dataclass
class ProcessReport:
    processed: int = 0
    moved: int = 0
    review: int = 0
    failed: int = 0
    by_rules: int = 0
    queued_research: list[int] = field(default_factory=list)


def _pending_ids(session: Session, candidate_id: int | None) -> list[tuple[int, int]]:
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
        pending = _pending_ids(session, candidate_id)
    batch = _Batch(classifier or EmailClassifier(llm if llm is not None else LLMClient()), min_confidence)
    for message_id, attempts in pending:
        await batch.process(message_id, attempts)
    return batch.finish()


class _Batch:
    """Messages processed one after another with one classifier (and one "the model is down")."""

    def __init__(self, classifier: EmailClassifier, min_confidence: float | None) -> None:
        self.classifier = classifier
        self.threshold = DEFAULT_MIN_CONFIDENCE if min_confidence is None else min_confidence
        self.report = ProcessReport()
        self._job_keys: dict[int, list[_JobKeys]] = {}

    async def process(self, message_id: int, attempts: int) -> None:
        report = self.report
        with db.session_scope() as session:
            message = _claim(session, message_id, attempts)
            if message is None:
                return
            sender, subject, text = message.sender, message.subject, message.excerpt
            owner = message.candidate_id
            if owner not in self._job_keys:
                self._job_keys[owner] = _load_job_keys(session, owner)
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
    job_keys: list[_JobKeys],
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
    queued = _decide(session, message, threshold)
    message.status = MessageStatus.PROCESSED.value
    message.error = None
    message.processed_at = utcnow()
    session.add(message)
    return MessageAction(message.action), queued


def _decide(session: Session, message: EmailMessage, threshold: float) -> int | None:
    """What the poller does by itself with a classified, matched message."""
    cls = EmailClass(message.classification)
    if cls not in ACTIONABLE:
        _set_action(message, MessageAction.NONE, "Not about a stage change: nothing to do.")
        return None
    if message.job_id is None:
        _set_action(message, MessageAction.REVIEW, _choose_note(message))
        return None
    if message.confidence < threshold:
        _set_action(
            message,
            MessageAction.REVIEW,
            f"Only {message.confidence:.0%} sure (below {threshold:.0%}): nothing moved. Check the class, then apply.",
        )
        return None
    return _move(session, message, automatic=True)


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
        flag = automatic and cls is EmailClass.OFFER and job.stage == Stage.OFFER.value
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
# The inbox


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


def _standing_move(message: EmailMessage) -> bool:
    """The message's move is in force (it can be undone, and must be before class or job change)."""
    return message.stage_event_id is not None and message.action in (
        MessageAction.MOVED.value,
        MessageAction.REVIEW.value,
    )


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
    standing = _standing_move(message)
    candidates = [
        JobChoice(str(job_id), _job_label(*jobs_by_id[job_id][:2]))
        for job_id in message.match_candidates
        if job_id in jobs_by_id
    ]
    return InboxItem(
        id=message.id,
        sender=message.sender,  # cleaned when stored (a second pass would take "<address>" for a tag)
        subject=clean_text(message.subject, max_chars=500) or "(no subject)",
        received=f"{message.received_at:%Y-%m-%d %H:%M}" if message.received_at else "",
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
    """Every job of the candidate, for "choose the job": by company, then title."""
    rows = session.execute(
        select_columns(col(Job.id), col(Job.company), col(Job.title))
        .where(col(Job.candidate_id) == candidate_id)
        .order_by(func.lower(col(Job.company)), func.lower(col(Job.title)), col(Job.id))
    )
    return [JobChoice(str(job_id), _job_label(company, title)) for job_id, company, title in rows]


def get_message(session: Session, message_id: int, *, candidate_id: int | None = None) -> EmailMessage:
    message = session.get(EmailMessage, message_id)
    if message is None or (candidate_id is not None and message.candidate_id != candidate_id):
        raise NotFound(f"Email {message_id} was not found.")
    return message


def _changeable(session: Session, message_id: int, candidate_id: int | None) -> EmailMessage:
    message = get_message(session, message_id, candidate_id=candidate_id)
    if message.status != MessageStatus.PROCESSED.value:
        raise InvalidInput("This email is not processed yet; try again in a moment.")
    if _standing_move(message):
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
    if not _standing_move(message) or message.job_id is None:
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
    if _standing_move(message):
        _set_action(message, MessageAction.MOVED, message.action_note.replace(" An offer: look at its details.", ""))
    else:
        _set_action(message, MessageAction.NONE, "Dismissed: nothing moved.")
    session.add(message)
    session.flush()
    return message


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


# ==================================================================================================
# Polling


@dataclass
class PollReport:
    fetched: int = 0
    new: int = 0
    more_waiting: bool = False
    processing: ProcessReport = field(default_factory=ProcessReport)

    def summary(self) -> str:
        done = self.processing
        parts = [f"{self.new} new message{'s' if self.new != 1 else ''}"]
        if done.moved:
            parts.append(f"{done.moved} moved a job")
        if done.review:
            parts.append(f"{done.review} to review")
        if done.failed:
            parts.append(f"{done.failed} failed (retried next time)")
        return ", ".join(parts)


def mailbox_key(settings: ImapSettings, uid_validity: int | None) -> str:
    """Where a UID means something: UIDs are only comparable within one account's folder and one
    UIDVALIDITY (RFC 3501 §2.3.1.1). A new server, account or re-created folder gets a new key, so
    its messages are read from the first-sync window again (Message-IDs keep that duplicate-free)."""
    return f"{settings.user}@{settings.host}:{settings.port}/{settings.folder};UIDVALIDITY={uid_validity or 0}"


def _read_mailbox(settings: ImapSettings, candidate_id: int) -> tuple[list[FetchedMessage], bool, str]:
    """The messages after the last one read from this mailbox (blocking: runs in a thread)."""
    with ImapMailbox(settings) as box:
        folder = box.folder
        key = mailbox_key(settings, folder.uid_validity if folder is not None else None)
        with db.session_scope() as session:
            last_uid = highest_uid(session, candidate_id, key)
        if last_uid and folder is not None and folder.uid_next and last_uid >= folder.uid_next:
            last_uid = 0  # a server that reuses UIDs without changing UIDVALIDITY: read the window again
        since = None if last_uid else date.today() - timedelta(days=settings.first_sync_days)
        uids = box.uids_after(last_uid, since=since)
        batch = uids[:FETCH_LIMIT]
        return list(box.fetch(batch)), len(uids) > len(batch), key


async def poll_once(
    settings: ImapSettings | None = None,
    *,
    llm: LLMClient | None = None,
    classifier: EmailClassifier | None = None,
) -> PollReport:
    """Read the new messages, store them, process everything pending. Raises `ImapError`."""
    settings = settings if settings is not None else load_imap_settings()
    if not settings.configured:
        raise ImapNotConfigured()
    with db.session_scope() as session:
        candidate_id = current_candidate(session).id
        assert candidate_id is not None
    fetched, more, mailbox = await asyncio.to_thread(_read_mailbox, settings, candidate_id)
    report = PollReport(fetched=len(fetched), more_waiting=more)
    # Earlier failures are retried first; then each new message is processed right after it is
    # stored, in the server's order, so that a reply finds the job its thread was matched to.
    with db.session_scope() as session:
        retries = _pending_ids(session, candidate_id)
    batch = _Batch(classifier or EmailClassifier(llm if llm is not None else LLMClient()), settings.min_confidence)
    for message_id, attempts in retries:
        await batch.process(message_id, attempts)
    for item in fetched:
        with db.session_scope() as session:
            message, created = store_message(
                session,
                candidate_id,
                item.raw,
                folder=mailbox,
                uid=item.uid,
                internal_date=item.internal_date,
            )
            stored_id, attempts = message.id, message.attempts
        report.new += created
        if created and stored_id is not None:
            await batch.process(stored_id, attempts)
    report.processing = batch.finish()
    return report


@dataclass(frozen=True)
class PollerStatus:
    """What Settings shows about the poller. `state`: off, starting, ok or error."""

    state: str = "off"
    address: str = ""
    last_success_at: datetime | None = None
    last_summary: str = ""
    last_error: str = ""
    last_error_kind: str = ""
    last_error_at: datetime | None = None
    next_try_at: datetime | None = None
    failures: int = 0
    next_delay_s: float = 0.0


_status = PollerStatus()
_wakeup: asyncio.Event | None = None


def poller_status() -> PollerStatus:
    return _status


def _set_status(**changes: Any) -> None:
    global _status
    _status = replace(_status, **changes)


def wake() -> None:
    """Poll now rather than at the next tick (the inbox's "Check mail now")."""
    if _wakeup is not None:
        _wakeup.set()


def backoff_delay(interval_s: float, failures: int) -> float:
    """The wait after `failures` failed polls in a row: the interval, doubled per failure, at most an hour."""
    if failures <= 0:
        return interval_s
    return min(MAX_BACKOFF_S, interval_s * 2 ** (failures - 1))


async def poll_forever(*, poll_seconds: float | None = None, off_recheck_s: float = OFF_RECHECK_S) -> None:
    """The backend's lifespan task: poll while IMAP is configured, back off while it fails, never raise.

    services.yaml is read again before every poll, so switching email sync on or off needs no restart.
    `poll_seconds` overrides ``imap.poll_seconds`` (for tests).
    """
    global _wakeup
    _wakeup = asyncio.Event()
    failures = 0
    while True:
        _wakeup.clear()
        settings = load_imap_settings()
        if not settings.configured:
            failures = 0
            delay = off_recheck_s
            _set_status(state="off", address="", next_try_at=None, failures=0, next_delay_s=0.0)
        else:
            interval = poll_seconds if poll_seconds is not None else float(settings.poll_seconds)
            if _status.state == "off":
                _set_status(state="starting", address=settings.address)
            try:
                report = await poll_once(settings)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                delay = backoff_delay(interval, failures)
                if isinstance(exc, ImapError):
                    message, kind = str(exc), exc.kind
                    log.warning("email poll failed (%s); next try in %.0f s: %s", kind, delay, message)
                else:
                    message, kind = f"Unexpected error: {exc}", "bug"
                    log.exception("email poll crashed; next try in %.0f s", delay)
                _set_status(
                    state="error",
                    address=settings.address,
                    last_error=message,
                    last_error_kind=kind,
                    last_error_at=utcnow(),
                    failures=failures,
                    next_delay_s=delay,
                    next_try_at=utcnow() + timedelta(seconds=delay),
                )
            else:
                failures = 0
                delay = MORE_WAITING_S if report.more_waiting else interval
                if report.new or report.processing.processed:
                    log.info("email poll: %s", report.summary())
                _set_status(
                    state="ok",
                    address=settings.address,
                    last_success_at=utcnow(),
                    last_summary=report.summary(),
                    failures=0,
                    next_delay_s=delay,
                    next_try_at=utcnow() + timedelta(seconds=delay),
                )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(_wakeup.wait(), timeout=delay)
