"""Settings → Bookmarklet: capture a posting from a browser without the extension.

The link is dragged to the bookmarks bar. Clicked on a posting, it opens Peregrine's /capture in a
new window and hands it the page (URL, title, selection, HTML) with `postMessage`, to Peregrine's
origin only; see `pages/capture.py` for why it carries no token.
"""

from __future__ import annotations

import reflex as rx

from peregrine.components.capture_bridge import bookmarklet_link
from peregrine.components.layout import titled_section


def bookmarklet_section() -> rx.Component:
    return titled_section(
        "Bookmarklet",
        rx.text(
            "For a browser without the extension: drag this link to your bookmarks bar. On a job posting, "
            "click the bookmark: Peregrine opens in a new window with the Add job form filled from the page "
            "and its warnings, for you to check and save. Allow pop-ups for the job sites you use it on.",
            size="2",
        ),
        bookmarklet_link(
            rx.icon("bookmark-plus", size=14, aria_hidden="true"),
            "Save to Peregrine",
            class_name="rt-Button rt-r-size-2 rt-variant-soft",
            aria_label="Save to Peregrine (bookmarklet: drag it to your bookmarks bar)",
        ),
    )
