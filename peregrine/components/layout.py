"""The frame every page shares: a top bar with navigation, then the page.

On a wide screen the links sit in the bar; on a phone (below 760 px, see `assets/peregrine.css`)
they would make the bar wider than the screen, so a Menu button opens them instead.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from peregrine import routes

NAV_LINKS: list[tuple[str, str]] = [
    ("Interviews", "/"),
    ("Prep", routes.BULK_PREP),
    ("Resume", routes.RESUME),
    ("Inbox", routes.INBOX),
    ("Analytics", routes.ANALYTICS),
    ("Offers", routes.OFFERS),
    ("Settings", routes.SETTINGS),
]


def _wide_nav() -> rx.Component:
    return rx.el.nav(
        rx.hstack(*[rx.link(label, href=href, size="2") for label, href in NAV_LINKS], spacing="4", wrap="wrap"),
        aria_label="Main",
        class_name="nav-wide",
    )


def _menu_nav() -> rx.Component:
    """The phone's navigation: a button that opens the same links; following one closes it."""
    return rx.popover.root(
        rx.popover.trigger(
            rx.icon_button(rx.icon("menu", size=20, aria_hidden="true"), variant="ghost", size="3", aria_label="Menu"),
        ),
        rx.popover.content(
            rx.el.nav(
                *[
                    rx.popover.close(rx.link(label, href=href, size="3", class_name="nav-menu-link"))
                    for label, href in NAV_LINKS
                ],
                aria_label="Main",
                class_name="nav-menu-list",
            ),
            align="end",
            class_name="nav-menu-panel",
        ),
    )


def page_layout(*children: rx.Component) -> rx.Component:
    return rx.box(
        rx.el.a("Skip to content", href="#main", class_name="skip-link"),
        rx.el.header(
            rx.hstack(
                rx.hstack(
                    rx.icon("bird", size=22, aria_hidden="true"),
                    rx.text("Peregrine", weight="bold", size="4"),
                    align="center",
                    spacing="2",
                    flex_shrink="0",
                ),
                _wide_nav(),
                rx.box(_menu_nav(), class_name="nav-menu"),
                align="center",
                spacing="6",
                class_name="app-header-row",
            ),
            class_name="app-header no-print",
        ),
        rx.el.main(rx.vstack(*children, spacing="4", width="100%"), id="main", class_name="app-main"),
    )


def record_or_missing(found: rx.Var[bool], missing_message: rx.Var[str], content: rx.Component) -> rx.Component:
    """A page about one record (a job, its prep, its survey): the content once it is found, else why
    not — an unknown or foreign id gets its message, never a crash; "Loading…" until it is known."""
    return rx.cond(
        found,
        content,
        rx.callout.root(
            rx.callout.icon(rx.icon("circle-alert")),
            rx.callout.text(rx.cond(missing_message != "", missing_message, "Loading…")),
            role="status",
        ),
    )


def job_tool_page(
    *heading: Any,
    found: rx.Var[bool],
    missing_message: rx.Var[str],
    job_label: rx.Var[str],
    job_link: rx.Var[str],
    paid: rx.Var[bool],
    feature: str,
    tool: rx.Component,
    facts: rx.Component | None = None,
) -> rx.Component:
    """A page of one job's tool (its prep, its survey): the way back to the job, the `heading` (an h1),
    the job's `facts` if any, then the tool for the paid tier (else what switching it on takes)."""
    return page_layout(
        record_or_missing(
            found,
            missing_message,
            rx.vstack(
                rx.link("← ", job_label, href=job_link, size="2", class_name="no-print"),
                rx.heading(*heading, size="6", as_="h1"),
                *([facts] if facts is not None else []),
                paid_only(paid, feature, tool),
                spacing="3",
                align="start",
                width="100%",
                max_width="920px",
            ),
        ),
    )


def titled_section(title: str, *content: rx.Component, actions: tuple[rx.Component, ...] = ()) -> rx.Component:
    """A section of a page about one record (the job's rounds, its offer): its heading with the
    section's `actions` at the right, then `content`. The heading names the section."""
    return rx.el.section(
        rx.hstack(
            rx.heading(title, size="4", as_="h2"), rx.spacer(), *actions, align="center", width="100%", spacing="3"
        ),
        *content,
        aria_label=title,
        class_name="rounds",
        width="100%",
    )


def or_empty(items: rx.Var[list[Any]], content: rx.Component, empty: str) -> rx.Component:
    """`content` while `items` has any, else the grey sentence `empty`."""
    return rx.cond(items.length() > 0, content, rx.text(empty, size="2", color_scheme="gray"))


def paid_only(paid: rx.Var[bool], feature: str, content: rx.Component) -> rx.Component:
    """A paid-tier feature: its content, or what switching the tier on takes (`tier: paid`)."""
    return rx.cond(paid, content, upgrade_notice(feature))


def upgrade_notice(feature: str) -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("lock")),
        rx.callout.text(
            f"{feature} is part of the paid tier. Set ",
            rx.code("tier: paid"),
            " in config/user.yaml to switch it on (Peregrine is self-hosted: nothing is billed). "
            "Your board, research and rounds keep working as they are.",
        ),
        role="status",
        color_scheme="amber",
    )
