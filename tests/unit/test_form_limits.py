"""Every text field of every page carries the maxlength of domain.limits, so the browser never
lets through what the service would refuse; the job dialog sends its fields once, on Save.

The pages are built as components and inspected (no browser): a field added later without a
limit fails here.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from reflex_base.components.component import BaseComponent, Component
from reflex_base.vars.base import LiteralVar, Var
from reflex_components_core.el.elements.forms import Form

from peregrine.domain import limits

TEXT_CONTROLS = {"TextField.Root", "TextArea", "DebounceInput", "input", "textarea"}
#: The browser ignores maxlength on these, and a read-only box takes no typing.
NO_LENGTH_TYPES = {"date", "datetime-local", "file", "checkbox", "radio", "hidden"}

PAGES = [
    ("board", "board_page"),
    ("job", "job_page"),
    ("offers", "compare_offers_page"),
    ("resume", "resume_page"),
    ("prep", "prep_page"),
    ("survey", "survey_page"),
    ("settings", "settings_page"),
    ("analytics", "analytics_page"),
    ("inbox", "inbox_page"),
    ("bulk_prep", "bulk_prep_page"),
]


def walk(component: BaseComponent) -> Iterator[BaseComponent]:
    """The component and every one inside it: children, foreach bodies, components held in props."""
    yield component
    for child in component.children:
        if isinstance(child, BaseComponent):
            yield from walk(child)
    if isinstance(component, Component):
        for held in component._get_components_in_props():
            yield from walk(held)


def prop(component: BaseComponent, name: str) -> Any:
    """A prop as set in Python: a DebounceInput (a controlled field) carries its input's props as attributes."""
    value = getattr(component, name, None)
    if value is None:
        value = getattr(component, "custom_attrs", {}).get(name)
    return value._decode() if isinstance(value, LiteralVar) else value


def text_controls(component: BaseComponent) -> list[Component]:
    controls = [c for c in walk(component) if isinstance(c, Component) and c.tag in TEXT_CONTROLS]
    return [c for c in controls if prop(c, "type") not in NO_LENGTH_TYPES and prop(c, "read_only") is not True]


def test_every_field_of_the_job_dialog_has_the_limit_of_its_field_and_sends_nothing_while_typing() -> None:
    from peregrine.pages.job_form import JobFormState, job_dialog

    dialog = job_dialog()
    controls = text_controls(dialog)
    by_name = {prop(control, "name"): control for control in controls}
    fields = limits.JOB_FIELDS | limits.JOB_DETAIL_FIELDS
    assert len(by_name) == len(controls) == len(fields)
    assert {name: prop(control, "max_length") for name, control in by_name.items()} == {
        name: limit for name, (_subject, limit) in fields.items()
    }
    for name, control in by_name.items():
        # Uncontrolled (a default value, no value and no change handler): the text stays in the
        # browser until Save sends the whole form in one event.
        assert prop(control, "value") is None, name
        assert "on_change" not in control.event_triggers, name
        assert isinstance(prop(control, "default_value"), Var), name
    assert by_name["raw_jd_text"].tag == "TextArea"

    components = list(walk(dialog))
    [form] = [c for c in components if isinstance(c, Form)]
    assert "on_submit" in form.event_triggers
    # The description tells when a paste was cut at the limit; the save watch, when a save got no answer.
    notices = [c for c in components if getattr(c, "tag", None) == "LengthNotice"]
    assert [prop(c, "noun") for c in notices] == ["description"]
    assert any(by_name["raw_jd_text"] is c for c in walk(notices[0]))
    [watch] = [c for c in components if getattr(c, "tag", None) == "SaveWatch"]
    assert str(prop(watch, "answered")) == str(JobFormState.answers)


@pytest.mark.parametrize(("module", "page"), PAGES)
def test_every_text_field_of_every_page_has_a_max_length(module: str, page: str) -> None:
    built = getattr(importlib.import_module(f"peregrine.pages.{module}"), page)()
    unlimited = [
        f"{control.tag} {prop(control, 'name') or prop(control, 'placeholder') or ''}".strip()
        for control in text_controls(built)
        if not isinstance(prop(control, "max_length"), int)
    ]
    assert unlimited == []
    # A controlled field sends its whole text over the websocket after each pause in typing:
    # every limit keeps that far under Reflex's ~1 MB message cap, JSON-escaped at three bytes a character.
    assert all(3 * prop(control, "max_length") < 1_000_000 for control in text_controls(built))
