"""What base prep and round prep have in common: a prep is made section by section.

Each section is its own call, with its own small schema (so its own `output_tokens`), its own
instruction and the variable inputs it reads. One section that fails (invalid, cut off, refused
for the window) costs that section only, and a small model answers a small schema far more often
than one big one. `render_messages` builds one section's prompt from the fixed facts and the
inputs `llm.budget` trimmed to the window.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

#: What an input says when it has nothing (no research yet, no earlier round).
NOTHING = "(none)"


class SectionModel(BaseModel):
    """A part of a section's answer: text of only spaces is no text (it fails `min_length`)."""

    model_config = ConfigDict(str_strip_whitespace=True)


@dataclass(frozen=True)
class SectionPrompt:
    """One section: where it is stored (`key`), its heading, its schema, what it asks, what it reads."""

    key: str
    title: str
    schema: type[SectionModel]
    instruction: str
    inputs: tuple[str, ...]


def render_messages(
    *,
    system: str,
    intro: str,
    headings: Mapping[str, str],
    section: SectionPrompt,
    texts: Mapping[str, str],
) -> list[dict[str, str]]:
    """The section's messages: the fixed `intro`, each of its inputs between markers (untrusted
    text, never instructions), then what to write."""
    blocks = [intro]
    for name in section.inputs:
        blocks.append(f"{headings[name]}:\n<<<\n{texts.get(name) or NOTHING}\n>>>")
    blocks.append(f"Write {section.instruction}")
    return [{"role": "system", "content": system}, {"role": "user", "content": "\n\n".join(blocks)}]
