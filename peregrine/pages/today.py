"""Today (`/today`): what to do now — overdue and due steps, the week's rounds with their prep,
the offers' deadlines and the quiet jobs, each with its one-click action (`pages.step_actions`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from peregrine import db, routes
from peregrine.components.layout import or_empty, page_layout, titled_section
from peregrine.config import user_profile
from peregrine.pages.state import AppState
from peregrine.pages.step_actions import quiet_buttons, step_buttons, step_dialog
from peregrine.services.today import DeadlineRow, QuietRow, RoundRow, StepRow, today_view


class TodayState(AppState):
    steps: list[StepRow] = []
    rounds: list[RoundRow] = []
    deadlines: list[DeadlineRow] = []
    quiet: list[QuietRow] = []
    #: "And 12 more…" under a list cut at `services.today.SHOWN`, else "".
    more_steps: str = ""
    more_quiet: str = ""
    loaded: bool = False

    @rx.event
    def load(self) -> None:
        profile = user_profile()
        with db.session_scope() as session:
            view = today_view(session, self.candidate_id(session), rules=profile.step_rules, zone=profile.zone)
        self.steps, self.rounds, self.deadlines, self.quiet = view.steps, view.rounds, view.deadlines, view.quiet
        more = view.more_steps
        self.more_steps = f"And {more} more: the board's Due filter shows them all." if more else ""
        self.more_quiet = f"And {view.more_quiet} more quiet jobs." if view.more_quiet else ""
        self.loaded = True

    @rx.event
    def reload_steps(self) -> None:
        """After a step action: read again only when this page was opened in this tab."""
        if self.loaded:
            self.load()


def _job_line(job_id: rx.Var[int], company: rx.Var[str], title: rx.Var[str]) -> rx.Component:
    return rx.link(rx.text(company, weight="bold", as_="span"), " · ", title, href=routes.job_url(job_id), size="2")


def _step_item(row: StepRow) -> rx.Component:
    return rx.el.li(
        rx.vstack(
            rx.hstack(
                rx.badge(row.due, color_scheme=rx.cond(row.status == "overdue", "red", "amber"), variant="soft"),
                rx.text(row.step, weight="medium", size="2"),
                wrap="wrap",
                align="center",
                spacing="2",
            ),
            _job_line(row.job_id, row.company, row.title),
            step_buttons(row.job_id, row.key, row.step, row.due_value),
            spacing="1",
        ),
        class_name="today-item",
    )


def _line_item(*parts: rx.Component) -> rx.Component:
    """A list item of one line, wrapping on a phone."""
    return rx.el.li(rx.hstack(*parts, wrap="wrap", spacing="2", align="center"), class_name="today-item")


def _round_item(row: RoundRow) -> rx.Component:
    return _line_item(
        rx.text(row.when, size="2", weight="medium"),
        rx.link(row.company, " · ", row.name, href=routes.job_url(row.job_id), size="2"),
        rx.link("Prepare", href=routes.prep_url(row.job_id, row.interview_id), size="2"),
    )


def _deadline_item(row: DeadlineRow) -> rx.Component:
    return _line_item(
        rx.text("Decide by ", row.deadline, size="2", weight="medium"),
        _job_line(row.job_id, row.company, row.title),
    )


def _quiet_item(row: QuietRow) -> rx.Component:
    return rx.el.li(
        rx.vstack(
            rx.hstack(
                rx.badge(row.quiet, color_scheme="gray", variant="soft"),
                rx.text(row.stage, size="2", color_scheme="gray"),
                wrap="wrap",
                spacing="2",
            ),
            _job_line(row.job_id, row.company, row.title),
            quiet_buttons(row.job_id, row.company),
            spacing="1",
        ),
        class_name="today-item",
    )


def _list(items: rx.Var[list[Any]], render: Callable[[Any], rx.Component], empty: str) -> rx.Component:
    return or_empty(items, rx.el.ul(rx.foreach(items, render), class_name="today-list"), empty)


def _more(sentence: rx.Var[str]) -> rx.Component:
    return rx.cond(sentence != "", rx.text(sentence, size="2", color_scheme="gray"))


def today_page() -> rx.Component:
    return page_layout(
        rx.vstack(
            rx.heading("Today", size="6", as_="h1"),
            titled_section(
                "Due and overdue",
                _list(TodayState.steps, _step_item, "Nothing is due. Well done."),
                _more(TodayState.more_steps),
            ),
            titled_section("Rounds this week", _list(TodayState.rounds, _round_item, "No rounds in the next 7 days.")),
            titled_section(
                "Offer deadlines", _list(TodayState.deadlines, _deadline_item, "No offer is waiting for an answer.")
            ),
            titled_section(
                "Quiet jobs",
                _list(TodayState.quiet, _quiet_item, "No job has gone quiet."),
                _more(TodayState.more_quiet),
            ),
            step_dialog(),
            spacing="4",
            width="100%",
            max_width="860px",
        )
    )
