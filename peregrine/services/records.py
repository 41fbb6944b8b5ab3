"""Writing a user's edits to a row, one way for every record the user edits (rounds, offers…):
the checked values by field name, `updated_at` stamped, flushed for the caller to commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from sqlmodel import Session, SQLModel

from peregrine.models import utcnow

Record = TypeVar("Record", bound=SQLModel)


def write_fields(session: Session, record: Record, values: Mapping[str, object]) -> Record:
    """`record` with `values` written to it (already checked) and its `updated_at` now."""
    for name, value in {**values, "updated_at": utcnow()}.items():
        setattr(record, name, value)
    session.add(record)
    session.flush()
    return record
