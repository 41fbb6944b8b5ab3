"""Settings: the profile and services as configured, with a live status for each service."""

from __future__ import annotations

from typing import Any

import reflex as rx

from peregrine.components.layout import page_layout
from peregrine.pages.api_access import api_access_section
from peregrine.pages.backups import backups_section
from peregrine.pages.bookmarklet import bookmarklet_section
from peregrine.pages.calendar_feed import calendar_feed_section
from peregrine.pages.model_test import model_test_section
from peregrine.pages.state import AppState
from peregrine.pages.your_data import your_data_section
from peregrine.services.health import (
    ImapOverview,
    PollerView,
    ServiceRow,
    check_imap_connection,
    check_services,
    config_overview,
    imap_overview,
    poller_view,
)


class SettingsState(AppState):
    name: str = ""
    email: str = ""
    headline: str = ""
    tier: str = ""
    accessibility_focus: bool = False
    lgbtq_focus: bool = False
    notices: list[str] = []
    missing_files: list[str] = []
    backends: list[ServiceRow] = []
    searxng: list[ServiceRow] = []
    checking: bool = False
    imap: ImapOverview = ImapOverview(False, "", "", "", "", "", "", "")
    poller: PollerView = PollerView("off", "", "", "", "")
    imap_testing: bool = False
    imap_tested: bool = False
    imap_test_ok: bool = False
    imap_test_message: str = ""

    @rx.event
    def load(self) -> Any:
        overview = config_overview()
        self.name, self.email, self.headline, self.tier = (
            overview.name,
            overview.email,
            overview.headline,
            overview.tier,
        )
        self.accessibility_focus, self.lgbtq_focus = overview.accessibility_focus, overview.lgbtq_focus
        self.notices = overview.notices
        self.missing_files = overview.missing_files
        self.backends = overview.backends
        self.searxng = [overview.searxng]
        self.imap = imap_overview()
        self.poller = poller_view()
        self.imap_tested = False
        return SettingsState.check

    @rx.event(background=True)
    async def check(self) -> None:
        async with self:
            if self.checking:
                return
            self.checking = True
        try:
            backends, searxng = await check_services()
        finally:
            async with self:
                self.checking = False
        async with self:
            self.backends = backends
            self.searxng = [searxng]
            self.poller = poller_view()

    @rx.event(background=True)
    async def test_imap(self) -> None:
        """Log in to the mailbox and open the folder read-only; show success or the exact failure."""
        async with self:
            if self.imap_testing:
                return
            self.imap_testing = True
        try:
            result = await check_imap_connection()
        finally:
            async with self:
                self.imap_testing = False
        async with self:
            self.imap_tested = True
            self.imap_test_ok = result.ok
            self.imap_test_message = result.message
            self.imap = imap_overview()
            self.poller = poller_view()


def _status_table(label: str, rows: rx.Var[list[ServiceRow]], empty: str) -> rx.Component:
    return rx.el.section(_status_rows(rows, empty), aria_label=label, width="100%")


def _status_rows(rows: rx.Var[list[ServiceRow]], empty: str) -> rx.Component:
    return rx.cond(
        rows.length() > 0,
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Name"),
                    rx.table.column_header_cell("Address"),
                    rx.table.column_header_cell("Status"),
                    rx.table.column_header_cell("Latency"),
                )
            ),
            rx.table.body(
                rx.foreach(
                    rows,
                    lambda row: rx.table.row(
                        rx.table.row_header_cell(row.name),
                        rx.table.cell(rx.code(row.address)),
                        rx.table.cell(
                            rx.hstack(
                                rx.cond(
                                    row.latency == "checking…",
                                    rx.badge("checking", color_scheme="gray"),
                                    rx.cond(
                                        row.ok,
                                        rx.badge("ok", color_scheme="green"),
                                        rx.badge("down", color_scheme="red"),
                                    ),
                                ),
                                rx.text(row.detail, size="2"),
                                align="center",
                            )
                        ),
                        rx.table.cell(row.latency),
                    ),
                )
            ),
            width="100%",
        ),
        rx.callout.root(rx.callout.text(empty), color_scheme="gray"),
    )


def _item(label: str, value: Any) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(label), rx.data_list.value(value))


