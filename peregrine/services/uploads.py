"""Checking uploaded images before anything else touches them.

Every file of an upload is checked on its own, so one bad file never stops the others:
a size cap per file and per upload, real image content (Pillow identifies the format from the
bytes, never from the name: a text file renamed `.png` is refused), only PNG, JPEG and WebP,
a pixel limit against decompression bombs (a few kilobytes that would unpack to gigabytes,
checked from the header before any pixel is decoded), and a full decode that refuses empty,
truncated and corrupt files. Each refusal names the file and says why.
"""

from __future__ import annotations

import io
import os
import unicodedata
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

MB = 1024 * 1024
MAX_FILE_BYTES = 10 * MB
MAX_REQUEST_BYTES = 30 * MB
MAX_FILES_PER_REQUEST = 10
#: 40 megapixels: a tall full-page screenshot at 2x (e.g. 2,880 x 13,000) still fits.
MAX_PIXELS = 40_000_000
MAX_NAME_CHARS = 120

#: Pillow's format name -> (MIME type, file extension) for the formats accepted.
ACCEPTED: dict[str, tuple[str, str]] = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "WEBP": ("image/webp", "webp"),
}
#: Formats recognised only to name them in a refusal (their headers are read, never their pixels).
_NAMED_ONLY = ("GIF", "BMP", "TIFF", "ICO")


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


def check_image(data: bytes) -> CheckedImage:
    """Check one file's bytes; raise `ImageRefused` with the reason, or return the checked image.

    The returned image's `name` is empty: the caller knows the name.
    """
    if not data:
        raise ImageRefused("the file is empty (0 bytes)")
    if len(data) > MAX_FILE_BYTES:
        raise ImageRefused(too_large(len(data)))
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[*ACCEPTED, *_NAMED_ONLY]) as image:
                kind, (width, height) = image.format or "", image.size
                if kind not in ACCEPTED:
                    raise ImageRefused(f"it is a {kind} image; only PNG, JPEG and WebP images are accepted")
                _check_pixels(width, height)
                image.verify()  # structure and checksums, without decoding
            with Image.open(io.BytesIO(data), formats=[kind]) as image:
                image.load()  # every pixel: a truncated or corrupt file fails here
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageRefused(
                f"it is too many pixels to open safely ({MAX_PIXELS // 1_000_000} megapixels at most)"
            ) from exc
        except UnidentifiedImageError as exc:
            raise ImageRefused("it is not a PNG, JPEG or WebP image (its content is not an image)") from exc
        except ImageRefused:
            raise
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise ImageRefused(f"the image is truncated or damaged ({exc or type(exc).__name__})") from exc
    mime, extension = ACCEPTED[kind]
    return CheckedImage("", data, kind, mime, extension, width, height)


def _check_pixels(width: int, height: int) -> None:
    if width <= 0 or height <= 0:
        raise ImageRefused("the image has no pixels")
    if width * height > MAX_PIXELS:
        raise ImageRefused(
            f"the image is {width:,} \u00d7 {height:,} pixels ({width * height / 1_000_000:,.0f} megapixels); "
            f"images over {MAX_PIXELS // 1_000_000} megapixels are refused (it could be a decompression bomb)"
        )


def check_uploads(files: Iterable[tuple[str | None, BinaryIO]]) -> UploadCheck:
    """Check each (name, file) of one upload; good files pass even when others of the same upload fail.

    At most `MAX_FILE_BYTES` + 1 bytes are read from a file, and the files accepted together stay under
    `MAX_REQUEST_BYTES` and `MAX_FILES_PER_REQUEST`.
    """
    report = UploadCheck()
    total = 0
    for raw_name, file in files:
        name = display_name(raw_name)
        if len(report.accepted) >= MAX_FILES_PER_REQUEST:
            report.refused.append(
                Refusal(name, f"only {MAX_FILES_PER_REQUEST} images can be added at once; add it in another upload")
            )
            continue
        data = file.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            report.refused.append(Refusal(name, too_large(_size_of(file, len(data)))))
            continue
        try:
            checked = check_image(data)
        except ImageRefused as exc:
            report.refused.append(Refusal(name, str(exc)))
            continue
        if total + len(data) > MAX_REQUEST_BYTES:
            reason = f"this upload is over {MAX_REQUEST_BYTES // MB} MB in total with it; add it in another upload"
            report.refused.append(Refusal(name, reason))
            continue
        total += len(data)
        report.accepted.append(replace(checked, name=name))
    return report


def _size_of(file: BinaryIO, at_least: int) -> int:
    try:
        return max(at_least, file.seek(0, io.SEEK_END))
    except (OSError, ValueError):
        return at_least
