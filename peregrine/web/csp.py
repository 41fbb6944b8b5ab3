"""The Content-Security-Policy the pages run under, and the headers every answer carries.

Scripts: the built pages' own files, and the few inline scripts the build writes into each HTML
file (the colour-mode switch, React Router's start-up), allowed one by one by their SHA-256 hash,
so an injected `<script>` or event-handler attribute never runs even if markup got through the
sanitizer. `'unsafe-eval'` stays: Reflex runs what a handler sends back (a toast, a focus, a
clipboard write: `rx.call_script`) through `eval` in the page; only the server's own code reaches
it, never text from a page or a file. Styles may be inline:
Radix and Emotion set them at run time, and a style cannot run code. Connections go to the app's
own origins only; nothing may frame a page (clickjacking).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

OPENER_POLICY = "Cross-Origin-Opener-Policy"
#: The one page another site's window may keep a handle on: the bookmarklet's /capture.
OPENER_KEPT = "unsafe-none"

#: On every answer, page or API.
COMMON_HEADERS: tuple[tuple[str, str], ...] = (
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    (OPENER_POLICY, "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
)

#: JSON answers load nothing and are never framed.
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def page_policy(*, script_hashes: Iterable[str], connect_sources: Iterable[str]) -> str:
    scripts = " ".join(["'self'", "'unsafe-eval'", *(f"'{digest}'" for digest in sorted(set(script_hashes)))])
    connect = " ".join(["'self'", *connect_sources])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            f"connect-src {connect}",
            "media-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "frame-src 'none'",
            "worker-src 'self' blob:",
            "manifest-src 'self'",
        ]
    )


class _InlineScripts(HTMLParser):
    """Collects the text of every `<script>` without a `src`: the ones a hash must allow."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and not any(name == "src" for name, _ in attrs):
            self._current = []

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.scripts.append("".join(self._current))
            self._current = None


def script_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def inline_scripts(html: str) -> list[str]:
    """The text of every inline script of a page, exactly as a browser hashes it."""
    parser = _InlineScripts()
    parser.feed(html)
    return parser.scripts


def inline_script_hashes(build_dir: Path) -> frozenset[str]:
    """The hashes of every inline script in the built HTML files under `build_dir`."""
    hashes: set[str] = set()
    for page in build_dir.rglob("*.html"):
        hashes.update(script_hash(text) for text in inline_scripts(page.read_text(encoding="utf-8", errors="replace")))
    return frozenset(hashes)
