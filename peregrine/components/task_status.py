"""A background run as every page shows it: the status line and the button that starts a run.

The page's state holds a `services.tasks.TaskProgress` (from `tasks.progress_of(latest_task)`);
these pieces read it, so "queued, running with its phase, failed with why" and "Generate,
Regenerate or Retry" are said one way everywhere. The button is also off while no language model
is configured (`needs_llm`): the page says why once, and nothing is queued that could only fail.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from peregrine.components.needs_llm import llm_button
from peregrine.services.tasks import TaskProgress, TaskStatus


def is_active(run: rx.Var[TaskProgress]) -> rx.Var[bool]:
    """The run is queued or running (the browser-side twin of `tasks.ACTIVE`)."""
    return (run.status == TaskStatus.QUEUED.value) | (run.status == TaskStatus.RUNNING.value)


def task_status_line(run: rx.Var[TaskProgress], failed: str, running: str = "") -> rx.Component:
    """A spinner with "<running><label>…" while the run is going; a red callout "<failed><error>"
    once it failed; nothing when idle or done."""
    return rx.fragment(
        rx.cond(
            is_active(run),
            rx.hstack(
                rx.spinner(size="2"),
                rx.text(*([running] if running else []), run.label, "…", size="2"),
                role="status",
                align="center",
            ),
        ),
        rx.cond(
            run.status == TaskStatus.FAILED.value,
            rx.callout.root(
                rx.callout.icon(rx.icon("triangle-alert")),
                rx.callout.text(failed, run.error),
                color_scheme="red",
                role="alert",
            ),
        ),
    )


def task_button(
    label: Any,
    *,
    on_click: Any,
    llm_ready: rx.Var[bool],
    run: rx.Var[TaskProgress] | None = None,
    icon: str = "sparkles",
) -> rx.Component:
    """A soft button that queues a run: off while `run` is going and while no model is set up."""
    return llm_button(
        rx.icon(icon, size=14, aria_hidden="true"),
        label,
        llm_ready=llm_ready,
        busy=is_active(run) if run is not None else None,
        on_click=on_click,
        variant="soft",
        size="2",
        class_name="no-print",
    )


def generate_button(
    noun: str, *, run: rx.Var[TaskProgress], has_result: rx.Var[bool], on_click: Any, llm_ready: rx.Var[bool]
) -> rx.Component:
    """ "Generate <noun>", "Regenerate <noun>" once there is a result, "Retry <noun>" after a failure."""
    label = rx.cond(
        run.status == TaskStatus.FAILED.value,
        f"Retry {noun}",
        rx.cond(has_result, f"Regenerate {noun}", f"Generate {noun}"),
    )
    return task_button(label, on_click=on_click, llm_ready=llm_ready, run=run)
