"""Sanitising untrusted text, HTML and markdown before it reaches a page.

The markdown checks render the sanitised markdown the way a page does — CommonMark with raw HTML
switched on (markdown-it-py here, the same spec as the page's react-markdown + rehype-raw) and with the
renderer's own link filter switched off, so only `clean_markdown` stands between a payload and the
page — and then inspect the resulting HTML: only expected elements, no event handlers, no styles,
and every ``href``/``src`` http, https, mailto or relative, read the way a browser reads a URL.
"""

from __future__ import annotations

import random
import re
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from peregrine.services.sanitize import ALLOWED_TAGS, clean_markdown, clean_text, safe_url

# ------------------------------------------------------------------------------------------------
# The page's view: render, then inspect


class _Renderer(MarkdownIt):
    def validateLink(self, url: str) -> bool:
        return True  # the renderer's own javascript:/data: filter would hide what we are testing


_RENDERER = _Renderer("commonmark", {"html": True}).enable(["table", "strikethrough"])


def render(markdown: str) -> str:
    return _RENDERER.render(markdown)


RENDERED_TAGS = ALLOWED_TAGS | {"hr", "img", "table", "thead", "tbody", "tr", "th", "td", "s"}
SAFE_SCHEMES = {"http", "https", "mailto"}
#: Elements that can run, load or restyle something, or change how the rest of the page is parsed,
#: even without attributes. Every element on the page — including what code inside an HTML block
#: turns into (``List<String>`` → ``<string>``) — must carry no attribute that can: no handler, no
#: style, no URL except the http/https/mailto/relative ``href`` of a link and ``src`` of an image.
RISKY_ELEMENTS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "template",
    "noscript", "noembed", "noframes", "xmp", "plaintext", "textarea", "title", "select", "base", "link",
    "meta", "form", "input", "button", "img", "image", "video", "audio", "source", "picture", "portal",
    "marquee", "html", "head", "body",
}  # fmt: skip
RISKY_ATTRIBUTES = {
    "style", "href", "src", "srcset", "srcdoc", "action", "formaction", "data", "xlink:href", "background",
    "poster", "codebase", "cite", "ping", "is", "manifest",
}  # fmt: skip
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_HANDLER = re.compile(r"(?<![A-Za-z0-9_\-])on[a-z]+\s*=", re.IGNORECASE)
#: A start tag as an HTML tokenizer reads it: a quote opens a value only right after ``=``.
_SOURCE_TAG = re.compile(r"<[A-Za-z](?:=\s*\"[^\"]*\"|=\s*'[^']*'|[^>])*+>")
_QUOTED_VALUE = re.compile(r"=\s*(?:\"[^\"]*\"|'[^']*')")


def browser_scheme(url: str) -> str | None:
    """The scheme a browser finds in an attribute value: C0/space trimmed, tab and newlines removed."""
    text = url.strip("".join(chr(c) for c in range(0x21)))
    text = re.sub(r"[\t\n\r]", "", text)
    match = _SCHEME.match(text)
    return match.group(1).lower() if match else None


def element_problems(tag: str, attrs: list[tuple[str, str | None]]) -> list[str]:
    problems: list[str] = []
    if tag in RISKY_ELEMENTS and tag not in RENDERED_TAGS:
        problems.append(f"element <{tag}>")
    for name, value in attrs:
        if tag in ("a", "img") and name in ("href", "src"):
            scheme = browser_scheme(value or "")
            if scheme is not None and scheme not in SAFE_SCHEMES:
                problems.append(f"{name}={value!r} on <{tag}>")
        elif name.startswith("on") or name in RISKY_ATTRIBUTES:
            problems.append(f"attribute {name}= on <{tag}>")
    return problems


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.extend(element_problems(tag, attrs))

    handle_startendtag = handle_starttag


def problems_in(page_html: str) -> list[str]:
    inspector = _Inspector()
    inspector.feed(page_html)
    inspector.close()
    problems = inspector.problems
    # A second, parser-independent look: no event handler inside any tag, however it is spelt.
    for tag in _SOURCE_TAG.finditer(page_html):
        unquoted = _QUOTED_VALUE.sub("=", tag.group(0))
        if _HANDLER.search(unquoted):
            problems.append(f"handler in {tag.group(0)!r}")
    return problems


