"""The bookmarklet's two ends in Peregrine's pages (`assets/capture_bridge.jsx`): the link a user
drags to the bookmarks bar, and the receiver on /capture that takes the page the bookmarklet hands
over with `postMessage` (from its opener only, and only a page of the opener's own origin)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from peregrine.domain import limits

#: A page's HTML as the bookmarklet hands it on: the event socket takes messages of ~1 MB, and the
#: selection and JSON escaping travel in the same one. The posting's JSON-LD sits near the top.
MAX_HTML_BYTES = 600_000


class BookmarkletLink(rx.Component):
    library = "$/public/capture_bridge.jsx"
    tag = "BookmarkletLink"


def _page(page: rx.Var[dict[str, Any]]) -> list[rx.Var[dict[str, Any]]]:
    return [page]


class CaptureReceiver(rx.Component):
    """`on_page` gets {url, title, selection, html}, each cut to the limits below."""

    library = "$/public/capture_bridge.jsx"
    tag = "CaptureReceiver"

    max_html_bytes: rx.Var[int] = rx.Var.create(MAX_HTML_BYTES)
    max_text_chars: rx.Var[int] = rx.Var.create(limits.JOB_DESCRIPTION)
    max_chars: rx.Var[int] = rx.Var.create(limits.JOB_URL)

    # Reflex's event-spec idiom: the function says what the JS callback passes on.
    on_page: rx.EventHandler[_page]  # type: ignore[type-arg,valid-type]


bookmarklet_link = BookmarkletLink.create
capture_receiver = CaptureReceiver.create
