"""Form fields that read the same everywhere: a visible label wrapping its control."""

from __future__ import annotations

import reflex as rx


def labelled(label: str, control: rx.Component) -> rx.Component:
    """Wrapping the control in its <label> gives it its accessible name with no id to keep in sync."""
    return rx.el.label(rx.text(label, size="2", weight="medium"), control, class_name="form-field")
