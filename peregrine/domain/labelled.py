"""`LabelledEnum`: a stored choice and the words a page shows for it, declared side by side.

A member reads `APPLIED = "applied", "Applied"`: its value is what the database and the API
store ("applied"), its `label` what a person reads. It is a `StrEnum`, so the member is that text.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabelledEnum(StrEnum):
    _value_: str
    label: str

    # `label` has a default only for the type checker, which reads a lookup such as
    # `Stage("applied")` as a call of this method; every member gives its label.
    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member
