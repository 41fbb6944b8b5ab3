"""The accessible file dropzone: a dashed area that takes dropped files, with a real button inside.

react-dropzone makes its area a focusable div that it marks presentational, which gives keyboard
and screen-reader users nothing named to press. So the area itself is not focusable
(`no_keyboard`), and a real button inside it opens the file chooser (its click reaches the area):
one named button, reached with Tab and pressed with Enter or Space. The resume's YAML import and
the survey's screenshots both use it.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_base.event import EventHandler


def dropzone(
    upload_id: str,
    *,
    on_drop: EventHandler,
    icon: str,
    button_label: str,
    hint: Any,
    compact: bool = False,
    **upload_props: Any,
) -> rx.Component:
    """A dropzone whose files go to the upload handler `on_drop`.

    `hint` (a string or a string Var) is said beside the button; `compact` puts it on the button's
    line, for a dropzone inside a dialog. `upload_props` go to `rx.upload` (accept, multiple, …).
    """
    button = rx.button(
        rx.icon(icon, size=14, aria_hidden="true"),
        button_label,
        type="button",  # never a form's submit button
        variant="outline",
        size="1" if compact else "2",
    )
    hint_text = rx.text(hint, size="2", color_scheme="gray")
    content = (
        rx.hstack(button, hint_text, align="center", spacing="2")
        if compact
        else rx.vstack(button, hint_text, align="center", spacing="2")
    )
    return rx.upload(
        content,
        id=upload_id,
        no_keyboard=True,
        on_drop=on_drop(rx.upload_files(upload_id=upload_id)),
        border="1px dashed var(--gray-a8)",
        border_radius="8px",
        padding="0.6rem 0.75rem" if compact else "1rem",
        width="100%",
        **upload_props,
    )
