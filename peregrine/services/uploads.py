"""Checking uploaded images before anything else touches them.

Every file of an upload is checked on its own, so one bad file never stops the others:
a size cap per file and per upload, real image content (Pillow identifies the format from the
bytes, never from the name: a text file renamed `.png` is refused), only PNG, JPEG and WebP,
a pixel limit against decompression bombs (a few kilobytes that would unpack to gigabytes,
checked from the header before any pixel is decoded), and a full decode that refuses empty,
truncated and corrupt files. Each refusal names the file and says why.

The checks come in two steps. `screen` reads the headers (cheap: no pixel is decoded) and applies
every cap, the upload's total pixels among them; `decode` then decodes the files that passed,
one at a time. Pages call `screen_off_loop` and `decode_off_loop`: the decodes of the whole process
queue for one worker thread, so a big upload never stalls the event loop and never more than one
image's pixels are in memory at once, however many people upload.
"""

from __future__ import annotations

import asyncio
import io
import os
import secrets
import time
import unicodedata
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import BinaryIO, Generic, TypeVar

from PIL import Image, UnidentifiedImageError

#: What a `HeldUploads` holds for its background event.
Held = TypeVar("Held")

MB = 1024 * 1024
MAX_FILE_BYTES = 10 * MB
MAX_REQUEST_BYTES = 30 * MB
MAX_FILES_PER_REQUEST = 10
#: 40 megapixels: a tall full-page screenshot at 2x (e.g. 2,880 x 13,000) still fits.
MAX_PIXELS = 40_000_000
#: 120 megapixels per upload: ten ordinary 2x screenshots (2,880 x 1,800 is 5 MP; a long 2x page
#: of 2,880 x 4,000 is 11.5 MP) or three images at the 40 MP limit. Decoding is what costs (measured
#: here: ~0.7 s of one core per 40 MP screenshot), so one upload holds the decoder ~2 s at most and
#: a queue of other people's uploads drains quickly.
MAX_PIXELS_PER_REQUEST = 120_000_000
MAX_NAME_CHARS = 120
#: Decodes run one at a time in the whole process: a 40 MP image takes ~160 MB while it is decoded,
#: and the machine has two cores, one of which the event loop needs. Measured with ten 40 MP uploads
#: at once (`make bench`, upload_check_*): one thread added 159 MB at peak, a thread each 910 MB
#: (the report saw 1.25 GB), and finished no sooner, the threads fighting over the two cores.
DECODE_THREADS = 1

#: Pillow's format name -> (MIME type, file extension) for the formats accepted.
ACCEPTED: dict[str, tuple[str, str]] = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "WEBP": ("image/webp", "webp"),
}
#: Formats recognised only to name them in a refusal (their headers are read, never their pixels).
_NAMED_ONLY = ("GIF", "BMP", "TIFF", "ICO")

_decoder = ThreadPoolExecutor(max_workers=DECODE_THREADS, thread_name_prefix="peregrine-image-decode")


class ImageRefused(ValueError):
    """The file is not an image Peregrine accepts; `str()` is the reason, without the file's name."""


@dataclass(frozen=True)
class CheckedImage:
    """An image that passed every check, with its bytes as uploaded."""

    name: str
    data: bytes
    format: str
    mime: str
    extension: str
    width: int
    height: int

    @property
    def pixels(self) -> int:
        return self.width * self.height


@dataclass(frozen=True)
class Refusal:
    name: str
    reason: str

    @property
    def message(self) -> str:
        return f"{self.name}: {self.reason}"


@dataclass
class UploadCheck:
    accepted: list[CheckedImage] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


@dataclass
class Screened:
    """An upload whose headers were checked: the files still to decode and the refusals so far,
    each with its position in the upload (so the report lists them in the order they came)."""

    waiting: list[tuple[int, CheckedImage]] = field(default_factory=list)
    refused: list[tuple[int, Refusal]] = field(default_factory=list)


def display_name(raw: str | None) -> str:
    """The file's own name (no folders), printable and not too long, for messages and the page."""
    base = os.path.basename((raw or "").replace("\\", "/"))
    printable = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    if len(printable) > MAX_NAME_CHARS:
        printable = printable[: MAX_NAME_CHARS - 1] + "…"
    return printable or "unnamed file"


def too_large(size: int) -> str:
    return (
        f"the file is {size:,} bytes, over the limit of {MAX_FILE_BYTES // MB} MB ({MAX_FILE_BYTES:,} bytes) per file"
    )


