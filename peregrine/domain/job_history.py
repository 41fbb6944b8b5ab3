"""A job's history as a person reads it: the moves that stand, the day each stage was entered,
and how the application ended. The exports and the job-search log read it from here.

An undo takes its move back: the mistaken move and the undo that reverted it are both dropped, so
a stage that was entered only by mistake has no date. Days are read in this machine's time zone
(Peregrine is self-hosted: the viewer shares its clock), as everywhere else in the app.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from peregrine.domain.dates import as_utc
from peregrine.domain.stages import MoveSource, RejectionReason, Stage


class MoveRecord(Protocol):
    """What a stored move says (a `models.StageEvent` is one)."""

    @property
    def to_stage(self) -> str: ...
    @property
    def at(self) -> datetime: ...
    @property
    def source(self) -> str: ...
    @property
    def rejection_reason(self) -> str | None: ...


@dataclass(frozen=True)
class Step:
    """A move that stands: the stage entered, the day, and why when it is a rejection."""

    stage: Stage
    on: date
    rejection_reason: str | None = None

    @property
    def label(self) -> str:
        if self.stage is Stage.REJECTED and self.rejection_reason:
            return f"{self.stage.label} ({reason_label(self.rejection_reason)})"
        return self.stage.label


def local_day(moment: datetime) -> date:
    """The day a stored (UTC) moment falls on in this machine's zone."""
    return as_utc(moment).astimezone().date()


def steps_of(events: Iterable[MoveRecord]) -> list[Step]:
    """The moves that stand, oldest first (`events` oldest first): an undo drops the move it undid."""
    steps: list[Step] = []
    for event in events:
        if event.source == MoveSource.UNDO:
            if steps:
                steps.pop()
            continue
        steps.append(Step(Stage(event.to_stage), local_day(event.at), event.rejection_reason))
    return steps


def stage_entry_days(steps: Iterable[Step]) -> dict[Stage, date]:
    """The first day each stage was entered (a stage entered twice, after a restore, keeps its first)."""
    days: dict[Stage, date] = {}
    for step in steps:
        days.setdefault(step.stage, step.on)
    return days


def reason_label(reason: str) -> str:
    try:
        return RejectionReason(reason).label
    except ValueError:
        return reason


def outcome_label(stage: str, rejection_reason: str | None) -> str:
    """How the application stands or ended: "Hired", "Rejected (Ghosted)", "In progress (Interviewing)"."""
    current = Stage(stage)
    if current is Stage.HIRED:
        return current.label
    if current is Stage.REJECTED:
        return f"{current.label} ({reason_label(rejection_reason)})" if rejection_reason else current.label
    return f"In progress ({current.label})"
