"""The app's two dialogs: a form dialog (fields, an error line, Cancel and Save) and a confirm dialog.

Every dialog that edits something reads the same: a title, the fields, the refusal in red under
them, and Cancel / Save at the bottom right. The fields live in an `rx.form`, so Save (or Enter in
a field) sends the form data to `on_submit` in one event; nothing is sent while typing. The dialog
stays open until its state closes it, so a refused save keeps what was typed beside the reason.
"""

from __future__ import annotations

from typing import Any

import reflex as rx


def error_line(error: rx.Var[str]) -> rx.Component:
    """Why the last save was refused, read out as an alert; nothing while `error` is ""."""
    return rx.cond(error != "", rx.text(error, color_scheme="red", role="alert"))


def form_dialog(
    *fields: rx.Component,
    title: str | rx.Var[str],
    open: rx.Var[bool],
    on_open_change: Any,
    on_submit: Any,
    error: rx.Var[str],
    save_label: str = "Save",
    description: str | None = None,
    footer_start: rx.Component | None = None,
    max_width: str | None = None,
) -> rx.Component:
    """A dialog around a form: `fields` (named controls), the error line, then Cancel and `save_label`.

    `on_submit` gets the form data (`name` → value). `footer_start` sits at the footer's left, for
    an action apart from saving (a Delete…). Cancel is `type="button"`, so it never submits.
    """
    footer = rx.hstack(
        *([footer_start, rx.spacer()] if footer_start is not None else []),
        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", type="button")),
        rx.button(save_label, type="submit"),
        justify="end",
        width="100%",
    )
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            *([rx.dialog.description(description, size="2")] if description else []),
            rx.form(
                rx.vstack(*fields, error_line(error), footer, spacing="3"),
                on_submit=on_submit,
                reset_on_submit=False,
            ),
            **({"max_width": max_width} if max_width else {}),
        ),
        open=open,
        on_open_change=on_open_change,
    )


def confirm_dialog(
    *body: rx.Component,
    title: str,
    description: list[Any] | str,
    confirm_label: str,
    on_confirm: Any,
    open: rx.Var[bool],
    on_open_change: Any,
    cancel_label: str = "Cancel",
    danger: bool = True,
) -> rx.Component:
    """An alert dialog asking before an action: `description` (a string, or parts such as vars to
    join), any `body` (a choice to make first), then `cancel_label`, which keeps things as they
    are, and `confirm_label`, which runs `on_confirm` (red when `danger`)."""
    parts = description if isinstance(description, list) else [description]
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(*parts),
            *body,
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(cancel_label, variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(confirm_label, on_click=on_confirm, **({"color_scheme": "red"} if danger else {}))
                ),
                justify="end",
                spacing="3",
                # a body brings its own spacing; a bare question needs room above its buttons
                **({} if body else {"margin_top": "1rem"}),
            ),
        ),
        open=open,
        on_open_change=on_open_change,
    )
