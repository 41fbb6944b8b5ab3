"""The job-search log (`/log?from=…&to=…`): each application of a period, how it went out, its
later steps and its outcome, on a page made to be printed (the navigation is not printed) and as CSV.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import reflex as rx

from peregrine import db, routes
from peregrine.components.buttons import icon_button
from peregrine.components.download import prepared_download
from peregrine.components.layout import page_layout
from peregrine.domain.dates import calendar_date
from peregrine.pages.state import AppState
from peregrine.services import downloads, export
from peregrine.services.candidates import current_candidate
from peregrine.services.errors import InvalidInput
from peregrine.services.sanitize import safe_url

#: The period shown when the address names none: the last three months.
DEFAULT_DAYS = 91


@dataclass(frozen=True)
class LogLine:
    applied_on: str
    company: str
    position: str
    source: str
    url: str
    link: str  # the URL as a link target, "" when it is not a web address
    contact: str
    steps: list[str]
    outcome: str


def _line(entry: export.LogEntry) -> LogLine:
    return LogLine(
        applied_on=calendar_date(entry.applied_on),
        company=entry.company,
        position=entry.position,
        source=entry.source or "—",
        url=entry.url,
        link=safe_url(entry.url) or "",
        contact=entry.contact or "—",
        steps=[f"{calendar_date(step.on)}: {step.what}" for step in entry.steps],
        outcome=entry.outcome,
    )


def _day(text: str, fallback: date) -> date:
    if not text:
        return fallback
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"“{text[:40]}” is not a day; write it as 2026-03-01.") from None


class SearchLogState(AppState):
    start: str = ""  # ISO days, as the date fields hold them
    end: str = ""
    period: str = ""
    person: str = ""
    lines: list[LogLine] = []
    count: str = ""
    problem: str = ""
    loaded: bool = False

    @rx.event
    async def load(self) -> None:
        asked = self.router.url.query_parameters
        today = date.today()
        self.loaded, self.lines, self.problem = False, [], ""
        try:
            end = _day(str(asked.get("to", "")), today)
            start = _day(str(asked.get("from", "")), end - timedelta(days=DEFAULT_DAYS))
            self.person, entries = await asyncio.to_thread(self._read, start, end)
        except InvalidInput as exc:
            self.problem = str(exc)
            return
        finally:
            self.loaded = True
        self.start, self.end = start.isoformat(), end.isoformat()
        self.period = f"{calendar_date(start)} to {calendar_date(end)}"
        self.lines = [_line(entry) for entry in entries]
        self.count = "1 application." if len(entries) == 1 else f"{len(entries)} applications."

    def _read(self, start: date, end: date) -> tuple[str, list[export.LogEntry]]:
        with db.session_scope() as session:
            candidate_id = self.candidate_id(session)
            person = current_candidate(session).name
            return person, export.search_log(session, candidate_id, start=start, end=end)

    @rx.event
    def set_start(self, value: str) -> None:
        self.start = value

    @rx.event
    def set_end(self, value: str) -> None:
        self.end = value

    @rx.event
    def show(self) -> Any:
        return rx.redirect(routes.search_log_url(self.start, self.end))

    @rx.event
    async def download_csv(self) -> Any:
        start, end = _day(self.start, date.today()), _day(self.end, date.today())
        prepared = await asyncio.to_thread(self._prepare, start, end)
        return prepared_download(prepared)

    def _prepare(self, start: date, end: date) -> downloads.Prepared:
        with db.session_scope() as session:
            data = export.log_csv(session, self.candidate_id(session), start=start, end=end)
        return downloads.prepare(
            f"job-search-log-{start.isoformat()}-{end.isoformat()}.csv", lambda out: out.write(data)
        )


def _range_form() -> rx.Component:
    return rx.el.form(
        rx.hstack(
            rx.el.label(
                rx.text("From", size="2", weight="medium"),
                rx.input(type="date", value=SearchLogState.start, on_change=SearchLogState.set_start, name="from"),
                class_name="form-field",
            ),
            rx.el.label(
                rx.text("To", size="2", weight="medium"),
                rx.input(type="date", value=SearchLogState.end, on_change=SearchLogState.set_end, name="to"),
                class_name="form-field",
            ),
            rx.button("Show", type="submit", size="2"),
            icon_button("download", "Download CSV", on_click=SearchLogState.download_csv, type="button"),
            icon_button("printer", "Print", on_click=rx.call_script("window.print()"), type="button"),
            align="end",
            wrap="wrap",
            spacing="3",
        ),
        on_submit=lambda _: SearchLogState.show,
        aria_label="The period of the log",
        class_name="no-print",
    )


def _table() -> rx.Component:
    headers = ("Date applied", "Company", "Position", "How applied", "Contact", "Later steps", "Outcome")
    return rx.el.table(
        rx.el.thead(rx.el.tr(*[rx.el.th(header, scope="col") for header in headers])),
        rx.el.tbody(
            rx.foreach(
                SearchLogState.lines,
                lambda line: rx.el.tr(
                    rx.el.td(line.applied_on),
                    rx.el.td(line.company),
                    rx.el.td(line.position),
                    rx.el.td(
                        rx.text(line.source),
                        rx.cond(
                            line.link != "",
                            rx.link(line.url, href=line.link, is_external=True, class_name="log-url"),
                            rx.text(line.url, class_name="log-url"),
                        ),
                    ),
                    rx.el.td(line.contact),
                    rx.el.td(rx.el.ul(rx.foreach(line.steps, lambda step: rx.el.li(step)))),
                    rx.el.td(line.outcome),
                ),
            )
        ),
        class_name="search-log",
    )


def search_log_page() -> rx.Component:
    return page_layout(
        rx.heading("Job-search log", size="6", as_="h1"),
        rx.cond(
            SearchLogState.person != "",
            rx.text(SearchLogState.person, ": applications from ", SearchLogState.period, size="3"),
        ),
        _range_form(),
        rx.cond(
            SearchLogState.problem != "",
            rx.callout.root(rx.callout.text(SearchLogState.problem), color_scheme="red", role="alert"),
            rx.cond(
                ~SearchLogState.loaded,
                rx.text("Loading…", size="2"),
                rx.cond(
                    SearchLogState.lines.length() > 0,
                    rx.box(
                        rx.text(SearchLogState.count, size="2"),
                        _table(),
                        class_name="search-log-wrap",
                    ),
                    rx.text("No application in this period.", size="2"),
                ),
            ),
        ),
    )