def _email_section() -> rx.Component:
    imap, poller = SettingsState.imap, SettingsState.poller
    return rx.el.section(
        rx.heading("Email (IMAP)", size="4", as_="h2"),
        rx.cond(
            imap.configured,
            rx.vstack(
                rx.data_list.root(
                    _item("Server", rx.code(imap.address)),
                    _item("User", imap.user),
                    _item("Folder", imap.folder),
                    _item("Password", rx.text("from ", rx.code(imap.password_env), " (", imap.password_state, ")")),
                    _item("Checks for new mail", imap.poll),
                    _item("Moves a job when at least", imap.min_confidence),
                ),
                rx.hstack(
                    rx.button(
                        rx.cond(
                            SettingsState.imap_testing,
                            rx.spinner(size="1"),
                            rx.icon("plug", size=14, aria_hidden="true"),
                        ),
                        "Test connection",
                        variant="soft",
                        on_click=SettingsState.test_imap,
                        disabled=SettingsState.imap_testing,
                    ),
                    align="center",
                ),
                rx.cond(
                    SettingsState.imap_tested,
                    rx.callout.root(
                        rx.callout.icon(
                            rx.cond(SettingsState.imap_test_ok, rx.icon("check"), rx.icon("triangle-alert"))
                        ),
                        rx.callout.text(SettingsState.imap_test_message),
                        color_scheme=rx.cond(SettingsState.imap_test_ok, "green", "red"),
                        role=rx.cond(SettingsState.imap_test_ok, "status", "alert"),
                        aria_label="Connection test",
                        width="100%",
                    ),
                ),
                rx.heading("Mail checks", size="3", as_="h3"),
                rx.data_list.root(
                    _item(
                        "Status",
                        rx.match(
                            poller.state,
                            ("ok", rx.badge("ok", color_scheme="green")),
                            ("error", rx.badge("failing", color_scheme="red")),
                            ("starting", rx.badge("starting", color_scheme="gray")),
                            rx.badge("off", color_scheme="gray"),
                        ),
                    ),
                    _item("Last success", rx.cond(poller.last_success != "", poller.last_success, "not yet")),
                    _item("Last result", poller.last_summary),
                    _item("Last error", rx.cond(poller.last_error != "", poller.last_error, "none")),
                    _item("Next check", poller.next_try),
                    aria_label="Mail checks",
                ),
                align="start",
                width="100%",
            ),
            rx.callout.root(
                rx.callout.text(
                    "Email sync is off. To move jobs from your mail (interview invitations, rejections, offers, "
                    "surveys), add an imap section to config/services.yaml (see config/services.yaml.example)."
                ),
                color_scheme="gray",
            ),
        ),
        aria_label="Email",
        width="100%",
    )


def _flag(label: str, value: rx.Var[bool]) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(label), rx.data_list.value(rx.cond(value, "on", "off")))


def settings_page() -> rx.Component:
    return page_layout(
        rx.hstack(
            rx.heading("Settings", size="6", as_="h1"),
            rx.spacer(),
            rx.button(
                rx.cond(
                    SettingsState.checking, rx.spinner(size="1"), rx.icon("refresh-cw", size=14, aria_hidden="true")
                ),
                "Check again",
                variant="soft",
                on_click=SettingsState.check,
                disabled=SettingsState.checking,
            ),
            width="100%",
            align="center",
        ),
        rx.cond(
            SettingsState.notices.length() > 0,
            rx.callout.root(
                rx.callout.icon(rx.icon("info")),
                rx.box(
                    rx.text("About your configuration files:", weight="bold", size="2"),
                    rx.el.ul(rx.foreach(SettingsState.notices, lambda notice: rx.el.li(rx.text(notice, size="2")))),
                ),
                color_scheme="amber",
                role="status",
                width="100%",
            ),
        ),
        rx.cond(
            SettingsState.missing_files.length() > 0,
            rx.text(
                "Using the defaults where a configuration file is not there yet: ",
                SettingsState.missing_files.join(", "),
                ". Each has an example beside it (.example) to copy and edit.",
                size="2",
                color_scheme="gray",
            ),
        ),
        rx.heading("Language models", size="4", as_="h2"),
        rx.text(
            "Tried in this order (config/llm.yaml); the first that answers is used.", size="2", color_scheme="gray"
        ),
        _status_table(
            "Language models",
            SettingsState.backends,
            "No language model is configured: copy config/llm.yaml.example to config/llm.yaml. "
            "The board works without one; research, prep and practice need one.",
        ),
        model_test_section(),
        rx.heading("Web search", size="4", as_="h2"),
        _status_table("Web search", SettingsState.searxng, ""),
        _email_section(),
        rx.heading("Profile", size="4", as_="h2"),
        rx.data_list.root(
            rx.data_list.item(rx.data_list.label("Name"), rx.data_list.value(SettingsState.name)),
            rx.data_list.item(rx.data_list.label("Email"), rx.data_list.value(SettingsState.email)),
            rx.data_list.item(rx.data_list.label("Headline"), rx.data_list.value(SettingsState.headline)),
            rx.data_list.item(rx.data_list.label("Tier"), rx.data_list.value(SettingsState.tier)),
            _flag("Accessibility research (private)", SettingsState.accessibility_focus),
            _flag("LGBTQIA+ research (private)", SettingsState.lgbtq_focus),
        ),
        rx.text(
            "Edit config/user.yaml to change the profile; it applies at the next page load.",
            size="1",
            color_scheme="gray",
        ),
        your_data_section(),
        api_access_section(),
        bookmarklet_section(),
        calendar_feed_section(),
        backups_section(),
    )
