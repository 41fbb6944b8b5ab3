"""Draw Peregrine's app icons into assets/: a white falcon in flight on the indigo accent.

`python scripts/make_icons.py` writes icon-192.png, icon-512.png, icon-maskable-512.png,
apple-touch-icon.png and favicon.ico, and the browser extension's toolbar icons into
extension/icons/. The files are committed; run this again only to change them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

ACCENT = "#3e63dd"  # Radix indigo 9: the theme's accent (rxconfig.py)
#: The falcon seen from below, wings swept back, in a unit square (x right, y down).
FALCON = [
    (0.500, 0.20),  # head
    (0.535, 0.225),
    (0.555, 0.29),
    (0.585, 0.36),  # right shoulder
    (0.70, 0.355),
    (0.81, 0.39),  # the leading edge curves out and back
    (0.95, 0.55),  # right wing tip
    (0.80, 0.49),
    (0.66, 0.48),
    (0.585, 0.51),  # the trailing edge meets the body
    (0.555, 0.66),
    (0.590, 0.80),  # tail
    (0.500, 0.775),
    (0.410, 0.80),
    (0.445, 0.66),
    (0.415, 0.51),
    (0.34, 0.48),
    (0.20, 0.49),
    (0.05, 0.55),  # left wing tip
    (0.19, 0.39),
    (0.30, 0.355),
    (0.415, 0.36),
    (0.445, 0.29),
    (0.465, 0.225),
]
SUPERSAMPLE = 4
#: The sizes a browser extension's manifest names (toolbar, extensions page, store).
EXTENSION_ICON_SIZES = (16, 32, 48, 128)


def draw(size: int, *, maskable: bool = False) -> Image.Image:
    """The icon at `size` px. A maskable icon fills the square (the launcher crops it to its shape)
    and keeps the bird inside the middle 80 %; the others are a rounded square."""
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:
        pen.rectangle((0, 0, big, big), fill=ACCENT)
    else:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.22, fill=ACCENT)
    scale, offset = (0.72, 0.14) if maskable else (0.9, 0.05)
    pen.polygon([((offset + x * scale) * big, (offset + y * scale) * big) for x, y in FALCON], fill="white")
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main(folder: Path) -> None:
    draw(192).save(folder / "icon-192.png")
    draw(512).save(folder / "icon-512.png")
    draw(512, maskable=True).save(folder / "icon-maskable-512.png")
    draw(180, maskable=True).convert("RGB").save(folder / "apple-touch-icon.png")  # iOS rounds it itself
    draw(256).save(folder / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48), (64, 64)])
    extension_icons = folder.parent / "extension" / "icons"
    extension_icons.mkdir(exist_ok=True)
    for size in EXTENSION_ICON_SIZES:
        draw(size).save(extension_icons / f"icon-{size}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "assets")
