"""Bearer tokens for the REST API: stored only as SHA-256 hashes, shown in clear exactly once.

The first start creates one token and leaves its clear text in a private file in the data
folder; the Settings page shows it once and deletes the file. Later tokens are shown once
when created. A revoked token stops working at once.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, bindparam, event, update
from sqlmodel import Session, col, select

from peregrine import db
from peregrine.config import data_dir, write_private
from peregrine.domain import limits
from peregrine.models import ApiToken, utcnow
from peregrine.services.errors import NotFound, check_length

PREFIX = "pgr_"
PENDING_FILE = "api-token-to-show-once.txt"


def _hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def create_token(session: Session, candidate_id: int, name: str = "default") -> tuple[ApiToken, str]:
    """A new token; the clear text is returned here and never stored."""
    label = name.strip() or "default"
    check_length("The token's name is", label, limits.API_TOKEN_NAME, outcome="No token was created.")
    plaintext = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(candidate_id=candidate_id, name=label, token_hash=_hash(plaintext), prefix=plaintext[:10])
    session.add(token)
    session.flush()
    return token, plaintext


def ensure_first_token(session: Session, candidate_id: int) -> bool:
    """At first start: create a token and keep its clear text for Settings to show once."""
    if session.exec(select(ApiToken.id).where(ApiToken.candidate_id == candidate_id).limit(1)).first() is not None:
        return False
    _, plaintext = create_token(session, candidate_id, "created at first start")
    write_private(_pending_path(), plaintext.encode("utf-8"))  # 0600 from the start, not after
    return True


def take_pending_token() -> str | None:
    """The first-start token's clear text, once: reading it deletes it."""
    path = _pending_path()
    try:
        plaintext = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path.unlink(missing_ok=True)
    return plaintext or None


def _pending_path() -> Path:
    return data_dir() / PENDING_FILE


@dataclass(frozen=True)
class TokenOwner:
    """Whom a live token speaks for: all a request needs to know."""

    token_id: int
    candidate_id: int


# Every API request runs this, so it is one prepared Core statement over an index, on a bare
# connection: no ORM session to open, begin and commit around a single read.
_LIVE_TOKEN = select(col(ApiToken.id), col(ApiToken.candidate_id)).where(
    col(ApiToken.token_hash) == bindparam("token_hash"), col(ApiToken.revoked_at).is_(None)
)


def authenticate(connection: Connection, plaintext: str) -> TokenOwner | None:
    """Whose live token this clear text is, or None (unknown or revoked)."""
    return _owner_by_hash(connection, _hash(plaintext)) if plaintext.startswith(PREFIX) else None


def _owner_by_hash(connection: Connection, token_hash: str) -> TokenOwner | None:
    row = connection.execute(_LIVE_TOKEN, {"token_hash": token_hash}).first()
    return TokenOwner(row.id, row.candidate_id) if row is not None else None


def record_use(connection: Connection, token_id: int) -> None:
    """Stamp the token as used now (shown in Settings)."""
    connection.execute(update(ApiToken).where(col(ApiToken.id) == token_id).values(last_used_at=utcnow()))


RECHECK_AFTER_S = 1.0
_live: dict[str, tuple[float, TokenOwner]] = {}  # token hash → (when read, its owner)


def owner_of(plaintext: str) -> TokenOwner | None:
    """Whose live token this is, read from the database at most once a second per token.

    Every API request asks, and the answer almost never changes: remembering it spares each
    request a connection and a query. A revoke in this process forgets every answer as it
    commits (`revoke_token`), so the token stops working at once; a revoke written by another
    process takes effect within RECHECK_AFTER_S. Unknown tokens are never remembered.
    """
    if not plaintext.startswith(PREFIX):
        return None
    token_hash = _hash(plaintext)
    now = time.monotonic()
    remembered = _live.get(token_hash)
    if remembered is not None and now - remembered[0] < RECHECK_AFTER_S:
        return remembered[1]
    with db.engine().connect() as connection:
        owner = _owner_by_hash(connection, token_hash)
    if owner is None:
        _live.pop(token_hash, None)
    else:
        _live[token_hash] = (now, owner)
    return owner


def _forget_live_tokens(_session: Session) -> None:
    _live.clear()


def tokens_of(session: Session, candidate_id: int) -> list[ApiToken]:
    return list(
        session.exec(select(ApiToken).where(ApiToken.candidate_id == candidate_id).order_by(col(ApiToken.id).desc()))
    )


def revoke_token(session: Session, token_id: int, *, candidate_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None or token.candidate_id != candidate_id:
        raise NotFound(f"Token {token_id} was not found.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        event.listen(session, "after_commit", _forget_live_tokens, once=True)
    return token
