"""Splitting a survey's text (pasted, or read from screenshots) into its questions.

Survey text comes in many shapes: numbered questions ("1.", "2)", "Q3:", "Question 4 -"),
questions that wrap over two lines (OCR breaks lines where the screen did), and answer options
under a question ("( ) Strongly agree", "- Agree", "○ Never"). The rules, in order:

- a numbered line starts a new question; a line ending in "?" ends one (the unnumbered lines
  just before it are its beginning);
- short lines after a question ("Strongly agree", "( ) Never", "- Weekly") are its options, kept
  with it one per line so the answer can pick one; so is a following block made only of such lines;
- any other line or block is a question of its own ("Describe your ideal manager."), except
  text before the first question, which is a title or instructions and is dropped;
- when nothing looks like a question at all, every block of text is one (better to answer too
  much than nothing).

`answer_problem` says when a suggested answer is no answer at all: empty, or short and sharing no
content word with its question (a small model's "example", or its answer to another question). A
short "Yes"/"No" answers a yes-or-no question, and a longer answer may put it in other words, so
neither is refused.
"""

from __future__ import annotations

import re

from peregrine.domain.question_match import content_words

MAX_QUESTIONS = 40
MAX_QUESTION_CHARS = 1_500
#: An unmarked line of at most this many words, not ending like a sentence, reads as an answer option.
OPTION_MAX_WORDS = 6
#: An answer of fewer words that shares no content word with its question is not about it.
ON_TOPIC_MIN_WORDS = 8
_YES_NO = re.compile(r"^\W*(?:yes|no)\b", re.IGNORECASE)

_NUMBERED = re.compile(
    r"^(?:q(?:uestion)?\s*)?\d{1,3}(?:[.)]\s+|\s*[:\-\u2013]\s+)|^q(?:uestion)?\s*\d{1,3}\s+", re.IGNORECASE
)
_BULLET = re.compile(r"^[•·▪◦*\-\u2013]\s+")
_OPTION_MARK = re.compile(r"^(?:\(\s*\)|\[\s*\]|[○◯●◉☐☑□■])\s*")


def _blocks(text: str) -> list[list[str]]:
    """Non-empty lines (whitespace collapsed), grouped by the blank lines between them."""
    blocks: list[list[str]] = [[]]
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(raw.split())
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _numbered(line: str) -> str | None:
    """The line without its number when it is a numbered item, else None."""
    match = _NUMBERED.match(line)
    rest = line[match.end() :].strip() if match else ""
    return rest or None


def _ends_question(line: str) -> bool:
    return line.endswith(("?", "\uff1f"))  # also the full-width question mark


def _unmarked(line: str) -> str:
    return _OPTION_MARK.sub("", _BULLET.sub("", line)).strip() or line


def _marked_option(line: str) -> bool:
    return not _ends_question(line) and bool(_OPTION_MARK.match(line) or _BULLET.match(line))


def _option_like(line: str) -> bool:
    if _ends_question(line) or _numbered(line) is not None:
        return False
    if _OPTION_MARK.match(line) or _BULLET.match(line):
        return True
    return len(line.split()) <= OPTION_MAX_WORDS and not line.endswith((".", ":", "!"))


class _Split:
    """One pass over the blocks; `found` holds each question as [question, *options]."""

    def __init__(self) -> None:
        self.found: list[list[str]] = []
        self.leftover: list[str] = []
        self.open: int | None = None  # the question the next option lines belong to
        self.pending: list[str] = []
        self.numbered = False

    def question(self, lines: list[str]) -> None:
        self.found.append([" ".join(lines)])
        self.open = len(self.found) - 1

    def settle(self) -> None:
        """Lines that never reached a "?": options of the open question, or a question of their own."""
        if not self.pending:
            return
        if self.numbered:
            self.question(self.pending)
        elif self.open is not None and all(_option_like(line) for line in self.pending):
            self.found[self.open].extend(_unmarked(line) for line in self.pending)
        elif self.found:
            self.question([_unmarked(line) for line in self.pending])
        else:
            self.leftover.append(" ".join(self.pending))
        self.pending, self.numbered = [], False

    def block(self, lines: list[str]) -> None:
        if not all(_option_like(line) for line in lines):
            self.open = None  # a block that is not all options starts afresh
        for line in lines:
            body = _numbered(line)
            if body is not None:
                self.settle()
                self.pending, self.numbered = [body], True
            elif self.pending and self.numbered and _marked_option(line):
                self.question(self.pending)  # "2. Rate your Python skills" with its options below
                self.pending, self.numbered = [], False
                self.found[-1].append(_unmarked(line))
                continue
            elif self.open is not None and not self.pending and _option_like(line):
                self.found[self.open].append(_unmarked(line))
                continue
            else:
                self.pending.append(_unmarked(line) if _BULLET.match(line) else line)
            if _ends_question(line):
                self.question(self.pending)
                self.pending, self.numbered = [], False
        self.settle()


def split_questions(text: str) -> list[str]:
    """The questions in `text`, in order, each followed by its answer options on lines of their own."""
    split = _Split()
    for block in _blocks(text):
        split.block(block)
    pieces = ["\n".join(parts) for parts in split.found] if split.found else split.leftover
    return [_cut(piece) for piece in pieces[:MAX_QUESTIONS]]


def _cut(text: str) -> str:
    return text if len(text) <= MAX_QUESTION_CHARS else text[: MAX_QUESTION_CHARS - 1].rstrip() + "…"


def answer_problem(question: str, answer: str) -> str:
    """Why `answer` is no answer to `question` (a sentence for the page), or "" when it is one."""
    if not answer.strip():
        return "The language model's answer was empty."
    if len(answer.split()) >= ON_TOPIC_MIN_WORDS or _YES_NO.match(answer):
        return ""
    if content_words(question) and not content_words(question) & content_words(answer):
        shown = answer if len(answer) <= 80 else answer[:79].rstrip() + "…"
        return f"The language model's answer is not about this question (it shares no word with it): “{shown}”."
    return ""
