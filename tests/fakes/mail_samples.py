"""Real RFC 822 messages for the email tests, built the way mail programs build them."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from email.header import Header
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

DEFAULT_DATE = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def _headers(
    message: EmailMessage,
    *,
    sender: str,
    subject: str,
    message_id: str | None,
    date: datetime,
    in_reply_to: str | None,
) -> None:
    message["From"] = sender
    message["To"] = "Alice Example <alice@example.com>"
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    if message_id is not None:
        message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to


def plain(
    sender: str,
    subject: str,
    body: str,
    *,
    message_id: str | None = "",
    date: datetime = DEFAULT_DATE,
    in_reply_to: str | None = None,
) -> bytes:
    """A text/plain mail (UTF-8). `message_id=None` leaves the Message-ID header out."""
    message = EmailMessage()
    _headers(
        message,
        sender=sender,
        subject=subject,
        message_id=make_msgid(domain="mail.example") if message_id == "" else message_id,
        date=date,
        in_reply_to=in_reply_to,
    )
    message.set_content(body)
    return message.as_bytes(policy=SMTP)


def alternative(sender: str, subject: str, text: str, html: str, *, message_id: str = "") -> bytes:
    """multipart/alternative: a text part and an HTML part, as most mail programs send."""
    message = EmailMessage()
    _headers(
        message,
        sender=sender,
        subject=subject,
        message_id=message_id or make_msgid(domain="mail.example"),
        date=DEFAULT_DATE,
        in_reply_to=None,
    )
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message.as_bytes(policy=SMTP)


def html_only(sender: str, subject: str, html: str, *, message_id: str = "") -> bytes:
    """Only text/html, as newsletters and applicant-tracking systems often send."""
    message = EmailMessage()
    _headers(
        message,
        sender=sender,
        subject=subject,
        message_id=message_id or make_msgid(domain="mail.example"),
        date=DEFAULT_DATE,
        in_reply_to=None,
    )
    message.set_content(html, subtype="html")
    return message.as_bytes(policy=SMTP)


def with_attachment(
    sender: str, subject: str, body: str, *, attachment: bytes, filename: str, message_id: str = ""
) -> bytes:
    """multipart/mixed: a text part, then a (large) attachment."""
    message = EmailMessage()
    _headers(
        message,
        sender=sender,
        subject=subject,
        message_id=message_id or make_msgid(domain="mail.example"),
        date=DEFAULT_DATE,
        in_reply_to=None,
    )
    message.set_content(body)
    message.add_attachment(attachment, maintype="application", subtype="pdf", filename=filename)
    return message.as_bytes(policy=SMTP)


def in_charset(
    sender: str,
    subject: str,
    body: str,
    charset: str,
    *,
    transfer: str = "8bit",
    message_id: str = "",
    declared: str | None = None,
) -> bytes:
    """A text/plain mail whose subject (RFC 2047) and body are encoded in `charset`.

    `declared` puts another charset in the header than the one the bytes are in (a lying mailer),
    or one that does not exist.
    """
    encoded = body.encode(charset)
    payload = base64.encodebytes(encoded) if transfer == "base64" else encoded.replace(b"\n", b"\r\n")
    headers = [
        f"From: {formataddr(parseaddr(sender), charset=charset)}",
        "To: alice@example.com",
        f"Subject: {Header(subject, charset).encode()}",
        f"Date: {format_datetime(DEFAULT_DATE)}",
        f"Message-ID: {message_id or make_msgid(domain='mail.example')}",
        "MIME-Version: 1.0",
        f'Content-Type: text/plain; charset="{declared or charset}"',
        f"Content-Transfer-Encoding: {transfer}",
    ]
    return ("\r\n".join(headers) + "\r\n\r\n").encode("ascii") + payload
