"""The stage rules of docs/ARCHITECTURE.md ("Stages: one writer, plain rules"), checked pair by pair.

The expected moves are written out by hand from the design, never derived from the code.
"""

from __future__ import annotations

import re

import pytest

from peregrine.domain.stages import MoveNotAllowed, Stage, check_entry, check_move, next_stage

ALL = ("saved", "applied", "survey", "phone_screen", "interviewing", "offer", "hired", "rejected")
OPEN = ("applied", "survey", "phone_screen", "interviewing", "offer")

LABEL = {
    "saved": "Saved",
    "applied": "Applied",
    "survey": "Survey",
    "phone_screen": "Phone screen",
    "interviewing": "Interviewing",
    "offer": "Offer",
    "hired": "Hired",
    "rejected": "Rejected",
}

#: docs/ARCHITECTURE.md: forward to any later stage, rejection from any open stage; hired is final.
#: Saved (not applied yet) is left only for Applied; nothing moves into it.
ALLOWED_FROM = {
    "saved": {"applied"},
    "applied": {"survey", "phone_screen", "interviewing", "offer", "hired", "rejected"},
    "survey": {"phone_screen", "interviewing", "offer", "hired", "rejected"},
    "phone_screen": {"interviewing", "offer", "hired", "rejected"},
    "interviewing": {"offer", "hired", "rejected"},
    "offer": {"hired", "rejected"},
    "hired": set(),
}


def allowed_labels_in(message: str, current: str) -> set[str]:
    """The stage labels the refusal offers, read from its 'Allowed from X: a, b or c.' clause."""
    match = re.search(rf"Allowed from {re.escape(LABEL[current])}: (.*)\.$", message)
    assert match, f"the refusal does not say what is allowed: {message!r}"
    listed = match.group(1)
    if listed == "nothing":
        return set()
    return {part.strip() for part in re.split(r",| or ", listed)}


@pytest.mark.parametrize("current", list(ALLOWED_FROM))
@pytest.mark.parametrize("target", ALL)
def test_every_move_between_non_rejected_stages(current: str, target: str) -> None:
    expected = ALLOWED_FROM[current]
    if target in expected:
        check_move(Stage(current), Stage(target))
        return
    with pytest.raises(MoveNotAllowed) as refused:
        check_move(Stage(current), Stage(target))
    assert {str(stage) for stage in refused.value.allowed} == expected
    assert allowed_labels_in(str(refused.value), current) == {LABEL[stage] for stage in expected}


@pytest.mark.parametrize("rejected_from", OPEN)
@pytest.mark.parametrize("target", ALL)
def test_a_rejected_job_only_goes_back_to_the_stage_it_was_rejected_from(rejected_from: str, target: str) -> None:
    if target == rejected_from:
        check_move(Stage.REJECTED, Stage(target), Stage(rejected_from))
        return
    with pytest.raises(MoveNotAllowed) as refused:
        check_move(Stage.REJECTED, Stage(target), Stage(rejected_from))
    assert refused.value.allowed == [Stage(rejected_from)]
    assert allowed_labels_in(str(refused.value), "rejected") == {LABEL[rejected_from]}


def test_a_rejected_job_without_a_recorded_stage_cannot_move() -> None:
    with pytest.raises(MoveNotAllowed, match="Allowed from Rejected: nothing"):
        check_move(Stage.REJECTED, Stage.APPLIED, None)


@pytest.mark.parametrize(
    ("current", "target", "explains"),
    [
        ("interviewing", "applied", "backwards"),
        ("hired", "rejected", "Hired is final"),
        ("survey", "survey", "already in Survey"),
        ("rejected", "offer", "restored to the stage it was rejected from (Phone screen)"),
        ("saved", "rejected", "not been applied to yet: move it to Applied when you apply (or delete it"),
        ("saved", "phone_screen", "not been applied to yet"),
        ("applied", "saved", "Only a new job is saved for later"),
        ("rejected", "saved", "restored to the stage it was rejected from"),
    ],
)
def test_refusals_say_why(current: str, target: str, explains: str) -> None:
    with pytest.raises(MoveNotAllowed, match=re.escape(explains)):
        check_move(Stage(current), Stage(target), Stage.PHONE_SCREEN if current == "rejected" else None)


def test_the_refusal_reads_as_a_sentence() -> None:
    with pytest.raises(MoveNotAllowed) as refused:
        check_move(Stage.OFFER, Stage.APPLIED)
    assert (
        str(refused.value) == "Jobs don't move backwards from Offer to Applied. Allowed from Offer: Hired or Rejected."
    )


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        ("saved", "applied"),
        ("applied", "phone_screen"),
        ("survey", "phone_screen"),
        ("phone_screen", "interviewing"),
        ("interviewing", "offer"),
        ("offer", "hired"),
        ("hired", None),
        ("rejected", None),
    ],
)
def test_advance_button_follows_the_main_path(current: str, expected: str | None) -> None:
    following = next_stage(Stage(current))
    assert following == (Stage(expected) if expected else None)
    if following is not None:
        check_move(Stage(current), following)  # the button never offers a refused move


def test_declining_an_offer_is_a_reason_only_at_offer() -> None:
    from peregrine.domain.stages import RejectionReason, reasons_for

    assert RejectionReason.DECLINED_OFFER not in reasons_for(Stage.APPLIED)
    assert RejectionReason.DECLINED_OFFER not in reasons_for(Stage.INTERVIEWING)
    assert RejectionReason.DECLINED_OFFER in reasons_for(Stage.OFFER)
    assert RejectionReason.WITHDREW in reasons_for(Stage.APPLIED)


def test_a_new_job_starts_in_applied_or_saved_only() -> None:
    check_entry(Stage.APPLIED)
    check_entry(Stage.SAVED)
    with pytest.raises(MoveNotAllowed, match="A new job starts in Applied or Saved, not Phone screen") as refused:
        check_entry(Stage.PHONE_SCREEN)
    assert refused.value.allowed == [Stage.APPLIED, Stage.SAVED]


def test_a_saved_job_cannot_be_rejected_for_any_reason() -> None:
    from peregrine.domain.stages import OPEN_STAGES

    assert Stage.SAVED not in OPEN_STAGES  # no Reject button, no drop on Rejected
