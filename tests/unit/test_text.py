"""`domain.text.clean_name`: names that look alike are equal, and no name hides or reorders text."""

from __future__ import annotations

import sys
import unicodedata
from functools import cache

import pytest

from peregrine.domain.text import clean_name

FULLWIDTH_ACME = "\uff21\uff43\uff4d\uff45"  # escaped: the linter rightly flags look-alikes in source


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Acme\u200b Corp", "Acme Corp"),  # zero-width space
        ("Ac\u200dme", "Acme"),  # zero-width joiner
        ("Ac\u200cme", "Acme"),  # zero-width non-joiner
        ("\ufeffAcme", "Acme"),  # byte-order mark
        ("\u202eemca", "emca"),  # right-to-left override: shown as "acme", stored as what it is
        ("Acme\u2066 Corp\u2069", "Acme Corp"),  # bidi isolates
        ("Ac\u00adme", "Acme"),  # soft hyphen
        ("Acme\U000e0041\U000e007f", "Acme"),  # tag characters
        ("Ac\u034fme", "Acme"),  # combining grapheme joiner (default-ignorable, not Cf)
        ("Acme\ufe0f", "Acme"),  # variation selector
        ("Acme\u3164", "Acme"),  # Hangul filler: a blank that is a letter
        (FULLWIDTH_ACME, "Acme"),  # fullwidth
        ("ﬁnance", "finance"),  # ligature
        ("Acme\u00a0Corp", "Acme Corp"),  # no-break space
        ("Acme\u3000Corp", "Acme Corp"),  # ideographic space
        ("  Acme \t\n  Corp  ", "Acme Corp"),  # a name is one line with single spaces
        ("Acme\u2028Corp", "Acme Corp"),  # line separator
        ("Acme\x00\x07\x1b[31m", "Acme[31m"),  # controls (NUL, bell, escape) go, their text stays
        ("Ac\ud800me", "Acme"),  # an unpaired surrogate is no character
        ("Cafe\u0301", "Café"),  # composed (NFC is part of NFKC)
        ("Société Générale", "Société Générale"),
        ("株式会社 日本", "株式会社 日本"),
        ("شركة", "شركة"),  # right-to-left text itself is kept: only the invisible controls go
        ("\u200b\u200b", ""),  # nothing visible: empty, so the job form asks for a name
    ],
)
def test_clean_name(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean


def test_look_alikes_compare_equal() -> None:
    assert clean_name("Ac\u200bme") == clean_name("Acme") == clean_name(FULLWIDTH_ACME) == clean_name(" Acme ")


def test_a_character_removed_between_letter_and_accent_still_composes() -> None:
    assert clean_name("e\u200b\u0301cole") == "école"


@cache
def _interesting_characters() -> list[str]:
    """Every character the cleaning acts on: not NFKC-stable, whitespace, Cf/Cc/Cs, or Mn/Lo blanks."""
    found = []
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        category = unicodedata.category(char)
        if category in ("Cf", "Cc", "Cs", "Zs", "Zl", "Zp", "Mn") or char.isspace() or not _nfkc_stable(char):
            found.append(char)
    return found


def _nfkc_stable(char: str) -> bool:
    try:
        return unicodedata.is_normalized("NFKC", char)
    except UnicodeError:
        return False


def test_cleaning_is_idempotent_and_leaves_nothing_invisible() -> None:
    leftovers = []
    for char in _interesting_characters():
        once = clean_name(f"a{char}b")
        if clean_name(once) != once or any(unicodedata.category(c) in ("Cf", "Cc", "Cs") for c in once):
            leftovers.append(f"U+{ord(char):04X}")
    assert leftovers == []
