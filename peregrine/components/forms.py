"""Form fields that read the same everywhere, and the browser-side guards of `assets/form_guards.jsx`.

`labelled` gives a control its visible label. `length_notice` wraps a long field so a value cut at
its maxlength (the browser cuts a paste silently) is said out loud, counted in the browser: nothing
crosses the websocket while typing. `save_watch` tells the user when a save got no answer.
"""

from __future__ import annotations

import reflex as rx


def labelled(label: str, control: rx.Component) -> rx.Component:
    """Wrapping the control in its <label> gives it its accessible name with no id to keep in sync."""
    return rx.el.label(rx.text(label, size="2", weight="medium"), control, class_name="form-field")


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
