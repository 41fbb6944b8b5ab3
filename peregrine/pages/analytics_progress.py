"""The analytics page's Progress over time: round ratings, predicted questions that came up, confidence per topic.

Each chart has its exact figures in a table beside it; every number comes from `services.progress`.
The section's state is loaded with the page (`AnalyticsState.load`); the page's filters do not
narrow it (it follows the user across every job).
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from peregrine import db
from peregrine.components.reports import bar_chart, figures_table, line_chart, report_card
from peregrine.pages.state import AppState
from peregrine.services import progress


@dataclass(frozen=True)
class RoundRow:
    day: str
    round: str
    #: The chart's values (None: no point); the table's labels say "—" for them.
    overall: int | None
    hit_percent: int | None
    overall_label: str
    hit_label: str


@dataclass(frozen=True)
class TopicRow:
    topic: str
    latest: int
    #: "2 → 3 → 4": each round's confidence in date order.
    history: str
    change: str


class ProgressState(AppState):
    rounds: list[RoundRow] = []
    topics: list[TopicRow] = []

    def _load(self) -> None:
        with db.session_scope() as session:
            points, trends = progress.progress(session, candidate_id=self.candidate_id(session))
        self.rounds = [
            RoundRow(
                point.day,
                point.round,
                point.overall,
                point.hit_percent,
                f"{point.overall}/5" if point.overall is not None else "—",
                f"{point.hit_percent}%" if point.hit_percent is not None else "—",
            )
            for point in points
        ]
        self.topics = [
            TopicRow(
                trend.topic,
                trend.latest,
                " → ".join(str(score) for score in trend.scores),
                f"{trend.change:+d}" if len(trend.scores) > 1 else "—",
            )
            for trend in trends
        ]


def progress_section() -> rx.Component:
    s = ProgressState
    empty = rx.text(
        "Nothing yet: rate a round, record the questions asked or write a reflection.", size="2", color_scheme="gray"
    )
    return rx.fragment(
        report_card(
            "Round ratings over time",
            rx.cond(
                s.rounds.length() > 0,
                rx.fragment(
                    line_chart(
                        s.rounds, "day", [("overall", "Overall rating")], "Overall rating of each round, oldest first"
                    ),
                    figures_table(
                        ["Date", "Round", "Overall", "Predicted that came up"],
                        s.rounds,
                        lambda r: [r.day, r.round, r.overall_label, r.hit_label],
                    ),
                ),
                empty,
            ),
            wide=True,
        ),
        report_card(
            "Predicted questions that came up",
            rx.cond(
                s.rounds.length() > 0,
                line_chart(
                    s.rounds,
                    "day",
                    [("hit_percent", "Predicted that came up")],
                    "Share of each round's predicted questions that were asked; the figures are in the ratings table",
                    "%",
                ),
                empty,
            ),
        ),
        report_card(
            "Confidence per topic",
            rx.cond(
                s.topics.length() > 0,
                rx.fragment(
                    bar_chart(s.topics, "topic", "latest", "Latest confidence per topic, 1 to 5"),
                    figures_table(
                        ["Topic", "Latest", "Round by round", "Change"],
                        s.topics,
                        lambda r: [r.topic, r.latest, r.history, r.change],
                    ),
                ),
                rx.text("No reflections with a confidence per topic yet.", size="2", color_scheme="gray"),
            ),
        ),
    )
