"""Funnel arithmetic: from how far each job got to the share that reached each stage.

A job "reached" every main-path stage up to the furthest one it got to: its current stage,
or for a rejected job the stage it was rejected at. Survey is a side step off Applied, so it
counts as Applied here. Rates are None where they would divide by zero, never a made-up 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from peregrine.domain.stages import Stage

MAIN_PATH: tuple[Stage, ...] = (Stage.APPLIED, Stage.PHONE_SCREEN, Stage.INTERVIEWING, Stage.OFFER, Stage.HIRED)


def furthest_stage(stage: str, rejection_stage: str | None) -> Stage:
    """The furthest main-path stage a job got to."""
    reached = Stage(rejection_stage) if stage == Stage.REJECTED.value and rejection_stage else Stage(stage)
    return Stage.APPLIED if reached in (Stage.SURVEY, Stage.REJECTED) else reached


@dataclass(frozen=True)
class FunnelStep:
    stage: Stage
    reached: int
    share: float | None  # of all jobs
    pass_rate: float | None  # of the jobs that reached the previous step


def ratio(part: int | float, whole: int | float) -> float | None:
    return part / whole if whole else None


def funnel(furthest_counts: Mapping[Stage, int]) -> list[FunnelStep]:
    """Steps of the main path from the number of jobs whose furthest stage is each stage."""
    total = sum(furthest_counts.values())
    steps: list[FunnelStep] = []
    previous: int | None = None
    for index, stage in enumerate(MAIN_PATH):
        reached = sum(furthest_counts.get(later, 0) for later in MAIN_PATH[index:])
        steps.append(
            FunnelStep(stage, reached, ratio(reached, total), None if previous is None else ratio(reached, previous))
        )
        previous = reached
    return steps
