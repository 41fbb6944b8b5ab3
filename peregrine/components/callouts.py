"""Callouts: a message in a coloured box, shown only while there is something to say.

`message_callout` shows a text var while it is not ""; `list_callout` a heading over a list while
the list has items (the job dialog's "turned you down before" and "may already be on your board").
"""

from __future__ import annotations

from typing import Any

import reflex as rx


def message_callout(
    message: rx.Var[str],
    *extra: rx.Component,
    icon: str,
    color: str,
    role: str = "status",
    text: rx.Component | None = None,
    **props: Any,
) -> rx.Component:
    """`message` (and any `extra`, such as buttons) in a callout; nothing while `message` is "".
    `text` says it in other words or with markup, in place of the bare message."""
    return rx.cond(
        message != "",
        rx.callout.root(
            rx.callout.icon(rx.icon(icon)),
            text if text is not None else rx.callout.text(message),
            *extra,
            color_scheme=color,
            role=role,
            width="100%",
            **props,
        ),
    )


def list_callout(heading: str, items: rx.Var[list[Any]], item: Any, *, icon: str, footer: str = "") -> rx.Component:
    """An amber alert: `heading`, then `item(entry)` for each of `items` as a list, then `footer`;
    nothing while `items` is empty. A warning, not a refusal: the user may go on."""
    return rx.cond(
        items.length() > 0,
        rx.callout.root(
            rx.callout.icon(rx.icon(icon)),
            rx.box(
                rx.text(heading, weight="bold", size="2"),
                rx.el.ul(rx.foreach(items, lambda entry: rx.el.li(item(entry)))),
                *([rx.text(footer, size="1")] if footer else []),
            ),
            color_scheme="amber",
            role="alert",
            width="100%",
        ),
    )