def assert_inert(markdown: str) -> str:
    cleaned = clean_markdown(markdown)
    page = render(cleaned)
    assert problems_in(page) == [], f"\nmarkdown: {markdown!r}\ncleaned:  {cleaned!r}\npage:     {page!r}"
    return cleaned


# ------------------------------------------------------------------------------------------------
# The oracle itself catches what it should


@pytest.mark.parametrize(
    "raw",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](JaVa&#x73;cript:alert(1))",
        '<a href="java&#x73;cript:alert(1)">x</a>',
        "<div>\n<x/onmouseover=alert(1)>\n</div>",
    ],
)
def test_the_page_check_sees_raw_payloads(raw: str) -> None:
    assert problems_in(render(raw)) != []


# ------------------------------------------------------------------------------------------------
# XSS payloads come out inert

XSS_PAYLOADS = [
    # script and friends
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<script>alert(1)",
    "Before\n\n<script>\nalert(1)\n</script>\n\nafter",
    "<style>body{background:url(javascript:alert(1))}</style>",
    # event handlers
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<img src=x\nonerror=alert(1)>",
    "<b onmouseover=alert(1)>bold</b>",
    '<a href="https://ok.example" onclick="alert(1)">ok</a>',
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<x/onmouseover=alert(1)>hover</x>",
    # svg, math, iframes, objects, forms, meta, base
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=javascript:alert(1)><text>x</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>go</button></form>",
    "<button formaction=javascript:alert(1)>go</button>",
    "<base href=javascript:alert(1)//>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<!--<img src=x onerror=alert(1)>-->",
    "<!-- unclosed <img src=x onerror=alert(1)>",
    # javascript: in HTML links, obfuscated
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="java&#x73;cript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav\tascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="&#0000106avascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="javascript:1">x</a>',
    '<a href="data:0">x</a>',
    "<a href=data:<mailto:a@b.c>>x</a>",
    # javascript: in markdown links, obfuscated
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](java&#x73;cript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](java\\script:alert(1))",
    "[x](<jav\tascript:alert(1)>)",
    "[x](<javascript:alert(1)>)",
    '[x](  javascript:alert(1)  "title")',
    "[x](\njavascript:alert(1))",
    "[x](javascript:alert%281%29)",
    "[x](vbscript:msgbox(1))",
    "[x](VBScript:msgbox(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    '[x][ref]\n\n[ref]: <javascript:alert(1)> "title"',
    "[x][ref]\n\n[ref]:\n  JavaScript:alert(1)",
    "[x](java<b></b>script:alert(1))",
    "[x](java<!-- -->script:alert(1))",
    "[x](java<i>script:alert(1))",
    "**[bold link](javascript:alert(1))**",
    "- item [x](javascript:alert(1))\n  > [y](javascript:alert(2))",
    # autolinks
    "<javascript:alert(1)>",
    "<JavaScript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,alert(1)>",
    "<p>\n<https://ok.example/onmouseover=alert(1)>\n</p>",
    # code that is not code to the renderer, and code inside tags
    "- item\n  ```\n<img src=x onerror=alert(1)>\n  ```",
    "<div>\n`<x/onmouseover=alert(1)>`\n</div>",
    "\\`<img src=x onerror=alert(1)>`",
    "`` <img src=x onerror=alert(1)> ` ``",
    '<a href="https://ok.example" title="`">x</a>`" onmouseover="alert(1)`',
    '<a title="`x" href="https://ok.example">y</a> `" onmouseover="alert(1)`',
    "| a | b |\n|---|---|\n| `x | <img src=x onerror=alert(1)> | y` | z |",
    "```\n<img src=x onerror=alert(1)>",
    "<p>\n`<a ` href=javascript:alert(1)>click",
    '<p>\n`<x title=">` onmouseover=alert(1)>',
    "<p>\n`<x ` onmouseover=alert(1)>",
    '<p>\n<a title="x\n\ny">link</a>\n\n<p>\n`" onmouseover="alert(1)" x="`',
    # tags that stripping would join
    "<<x>img src=x onerror=alert(1)>",
    "\\<<x>img src=x onerror=alert(1)>",
    "<</x>svg onload=alert(1)>",
    "<p>\n\\<img src=x onerror=alert(1)>",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payloads_come_out_inert(payload: str) -> None:
    assert_inert(payload)


def test_dangerous_link_targets_become_a_link_to_nowhere_and_keep_their_text() -> None:
    cleaned = assert_inert("See [the docs](java&#x73;cript:alert(1)) and [ours](https://ok.example).")
    assert cleaned == "See [the docs](#) and [ours](https://ok.example)."
    assert assert_inert('<a href="javascript:alert(1)" title="t">text</a>') == '<a title="t">text</a>'
    assert assert_inert("[r]: vbscript:msgbox(1)") == "[r]: #"


def test_disallowed_tags_are_stripped_and_their_text_kept() -> None:
    assert assert_inert("<div><span>Hello</span> <b onclick=x>world</b></div>") == "Hello <b>world</b>"
    assert assert_inert("Before<script>alert(1)</script>after") == "Beforeafter"
    assert assert_inert("<javascript:alert(1)>") == "&lt;javascript:alert(1)>"


def test_code_that_looks_dangerous_still_shows_its_text() -> None:
    # Inline code and fenced code with markup in it read exactly as the author wrote them.
    for markdown in (
        "Use `<img src=x onerror=alert(1)>` to test.",
        '```html\n<button onclick="go()">Go</button>\n<img src=x onerror=alert(1)>\n```',
    ):
        cleaned = assert_inert(markdown)
        assert _visible_text(render(cleaned)).strip() == _visible_text(render(markdown)).strip()


def _visible_text(page_html: str) -> str:
    parts: list[str] = []

    class Text(HTMLParser):
        def handle_data(self, data: str) -> None:
            parts.append(data)

    parser = Text(convert_charrefs=True)
    parser.feed(page_html)
    parser.close()
    return "".join(parts)


FRAGMENTS = [
    "<", ">", "/", "`", "```\n", "\n", "\n\n", "  ", "\t", "img", "svg", "script", "a", "b", "p", "x",
    " src=x", " href=", " onerror=alert(1)", " onload=alert(1)", "/onmouseover=alert(1)", "=", '"', "'",
    "[x](", "](", "]:", ")", "(", "javascript:", "java", "script:", "&#x73;", "&#106;", "&colon;", "&", "#",
    "<!--", "-->", "<b>", "</b>", "<p>\n", "> ", "- ", "\\", "data:", "https://ok.example", "<https:", "@",
]  # fmt: skip


def test_random_mixtures_of_payload_fragments_come_out_inert() -> None:
    generator = random.Random(20250301)
    for _ in range(3000):
        payload = "".join(generator.choice(FRAGMENTS) for _ in range(generator.randint(2, 14)))
        assert_inert(payload)


# ------------------------------------------------------------------------------------------------
# Ordinary markdown survives

ORDINARY_MARKDOWN = [
    "# Acme Robotics\n\n## Overview\n\nAcme builds **warehouse robots** and *fleet software*.",
    "- one\n- two\n  - nested with `code`\n- three\n\n1. first\n2. second",
    'See [the careers page](https://acme.example/careers "Careers") or <https://acme.example>.',
    "Write to <jobs@acme.example> or [mail us](mailto:jobs@acme.example).",
    "Relative links stay: [notes](/jobs/3#notes) and [top](#top).",
    "![Logo](https://acme.example/logo.png)",
    "> A quote.\n>\n> > Nested, with **bold**.",
    "```python\ndef fits(a: int, b: int) -> bool:\n    return a < b and b > 0 and a & 1 == 0\n```",
    '```html\n<div class="card">\n  <span>Hello</span>\n</div>\n```',
    "Inline `a && b < c`, `List<String>`, `Map<String, Integer>` and `x->y`.",
    "Plain text with AT&T, 5 > 3, 2 < 4, a<=b, and an entity: &copy; 2025.",
    "Escapes: \\*not emphasis\\*, \\<not a tag\\>.",
    "| Round | Rating |\n|---|---|\n| Phone screen | 4 |\n| Onsite | 5 |",
    "Line one  \nline two\n\n---\n\nAfter the rule, ~~struck~~ text.",
    "[Ref link][acme] and more.\n\n[acme]: https://acme.example/about",
    "Allowed HTML: <b>bold</b>, <i>italic</i>, <em>em</em>, <strong>strong</strong>, <code>code</code>.",
    'A link in HTML: <a href="https://acme.example" title="Acme">Acme</a>.',
    "<ul>\n<li>one</li>\n<li>two</li>\n</ul>",
    "Use `[x](javascript:void(0))`-free links.",
]


@pytest.mark.parametrize("markdown", ORDINARY_MARKDOWN)
def test_ordinary_markdown_is_left_as_it_was(markdown: str) -> None:
    cleaned = assert_inert(markdown)
    assert render(cleaned) == render(markdown)


#: Read the same, written differently: ``\\<`` becomes ``&lt;`` (the same ``<`` on the page, and safe inside
#: an HTML block too), and code holding a javascript: link becomes entity-escaped ``<code>`` HTML.
REWRITTEN = {"Escapes: \\*not emphasis\\*, \\<not a tag\\>.", "Use `[x](javascript:void(0))`-free links."}


@pytest.mark.parametrize("markdown", [m for m in ORDINARY_MARKDOWN if m not in REWRITTEN])
def test_ordinary_markdown_is_byte_for_byte_unchanged(markdown: str) -> None:
    assert clean_markdown(markdown) == markdown


def test_rewritten_markdown_reads_the_same() -> None:
    assert len(REWRITTEN) == 2
    assert set(ORDINARY_MARKDOWN) >= REWRITTEN
    assert clean_markdown("Escapes: \\<not a tag\\>.") == "Escapes: &lt;not a tag\\>."
    assert clean_markdown("`[x](javascript:void(0))`").startswith("<code>&#91;x&#93;&#40;javascript&#58;")


def test_line_endings_are_normalised_and_empty_input_is_empty() -> None:
    assert clean_markdown("a\r\nb\rc") == "a\nb\nc"
    assert clean_markdown("") == ""


# ------------------------------------------------------------------------------------------------
# clean_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<p>Hello&nbsp;<b>world</b></p>", "Hello world"),
        ("<p>One</p><p>Two</p><br>Three", "One Two Three"),
        ("<script>alert(1)</script>Safe<style>p{}</style> text", "Safe text"),
        ("<img src=x onerror=alert(1)>caption", "caption"),
        ("AT&amp;T &amp; friends", "AT&T & friends"),
        ("AT&amp;amp;T, double-encoded", "AT&T, double-encoded"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;quoted", "alert(1) quoted"),
        ("a < b and c > d", "a < b and c > d"),
        ("  lots \n\n of\t\twhitespace  ", "lots of whitespace"),
        ("zero\u200bwidth and \u202eoverride", "zerowidth and override"),
        ("café — naïve 😀", "café — naïve 😀"),
        ("", ""),
    ],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_clean_text_caps_length_on_a_word_boundary() -> None:
    text = clean_text("word " * 500, max_chars=50)
    assert len(text) <= 50
    assert text.endswith("word…")
    assert len(clean_text("x" * 5000)) == 1000


# ------------------------------------------------------------------------------------------------
# safe_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://acme.example/jobs?id=3", "https://acme.example/jobs?id=3"),
        ("  http://acme.example  ", "http://acme.example"),
        ("HTTPS://ACME.EXAMPLE", "HTTPS://ACME.EXAMPLE"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("data:text/html,x", None),
        ("mailto:jobs@acme.example", None),
        ("ftp://acme.example", None),
        ("//acme.example", None),
        ("/relative", None),
        ("https://", None),
        ("https:\\\\acme.example", None),
        ("https://acme.example/a b", None),
        ("https://acme.example/\tx", None),
        ("https://[::1", None),
        ("", None),
    ],
)
def test_safe_url(url: str, expected: str | None) -> None:
    assert safe_url(url) == expected
