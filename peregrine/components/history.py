"""A History dialog: the earlier versions of something the app keeps revisions of, each with Restore.

The job page's company research lists its briefs with it; any page whose text keeps revisions
(prep sections) can list them the same way: a dialog with a numbered list, or a line saying there
is nothing yet, and a Close button.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx


def history_dialog(
    *title: Any,
    revisions: rx.Var[list[Any]],
    revision: Callable[[Any], rx.Component],
    empty: str,
    is_open: rx.Var[bool],
    on_open_change: Any,
) -> rx.Component:
    """The dialog titled `title`, listing `revisions` drawn by `revision` (or `empty` when none)."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(*title),
            rx.cond(
                revisions.length() > 0,
                rx.el.ol(rx.foreach(revisions, revision), class_name="revision-list"),
                rx.text(empty, size="2", color_scheme="gray"),
            ),
            rx.hstack(rx.dialog.close(rx.button("Close", variant="soft")), justify="end", margin_top="1rem"),
            max_width="760px",
        ),
        open=is_open,
        on_open_change=on_open_change,
    )


def revision_heading(when: Any, why: Any, action: rx.Component) -> rx.Component:
    """A revision's first line: when and why it was kept, and what can be done with it (Restore)."""
    return rx.hstack(
        rx.text(when, " · ", why, size="2", weight="medium"),
        rx.spacer(),
        action,
        width="100%",
        align="center",
        wrap="wrap",
    )


def restore_button(on_click: Any, aria_label: Any) -> rx.Component:
    return rx.button("Restore", on_click=on_click, size="1", variant="soft", aria_label=aria_label)