# ----------------------------------------------------------------------------- one file
def check_image(data: bytes) -> CheckedImage:
    """Check one file's bytes; raise `ImageRefused` with the reason, or return the checked image.

    The returned image's `name` is empty: the caller knows the name.
    """
    return decode(read_header(data))


def read_header(data: bytes) -> CheckedImage:
    """Every check that needs no pixel: size, format, dimensions, and the file's structure
    (chunk checksums for PNG). Raises `ImageRefused`; the image returned is still to `decode`."""
    if not data:
        raise ImageRefused("the file is empty (0 bytes)")
    if len(data) > MAX_FILE_BYTES:
        raise ImageRefused(too_large(len(data)))
    with _refusing_bad_images(), Image.open(io.BytesIO(data), formats=[*ACCEPTED, *_NAMED_ONLY]) as image:
        kind, (width, height) = image.format or "", image.size
        if kind not in ACCEPTED:
            raise ImageRefused(f"it is a {kind} image; only PNG, JPEG and WebP images are accepted")
        _check_pixels(width, height)
        image.verify()  # structure and checksums, without decoding
    mime, extension = ACCEPTED[kind]
    return CheckedImage("", data, kind, mime, extension, width, height)


def decode(image: CheckedImage) -> CheckedImage:
    """Decode every pixel of an image `read_header` passed: a truncated or corrupt file fails here.

    The pixels are dropped as soon as the decode is over (closing the image frees them). A JPEG is
    decoded at an eighth of its size: libjpeg still reads every byte of it, so damage shows the
    same, in 1/64 of the memory.
    """
    with _refusing_bad_images(), Image.open(io.BytesIO(image.data), formats=[image.format]) as opened:
        if image.format == "JPEG":
            opened.draft(opened.mode, (max(1, image.width // 8), max(1, image.height // 8)))
        opened.load()
    return image


@contextmanager
def _refusing_bad_images() -> Iterator[None]:
    """Pillow's failures on a bad file, as an `ImageRefused` with a reason a person can read.

    No `warnings.catch_warnings()` here (it swaps the process-wide filters, which is unsafe from
    the worker threads these checks run on): an image big enough for Pillow's decompression-bomb
    warning is far over `MAX_PIXELS`, so `_check_pixels` refuses it, with its size, before any decode.
    """
    try:
        yield
    except ImageRefused:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageRefused(
            f"it is too many pixels to open safely ({MAX_PIXELS // 1_000_000} megapixels at most)"
        ) from exc
    except UnidentifiedImageError as exc:
        raise ImageRefused("it is not a PNG, JPEG or WebP image (its content is not an image)") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRefused(f"the image is truncated or damaged ({exc or type(exc).__name__})") from exc


def _check_pixels(width: int, height: int) -> None:
    if width <= 0 or height <= 0:
        raise ImageRefused("the image has no pixels")
    if width * height > MAX_PIXELS:
        raise ImageRefused(
            f"the image is {width:,} \u00d7 {height:,} pixels ({width * height / 1_000_000:,.0f} megapixels); "
            f"images over {MAX_PIXELS // 1_000_000} megapixels are refused (it could be a decompression bomb)"
        )


# ----------------------------------------------------------------------------- one upload
def screen(files: Iterable[tuple[str | None, BinaryIO]]) -> Screened:
    """The header checks of each (name, file) of one upload, and the upload's caps: at most
    `MAX_FILES_PER_REQUEST` files, `MAX_REQUEST_BYTES` and `MAX_PIXELS_PER_REQUEST` in all. A file
    past a cap is refused before any of its pixels is decoded; the files before it go on.

    At most `MAX_FILE_BYTES` + 1 bytes are read from a file. A file that passes here takes its
    room in the caps before it is decoded; if the decode then refuses it (a damaged file), that
    room is not handed to a file already refused, which simply comes again in another upload.
    """
    screened = Screened()
    room = _Room()
    for position, (raw_name, file) in enumerate(files):
        name = display_name(raw_name)
        try:
            image = _screen_one(file, room)
        except ImageRefused as exc:
            screened.refused.append((position, Refusal(name, str(exc))))
            continue
        room.take(image)
        screened.waiting.append((position, replace(image, name=name)))
    return screened


@dataclass
class _Room:
    """What one upload has used of its caps so far."""

    files: int = 0
    bytes: int = 0
    pixels: int = 0

    def take(self, image: CheckedImage) -> None:
        self.files, self.bytes, self.pixels = self.files + 1, self.bytes + len(image.data), self.pixels + image.pixels


def _screen_one(file: BinaryIO, room: _Room) -> CheckedImage:
    if room.files >= MAX_FILES_PER_REQUEST:
        raise ImageRefused(f"only {MAX_FILES_PER_REQUEST} images can be added at once; add it in another upload")
    data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ImageRefused(too_large(_size_of(file, len(data))))
    image = read_header(data)
    if room.bytes + len(data) > MAX_REQUEST_BYTES:
        raise ImageRefused(
            f"this upload is over {MAX_REQUEST_BYTES // MB} MB in total with it; add it in another upload"
        )
    if room.pixels + image.pixels > MAX_PIXELS_PER_REQUEST:
        raise ImageRefused(
            f"this upload is over {MAX_PIXELS_PER_REQUEST // 1_000_000} megapixels in total with it "
            f"(it is {image.pixels / 1_000_000:,.1f} megapixels); add it in another upload"
        )
    return image


def decode_all(screened: Screened) -> UploadCheck:
    """Decode the files `screen` passed, one after another, in this thread."""
    return _report(screened, [_decoded(image) for _, image in screened.waiting])


def check_uploads(files: Iterable[tuple[str | None, BinaryIO]]) -> UploadCheck:
    """Check each (name, file) of one upload; good files pass even when others of the same upload fail."""
    return decode_all(screen(files))


# ----------------------------------------------------------------------------- off the event loop
async def screen_off_loop(files: Iterable[tuple[str | None, BinaryIO]]) -> Screened:
    """`screen` in a worker thread: reading up to 10 MB a file and checking PNG checksums takes
    milliseconds a file, which the event loop should not spend."""
    return await asyncio.to_thread(screen, list(files))


async def decode_off_loop(screened: Screened) -> UploadCheck:
    """Decode the files `screen` passed on the process's one decoder thread, a file at a time: the
    uploads of several people take turns file by file, and the event loop never waits on a decode."""
    loop = asyncio.get_running_loop()
    results = [await loop.run_in_executor(_decoder, _decoded, image) for _, image in screened.waiting]
    return _report(screened, results)


async def check_uploads_off_loop(files: Iterable[tuple[str | None, BinaryIO]]) -> UploadCheck:
    """`check_uploads` without stalling the event loop."""
    return await decode_off_loop(await screen_off_loop(files))


def _decoded(image: CheckedImage) -> CheckedImage | Refusal:
    try:
        return decode(image)
    except ImageRefused as exc:
        return Refusal(image.name, str(exc))


def _report(screened: Screened, results: list[CheckedImage | Refusal]) -> UploadCheck:
    """The upload's report, accepted and refused files each in the order they came."""
    positioned = [*screened.refused, *((p, r) for (p, _), r in zip(screened.waiting, results, strict=True))]
    report = UploadCheck()
    for _, result in sorted(positioned, key=lambda item: item[0]):
        if isinstance(result, Refusal):
            report.refused.append(result)
        else:
            report.accepted.append(result)
    return report


def _size_of(file: BinaryIO, at_least: int) -> int:
    try:
        return max(at_least, file.seek(0, io.SEEK_END))
    except (OSError, ValueError):
        return at_least


# ----------------------------------------------------------------------------- between two events
class HeldUploads(Generic[Held]):
    """Uploads waiting for their background work (a screenshot's decode, a resume's reading), each
    under an unguessable key.

    They bridge an upload handler, which must return soon (it holds its tab's state lock, and the
    request's files are closed when it returns), and the background event that decodes them, whose
    arguments would travel as JSON. They live in this process's memory: an event chained from a
    handler runs in the process that queued it. An upload never claimed is dropped after `ttl_s`.
    """

    def __init__(self, ttl_s: float = 600.0) -> None:
        self._ttl_s = ttl_s
        self._held: dict[str, tuple[float, Held]] = {}
        self._claimed: set[str] = set()

    def hold(self, upload: Held) -> str:
        now = time.monotonic()
        for key, (since, _) in list(self._held.items()):
            if now - since > self._ttl_s:
                del self._held[key]
        key = secrets.token_urlsafe(16)
        self._held[key] = (now, upload)
        return key

    def claim(self, key: str) -> Held | None:
        """The upload held under `key`, once: None when it was claimed already or is gone."""
        held = self._held.pop(key, None)
        if held is None:
            return None
        self._claimed.add(key)
        return held[1]

    def release(self, key: str) -> None:
        """The claimed upload is done with."""
        self._claimed.discard(key)

    def active(self, key: str) -> bool:
        """Whether the upload under `key` is still waiting or being checked (False after a restart)."""
        return key in self._held or key in self._claimed
