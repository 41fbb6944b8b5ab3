"""The pipeline's stages and which moves between them are allowed.

Forward to any later stage; rejection from any open stage; a rejected job can be
restored to the stage it was rejected from. Everything else is refused with a
message that names what *is* allowed, so the user learns the rule from the refusal.
"""

from __future__ import annotations

from enum import StrEnum

from peregrine.domain.errors import UserFacingError
from peregrine.domain.labelled import LabelledEnum


class Stage(LabelledEnum):
    APPLIED = "applied", "Applied"
    SURVEY = "survey", "Survey"
    PHONE_SCREEN = "phone_screen", "Phone screen"
    INTERVIEWING = "interviewing", "Interviewing"
    OFFER = "offer", "Offer"
    HIRED = "hired", "Hired"
    REJECTED = "rejected", "Rejected"


#: The board's columns, left to right.
BOARD_ORDER: tuple[Stage, ...] = tuple(Stage)

#: Progress order; `rejected` is outside it.
PROGRESS: tuple[Stage, ...] = (
    Stage.APPLIED,
    Stage.SURVEY,
    Stage.PHONE_SCREEN,
    Stage.INTERVIEWING,
    Stage.OFFER,
    Stage.HIRED,
)

OPEN_STAGES: frozenset[Stage] = frozenset(PROGRESS) - {Stage.HIRED}

#: Where the advance button leads: survey is a side step, not part of the main path.
NEXT_ON_MAIN_PATH: dict[Stage, Stage] = {
    Stage.APPLIED: Stage.PHONE_SCREEN,
    Stage.SURVEY: Stage.PHONE_SCREEN,
    Stage.PHONE_SCREEN: Stage.INTERVIEWING,
    Stage.INTERVIEWING: Stage.OFFER,
    Stage.OFFER: Stage.HIRED,
}


class RejectionReason(LabelledEnum):
    REJECTED_BY_COMPANY = "rejected_by_company", "Rejected by the company"
    WITHDREW = "withdrew", "I withdrew"
    GHOSTED = "ghosted", "Ghosted"
    DECLINED_OFFER = "declined_offer", "I declined the offer"


class MoveNotAllowed(UserFacingError):
    """A stage move the rules refuse; the message says what is allowed instead."""

    def __init__(self, message: str, allowed: list[Stage]) -> None:
        super().__init__(message)
        self.allowed = allowed


def reasons_for(stage: Stage) -> list[RejectionReason]:
    """The reasons a job in `stage` may end for: only an offer can be declined."""
    declined_offer_fits = stage is Stage.OFFER
    return [reason for reason in RejectionReason if reason is not RejectionReason.DECLINED_OFFER or declined_offer_fits]


def check_reason(stage: Stage, reason: RejectionReason) -> None:
    """Raise `MoveNotAllowed` when `reason` cannot end a job in `stage` (declining an offer not yet made)."""
    if reason not in reasons_for(stage):
        raise MoveNotAllowed(
            f"“{reason.label}” is only a reason for a job at Offer; this one is in {stage.label}.", [Stage.REJECTED]
        )


def rank(stage: Stage) -> int:
    return PROGRESS.index(stage)


def allowed_moves(current: Stage, rejection_stage: Stage | None = None) -> list[Stage]:
    """Every stage a job in `current` may move to, in board order."""
    if current is Stage.REJECTED:
        return [rejection_stage] if rejection_stage is not None else []
    if current not in OPEN_STAGES:
        return []
    later = [stage for stage in PROGRESS if rank(stage) > rank(current)]
    return [*later, Stage.REJECTED]


def describe(stages: list[Stage]) -> str:
    labels = [stage.label for stage in stages]
    if not labels:
        return "nothing"
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def check_move(current: Stage, target: Stage, rejection_stage: Stage | None = None) -> None:
    """Raise `MoveNotAllowed` unless `current -> target` is an allowed move."""
    allowed = allowed_moves(current, rejection_stage)
    if target in allowed:
        return
    if target is current:
        reason = f"This job is already in {current.label}."
    elif current is Stage.HIRED:
        reason = "Hired is final: a hired job does not move."
    elif current is Stage.REJECTED:
        reason = (
            f"A rejected job can only be restored to the stage it was rejected from"
            f" ({rejection_stage.label if rejection_stage else 'unknown'})."
        )
    elif target in PROGRESS and rank(target) < rank(current):
        reason = f"Jobs don't move backwards from {current.label} to {target.label}."
    else:
        reason = f"{current.label} → {target.label} is not allowed."
    raise MoveNotAllowed(f"{reason} Allowed from {current.label}: {describe(allowed)}.", allowed)


def next_stage(current: Stage) -> Stage | None:
    """The advance button's target, or None when the job is at the end of the path."""
    return NEXT_ON_MAIN_PATH.get(current)


class MoveSource(StrEnum):
    """Who asked for a move; recorded on every StageEvent."""

    DRAG = "drag"
    BUTTON = "button"
    EMAIL = "email"
    API = "api"
    UNDO = "undo"
    INTERVIEW = "interview"
    #: Recording an offer moves a job before Offer to Offer.
    OFFER = "offer"
    #: Marking a survey done moves the job on from Survey.
    SURVEY = "survey"
    #: A history read from a spreadsheet (`services.jobs.import_jobs`), dated from the file.
    IMPORT = "import"
