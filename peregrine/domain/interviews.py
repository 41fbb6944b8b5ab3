"""Interview rounds: their kinds, outcomes and ratings (a round is one stage of the interview process)."""

from __future__ import annotations

from enum import StrEnum

from peregrine.domain.errors import UserFacingError


class InterviewKind(StrEnum):
    RECRUITER = "recruiter"
    TECHNICAL = "technical"
    HIRING_MANAGER = "hiring_manager"
    PANEL = "panel"
    BEHAVIORAL = "behavioral"
    SYSTEM_DESIGN = "system_design"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class RoundOutcome(StrEnum):
    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


RATING_FIELDS = ("overall_rating", "technical_rating", "culture_fit_rating", "communication_rating")


class InvalidRating(UserFacingError):
    """A rating outside 1 to 5; the message names the rating."""


def check_rating(name: str, value: int | None) -> int | None:
    """A rating is empty or a whole number from 1 to 5; anything else is refused by name."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        label = name.removesuffix("_rating").replace("_", " ")
        raise InvalidRating(f"The {label} rating must be a whole number from 1 to 5, not {value!r}.")
    return value
