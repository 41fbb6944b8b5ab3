"""A record's facts as a list of labels and values (the job's details, an offer's terms)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


def fact_item(fact: Fact | rx.Var[Fact]) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(fact.label), rx.data_list.value(fact.value))


def fact_list(facts: rx.Var[list[Fact]], *after: rx.Component, **props: object) -> rx.Component:
    """Each of `facts` as a label and its value, then `after` (items of another kind, such as a link)."""
    return rx.data_list.root(rx.foreach(facts, fact_item), *after, **props)
