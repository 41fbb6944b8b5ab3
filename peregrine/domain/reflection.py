"""The reflection after a round: how it is typed, stored and read back as weak spots.

It is kept as a small JSON object on the round (`Interview.reflection`), beside the notes the user
wrote by hand, which stay as they are:
`{"went_well": str, "unsure": str, "confidence": {topic: 1..5}, "at": ISO moment}`.
The questions asked go where the predicted-question hit rate reads them (`Interview.questions_asked`).
Confidence is typed one topic a line, "Kafka: 2" (also "Kafka - 2", "Kafka 2/5").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: A confidence at or below this is a weak spot the next prep is told to work on.
WEAK_AT_MOST = 2
#: Topics on one round, and the characters of a topic's name and of each free-text answer.
TOPICS = 30
TOPIC_CHARS = 100
TEXT_CHARS = 5_000
#: The one-a-line confidence box: every topic at full length, "topic: 5" and a newline.
CONFIDENCE_TEXT = TOPICS * (TOPIC_CHARS + 5)

#: "Kafka: 2", "- Kafka — 2", "Kafka 2/5": a topic, a separator (colon, equals, a dash or a space), a score.
_TOPIC_LINE = re.compile(
    r"^\s*(?:[-*•]\s*)?(?P<topic>.+?)\s*(?:[:=\u2014\u2013-]\s*|\s)(?P<score>\d+)\s*(?:/\s*5)?\s*$"
)


@dataclass(frozen=True)
class Reflection:
    went_well: str = ""
    unsure: str = ""
    confidence: dict[str, int] | None = None
    at: str = ""

    @classmethod
    def of(cls, stored: Mapping[str, Any]) -> Reflection:
        """The reflection a round stores ({} when none was written)."""
        confidence = stored.get("confidence") or {}
        return cls(
            went_well=str(stored.get("went_well", "")),
            unsure=str(stored.get("unsure", "")),
            confidence={str(topic): int(score) for topic, score in confidence.items()},
            at=str(stored.get("at", "")),
        )

    def stored(self) -> dict[str, Any]:
        return {"went_well": self.went_well, "unsure": self.unsure, "confidence": self.confidence or {}, "at": self.at}

    @property
    def written(self) -> bool:
        return bool(self.at)

    @property
    def weak_spots(self) -> list[str]:
        """The topics of confidence `WEAK_AT_MOST` or less, the least confident first."""
        scores = self.confidence or {}
        return sorted((topic for topic, score in scores.items() if score <= WEAK_AT_MOST), key=lambda t: scores[t])


def parse_confidence(text: str) -> tuple[dict[str, int], list[str]]:
    """The topics and their 1-5 confidence, one a line, and what could not be read (each line said)."""
    scores: dict[str, int] = {}
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        found = _TOPIC_LINE.match(line)
        if found is None:
            problems.append(f"line {number} (“{line.strip()[:40]}”) has no score: write it as “topic: 1-5”")
            continue
        topic, score = found.group("topic").strip(), int(found.group("score"))
        if not 1 <= score <= 5:
            problems.append(f"line {number}: {topic} is rated {score}; a confidence is 1 to 5")
        elif len(topic) > TOPIC_CHARS:
            problems.append(f"line {number}: the topic is over {TOPIC_CHARS} characters")
        else:
            scores[topic] = score
    if len(scores) > TOPICS:
        problems.append(f"{len(scores)} topics; a round keeps at most {TOPICS}")
    return scores, problems


def confidence_text(confidence: dict[str, int] | None) -> str:
    """The confidence as the box shows it again: "Kafka: 2", one a line."""
    return "\n".join(f"{topic}: {score}" for topic, score in (confidence or {}).items())
