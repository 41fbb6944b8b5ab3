"""Local OCR with Tesseract (through pytesseract): screenshots read with no language model at all.

Screenshots are prepared the way Tesseract reads best: transparency flattened onto white,
grayscale, dark-mode screenshots inverted to dark text on a light background, and small ones
scaled up. Tesseract runs single-threaded (`OMP_THREAD_LIMIT=1`): measured on these machines,
about 170 ms per screenshot, against 0.6-2 s when its threads fight over the cores.

The Tesseract program comes from the system (`apt-get install tesseract-ocr`, which `make run`
does); without it every read raises `OCRUnavailable`, whose message says how to install it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytesseract
from PIL import Image, ImageOps, ImageStat

# pytesseract starts tesseract with this process's environment (os.environ itself).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

TIMEOUT_S = 60
#: Screenshots narrower than this are scaled up 2x first: small UI text is below Tesseract's sweet spot.
UPSCALE_BELOW_PX = 1000
#: A grayscale mean below this is a dark-mode screenshot (light text on dark): inverted before reading.
DARK_MEAN = 128
INSTALL_HINT = (
    "Install it with `apt-get install tesseract-ocr` (`make run` does this on Debian and Ubuntu), "
    "or configure a vision model (`vision: true` in config/llm.yaml)."
)


class OCRError(Exception):
    """Base of the OCR errors; `str()` is a sentence fit to show the user."""


class OCRUnavailable(OCRError):
    """The Tesseract program is not installed (or not on PATH)."""


class OCRFailed(OCRError):
    """Tesseract ran but could not read this image (it failed or took too long)."""


def prepare(image: Image.Image) -> Image.Image:
    """The image as Tesseract reads best: grayscale, dark text on light, not too small."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        flat.alpha_composite(rgba)
        image = flat
    gray = image.convert("L")
    if ImageStat.Stat(gray).mean[0] < DARK_MEAN:
        gray = ImageOps.invert(gray)
    if gray.width < UPSCALE_BELOW_PX:
        gray = gray.resize((gray.width * 2, gray.height * 2), Image.Resampling.LANCZOS)
    return gray


def read_text(path: Path, *, timeout_s: int = TIMEOUT_S) -> str:
    """The text Tesseract reads in the image file at `path` (already checked to be a real image).

    Raises `OCRUnavailable` when Tesseract is not installed and `OCRFailed` when it fails or times out.
    """
    with Image.open(path) as image:
        image.load()
        return read_image(image, timeout_s=timeout_s)


def read_image(image: Image.Image, *, timeout_s: int = TIMEOUT_S) -> str:
    """The text Tesseract reads in an image already decoded (and checked by its caller): the page
    of a scanned PDF, say. Raises as `read_text` does."""
    prepared = prepare(image)
    try:
        text: str = pytesseract.image_to_string(prepared, timeout=timeout_s)
    except pytesseract.TesseractNotFoundError as exc:
        raise OCRUnavailable(f"Tesseract (local OCR) is not installed. {INSTALL_HINT}") from exc
    except pytesseract.TesseractError as exc:
        message = str(exc.message).strip() if getattr(exc, "message", None) else str(exc)
        raise OCRFailed(f"Tesseract could not read the image: {message}") from exc
    except RuntimeError as exc:  # pytesseract's timeout
        raise OCRFailed(f"Tesseract took longer than {timeout_s} s and was stopped.") from exc
    return text.strip()
