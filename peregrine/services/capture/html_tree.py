"""A captured page's HTML as a small tree, read with the standard library's HTML parser.

Only what extraction reads is kept: elements with their attributes (event handlers and style
dropped), text, and the JSON-LD blocks. Scripts, styles, templates, frames and forms' innards
never enter the tree, so nothing of them can reach a description. The tree is built and walked
without recursion, and nesting deeper than `MAX_DEPTH` is flattened (an element that deep
becomes a sibling of the deepest one): a page of 100,000 nested `<div>`s costs a list, never the stack.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

MAX_DEPTH = 256
#: Elements whose content is never text of the posting.
SKIPPED = frozenset({"script", "style", "noscript", "template", "iframe", "svg", "math", "object", "canvas", "select"})
#: Elements that have no end tag.
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)
_KEPT_ATTRIBUTES = frozenset(
    {
        "id",
        "class",
        "href",
        "rel",
        "content",
        "property",
        "name",
        "itemscope",
        "itemtype",
        "itemprop",
        "datetime",
        "data-automation-id",
        "data-qa",
    }
)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)
    parent: Element | None = None

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def get(self, name: str) -> str:
        return self.attrs.get(name, "")

    def iter(self) -> Iterator[Element]:
        """This element and every element inside it, in document order."""
        stack: list[Element] = [self]
        while stack:
            element = stack.pop()
            yield element
            stack.extend(child for child in reversed(element.children) if isinstance(child, Element))

    def find(
        self, tag: str = "", *, cls: str = "", id: str = "", attr: tuple[str, str] | None = None
    ) -> Element | None:
        """The first element inside (or this one) matching every criterion given."""
        return next(self.find_all(tag, cls=cls, id=id, attr=attr), None)

    def find_all(
        self, tag: str = "", *, cls: str = "", id: str = "", attr: tuple[str, str] | None = None
    ) -> Iterator[Element]:
        for element in self.iter():
            if tag and element.tag != tag:
                continue
            if cls and cls not in element.classes:
                continue
            if id and element.get("id") != id:
                continue
            if attr is not None and element.get(attr[0]) != attr[1]:
                continue
            yield element

    def text(self) -> str:
        """The text inside, its whitespace collapsed to single spaces."""
        parts: list[str] = []
        stack: list[Element | str] = [self]
        while stack:
            node = stack.pop()
            if isinstance(node, str):
                parts.append(node)
            else:
                parts.append(" ")
                stack.extend(reversed(node.children))
        return " ".join("".join(parts).split())


@dataclass
class Page:
    root: Element
    #: The text of each `<script type="application/ld+json">`, in document order.
    json_ld: list[str]

    def meta(self, key: str) -> str:
        """The content of `<meta property=key>` or `<meta name=key>` (og:title, description…)."""
        for element in self.root.find_all("meta"):
            if key in (element.get("property"), element.get("name")):
                return " ".join(element.get("content").split())
        return ""


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.open: list[Element] = [self.root]
        self.json_ld: list[str] = []
        self._skipping: str = ""
        self._skip_depth = 0
        self._reading_json: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skipping:
            self._skip_depth += tag == self._skipping
            return
        if tag in SKIPPED:
            values = dict(attrs)
            if tag == "script" and (values.get("type") or "").strip().lower() == "application/ld+json":
                self._reading_json = []
            self._skipping, self._skip_depth = tag, 1
            return
        kept = {name: value or "" for name, value in attrs if name in _KEPT_ATTRIBUTES}
        if "itemscope" in dict(attrs):
            kept["itemscope"] = "itemscope"
        full = len(self.open) >= MAX_DEPTH
        # At the depth limit a new element becomes the sibling of the deepest one, in its place.
        parent = self.open[-2] if full else self.open[-1]
        element = Element(tag, kept, parent=parent)
        parent.children.append(element)
        if tag in VOID:
            return
        if full:
            self.open[-1] = element
        else:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skipping or tag in SKIPPED:
            return  # a self-closed <svg/> holds nothing
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skipping:
            self._skip_depth -= tag == self._skipping
            if not self._skip_depth:
                if self._reading_json is not None:
                    self.json_ld.append("".join(self._reading_json))
                self._skipping, self._reading_json = "", None
            return
        # Close up to the nearest open element of this name; a stray end tag closes nothing.
        for index in range(len(self.open) - 1, 0, -1):
            if self.open[index].tag == tag:
                del self.open[index:]
                return

    def handle_data(self, data: str) -> None:
        if self._reading_json is not None:
            self._reading_json.append(data)
        elif not self._skipping:
            self.open[-1].children.append(data)


def parse(html: str) -> Page:
    try:
        return _built(html)
    except AssertionError:
        # The parser asserts on a marked section it does not know ("<![if …]>", "<![x"): read such
        # a section as text, as a browser does.
        return _built(html.replace("<![", "&lt;!["))


def _built(html: str) -> Page:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return Page(builder.root, builder.json_ld)


def parse_fragment(html: str) -> Element:
    """An HTML fragment (a JSON-LD description) as a tree."""
    return parse(html).root
