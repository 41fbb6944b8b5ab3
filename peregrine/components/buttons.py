"""Buttons and links with an icon before their words, the same size and spacing on every page."""

from __future__ import annotations

from typing import Any

import reflex as rx


def icon_button(icon: str, label: Any, *, on_click: Any, **props: Any) -> rx.Component:
    """A soft button, "<icon> <label>", hidden when printing (`props` override the defaults)."""
    defaults: dict[str, Any] = {"variant": "soft", "class_name": "no-print"}
    return rx.button(rx.icon(icon, size=14, aria_hidden="true"), label, on_click=on_click, **(defaults | props))


def icon_link(icon: str, label: str, *, href: Any, **props: Any) -> rx.Component:
    """A link that reads "<icon> <label>" on one line."""
    return rx.link(
        rx.hstack(rx.icon(icon, size=14, aria_hidden="true"), label, align="center", spacing="1"),
        href=href,
        white_space="nowrap",
        **props,
    )
