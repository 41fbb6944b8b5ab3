"""Prompt templates, each beside the pydantic schema its answer must fill.

Every schema declares its output budget, `output_tokens` (a `ClassVar`, so never part of the JSON
schema): the `max_tokens` the client sends with a call for it, sized from what the answer holds. A
model that runs on past it is cut off by the server (finish_reason "length") and the client reports
that, naming the backend and the limit, instead of waiting minutes for an answer nobody can use.
A schema that declares nothing gets `DEFAULT_OUTPUT_TOKENS`.
"""

from __future__ import annotations

from pydantic import BaseModel

#: The budget of a call whose schema declares none: no call goes out unbounded.
DEFAULT_OUTPUT_TOKENS = 1024


def output_tokens(schema: type[BaseModel]) -> int:
    """The `max_tokens` a call for `schema` sends."""
    budget = getattr(schema, "output_tokens", None)
    if isinstance(budget, int) and not isinstance(budget, bool) and budget > 0:
        return budget
    return DEFAULT_OUTPUT_TOKENS
