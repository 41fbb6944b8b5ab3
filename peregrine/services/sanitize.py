"""Everything that reaches a page as text, HTML or markdown goes through here first.

LLM output, scraped search snippets, email bodies and user-typed notes are all untrusted: a page
renders markdown with raw HTML switched on, so a ``<script>``, an ``onerror=`` attribute or a
``javascript:`` link in any of them would run in the user's browser.

- `clean_text` — a plain snippet shown as text: tags gone, entities decoded, whitespace collapsed,
  length capped.
- `clean_markdown` — markdown that is safe to render: raw HTML limited to a small allowlist (through
  bleach), and every link target — HTML ``<a href>``, markdown ``[x](…)``, ``![x](…)``, ``[ref]: …``
  and ``<autolink>`` — limited to http, https and mailto (or a relative link).
- `safe_url` — a URL for an ``href`` only when it is http(s).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import bleach

#: Raw HTML that may stay in markdown. Nothing else survives, and only ``a`` keeps attributes.
ALLOWED_TAGS = frozenset(
    {
        "a",
        "b",
        "blockquote",
        "br",
        "code",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "i",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "ul",
    }
)
ALLOWED_ATTRIBUTES: dict[str, list[str]] = {"a": ["href", "title"]}
#: Link targets allowed to carry a scheme; a link without one (``/jobs/3``, ``#notes``) stays too.
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
#: What a neutralised link target becomes: a link that goes nowhere.
NEUTRAL_TARGET = "#"

DEFAULT_TEXT_LIMIT = 1000

_CLEANER = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)


# --------------------------------------------------------------------------------------------------
# URLs


def safe_url(url: str) -> str | None:
    """``url`` (trimmed) when it is an absolute http(s) URL with a host; None for anything else."""
    if not isinstance(url, str):
        return None
    candidate = url.strip()
    if not candidate or any(ord(c) < 0x20 or c == "\x7f" or c.isspace() for c in candidate):
        return None
    try:
        parts = urlsplit(candidate)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return candidate


_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


_SCHEME_PREFIX_LIMIT = 512
#: Whitespace and invisible characters, dropped before the scheme is read. Browsers drop only tab and
#: newlines (and trim spaces and controls at the ends); dropping more can only refuse more.
_URL_INVISIBLE_CHARS = r"\s\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff"
_URL_INVISIBLE = re.compile(f"[{_URL_INVISIBLE_CHARS}]")
#: Where a scheme could be: the characters that are, or can decode to, part of one (letters, digits,
#: ``+.-``, entities, percent-encoding, backslash escapes, invisible padding), up to the first ``:``.
#: Any other character ends the scheme whatever decoding does, and so does this prefix.
_SCHEME_PREFIX = re.compile(f"[A-Za-z0-9+.\\-&#;%\\\\<{_URL_INVISIBLE_CHARS}]{{0,{_SCHEME_PREFIX_LIMIT}}}:?")
_SCHEME_CHARS = re.compile(r"[a-z0-9+.\-]*")
_ENCODED = re.compile(r"[&%\\]")


def _link_target_is_safe(target: str) -> bool:
    """May this string be a link target? An allowed scheme, or no scheme at all (a relative link).

    Decides on what a browser would finally see, and errs towards refusing: HTML entities (even
    nested ones, ``&amp;#x6A;``), markdown backslash escapes and percent-encoding are decoded until
    nothing changes, then every whitespace, control and invisible format character is dropped
    (browsers drop tab and newline anywhere in a URL: ``jav\\tascript:`` is ``javascript:``), and
    the scheme is compared in lower case. Only the part where a scheme could be is read, so a huge
    target costs no more than a short one; one padded beyond that with nothing but scheme characters
    is refused.
    """
    match = _SCHEME_PREFIX.match(target)
    prefix = match.group(0) if match else ""
    cut_short = len(prefix) >= _SCHEME_PREFIX_LIMIT and not prefix.endswith(":")
    text = prefix
    for _ in range(8):
        if not _ENCODED.search(text):
            break
        decoded = unquote(_MD_ESCAPE.sub(r"\1", html.unescape(text)))
        if decoded == text:
            break
        text = decoded
    candidate = _URL_INVISIBLE.sub("", text).lower().lstrip("<")
    scheme = _SCHEME.match(candidate)
    if scheme is not None:
        return scheme.group(1) in ALLOWED_PROTOCOLS
    return not (cut_short and _SCHEME_CHARS.fullmatch(candidate))


# --------------------------------------------------------------------------------------------------
# Plain text

_SKIP_CONTENT_TAGS = frozenset(
    {"script", "style", "template", "noscript", "iframe", "object", "svg", "math", "head", "title", "textarea"}
)
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
        "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
        "section", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_TAG_LIKE = re.compile(r"<!--.*?-->|<[/!?]?[A-Za-z][^<>]*>", re.DOTALL)
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069\ufeff]")


class HtmlText(HTMLParser):
    """The text of an HTML document: the contents of script, style and the like dropped, each block
    element a `block_break` (a space for a line of text; a line break where the lines matter, as in
    an email). Fed, then closed; the text is `"".join(parts)`."""

    def __init__(self, block_break: str = " ") -> None:
        super().__init__(convert_charrefs=True)
        self.block_break = block_break
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_CONTENT_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(self.block_break)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(self.block_break)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_CONTENT_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(self.block_break)

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def clean_text(text: str, *, max_chars: int = DEFAULT_TEXT_LIMIT) -> str:
    """Plain text out of a snippet that may hold HTML: for showing as text, never as markup.

    Tags are dropped (the contents of ``script``, ``style``, ``iframe``… with them, a block element
    becomes a space), entities are decoded once — twice when the source was double-encoded, as feeds
    often are (``&amp;amp;`` → ``&``) — and any tag that decoding brought to light is dropped as well,
    so the result holds no markup at all. Whitespace collapses to single spaces, control and
    invisible direction-override characters go, and the text is cut at ``max_chars`` on a word
    boundary with an ellipsis.

    This uses the standard library's HTML parser rather than bleach: bleach is built to keep markup
    safe, and when told to strip everything it keeps the text inside ``<script>`` and re-escapes
    the entities, neither of which is wanted in text.
    """
    if not text:
        return ""
    if "<" in text or "&" in text:
        extractor = HtmlText()
        extractor.feed(text)
        extractor.close()
        result = "".join(extractor.parts)
    else:  # no tag and no entity: the parser would give the text back as it is (and cost ~5 µs)
        result = text
    if _ENTITY.search(result):
        result = html.unescape(result)
    result = _TAG_LIKE.sub(" ", result)
    result = " ".join(result.split())
    result = _INVISIBLE.sub("", result).strip()
    if max_chars > 0 and len(result) > max_chars:
        cut = result[: max(1, max_chars - 1)]
        space = cut.rfind(" ")
        if space >= max_chars * 0.6:
            cut = cut[:space]
        result = cut.rstrip(" ,.;:-") + "…"
    return result


# --------------------------------------------------------------------------------------------------
# Markdown
#
# bleach parses HTML; it cannot see markdown. Fed markdown whole, it would escape the ``>`` that
# starts a blockquote and the ``<``/``&`` inside code (which markdown shows literally, so
# ``a && b`` would read ``a &amp;&amp; b``), swallow text after a stray ``<``, and know nothing of
# markdown's own links. So `clean_markdown` works in steps:
#
# 1. Code (fenced blocks and inline spans) and safe ``<autolinks>`` are set aside as placeholders,
#    and come back verbatim at the end — but only when their text would be harmless even if the
#    renderer did not read it as code (see `_inert`); otherwise code comes back as entity-escaped
#    ``<pre><code>``/``<code>`` HTML, which shows the same text and cannot run whatever the parse.
# 2. Comments and ``<script>``/``<style>`` elements go whole. Every other ``<`` that could open a tag
#    but does not start a well-formed one is escaped (``&lt;``) — markdown would show it as text
#    anyway — and the other ``<``, ``>`` and ``&`` of plain text are set aside, so bleach leaves the
#    text itself alone. A backslash-escaped ``\<`` becomes ``&lt;`` too: the same character on the
#    page, and still text inside an HTML block, where backslashes mean nothing.
# 3. bleach keeps the allowlisted tags (``a`` with http/https/mailto ``href`` and ``title`` only) and
#    strips every other tag; a text ``<`` that stripping brought next to a letter comes back escaped.
# 4. Markdown's own link syntax — ``[x](target)``, ``![x](target)``, ``[ref]: target`` — is invisible
#    to bleach, so a careful scan (below) checks every target in the text *after* stripping, since
#    removing a tag can join ``java<i>script:`` into ``javascript:``; set-aside code was checked in step 1.

_PH_OPEN, _PH_CLOSE, _PH_GT, _PH_AMP, _PH_LT = "\ue000", "\ue001", "\ue002", "\ue003", "\ue004"
_PRIVATE = re.compile("[\ue000-\ue004]")
_PLACEHOLDER = re.compile(f"{_PH_OPEN}(\\d+){_PH_CLOSE}")

_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_FENCE_CLOSE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*$")
_BACKTICKS = re.compile(r"`+")
_AUTOLINK = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>\x00-\x1f\x7f]*"
    r"|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)*)>"
)

_ATTR_NAME = r"[A-Za-z_:][A-Za-z0-9_.:\-]*"
_ATTR_VALUE = r"(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\")"
#: A tag as CommonMark reads raw HTML (a little more lenient about line breaks).
_TAG = rf"<[A-Za-z][A-Za-z0-9\-]*(?:\s+{_ATTR_NAME}(?:\s*=\s*{_ATTR_VALUE})?)*\s*/?>|</[A-Za-z][A-Za-z0-9\-]*\s*>"
_TAG_OR_TEXT = re.compile(
    rf"(?P<tag>{_TAG})|(?P<escaped>(?<!\\)(?P<pairs>(?:\\\\)*)\\<(?=[A-Za-z/!?]))"
    r"|(?P<opener><(?=[A-Za-z/!?]))|(?P<lt><)|(?P<gt>>)|(?P<amp>&)"
)
_LT_BEFORE_TAG_START = re.compile(f"{_PH_LT}(?=[A-Za-z/!?])")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_SCRIPT_LIKE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_HREF = re.compile(r'\s+href="([^"]*)"')
#: A tag in bleach's output (attribute values are always quoted there).
_OUTPUT_TAG = re.compile(r"<[A-Za-z/][^>\"']*(?:\"[^\"]*\"[^>\"']*|'[^']*'[^>\"']*)*>")

#: Inside text that should be code, any of these would matter if a renderer read it as HTML.
_RISKY_ELEMENTS = frozenset(
    {
        "applet", "audio", "base", "body", "button", "embed", "form", "frame", "frameset", "head", "html",
        "iframe", "image", "img", "input", "isindex", "link", "listing", "marquee", "math", "meta", "noembed",
        "noframes", "noscript", "object", "param", "picture", "plaintext", "portal", "script", "select",
        "source", "style", "svg", "template", "textarea", "title", "track", "video", "xmp",
    }
)  # fmt: skip
_TAG_START = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9\-]*)")
_RISKY_ATTRIBUTE = re.compile(
    r"(?<![A-Za-z0-9_\-])(?:on[a-z]+|style|href|src|srcset|srcdoc|action|formaction|xlink:href|data|background"
    r"|poster|lowsrc|dynsrc|codebase|cite|ping|is|manifest|xmlns(?::[a-z]+)?)\s*=",
    re.IGNORECASE,
)


def _inert(text: str) -> bool:
    """Would ``text`` be harmless even if a renderer took it for markdown or raw HTML, not for code?

    Code is put back verbatim only when this holds, so a disagreement between this module and the
    renderer about where code starts and ends — a fence inside an HTML block, a list item that ends
    early — can never let markup through. It holds when every tag-like ``<…`` in the text is closed
    within the text (so nothing after it can become its attributes), names no risky element, and no
    event handler, style or URL-bearing attribute appears, and no link target or autolink has a
    refused scheme. Plain code (``a < b``, ``List<String>``, ``x && y``, ``<div class="card">``)
    passes.
    """
    if _neutralise_link_targets(text) != text:
        return False
    if "<" not in text:
        return True
    if not all(_link_target_is_safe(m.group(0)[1:-1]) for m in _AUTOLINK.finditer(text)):
        return False
    tags = list(_TAG_START.finditer(text))
    if any(m.group(2).lower() in _RISKY_ELEMENTS or _tag_end(text, m.start()) < 0 for m in tags):
        return False
    if tags and _RISKY_ATTRIBUTE.search(text):
        return False
    for bang in re.finditer(r"<[!?]", text):
        closer = "-->" if text.startswith("<!--", bang.start()) else ">"
        if text.find(closer, bang.end()) < 0:
            return False
    return True


def _tag_end(text: str, start: int) -> int:
    """Where an HTML tokenizer could at the latest end the tag opening at ``start`` (its ``>``), or -1.

    Like the tokenizer, a quote opens a value only right after ``=`` (and spaces); unlike it, every
    ``=`` followed by a quote counts, so the answer is never earlier than the real end.
    """
    n = len(text)
    j = start + 1
    while j < n:
        c = text[j]
        if c == ">":
            return j
        if c == "=":
            k = j + 1
            while k < n and text[k] in " \t\n\r\f":
                k += 1
            if k < n and text[k] in "\"'":
                close = text.find(text[k], k + 1)
                if close < 0:
                    return -1
                j = close + 1
                continue
        j += 1
    return -1


def _escape_code(text: str) -> str:
    """Every ASCII punctuation character as a numeric entity: markdown and HTML both show it literally."""
    return "".join(f"&#{ord(c)};" if (c.isascii() and not c.isalnum() and not c.isspace()) else c for c in text)


class _Vault:
    """Placeholders for the pieces bleach must not see, and how each comes back."""

    def __init__(self) -> None:
        self._pieces: list[str] = []

    def keep(self, piece: str) -> str:
        self._pieces.append(piece)
        return f"{_PH_OPEN}{len(self._pieces) - 1}{_PH_CLOSE}"

    def restore(self, text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: self._pieces[int(m.group(1))], text)


def _set_aside_fences(text: str, vault: _Vault) -> list[tuple[bool, str]]:
    """Split into (is_fenced_code, text) runs; fenced blocks go into the vault."""
    lines = text.split("\n")
    runs: list[tuple[bool, str]] = []
    prose: list[str] = []
    i = 0
    while i < len(lines):
        opening = _FENCE_OPEN.match(lines[i])
        if opening is None or (opening["fence"][0] == "`" and "`" in opening["info"]):
            prose.append(lines[i])
            i += 1
            continue
        fence = opening["fence"]
        end = i + 1
        while end < len(lines):
            closing = _FENCE_CLOSE.match(lines[end])
            if closing and closing["fence"][0] == fence[0] and len(closing["fence"]) >= len(fence):
                break
            end += 1
        block = lines[i : end + 1]
        if prose:
            runs.append((False, "\n".join(prose)))
            prose = []
        whole = "\n".join(block)
        if _inert(whole):
            runs.append((True, vault.keep(whole)))
        else:
            body = "\n".join(block[1:-1] if end < len(lines) else block[1:])
            code = _escape_code(body) + "\n" if body else ""
            runs.append((True, vault.keep(f"{opening['indent']}<pre><code>{code}</code></pre>")))
        i = end + 1
    if prose:
        runs.append((False, "\n".join(prose)))
    return runs


def _set_aside_code_spans(line: str, vault: _Vault) -> str:
    """Inline code spans on one line (an opening run of backticks closed by a run of the same length)."""
    out: list[str] = []
    pos = 0
    search_from = 0
    while True:
        opening = _BACKTICKS.search(line, search_from)
        if opening is None:
            break
        backslashes = len(opening.string[: opening.start()]) - len(opening.string[: opening.start()].rstrip("\\"))
        if backslashes % 2:
            search_from = opening.end()
            continue
        width = len(opening.group(0))
        closing = _BACKTICKS.search(line, opening.end())
        while closing is not None and len(closing.group(0)) != width:
            closing = _BACKTICKS.search(line, closing.end())
        if closing is None:
            search_from = opening.end()
            continue
        span = line[opening.start() : closing.end()]
        out.append(line[pos : opening.start()])
        if _inert(span):
            out.append(vault.keep(span))
        else:
            out.append(vault.keep(f"<code>{_escape_code(line[opening.end() : closing.start()])}</code>"))
        pos = search_from = closing.end()
    out.append(line[pos:])
    return "".join(out)


def _set_aside_autolinks(text: str, vault: _Vault) -> str:
    def keep(match: re.Match[str]) -> str:
        link = match.group(0)
        if _link_target_is_safe(link[1:-1]) and _inert(link):
            return vault.keep(link)
        return "&lt;" + link[1:]

    return _AUTOLINK.sub(keep, text)


def _prepare_for_bleach(text: str) -> str:
    text = _COMMENT.sub("", text)
    text = _SCRIPT_LIKE.sub("", text)

    def one(match: re.Match[str]) -> str:
        if match.group("tag"):
            return match.group(0)
        if match.group("escaped"):
            # ``\<b>`` is a literal ``<`` to markdown, but not inside an HTML block, where backslashes
            # mean nothing: ``&lt;`` reads the same in both.
            return match.group("pairs") + "&lt;"
        if match.group("opener"):
            return "&lt;"
        if match.group("lt"):
            return _PH_LT
        return _PH_GT if match.group("gt") else _PH_AMP

    return _TAG_OR_TEXT.sub(one, text)


def _after_bleach(cleaned: str) -> str:
    """Put the text's own ``<``, ``>`` and ``&`` back, and keep every tag on one line.

    A placeholder that ended up inside a tag (in an attribute value) is dropped. A line break inside
    a tag becomes a space: a blank line in a ``title`` would otherwise split the tag between two
    markdown blocks, and an open quote left in one block could pair with a quote far below.
    """
    out: list[str] = []
    pos = 0
    for tag in _OUTPUT_TAG.finditer(cleaned):
        out.append(_restore_text(cleaned[pos : tag.start()]))
        out.append(_recheck_href(re.sub(r"\s", " ", _PRIVATE.sub("", _PLACEHOLDER.sub("", tag.group(0))))))
        pos = tag.end()
    out.append(_restore_text(cleaned[pos:]))
    return "".join(out)


def _recheck_href(tag: str) -> str:
    """Drop an ``href`` bleach let through that this module refuses.

    bleach reads ``scheme:digits`` as ``host:port`` and keeps ``href="javascript:1"``; harmless
    digits, but only http, https and mailto are meant to pass.
    """
    href = _HREF.search(tag)
    if href is None or _link_target_is_safe(html.unescape(href.group(1))):
        return tag
    return tag[: href.start()] + tag[href.end() :]


def _restore_text(text: str) -> str:
    # A ``<`` that was text stays text: if stripping a tag brought a letter next to it (``<<x>img …``),
    # it goes back escaped, or it would open a tag now.
    text = _LT_BEFORE_TAG_START.sub("&lt;", text)
    return text.replace(_PH_LT, "<").replace(_PH_GT, ">").replace(_PH_AMP, "&")


# Markdown link targets. CommonMark reads a target right after ``](`` (inline links and images) or
# ``]:`` (reference definitions), after optional whitespace: either ``<…>`` on one line (which may
# hold spaces and tabs — and a browser drops tabs, so ``<jav\tascript:…>`` is a javascript: link), or
# a run of non-space characters with balanced parentheses and backslash escapes. The scan below reads
# a target the same way at *every* ``](`` and ``]:`` in the text — whether or not a ``[`` opened a
# link, and inside code too — so it can only check more places than a renderer links, never fewer.
_LINK_OPENERS = re.compile(r"\]\(|\]:")
_ASCII_SPACE = " \t\n\r\f\v"


def _scan_target(text: str, start: int) -> tuple[int, int, str]:
    """(start, end, target) of the bare link target at ``start``: up to a space or an unbalanced ``)``."""
    n = len(text)
    j = start
    depth = 0
    while j < n:
        c = text[j]
        if c == "\\" and j + 1 < n:
            j += 2
            continue
        if c in _ASCII_SPACE or ord(c) < 0x20 or c == "\x7f":
            break
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                break
            depth -= 1
        j += 1
    return start, j, text[start:j]


_ANGLE_TARGET = re.compile(r"<((?:\\.|[^\n<>\\])*)>")
_BARE_TARGET = re.compile(f"[^\\s\\x00-\\x1f\\x7f]{{0,{_SCHEME_PREFIX_LIMIT + 64}}}")


def _neutralise_link_targets(text: str) -> str:
    """Replace every link target with a refused scheme by `NEUTRAL_TARGET` (see the comment above)."""
    out: list[str] = []
    pos = 0
    for opener in _LINK_OPENERS.finditer(text):
        start = opener.end()
        if start < pos:
            continue
        while start < len(text) and text[start] in _ASCII_SPACE:
            start += 1
        angle = _ANGLE_TARGET.match(text, start)
        if angle is not None:
            if _link_target_is_safe(angle.group(1)):
                continue
            begin, end = start, angle.end()
        else:
            bare = _BARE_TARGET.match(text, start)
            if bare is None or not bare.group(0) or _link_target_is_safe(bare.group(0)):
                continue
            begin, end, _target = _scan_target(text, start)
            end = max(end, begin + 1)
        out.append(text[pos:begin])
        out.append(NEUTRAL_TARGET)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def clean_markdown(markdown: str) -> str:
    """Markdown that is safe to render with raw HTML on, and otherwise reads as it did.

    Raw HTML keeps only `ALLOWED_TAGS` (``a`` with ``href``/``title``; no other attributes anywhere);
    other tags are stripped (their text stays, except inside ``script``/``style``), and a ``<`` that
    starts no tag is escaped. Link targets with a scheme other than http, https or mailto — in
    ``<a href>``, ``[x](…)``, ``![x](…)``, ``[ref]: …`` or ``<…>`` autolinks, in any case and through
    entity, escape, whitespace or percent-encoding tricks — are removed (HTML) or replaced by ``#``
    (markdown), and such autolinks are shown as text. Code keeps its text exactly.
    """
    if not markdown:
        return ""
    text = _PRIVATE.sub("", markdown.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", ""))
    vault = _Vault()
    pieces: list[str] = []
    for is_code, run in _set_aside_fences(text, vault):
        if is_code:
            pieces.append(run)
            continue
        prose = "\n".join(_set_aside_code_spans(line, vault) for line in run.split("\n"))
        pieces.append(_set_aside_autolinks(prose, vault))
    prepared = _prepare_for_bleach("\n".join(pieces))
    cleaned = _neutralise_link_targets(_after_bleach(_CLEANER.clean(prepared)))
    return vault.restore(cleaned)
