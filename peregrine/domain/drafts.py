"""The emails Peregrine drafts for the user (never sends): their kinds, and the `mailto:` link of a draft.

A draft opens in the user's own mail program through a `mailto:` address (RFC 6068): the subject and
the body are percent-encoded as UTF-8, line breaks as CRLF, so a body with `&`, `?`, `#` or accents
arrives as it was written.
"""

from __future__ import annotations

import re
from enum import StrEnum
from urllib.parse import quote


class DraftKind(StrEnum):
    THANK_YOU = "thank_you"
    FOLLOW_UP = "follow_up"
    ACCEPT_OFFER = "accept_offer"
    DECLINE_OFFER = "decline_offer"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    DraftKind.THANK_YOU: "Thank-you note after a round",
    DraftKind.FOLLOW_UP: "Follow-up after silence",
    DraftKind.ACCEPT_OFFER: "Accept the offer",
    DraftKind.DECLINE_OFFER: "Decline the offer",
}

#: An address as people type it beside a name ("Ana Diaz <ana@acme.io>", "ana@acme.io").
_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def email_address(*texts: str) -> str:
    """The first email address written in any of `texts`, or ""."""
    for text in texts:
        found = _ADDRESS.search(text or "")
        if found:
            return found.group(0)
    return ""


def mailto_link(recipient: str, subject: str, body: str) -> str:
    """`mailto:<recipient>?subject=…&body=…`, every part percent-encoded (the recipient may be "")."""
    encoded_body = quote(body.replace("\r\n", "\n").replace("\n", "\r\n"), safe="")
    return f"mailto:{quote(recipient, safe='@')}?subject={quote(subject, safe='')}&body={encoded_body}"
