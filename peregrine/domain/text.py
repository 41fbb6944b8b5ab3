"""The one form a short name (a company, a job title) is stored and compared in.

A name is what a person reads, so two names that look alike must be equal, and a name must not
carry characters that change how the text around it looks. `clean_name`:

- applies NFKC, so fullwidth letters, ligatures and other compatibility forms become the plain
  characters they stand for;
- removes invisible and formatting characters (Unicode category Cf: zero-width space and joiners,
  bidirectional overrides and isolates, the byte-order mark, soft hyphens, tag characters…), the
  other default-ignorable code points (variation selectors, Hangul fillers, the combining grapheme
  joiner…), control characters (Cc) other than whitespace, and unpaired surrogates (Cs);
- turns every run of whitespace (newlines and tabs included: a name is one line) into one space,
  and trims both ends.

So "Ac<zero-width space>me" cannot dodge the "rejected before" warning for "Acme", and
"<right-to-left override>emca" cannot show as "acme". The price: a zero-width joiner or
non-joiner that shapes a word in some scripts (Persian, emoji sequences) is removed too; the
letters stay readable, and a name that compares right matters more here than its rendering.
"""

from __future__ import annotations

import re
import unicodedata

#: Categories removed outright: format (Cf), control (Cc), surrogate (Cs). Whitespace controls
#: (tab, newline…) become spaces before this runs, so "Acme\nCorp" stays two words.
_REMOVED_CATEGORIES = frozenset({"Cf", "Cc", "Cs"})

#: Default_Ignorable_Code_Point (Unicode's DerivedCoreProperties) outside category Cf: characters
#: a renderer shows as nothing, which would let two different strings look the same.
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2065\u3164\ufe00-\ufe0f\uffa0\ufff0-\ufff8\U000e0000-\U000e0fff]"
)

#: Rounds of strip-then-normalise: removing a character can bring a letter and a combining mark
#: together that NFKC then composes; two rounds reach the fixed point for every real input.
_MAX_ROUNDS = 4


def clean_name(value: str) -> str:
    """`value` in the form names are stored and compared in (see the module's docstring)."""
    text = value
    for _ in range(_MAX_ROUNDS):
        cleaned = _one_round(text)
        if cleaned == text:
            break
        text = cleaned
    return text


def _one_round(text: str) -> str:
    spaced = "".join(" " if char.isspace() else char for char in text)
    visible = "".join(char for char in spaced if unicodedata.category(char) not in _REMOVED_CATEGORIES)
    normalised = unicodedata.normalize("NFKC", _IGNORABLE.sub("", visible))
    return " ".join(normalised.split())
