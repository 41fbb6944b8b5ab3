"""The controls of a list the user edits in dialogs: an item's row of buttons, and the dialog
that edits an item (its fields, the message when a save is refused, Cancel and Save).

The resume's projects and their bullets share them. Every button is named after the item it acts
on ("Move bullet 2 of Ledger up", "Delete project Ledger"): a screen reader lists many such
buttons at once, and "Edit" alone does not say which.
"""

from __future__ import annotations

from typing import Any

import reflex as rx


def item_actions(
    item: Any,
    *,
    moved: Any,
    on_move_up: Any,
    on_move_down: Any,
    is_first: Any,
    is_last: Any,
    on_edit: Any,
    on_delete: Any,
    arrow_size: str | None = None,
) -> rx.Component:
    """Move up, Move down, Edit and Delete for one item of an ordered list (hidden when printing).

    `item` names it for Edit and Delete ("project Ledger"), `moved` for the arrows ("Ledger");
    both are strings or string Vars. `is_first` / `is_last` disable the arrow that cannot move it.
    """
    return rx.hstack(
        _arrow("up", moved, on_move_up, is_first, arrow_size),
        _arrow("down", moved, on_move_down, is_last, arrow_size),
        rx.button("Edit", size="1", variant="soft", aria_label="Edit " + item, on_click=on_edit),
        rx.button(
            "Delete", size="1", variant="ghost", color_scheme="red", aria_label="Delete " + item, on_click=on_delete
        ),
        spacing="2",
        align="center",
        class_name="no-print",
    )


def _arrow(direction: str, moved: Any, on_click: Any, disabled: Any, size: str | None) -> rx.Component:
    return rx.icon_button(
        rx.icon(f"arrow-{direction}", size=14, aria_hidden="true"),
        variant="ghost",
        **({"size": size} if size else {}),
        aria_label="Move " + moved + f" {direction}",
        on_click=on_click,
        disabled=disabled,
    )


def edit_dialog(
    title: Any,
    description: rx.Component,
    *fields: rx.Component,
    error: rx.Var[str],
    save_label: str,
    on_save: Any,
    is_open: rx.Var[bool],
    on_open_change: Any,
    max_width: str,
) -> rx.Component:
    """A dialog that edits something: its fields, why the last save was refused, Cancel and Save.

    A refused save leaves it open with the reason above the buttons and the fields as typed.
    """
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            description,
            rx.vstack(*fields, dialog_error(error), dialog_footer(save_label, on_save), spacing="3"),
            max_width=max_width,
        ),
        open=is_open,
        on_open_change=on_open_change,
    )


def dialog_error(message: rx.Var[str]) -> rx.Component:
    """Why a dialog's save was refused, said as an alert inside the dialog (which stays open)."""
    return rx.cond(
        message != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert")),
            rx.callout.text(message, white_space="pre-wrap"),
            color_scheme="red",
            role="alert",
            width="100%",
        ),
    )


def dialog_footer(save_label: str, on_save: Any) -> rx.Component:
    """Cancel (closes the dialog) and the dialog's one action on the right."""
    return rx.hstack(
        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
        rx.button(save_label, on_click=on_save),
        justify="end",
        width="100%",
    )
