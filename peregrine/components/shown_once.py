"""The callout that shows a secret in clear the one time it is shown (an API token, a calendar
address), with a button that copies it. Only a fingerprint of it is kept, so leaving the page loses it."""

from __future__ import annotations

import reflex as rx


def shown_once_callout(secret: rx.Var[str], *, intro: str, copy_label: str, icon: str) -> rx.Component:
    """`intro` then `secret` in a code span, and `copy_label` on the copy button; nothing while `secret` is ""."""
    return rx.cond(
        secret != "",
        rx.callout.root(
            rx.callout.icon(rx.icon(icon)),
            rx.callout.text(intro + " ", rx.code(secret, class_name="api-token")),
            rx.button(copy_label, on_click=rx.set_clipboard(secret), size="1", variant="soft", width="fit-content"),
            color_scheme="green",
            role="status",
        ),
    )
