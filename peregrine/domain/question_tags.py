"""The question bank's tags, and the keyword rules that give a question one.

A question is tagged by the first rule whose words it holds, in the order below (a "design a rate
limiter" question is system design even though it is also technical); a question no rule matches
takes the tag its round's kind suggests, else it is role-specific.
"""

from __future__ import annotations

import re
from enum import StrEnum


class QuestionTag(StrEnum):
    BEHAVIORAL = "behavioral"
    TECHNICAL = "technical"
    SYSTEM_DESIGN = "system_design"
    CULTURE = "culture"
    ROLE_SPECIFIC = "role_specific"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


_RULES: tuple[tuple[QuestionTag, re.Pattern[str]], ...] = (
    (
        QuestionTag.SYSTEM_DESIGN,
        re.compile(r"\b(design|architect\w*|scal\w*|throughput|latency|shard\w*|partition\w*|distributed)\b"),
    ),
    (
        QuestionTag.BEHAVIORAL,
        re.compile(
            r"\b(tell me about a time|a time when|conflict|disagree\w*|failure|failed|mistake|challenge\w*|"
            r"proud|difficult|feedback|lead\w*|stakeholder\w*)\b"
        ),
    ),
    (
        QuestionTag.CULTURE,
        re.compile(r"\b(why (do you want|this company|us)|values?|culture|team (fit|environment)|motivat\w*|remote)\b"),
    ),
    (
        QuestionTag.TECHNICAL,
        re.compile(
            r"\b(sql|python|java\w*|kafka|algorithm\w*|complexity|debug\w*|database\w*|index\w*|api|code|"
            r"test\w*|concurren\w*|thread\w*|cache|caching|query|queries|performance|memory)\b"
        ),
    ),
)

#: The tag a round's kind suggests for a question no rule matched.
_BY_ROUND_KIND = {
    "behavioral": QuestionTag.BEHAVIORAL,
    "technical": QuestionTag.TECHNICAL,
    "system_design": QuestionTag.SYSTEM_DESIGN,
}


def tag_question(question: str, round_kind: str = "") -> QuestionTag:
    text = question.lower()
    for tag, words in _RULES:
        if words.search(text):
            return tag
    return _BY_ROUND_KIND.get(round_kind, QuestionTag.ROLE_SPECIFIC)
