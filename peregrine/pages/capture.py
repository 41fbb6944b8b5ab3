"""/capture: the board with the Add job dialog filled from a page the bookmarklet handed over.

The bookmarklet runs in the posting's own page, where an API token would be exposed to that site,
so it carries none: it opens this page in a new window and hands the posting over with
`postMessage` (`components/capture_bridge`). Here the page is read as the API's capture reads it,
the dialog opens with the fields and the board's usual warnings, and the user reviews and saves
through the dialog's own save: nothing is saved without that click.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from peregrine.components.capture_bridge import capture_receiver
from peregrine.pages.board import board_page
from peregrine.pages.job_form import JobFormState
from peregrine.pages.state import AppState
from peregrine.services.capture.extract import extract
from peregrine.services.errors import ServiceError


class CaptureState(AppState):
    @rx.event
    async def receive(self, page: dict[str, Any]) -> Any:
        try:
            found = extract(
                str(page.get("url") or ""),
                str(page.get("html") or ""),
                selection=str(page.get("selection") or ""),
                page_title=str(page.get("title") or ""),
            )
        except ServiceError as exc:
            return rx.toast.error(str(exc))
        form = await self.get_state(JobFormState)
        form.open_with_posting(found)
        return None


def capture_page() -> rx.Component:
    return rx.fragment(board_page(), capture_receiver(on_page=CaptureState.receive))
