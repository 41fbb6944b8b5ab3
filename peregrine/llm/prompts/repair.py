"""Repairs of numbers, lists and texts a model returns out of bounds, applied before a schema validates.

A small model rates 6 on a 1-5 scale, says 85 for a confidence of 0 to 1, wraps one value in a list,
gives one item more than asked for or writes one sentence too many. None of that is worth a failed
run or a re-ask (which costs a whole second answer and, on a small model, rarely comes back better):
the meaning is plain, so the value is repaired here, in `mode="before"` validators beside the
schemas, and instructor's validation never sees it. The JSON schema sent to the model keeps its
bounds (these are `BeforeValidator`s on top of them), so a server that enforces the schema still
holds the model to them. What cannot be read as a number at all is left as it is: the schema
rejects it as before.
"""

from __future__ import annotations

import math
import re
from functools import partial
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

_LEADING_NUMBER = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)")


def first_item(value: Any) -> Any:
    """The first item of a list given where one value was expected (an empty list stays as it is)."""
    if isinstance(value, list | tuple) and value:
        return value[0]
    return value


def _number(value: Any) -> float | None:
    """`value` read as a number: 4, 4.6, "4", "4/5", "4 out of 5", "85%"; None when it is none."""
    value = first_item(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        match = _LEADING_NUMBER.match(value)
        return float(match.group(1)) if match else None
    return None


def clamp_int(value: Any, *, low: int, high: int) -> Any:
    """An integer within [low, high]: rounded, then held to the nearest bound."""
    number = _number(value)
    if number is None:
        return first_item(value)
    return min(high, max(low, round(number)))


def clamp_fraction(value: Any) -> Any:
    """A fraction within [0, 1]. A percentage ("85%", or a whole number up to 100: 85) is read as one
    (0.85), the lower and so the safer reading where a confidence decides whether the app acts."""
    number = _number(value)
    if number is None:
        return first_item(value)
    percent = isinstance(first_item(value), str) and "%" in first_item(value)
    if percent or (1 < number <= 100 and number.is_integer()):
        number /= 100
    return min(1.0, max(0.0, number))


def at_most_items(value: Any, *, count: int) -> Any:
    """A list cut to its first `count` items (anything else is left to the schema)."""
    if isinstance(value, list) and len(value) > count:
        return value[:count]
    return value


def at_most(count: int) -> BeforeValidator:
    """The validator of a list field bounded by `Field(max_length=count)`: one item too many is
    dropped rather than failing the answer, `Annotated[list[X], at_most(5)] = Field(max_length=5)`."""
    return BeforeValidator(partial(at_most_items, count=count))


def cut_text(value: Any, limit: int) -> Any:
    """A text over `limit` characters cut at a word before it, with an ellipsis."""
    if not isinstance(value, str) or len(value) <= limit:
        return value
    return value[: limit - 1].rsplit(" ", 1)[0].rstrip() + "…"


def as_list(value: Any) -> Any:
    """One value where a list was expected, as a list of it."""
    if value is None or isinstance(value, list):
        return value
    return [value]


#: One text, the first when the model gives a list of them.
OneText = Annotated[str, BeforeValidator(first_item)]
#: A rating from 1 to 5, repaired into that range.
OneToFive = Annotated[int, Field(ge=1, le=5), BeforeValidator(partial(clamp_int, low=1, high=5))]
#: A confidence from 0 to 1, repaired into that range.
Fraction = Annotated[float, Field(ge=0.0, le=1.0), BeforeValidator(clamp_fraction)]
