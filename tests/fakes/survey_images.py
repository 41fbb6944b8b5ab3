"""Image files for the survey assistant's tests: real screenshots rendered with Pillow, and bad files.

The text is drawn with DejaVuSans (Debian's fonts-dejavu-core) at 20 px: Pillow's tiny default
bitmap font is unreadable to OCR.
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

SURVEY_LINES = (
    "Culture survey",
    "",
    "1. Why do you want to work at Acme?",
    "",
    "2. How do you handle disagreement with a teammate?",
    "",
    "3. What motivates you at work?",
)


def survey_png(lines: tuple[str, ...] = SURVEY_LINES, *, dark: bool = False, size_px: int = 20) -> bytes:
    """A screenshot of a survey: one line of text per entry (an empty entry is a blank line)."""
    font = ImageFont.truetype(FONT, size_px)
    line_height = int(size_px * 1.6)
    image = Image.new("RGB", (900, line_height * len(lines) + 40), (32, 33, 36) if dark else (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((24, 20 + line_height * number), line, font=font, fill=(230, 230, 230) if dark else (20, 20, 20))
    return encoded(image, "PNG")


def encoded(image: Image.Image, kind: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()


def truncated_png() -> bytes:
    """A real PNG cut off in the middle of its pixel data."""
    data = survey_png(("This file was cut off in the middle",))
    return data[: len(data) * 2 // 3]


def gif_image() -> bytes:
    return encoded(Image.new("RGB", (40, 20), (200, 10, 10)), "GIF")


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def bomb_png(side: int = 8_000) -> bytes:
    """A genuine decompression bomb: a valid black-and-white PNG of side x side pixels (64 MP by
    default, over Peregrine's 40 MP limit and under Pillow's own) in about 10 KB of zeros."""
    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte + one bit per pixel
    squeeze = zlib.compressobj(9)
    pixels = b"".join(squeeze.compress(row) for _ in range(side)) + squeeze.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")


def oversized_png(size: int = 10 * 1024 * 1024 + 1) -> bytes:
    """More bytes than the 10 MB cap (a PNG signature in front; the size alone refuses it)."""
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * (size - 8)


NOT_AN_IMAGE = b"Just some text, saved with a .png name.\n"
