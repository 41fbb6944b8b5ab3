"""JSON request bodies the API refuses before any model sees them, and how a 422 is written.

Python's JSON parser accepts more than JSON: `NaN`, `Infinity` and `-Infinity`, numbers that
overflow to infinity (`1e400`), and `\\ud800`-style escapes that leave an unpaired surrogate in a
string. None of them is data a client means to send, none can be stored (a surrogate is not
UTF-8; PostgreSQL refuses NUL in text), and FastAPI's own 422 echoed them back through a JSON
encoder that cannot write them: a 500. `StrictJsonRoute` refuses them with a 422 that names
where, and `validation_error` writes every 422 without echoing the input.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Coroutine, Iterator, Sequence
from typing import Any

from fastapi import Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

Loc = tuple[str | int, ...]


class StrictJsonRoute(APIRoute):
    """A route whose JSON body holds only finite numbers and real characters (422 otherwise)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if self.body_field is None:
            return handler

        async def checked(request: Request) -> Response:
            await _refuse_bad_json(request)
            return await handler(request)

        return checked


async def _refuse_bad_json(request: Request) -> None:
    """Parse the body once (Starlette keeps the result for the route) and refuse what JSON is not."""
    if not await request.body():
        return
    try:
        parsed = await request.json()
    except json.JSONDecodeError:
        return  # malformed: FastAPI answers it with its own 422 and the position
    except (ValueError, RecursionError) as exc:  # not UTF-8, a 5,000-digit number, nesting too deep
        raise RequestValidationError(
            [{"type": "json_invalid", "loc": ("body",), "msg": _unreadable(exc), "input": None}]
        ) from exc
    problems = list(_refused(parsed, ("body",)))
    if problems:
        raise RequestValidationError(problems)


def _unreadable(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "The body is not valid JSON: it is not UTF-8 text."
    if isinstance(exc, RecursionError):
        return "The body is not valid JSON Peregrine reads: it is nested too deeply."
    return "The body is not valid JSON Peregrine reads: a number in it is too long."


def _refused(value: Any, loc: Loc) -> Iterator[dict[str, Any]]:
    """Every place in a parsed body that holds a non-finite number or a string no text may hold."""
    stack: list[tuple[Any, Loc]] = [(value, loc)]
    while stack:  # a loop, not recursion: the parser already allowed this depth
        item, where = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            yield _problem(where, "finite_number", "Input should be a finite number (not NaN or Infinity).")
        elif isinstance(item, str) and (reason := _bad_text(item)):
            yield _problem(where, "string_unicode", f"Input should be valid text: it {reason}.")
        elif isinstance(item, dict):
            for key, child in item.items():
                if reason := _bad_text(key):
                    yield _problem(where, "string_unicode", f"A key should be valid text: one {reason}.")
                else:
                    stack.append((child, (*where, key)))
        elif isinstance(item, list):
            stack.extend((child, (*where, index)) for index, child in enumerate(item))


def _bad_text(text: str) -> str | None:
    if "\x00" in text:
        return "contains a NUL character"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return "contains an unpaired surrogate (\\ud800-\\udfff), which is not a character"
    return None


def _problem(loc: Loc, kind: str, msg: str) -> dict[str, Any]:
    return {"type": kind, "loc": loc, "msg": msg, "input": None}


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    """Every 422 of the API: where and what, never the input itself.

    FastAPI's default echoes the input (and pydantic's context): a value the JSON encoder cannot
    write turned a 422 into a 500, and a 100,000-character field came back whole.
    """
    assert isinstance(exc, RequestValidationError)
    detail = [_public(error) for error in exc.errors()]
    return JSONResponse({"detail": detail}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


def _public(error: dict[str, Any]) -> dict[str, Any]:
    msg = str(error.get("msg", "Invalid input."))
    context = error.get("ctx") or {}
    if error.get("type") == "json_invalid" and isinstance(context.get("error"), str):
        msg = f"The body is not valid JSON: {context['error']}."
    loc: Sequence[Any] = error.get("loc", ())
    return {"loc": [part if isinstance(part, int) else str(part) for part in loc], "msg": msg, "type": error["type"]}
