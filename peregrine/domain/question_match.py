"""Which predicted questions came up: matching the questions really asked against the prep.

Interviewers never read a question out as it was predicted, so matching compares content
words (stop words and word endings stripped) and counts a predicted question as asked when
most of the shorter question's words appear in the other one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MATCH_THRESHOLD = 0.6

_WORD = re.compile(r"[a-z0-9+#]+")
_STOP = frozenset(  # a block of words reads better than a list literal here
    """a about an and any are as at be been being but by can could did do does doing for from had has have
    how i if in into is it its me my of on or our please so some tell than that the their them then there
    these they this those through time to us walk was we were what when where which while who why will with
    would you your yourself describe under over explain give example share talk""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class QuestionHit:
    predicted: str
    asked: str | None  # the asked question it matched, or None if it did not come up
    score: float

    @property
    def came_up(self) -> bool:
        return self.asked is not None


def content_words(question: str) -> frozenset[str]:
    words = (_stem(word) for word in _WORD.findall(question.lower()) if word not in _STOP)
    return frozenset(word for word in words if len(word) > 1)


def similarity(first: str, second: str) -> float:
    """Share of the shorter question's content words found in the other (0 to 1)."""
    a, b = content_words(first), content_words(second)
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def match_questions(predicted: list[str], asked: list[str]) -> list[QuestionHit]:
    """Each predicted question with the asked question it best matches (each asked one used once)."""
    pairs = sorted(
        ((similarity(p, q), i, j) for i, p in enumerate(predicted) for j, q in enumerate(asked)),
        reverse=True,
    )
    chosen: dict[int, tuple[int, float]] = {}
    used: set[int] = set()
    for score, i, j in pairs:
        if score < MATCH_THRESHOLD:
            break
        if i not in chosen and j not in used:
            chosen[i] = (j, score)
            used.add(j)
    return [
        QuestionHit(question, asked[chosen[i][0]], chosen[i][1]) if i in chosen else QuestionHit(question, None, 0.0)
        for i, question in enumerate(predicted)
    ]


def hit_rate(hits: list[QuestionHit]) -> float | None:
    """Share of predicted questions that came up; None when nothing was predicted."""
    if not hits:
        return None
    return sum(hit.came_up for hit in hits) / len(hits)


def parse_questions(text: str) -> list[str]:
    """One question a line, list markers and numbering dropped, blank lines ignored."""
    questions = []
    for line in text.splitlines():
        cleaned = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", line).strip()
        if cleaned:
            questions.append(cleaned)
    return questions


def _stem(word: str) -> str:
    for ending in ("ing", "ed", "es", "s", "e"):
        if len(word) > len(ending) + 2 and word.endswith(ending):
            return word[: -len(ending)]
    return word
