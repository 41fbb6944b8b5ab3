"""Cells a spreadsheet program will never run: the rule every export (CSV, XLSX) applies.

A cell that begins with `=`, `+`, `-` or `@` is read as a formula by Excel, LibreOffice and Google
Sheets, and one beginning with a tab or a carriage return can be turned into one. A job copied from
a posting (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`) would then run on the machine of whoever opens
the file. OWASP's advice is followed: such a cell is prefixed with a single quote, which every one
of those programs shows as text and never evaluates. Numbers and dates are not text and pass as
they are (a negative amount is a number, not a formula).
"""

from __future__ import annotations

#: The characters a spreadsheet program reads as the start of a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(value: str) -> str:
    """`value` as a cell no spreadsheet evaluates: quoted with `'` when it could start a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def inert_row(values: list[object]) -> list[object]:
    """Each text of a row made inert; numbers, dates and empty cells unchanged."""
    return [inert_cell(value) if isinstance(value, str) else value for value in values]
