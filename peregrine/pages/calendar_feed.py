"""Settings → Calendar: the address a calendar app subscribes to, shown once when it is made, and
the buttons that replace it (the old one stops working) or switch the feed off."""

from __future__ import annotations

from typing import Any

import reflex as rx

from peregrine import config, db
from peregrine.components.dialogs import confirm_dialog
from peregrine.components.shown_once import shown_once_callout
from peregrine.domain.dates import calendar_date
from peregrine.pages.state import AppState
from peregrine.services import calendar_feed
from peregrine.web import site


def feed_base_url() -> str:
    """Where the feed is served: the public address, else the backend's."""
    return config.public_url() or site.backend_url()


class CalendarFeedState(AppState):
    live_since: str = ""  # the day the live address was made; "" when there is none
    shown_once: str = ""  # the new address, shown until the page is left
    confirming_new: bool = False

    @rx.event
    def load(self) -> None:
        self.shown_once = ""
        with db.session_scope() as session:
            feed = calendar_feed.live_feed(session, self.candidate_id(session))
            self.live_since = calendar_date(feed.created_at) if feed is not None else ""

    @rx.event
    def set_confirming_new(self, is_open: bool) -> None:
        self.confirming_new = is_open

    @rx.event
    def make_address(self) -> None:
        self.confirming_new = False
        with db.session_scope() as session:
            feed, secret = calendar_feed.new_feed(session, self.candidate_id(session))
            self.live_since = calendar_date(feed.created_at)
        self.shown_once = calendar_feed.feed_url(feed_base_url(), secret)

    @rx.event
    def switch_off(self) -> Any:
        with db.session_scope() as session:
            calendar_feed.revoke_feed(session, self.candidate_id(session))
        self.live_since = ""
        self.shown_once = ""
        return rx.toast.success("The calendar address no longer works.")


def calendar_feed_section() -> rx.Component:
    return rx.el.section(
        rx.heading("Calendar", size="4", as_="h2"),
        rx.text(
            "Subscribe to your interview rounds and offer deadlines from any calendar app (Google "
            "Calendar, Apple Calendar, Outlook, Thunderbird) with a private address. Anyone who has "
            "the address can read these events: replace it if it leaks.",
            size="2",
        ),
        shown_once_callout(
            CalendarFeedState.shown_once,
            intro="Copy this address into your calendar app now: it is shown only once.",
            copy_label="Copy the address",
            icon="calendar",
        ),
        rx.cond(
            CalendarFeedState.live_since != "",
            rx.hstack(
                rx.text("An address made on ", CalendarFeedState.live_since, " is live.", size="2"),
                rx.button(
                    "Make a new address…", on_click=CalendarFeedState.set_confirming_new(True), size="1", variant="soft"
                ),
                rx.button(
                    "Switch the feed off",
                    on_click=CalendarFeedState.switch_off,
                    size="1",
                    variant="soft",
                    color_scheme="red",
                ),
                align="center",
                wrap="wrap",
            ),
            rx.button(
                "Make a calendar address", on_click=CalendarFeedState.make_address, size="2", width="fit-content"
            ),
        ),
        confirm_dialog(
            title="Make a new calendar address?",
            description="The current address stops working: calendars subscribed to it need the new one.",
            confirm_label="Make a new address",
            on_confirm=CalendarFeedState.make_address,
            open=CalendarFeedState.confirming_new,
            on_open_change=CalendarFeedState.set_confirming_new,
        ),
        aria_label="Calendar",
        on_mount=CalendarFeedState.load,
        width="100%",
        class_name="rounds",
    )
