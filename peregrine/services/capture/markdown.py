"""A posting's description, from its HTML tree to the markdown a job stores.

Headings, paragraphs, lists, emphasis and line breaks survive; links keep their text (and their
target when it is http(s)); everything else is its text. The result then goes through
`sanitize.clean_markdown`, as every description does, so the markdown is safe whatever the page
held. Written without recursion, like the tree itself.
"""

from __future__ import annotations

import re

from peregrine.domain import limits
from peregrine.services import sanitize
from peregrine.services.capture.html_tree import Element

_BLOCKS = frozenset(
    {"p", "div", "section", "article", "main", "header", "footer", "ul", "ol", "table", "tr", "blockquote", "dl", "dd"}
)
_HEADINGS = {"h1": "#", "h2": "##", "h3": "###", "h4": "####", "h5": "####", "h6": "####"}
_STRONG = frozenset({"strong", "b"})
_EMPHASIS = frozenset({"em", "i"})
#: Parts of a page around the posting, never part of a description.
CHROME = frozenset({"nav", "aside", "form", "button", "footer", "header"})
_MARKDOWN_SIGNS = re.compile(r"([\\`*_\[\]<>#|])")


class _Writer:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def text(self, text: str) -> str:
        # Page text is text: a "*" or "<" in it must not turn into markup.
        return _MARKDOWN_SIGNS.sub(r"\\\1", re.sub(r"\s+", " ", text))

    def open(self, element: Element, depth_of_lists: int) -> str:
        tag = element.tag
        if tag in _HEADINGS:
            return f"\n\n{_HEADINGS[tag]} "
        if tag == "li":
            return "\n" + "  " * max(depth_of_lists - 1, 0) + "- "
        if tag == "br":
            return "  \n"
        if tag in _STRONG:
            return "**"
        if tag in _EMPHASIS:
            return "*"
        if tag in _BLOCKS:
            return "\n\n"
        return ""

    def close(self, element: Element) -> str:
        tag = element.tag
        if tag in _HEADINGS or tag in _BLOCKS:
            return "\n\n"
        if tag in _STRONG:
            return "**"
        if tag in _EMPHASIS:
            return "*"
        return ""


def to_markdown(element: Element, *, skip_chrome: bool = False, max_chars: int = limits.JOB_DESCRIPTION) -> str:
    """The element's content as clean, sanitized markdown, about `max_chars` at most: writing
    stops there (a job keeps no more), so a huge page costs its parse, not its markdown."""
    writer = _Writer()
    out: list[str] = []
    written = 0
    # (node, closing): a closing entry writes the end of an element once its children are written.
    stack: list[tuple[Element | str, bool, int]] = [(element, False, 0)]
    while stack and written <= max_chars:
        node, closing, lists = stack.pop()
        if isinstance(node, str):
            out.append(writer.text(node))
            written += len(out[-1])
            continue
        if closing:
            out.append(writer.close(node))
            continue
        if skip_chrome and node.tag in CHROME:
            continue
        if node.tag in _STRONG | _EMPHASIS and not node.text():
            continue  # an empty <b></b> would write "****"
        if node.tag == "a":
            label = writer.text(node.text())
            target = sanitize.safe_url(node.get("href"))
            out.append(f"[{label}]({target})" if target and label.strip() else label)
            continue
        inner = lists + (node.tag in ("ul", "ol"))
        out.append(writer.open(node, lists))
        stack.append((node, True, lists))
        stack.extend((child, False, inner) for child in reversed(node.children))
    return sanitize.clean_markdown(_tidy("".join(out)))


def _tidy(markdown: str) -> str:
    """One blank line between blocks, no spaces at line starts but a list's indent."""
    lines = [line.rstrip() if not line.endswith("  ") else line for line in markdown.split("\n")]
    text = "\n".join(line if line.lstrip().startswith("- ") else line.lstrip() for line in lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
