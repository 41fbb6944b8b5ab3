"""The browser's download of a file a handler prepared (`services.downloads`): the one way a page
hands a large file to the user without sending it through the event socket."""

from __future__ import annotations

import reflex as rx
from reflex.vars.base import Var
from reflex_base.event import EventSpec

from peregrine import routes
from peregrine.services.downloads import Prepared


def prepared_download(prepared: Prepared) -> EventSpec:
    """The event that makes the browser fetch `prepared` from the backend and save it.

    The file is served by the backend, which the tests (and `make dev`) run on another port than
    the pages. Reflex's download event resolves an address written with `getBackendURL(env.UPLOAD)`
    against the backend's own (as it does for uploaded files), so the address is written that way:
    the ticket's path, resolved against the backend's upload URL.
    """
    path = routes.export_download_path(prepared.ticket)
    url: Var[str] = Var(_js_expr=f'new URL("{path}", getBackendURL(env.UPLOAD)).href', _var_type=str)
    return rx.download(url=url, filename=prepared.filename)
