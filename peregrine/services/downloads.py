"""Files made for the browser to download once: an export the page prepared off the event loop.

A page cannot send the API's bearer token with a download, and a large export must not travel
through the page's websocket as one message. So the page writes the file here, under a name that
is a fresh 256-bit secret, and the browser fetches it once from the API (`/api/v1/export/download/
<ticket>`): the ticket is the capability, like a signed URL. It is served once, then deleted; one
not fetched within `TICKET_TTL_S` is swept away. The folder is under the data folder, 0700, so
the files are the owner's only, and several backend workers see the same tickets.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from peregrine import config

TICKET_TTL_S = 10 * 60
CHUNK_BYTES = 256 * 1024
#: `secrets.token_urlsafe(32)`: 43 characters, which may themselves hold "--".
_TICKET_CHARS = 43
_TICKET = re.compile(rf"[A-Za-z0-9_-]{{{_TICKET_CHARS}}}")
#: The names a download is saved under; anything else is refused (the name travels in a header).
_FILENAME = re.compile(r"[A-Za-z0-9._-]{1,80}")


@dataclass(frozen=True)
class Prepared:
    ticket: str
    filename: str
    size: int


def exports_dir() -> Path:
    return config.private_dir(config.data_dir() / "exports")


def prepare(filename: str, write: Callable[[BinaryIO], object]) -> Prepared:
    """Run `write` on a new private file and give back its ticket (call it off the event loop)."""
    if not _FILENAME.fullmatch(filename):
        raise ValueError(f"not a download name: {filename!r}")
    sweep()
    ticket = secrets.token_urlsafe(32)
    path = exports_dir() / f"{ticket}--{filename}"
    try:
        with config.open_private(path) as file:
            write(file)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Prepared(ticket, filename, path.stat().st_size)


def find(ticket: str) -> Path | None:
    """The file of a live ticket, or None (unknown, already fetched, expired, or not a ticket at all)."""
    if not _TICKET.fullmatch(ticket):
        return None
    folder = config.data_location() / "exports"
    found = next(iter(folder.glob(f"{ticket}--*")), None) if folder.is_dir() else None
    if found is None or time.time() - found.stat().st_mtime > TICKET_TTL_S:
        return None
    return found


def filename_of(path: Path) -> str:
    """The name a download is saved under: what follows its ticket and "--"."""
    return path.name[_TICKET_CHARS + 2 :]


def stream_once(path: Path) -> Iterator[bytes]:
    """The file's bytes in chunks; the file is deleted once read (or the reader gave up)."""
    try:
        yield from chunks(path.open("rb"))
    finally:
        path.unlink(missing_ok=True)


def chunks(file: IO[bytes]) -> Iterator[bytes]:
    """An open file's bytes from its start, in chunks; the file is closed at the end."""
    with file:
        file.seek(0)
        while chunk := file.read(CHUNK_BYTES):
            yield chunk


def sweep(now: float | None = None) -> None:
    """Delete the downloads nobody fetched in time."""
    folder = config.data_location() / "exports"
    if not folder.is_dir():
        return
    moment = time.time() if now is None else now
    for path in folder.iterdir():
        try:
            if moment - path.stat().st_mtime > TICKET_TTL_S:
                path.unlink(missing_ok=True)
        except FileNotFoundError:  # fetched meanwhile
            continue
