"""What a page says where a feature needs a language model and `config/llm.yaml` names none.

One neutral callout, said once per feature (never a red error per item), with the way to Settings;
the feature's buttons are disabled beside it, so nothing is queued or saved that could only fail.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from peregrine import routes

SETTINGS_HREF = routes.SETTINGS


def needs_llm_callout(feature: str, then: Any = None) -> rx.Component:
    """ "<feature> needs a language model, and none is set up. <then> Set one up in Settings."

    `then` (a string or a string Var) says what happens meanwhile."""
    return rx.callout.root(
        rx.callout.icon(rx.icon("plug-zap")),
        rx.callout.text(
            f"{feature} needs a language model, and none is set up. ",
            *([then, " "] if then is not None else []),
            rx.link("Set one up in Settings", href=SETTINGS_HREF),
            " (config/llm.yaml).",
        ),
        color_scheme="gray",
        role="status",
        class_name="needs-llm no-print",
        width="100%",
    )


def when_llm_missing(llm_ready: rx.Var[bool], feature: str, then: Any = None) -> rx.Component:
    """The callout, shown only while no backend is configured."""
    return rx.cond(~llm_ready, needs_llm_callout(feature, then))


def llm_button(*children: Any, llm_ready: rx.Var[bool], busy: rx.Var[bool] | None = None, **props: Any) -> rx.Component:
    """A button of a feature that needs a language model: off while none is set up (the callout says
    why), and while `busy` (its work is already going)."""
    disabled = ~llm_ready if busy is None else busy | ~llm_ready
    return rx.button(*children, disabled=disabled, **props)
