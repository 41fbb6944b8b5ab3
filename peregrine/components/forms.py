"""Form fields that read the same everywhere, and the browser-side guards of `assets/form_guards.jsx`.

`labelled` gives a control its visible label. `length_notice` wraps a long field so a value cut at
its maxlength (the browser cuts a paste silently) is said out loud, counted in the browser: nothing
crosses the websocket while typing. `save_watch` tells the user when a save got no answer.

A dialog's fields are the browser's own (uncontrolled) and travel once, with the form's submit.
What they show when the dialog opens is one state var, a *draft* (`dict[str, str]`, field name →
text), read by `draft_input`, `draft_text_area` and `draft_select`: one var for the whole form
rather than a var per field, and the field's name written once.
"""

from __future__ import annotations

from typing import Any

import reflex as rx


def labelled(label: str, control: rx.Component) -> rx.Component:
    """Wrapping the control in its <label> gives it its accessible name with no id to keep in sync."""
    return rx.el.label(rx.text(label, size="2", weight="medium"), control, class_name="form-field")


def text_box(
    label: str, *, value: rx.Var[str], on_change: Any, max_length: int, noun: str, rows: str = "4"
) -> rx.Component:
    """A labelled text area whose text the state holds (it stays when a send is refused), with its
    length notice."""
    control = rx.text_area(value=value, on_change=on_change, max_length=max_length, rows=rows, width="100%")
    return length_notice(labelled(label, control), noun)


def draft_input(label: str, name: str, draft: rx.Var[dict[str, str]], **props: Any) -> rx.Component:
    """A labelled input named `name`, opening with `draft[name]`."""
    return labelled(label, rx.input(name=name, default_value=draft[name], width="100%", **props))


def draft_text_area(
    label: str, name: str, draft: rx.Var[dict[str, str]], *, max_length: int, noun: str, **props: Any
) -> rx.Component:
    """A labelled text area named `name`, opening with `draft[name]`, with its length notice."""
    control = rx.text_area(name=name, default_value=draft[name], max_length=max_length, width="100%", **props)
    return length_notice(labelled(label, control), noun)


def draft_select(label: str, name: str, draft: rx.Var[dict[str, str]], options: list[tuple[str, str]]) -> rx.Component:
    """A labelled native select named `name`, opening on `draft[name]`; `options` are (value, text)."""
    return labelled(
        label,
        rx.el.select(
            *[rx.el.option(text, value=value) for value, text in options],
            name=name,
            default_value=draft[name],
            class_name="native-select",
        ),
    )


class LengthNotice(rx.Component):
    """Wraps a field; reads its control's maxlength and says when the text nears, reaches or was cut at it."""

    library = "$/public/form_guards.jsx"
    tag = "LengthNotice"

    #: How the notice names the field: "the {noun} is cut at 100,000 characters".
    noun: rx.Var[str]


class SaveWatch(rx.Component):
    """Inside a form: "Saving…" while a save is on its way, `late_message` if no answer comes in `wait_ms`.

    `answered` is a server var that changes on every answer to a save (saved or refused), so the
    watch knows the save arrived; a save the connection lost never changes it.
    """

    library = "$/public/form_guards.jsx"
    tag = "SaveWatch"

    answered: rx.Var[int]
    wait_ms: rx.Var[int]
    late_message: rx.Var[str]


def length_notice(field: rx.Component, noun: str) -> rx.Component:
    """`field` (a labelled control with a max_length) with its notice underneath, outside the label
    so the notice never becomes part of the control's accessible name."""
    return LengthNotice.create(field, noun=noun)


save_watch = SaveWatch.create
