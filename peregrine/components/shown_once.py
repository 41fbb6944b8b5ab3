"""The callout that shows a secret in clear the one time it is shown (an API token, a calendar
address), with a button that copies it. Only a fingerprint of it is kept, so leaving the page loses it."""

from __future__ import annotations

import reflex as rx

from peregrine.components.buttons import icon_button
from peregrine.components.callouts import message_callout


def shown_once_callout(secret: rx.Var[str], *, intro: str, copy_label: str, icon: str) -> rx.Component:
    """`intro` then `secret` in a code span, and `copy_label` on the copy button; nothing while `secret` is ""."""
    return message_callout(
        secret,
        icon_button("copy", copy_label, on_click=rx.set_clipboard(secret), size="1", width="fit-content"),
        icon=icon,
        color="green",
        text=rx.callout.text(intro + " ", rx.code(secret, class_name="api-token")),
    )
