"""The values a stored `EmailMessage`'s status, match, classified_by and action columns take.

Every step of email sync reads or writes them, so they live apart from all of the steps.
"""

from __future__ import annotations

from enum import StrEnum


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
