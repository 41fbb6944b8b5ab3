"""Parsing: RFC 822 bytes → what is stored (`parse_message` → `ParsedEmail`). Never raises.

The message's own text is kept as plain text: HTML turned into text, quoted earlier messages
dropped, at most `EXCERPT_CHARS` of it. Nothing here touches the database.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage as MimeMessage
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from peregrine.services.sanitize import HtmlText, clean_text

log = logging.getLogger("peregrine.email")

#: How much of a message's new text is kept (and classified): the decisive sentence is near the top.
EXCERPT_CHARS = 2000


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
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
#: Where the quoted earlier message of a reply starts.
_QUOTE_HEADERS = (
    re.compile(r"^\s*On\b.{0,300}?\bwrote:\s*$", re.MULTILINE | re.DOTALL),
    re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}\s*$", re.MULTILINE | re.IGNORECASE),
    re.compile(r"^\s*_{10,}\s*\n\s*From:", re.MULTILINE),
    re.compile(r"^\s*-{2,}\s*Forwarded message\s*-{2,}\s*$", re.MULTILINE | re.IGNORECASE),
)


def html_to_text(markup: str) -> str:
    parser = HtmlText(block_break="\n")  # an email's lines stay its lines
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
