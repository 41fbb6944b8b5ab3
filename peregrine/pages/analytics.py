"""`/analytics`: the whole pipeline in charts, each with the exact figures in a table beside it.

The State holds display-ready rows only; every number comes from `services.analytics`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import reflex as rx

from peregrine import db
from peregrine.components.layout import page_layout
from peregrine.domain.dates import calendar_date
from peregrine.domain.interviews import RATING_FIELDS
from peregrine.pages.state import AppState
from peregrine.services import analytics
from peregrine.services.analytics import Filters

ALL = "__all__"
#: The filters as the toolbar shows them, none chosen: the dates as typed, the choices or ALL.
NO_FILTERS = {"date_from": "", "date_to": "", "source": ALL, "company": ALL}


def _percent(value: float | None) -> str:
    return f"{value:.0%}" if value is not None else "—"


def _days(value: float | None) -> str:
    return f"{value:.1f} d" if value is not None else "—"


def _rating(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "—"


@dataclass(frozen=True)
class FunnelRow:
    stage: str
    reached: int
    share: str
    pass_rate: str
    percent: float


@dataclass(frozen=True)
class KindRow:
    kind: str
    rounds: int
    passed: int
    failed: int
    success: str
    success_percent: float
    overall: str
    technical: str
    culture: str
    communication: str


@dataclass(frozen=True)
class TimeRow:
    stage: str
    days: float
    label: str
    stays: int


@dataclass(frozen=True)
class CountRow:
    label: str
    count: int


@dataclass(frozen=True)
class ConversionRow:
    name: str
    jobs: int
    interviews: int
    offers: int
    hired: int
    interview_rate: str
    offer_rate: str
    conversion: str


@dataclass(frozen=True)
class PlacementRow:
    company: str
    title: str
    hired_on: str
    offer: str


class AnalyticsState(AppState):
    chosen: dict[str, str] = NO_FILTERS
    sources: list[str] = []
    companies: list[str] = []
    error: str = ""
    total: int = 0
    funnel: list[FunnelRow] = []
    kinds: list[KindRow] = []
    times: list[TimeRow] = []
    decision: str = ""
    rejection_stages: list[CountRow] = []
    rejection_reasons: list[CountRow] = []
    conversions: list[ConversionRow] = []
    insights: list[CountRow] = []
    insight_lines: list[str] = []
    placements: list[PlacementRow] = []

    @rx.event
    def load(self) -> None:
        self._refresh()

    @rx.event
    def set_filter(self, name: str, value: str) -> Any:
        if name in NO_FILTERS:
            self.chosen = {**self.chosen, name: value}
        self._refresh()

    @rx.event
    def clear_filters(self) -> None:
        self.chosen = dict(NO_FILTERS)
        self._refresh()

    def _filters(self) -> Filters:
        def day(text: str) -> date | None:
            return date.fromisoformat(text) if text else None

        def choice(name: str) -> str | None:
            return None if self.chosen[name] == ALL else self.chosen[name]

        return Filters(
            date_from=day(self.chosen["date_from"]),
            date_to=day(self.chosen["date_to"]),
            source=choice("source"),
            company=choice("company"),
        )

    def _refresh(self) -> None:
        try:
            filters = self._filters()
        except ValueError:
            self.error = "A date is not valid; use the date picker."
            return
        if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
            self.error = "The start date is after the end date."
            return
        self.error = ""
        with db.session_scope() as session:
            candidate_id = self.candidate_id(session)
            self.sources = sorted(analytics.source_names(session, candidate_id), key=str.lower)
            self.companies = sorted(analytics.company_names(session, candidate_id), key=str.lower)
            steps = analytics.conversion_funnel(session, candidate_id, filters)
            self.total = steps[0].reached if steps else 0
            self.funnel = [
                FunnelRow(
                    s.stage.label, s.reached, _percent(s.share), _percent(s.pass_rate), round((s.share or 0) * 100, 1)
                )
                for s in steps
            ]
            self.kinds = [
                KindRow(
                    k.kind.label,
                    k.rounds,
                    k.passed,
                    k.failed,
                    _percent(k.success_rate),
                    round((k.success_rate or 0) * 100, 1),
                    *[_rating(k.average_ratings[name]) for name in RATING_FIELDS],
                )
                for k in analytics.round_kind_stats(session, candidate_id, filters)
            ]
            self.times = [
                TimeRow(t.stage.label, round(t.average_days or 0, 2), _days(t.average_days), t.stays)
                for t in analytics.time_in_stages(session, candidate_id, filters)
            ]
            days, decided = analytics.time_to_decision(session, candidate_id, filters)
            self.decision = f"{_days(days)} on average over {decided} decided jobs" if decided else "No decisions yet"
            found = analytics.rejections(session, candidate_id, filters)
            by_reason: dict[str, int] = {}
            for item in found:
                by_reason[item.label] = by_reason.get(item.label, 0) + item.count
            self.rejection_stages = [CountRow(stage.label, n) for stage, n in analytics.rejections_by_stage(found)]
            self.rejection_reasons = [CountRow(label, count) for label, count in by_reason.items()]
            self.conversions = [
                ConversionRow(
                    c.name,
                    c.jobs,
                    c.interviews,
                    c.offers,
                    c.hired,
                    _percent(c.interview_rate),
                    _percent(c.offer_rate),
                    _percent(c.conversion_rate),
                )
                for c in analytics.source_conversion(session, candidate_id, filters)
            ]
            self._company_insights(session, candidate_id)

            self.placements = [
                PlacementRow(
                    p.company,
                    p.title,
                    calendar_date(p.hired_on),
                    f"{p.offer.base_salary:,} {p.offer.currency}" if p.offer and p.offer.base_salary else "—",
                )
                for p in analytics.placement_history(session, candidate_id, filters)
            ]

    def _company_insights(self, session: Any, candidate_id: int) -> None:
        self.insights, self.insight_lines = [], []
        if self.chosen["company"] == ALL:
            return
        found = analytics.company_insights(session, candidate_id, self.chosen["company"])
        if found is None:
            return
        c = found.conversion
        self.insight_lines = [
            f"{c.jobs} applications; interview rate {_percent(c.interview_rate)}, offer rate {_percent(c.offer_rate)}, "
            f"{c.hired} hired.",
            f"Time to a decision: {_days(found.average_days_to_decision)}.",
            "Sources that led to interviews: " + (", ".join(found.sources_with_interviews) or "none yet") + ".",
        ]
        self.insights = [CountRow(label, count) for label, count in found.rejection_reasons.items()]


# ---------------------------------------------------------------------------------------------- view
def _card(title: str, *children: rx.Component, wide: bool = False) -> rx.Component:
    """One report; a `wide` one (a table of many columns) takes a whole row of the grid, its chart
    and table side by side while there is room."""
    body = (rx.el.div(*children, class_name="analytics-split"),) if wide else children
    return rx.el.section(
        rx.heading(title, size="4", as_="h2"),
        *body,
        aria_label=title,
        class_name="analytics-card analytics-card-wide" if wide else "analytics-card",
    )


def _bar_chart(rows: rx.Var[list[Any]], x: str, y: str, label: str, unit: str = "") -> rx.Component:
    """Horizontal bars, one a category, its name to the left: names like "Phone screen" stay whole
    and readable however narrow the card, where upright bars would crowd their labels together."""
    return rx.box(
        rx.recharts.bar_chart(
            rx.recharts.cartesian_grid(stroke_dasharray="3 3", horizontal=False),
            rx.recharts.bar(data_key=y, fill=rx.color("accent", 9), radius=4, is_animation_active=False, unit=unit),
            rx.recharts.x_axis(type_="number", allow_decimals=False, tick={"fontSize": 12}, unit=unit),
            rx.recharts.y_axis(data_key=x, type_="category", interval=0, width=104, tick={"fontSize": 12}),
            rx.recharts.graphing_tooltip(),
            data=rows.to(list[dict[str, Any]]),  # each row reaches the browser as a mapping
            layout="vertical",
            width="100%",
            height=220,
        ),
        role="img",
        aria_label=label,
        width="100%",
    )


def _table(headers: list[str], rows: rx.Var[list[Any]], cells: Any) -> rx.Component:
    return rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
        rx.table.body(rx.foreach(rows, lambda row: rx.table.row(*[rx.table.cell(cell) for cell in cells(row)]))),
        size="1",
        variant="surface",
        width="100%",
    )


def _clamped(text: rx.Var[str]) -> rx.Component:
    """A name or title in a table cell: two lines at most, the whole of it on hover."""
    return rx.el.span(text, title=text, class_name="cell-clamp")


def _filters() -> rx.Component:
    def choose(label: str, name: str, options: rx.Var[list[str]], everything: str) -> rx.Component:
        return rx.el.label(
            rx.text(label, size="2", weight="medium"),
            rx.el.select(
                rx.el.option(everything, value=ALL),
                rx.foreach(options, lambda option: rx.el.option(option, value=option)),
                value=AnalyticsState.chosen[name],
                on_change=lambda v: AnalyticsState.set_filter(name, v),
                class_name="native-select",
            ),
            class_name="form-field analytics-filter",
        )

    def day(label: str, name: str) -> rx.Component:
        return rx.el.label(
            rx.text(label, size="2", weight="medium"),
            rx.input(
                type="date", value=AnalyticsState.chosen[name], on_change=lambda v: AnalyticsState.set_filter(name, v)
            ),
            class_name="form-field analytics-filter",
        )

    return rx.el.form(
        rx.hstack(
            day("Added from", "date_from"),
            day("Added until", "date_to"),
            choose("Source", "source", AnalyticsState.sources, "All sources"),
            choose("Company", "company", AnalyticsState.companies, "All companies"),
            rx.button("Clear filters", type="button", on_click=AnalyticsState.clear_filters, variant="soft", size="2"),
            align="end",
            spacing="4",
            wrap="wrap",
        ),
        aria_label="Filters",
        on_submit=lambda _form: AnalyticsState.load(),
        class_name="no-print",
    )


def analytics_page() -> rx.Component:
    s = AnalyticsState
    return page_layout(
        rx.heading("Analytics", size="6", as_="h1"),
        _filters(),
        rx.cond(
            s.error != "",
            # No figures beside the error: the ones on screen would belong to the filters before.
            rx.callout.root(rx.callout.text(s.error), color_scheme="red", role="alert"),
            rx.fragment(rx.text(s.total, " jobs in view.", size="2", color_scheme="gray", role="status"), _reports()),
        ),
    )


def _reports() -> rx.Component:
    s = AnalyticsState
    return rx.box(
        _card(
            "Conversion funnel",
            _bar_chart(s.funnel, "stage", "percent", "Share of jobs that reached each stage", "%"),
            _table(
                ["Stage", "Reached", "Share of jobs", "Passed from previous"],
                s.funnel,
                lambda r: [r.stage, r.reached, r.share, r.pass_rate],
            ),
        ),
        _card(
            "Rounds by kind",
            _bar_chart(s.kinds, "kind", "success_percent", "Success rate per round kind", "%"),
            _table(
                ["Kind", "Rounds", "Passed", "Failed", "Success", "Overall", "Technical", "Culture", "Comm."],
                s.kinds,
                lambda r: [
                    r.kind,
                    r.rounds,
                    r.passed,
                    r.failed,
                    r.success,
                    r.overall,
                    r.technical,
                    r.culture,
                    r.communication,
                ],
            ),
            wide=True,
        ),
        _card(
            "Time in each stage",
            _bar_chart(s.times, "stage", "days", "Average days in each stage", " d"),
            _table(["Stage", "Average", "Stays measured"], s.times, lambda r: [r.stage, r.label, r.stays]),
            rx.text("Time to a decision: ", s.decision, size="2"),
        ),
        _card(
            "Where rejections happen",
            _bar_chart(s.rejection_stages, "label", "count", "Rejections by the stage they happened at"),
            _table(["Reason", "Jobs"], s.rejection_reasons, lambda r: [r.label, r.count]),
        ),
        _card(
            "Conversion per source",
            _table(
                ["Source", "Jobs", "Interviews", "Offers", "Hired", "Interview rate", "Offer rate", "Conversion"],
                s.conversions,
                lambda r: [
                    _clamped(r.name),
                    r.jobs,
                    r.interviews,
                    r.offers,
                    r.hired,
                    r.interview_rate,
                    r.offer_rate,
                    r.conversion,
                ],
            ),
            wide=True,
        ),
        _card(
            "Company insights",
            rx.cond(
                s.insight_lines.length() > 0,
                rx.vstack(
                    rx.foreach(s.insight_lines, lambda line: rx.text(line, size="2")),
                    _table(["Rejection reason", "Jobs"], s.insights, lambda r: [r.label, r.count]),
                ),
                rx.text("Choose a company in the filters to see its figures.", size="2", color_scheme="gray"),
            ),
        ),
        _card(
            "Placements",
            rx.cond(
                s.placements.length() > 0,
                _table(
                    ["Company", "Role", "Hired", "Base salary"],
                    s.placements,
                    lambda r: [_clamped(r.company), _clamped(r.title), r.hired_on, r.offer],
                ),
                rx.text("No placements yet.", size="2", color_scheme="gray"),
            ),
        ),
        class_name="analytics-grid",
    )
