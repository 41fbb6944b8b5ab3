"""Prompts that fit the model's window: the token estimate, and the trimming of a prompt's inputs.

A prompt has fixed parts (its instructions, the facts of the interview, the schema) and variable
inputs that can be long: the job description, the resume projects, the notes of earlier rounds, the
research. `fit_inputs` is given the room left for those inputs (the backend's `context_tokens` minus
the answer's `max_tokens` minus the fixed parts: `LLMClient.prompt_room`) and decides what goes in:

- every input gets a share of the room by its weight, and what one needs less than its share goes
  to the others (so a short job description leaves more room for projects);
- a list input (projects, rounds) keeps whole items, in the order it was ranked (the most relevant
  projects first, the latest rounds first); a text input (description, research) is cut at a line
  or a word;
- what was left out is said in plain words, for the page ("3 of 9 projects sent").

Pure: no model, no database. The estimate is deliberately high (3 characters a token), so a prompt
that fits here fits on the server.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from peregrine.domain.question_match import content_words

#: Characters per token for the estimate of a prompt's size: chars/4 undercounts by 15-25 % on these
#: prompts (measured on a real server), so 3 leaves a margin.
CHARS_PER_TOKEN = 3.0
#: Tokens a chat template adds per message (role markers, separators).
TOKENS_PER_MESSAGE = 8
#: Held back from the room, for the rounding of the estimate and the separators between items.
MARGIN_TOKENS = 16
#: Held back from a prompt's room for one retry's short message ("your previous answer could not be
#: used: <a problem or two>"), so an invalid answer can still be asked for again within the window.
RETRY_TOKENS = 160
#: Between two items of a list input.
ITEM_SEPARATOR = "\n\n"
#: Where a text input was cut.
CUT_MARK = " […]"


def estimate_tokens(messages: list[dict[str, Any]], extra_text: str = "") -> int:
    """A deliberately high estimate of the prompt tokens `messages` take (images not counted)."""
    chars = len(extra_text)
    for message in messages:
        content = message.get("content")
        if isinstance(content, str):
            chars += len(content)
        elif isinstance(content, list):
            chars += sum(len(str(part.get("text", ""))) for part in content if isinstance(part, dict))
    return int(chars / CHARS_PER_TOKEN) + 1 + TOKENS_PER_MESSAGE * len(messages)


@dataclass(frozen=True)
class Room:
    """The tokens left for a prompt's variable inputs on the tightest backend, and that backend."""

    tokens: int
    backend: str
    window: int


@dataclass(frozen=True)
class PromptInput:
    """One variable input of a prompt.

    `items` are already ranked, most important first. A text input has one item (`whole=False`) that
    may be cut; a list input keeps whole items (`noun` names them in the notice: "projects").
    `cap` bounds the characters it takes even when the window is unknown or large."""

    name: str
    items: Sequence[str]
    noun: str
    weight: float = 1.0
    whole: bool = True
    order: str = ""
    """How the items were ranked, for the notice: "the most relevant first"."""
    cap: int = 12_000


@dataclass(frozen=True)
class FittedInputs:
    """What goes into the prompt (input name → text) and what was left out, in words."""

    texts: dict[str, str]
    left_out: list[str] = field(default_factory=list)

    def notice(self, room: Room | None) -> str:
        """The page's line: "3 of 9 projects sent (the most relevant first); the window of this model
        is 4,096 tokens." Empty when nothing was left out."""
        if not self.left_out:
            return ""
        window = f"; the window of this model is {room.window:,} tokens" if room is not None else ""
        return "; ".join(self.left_out) + window + "."


def _length(items: Sequence[str]) -> int:
    return sum(len(item) for item in items) + len(ITEM_SEPARATOR) * max(0, len(items) - 1)


def _cut(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at a line or word break where one is near."""
    if len(text) <= limit:
        return text
    room = max(0, limit - len(CUT_MARK))
    head = text[:room]
    for stop in ("\n", " "):
        at = head.rfind(stop)
        if at >= room * 0.8:
            head = head[:at]
            break
    return head.rstrip() + CUT_MARK if head.strip() else ""


def _shares(needs: dict[str, int], weights: dict[str, float], room: int) -> dict[str, int]:
    """Weighted max-min fair shares of `room`: an input that needs less than its share gets its need,
    and the rest is shared again among the others."""
    granted: dict[str, int] = {}
    open_ = dict(needs)
    left = room
    while open_:
        total = sum(weights[name] for name in open_)
        share = {name: left * weights[name] / total for name in open_}
        settled = [name for name, need in open_.items() if need <= share[name]]
        if not settled:
            granted.update({name: int(share[name]) for name in open_})
            break
        for name in settled:
            granted[name] = open_.pop(name)
            left -= granted[name]
    return granted


def fit_inputs(inputs: Sequence[PromptInput], room_tokens: int | None) -> FittedInputs:
    """The inputs trimmed to `room_tokens` (None: the window is unknown, only each input's `cap`)."""
    needs = {part.name: min(_length(part.items), part.cap) for part in inputs}
    if room_tokens is None:
        granted = needs
    else:
        room_chars = max(0, int((room_tokens - MARGIN_TOKENS) * CHARS_PER_TOKEN))
        granted = _shares(needs, {part.name: part.weight for part in inputs}, room_chars)
    texts: dict[str, str] = {}
    left_out: list[str] = []
    for part in inputs:
        allowed = granted[part.name]
        if part.whole:
            kept = _whole_items(part.items, allowed)
            texts[part.name] = ITEM_SEPARATOR.join(kept)
            cut = bool(kept) and kept[-1] != part.items[len(kept) - 1]
            if len(kept) < len(part.items) or cut:
                order = f" ({part.order})" if part.order else ""
                trimmed = ", that one cut short" if cut else ""
                left_out.append(f"{len(kept)} of {len(part.items)} {part.noun} sent{order}{trimmed}")
        else:
            whole = ITEM_SEPARATOR.join(part.items)
            texts[part.name] = _cut(whole, allowed)
            if len(texts[part.name]) < len(whole):
                sent = len(texts[part.name]) - (len(CUT_MARK) if texts[part.name] else 0)
                left_out.append(f"{part.noun} cut to {max(0, sent):,} of {len(whole):,} characters")
    return FittedInputs(texts, left_out)


def _whole_items(items: Sequence[str], allowed: int) -> list[str]:
    """The items that fit in `allowed` characters, in order; the first one cut if even it does not."""
    kept: list[str] = []
    used = 0
    for item in items:
        cost = len(item) + (len(ITEM_SEPARATOR) if kept else 0)
        if used + cost > allowed:
            break
        kept.append(item)
        used += cost
    if not kept and items and allowed > len(CUT_MARK) * 4:
        first = _cut(items[0], allowed)
        return [first] if first else []
    return kept


def rank_by_overlap(texts: Sequence[str], against: str) -> list[int]:
    """The indexes of `texts`, the ones sharing the most content words with `against` first (a
    project's relevance to a job description); ties keep their order."""
    wanted = content_words(against)
    scores = [len(content_words(text) & wanted) for text in texts]
    return sorted(range(len(texts)), key=lambda index: (-scores[index], index))
