"""Uploaded images are checked one by one: each bad file is refused with its name and why,
and the good files of the same upload go through."""

from __future__ import annotations

import asyncio
import io

import pytest
from PIL import Image, ImageDraw

from peregrine.services import uploads
from tests.fakes.survey_images import (
    NOT_AN_IMAGE,
    bomb_png,
    encoded,
    gif_image,
    oversized_png,
    survey_png,
    truncated_png,
)

BAD_FILES = {
    "renamed.png": (NOT_AN_IMAGE, "is not a PNG, JPEG or WebP image"),
    "empty.png": (b"", "empty (0 bytes)"),
    "cut.png": (truncated_png(), "truncated or damaged"),
    "bomb.png": (bomb_png(), "8,000 \u00d7 8,000 pixels (64 megapixels); images over 40 megapixels are refused"),
    "huge.png": (oversized_png(), "over the limit of 10 MB"),
    "animation.gif": (gif_image(), "it is a GIF image; only PNG, JPEG and WebP images are accepted"),
}


def test_each_bad_file_is_refused_with_its_reason_and_the_good_ones_go_through() -> None:
    good = survey_png()
    batch = [("first.png", io.BytesIO(good))]
    batch += [(name, io.BytesIO(data)) for name, (data, _) in BAD_FILES.items()]
    batch += [
        ("photo.jpg", io.BytesIO(encoded(Image.new("RGB", (64, 48), "white"), "JPEG"))),
        ("shot.webp", io.BytesIO(encoded(Image.new("RGB", (64, 48), "white"), "WEBP"))),
    ]

    report = uploads.check_uploads(batch)

    assert [(image.name, image.format) for image in report.accepted] == [
        ("first.png", "PNG"),
        ("photo.jpg", "JPEG"),
        ("shot.webp", "WEBP"),
    ]
    assert report.accepted[0].data == good
    refused = {refusal.name: refusal.message for refusal in report.refused}
    assert list(refused) == list(BAD_FILES)
    for name, (_, reason) in BAD_FILES.items():
        assert refused[name].startswith(f"{name}: ")
        assert reason in refused[name]


def test_the_content_decides_not_the_name() -> None:
    jpeg = encoded(Image.new("RGB", (32, 32), "white"), "JPEG")
    report = uploads.check_uploads([("really-a-jpeg.png", io.BytesIO(jpeg))])
    assert report.accepted[0].extension == "jpg"
    assert report.accepted[0].mime == "image/jpeg"


def test_the_upload_as_a_whole_is_capped() -> None:
    image = survey_png()
    many = [(f"shot-{n}.png", io.BytesIO(image)) for n in range(uploads.MAX_FILES_PER_REQUEST + 2)]
    report = uploads.check_uploads(many)
    assert len(report.accepted) == uploads.MAX_FILES_PER_REQUEST
    assert [r.name for r in report.refused] == [f"shot-{n}.png" for n in (10, 11)]
    assert "only 10 images can be added at once" in report.refused[0].reason


def test_the_total_size_of_an_upload_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    image = survey_png()
    monkeypatch.setattr(uploads, "MAX_REQUEST_BYTES", len(image) * 2 + 10)
    report = uploads.check_uploads([(f"{n}.png", io.BytesIO(image)) for n in range(3)])
    assert [image.name for image in report.accepted] == ["0.png", "1.png"]
    assert report.refused[0].name == "2.png"
    assert "in total" in report.refused[0].reason


def test_names_are_shown_without_folders_or_control_characters() -> None:
    assert uploads.display_name("../../etc/pass\x00wd.png") == "passwd.png"
    assert uploads.display_name("C:\\Users\\me\\shot.png") == "shot.png"
    assert uploads.display_name("") == "unnamed file"


def test_a_jpeg_cut_short_is_refused_by_its_decode_in_its_place() -> None:
    jpeg = encoded(Image.new("RGB", (640, 480), "white"), "JPEG")
    report = uploads.check_uploads(
        [
            ("a.png", io.BytesIO(survey_png())),
            ("cut.jpg", io.BytesIO(jpeg[: len(jpeg) * 2 // 3])),
            ("b.jpg", io.BytesIO(jpeg)),
        ]
    )
    assert [image.name for image in report.accepted] == ["a.png", "b.jpg"]
    assert [refusal.name for refusal in report.refused] == ["cut.jpg"]
    assert "truncated or damaged" in report.refused[0].reason


# ---- the pixels of one upload, and the event loop while they are decoded -------------------------

#: 36 MP: near the 40 MP limit per image, and three of them stay under the 120 MP per upload.
NEAR_LIMIT_SIDE = 6_000


@pytest.fixture(scope="module")
def near_limit_png() -> bytes:
    """A 6,000 x 6,000 screenshot-like PNG (lines on white): 36 MP to decode from ~100 KB."""
    image = Image.new("RGB", (NEAR_LIMIT_SIDE, NEAR_LIMIT_SIDE), (250, 250, 250))
    draw = ImageDraw.Draw(image)
    for y in range(0, NEAR_LIMIT_SIDE, 150):
        draw.line((0, y, NEAR_LIMIT_SIDE, y), fill=(30, 30, 30), width=3)
    return encoded(image, "PNG")


def recording_decodes(monkeypatch: pytest.MonkeyPatch, events: list[str]) -> None:
    """Record when each decode starts and ends (from whichever thread it runs on)."""
    real = uploads.decode

    def decode(image: uploads.CheckedImage) -> uploads.CheckedImage:
        events.append(f"start {image.name}")
        try:
            return real(image)
        finally:
            events.append(f"end {image.name}")

    monkeypatch.setattr(uploads, "decode", decode)


@pytest.mark.asyncio
async def test_the_event_loop_keeps_serving_while_near_limit_screenshots_are_decoded(
    near_limit_png: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    recording_decodes(monkeypatch, events)
    finished = asyncio.Event()

    async def ticker() -> None:  # stands for every other request the loop serves meanwhile
        while not finished.is_set():
            events.append("tick")
            await asyncio.sleep(0.005)

    ticking = asyncio.create_task(ticker())
    names = [f"shot-{n}.png" for n in range(3)]
    report = await uploads.check_uploads_off_loop([(name, io.BytesIO(near_limit_png)) for name in names])
    events.append("checked")
    finished.set()
    await ticking

    assert [image.name for image in report.accepted] == names
    decodes = [event for event in events if event != "tick"]
    # One decode at a time, in upload order, each finished before the check returned...
    assert decodes == [f"{when} {name}" for name in names for when in ("start", "end")] + ["checked"]
    # ...and the loop went on running while each of them was decoding, not only between them.
    for name in names:
        during = events[events.index(f"start {name}") + 1 : events.index(f"end {name}")]
        assert "tick" in during, f"the event loop stalled while {name} was decoded"
    assert events[: events.index("checked")].count("tick") >= 10


def test_an_upload_over_120_megapixels_refuses_the_files_past_it_before_decoding_them(
    near_limit_png: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    recording_decodes(monkeypatch, events)
    small = survey_png()
    batch = [(f"big-{n}.png", io.BytesIO(near_limit_png)) for n in range(4)] + [("small.png", io.BytesIO(small))]

    report = uploads.check_uploads(batch)

    # 3 x 36 MP = 108 MP fit; a fourth would make 144; the small one after it still fits.
    assert [image.name for image in report.accepted] == ["big-0.png", "big-1.png", "big-2.png", "small.png"]
    assert [refusal.message for refusal in report.refused] == [
        "big-3.png: this upload is over 120 megapixels in total with it (it is 36.0 megapixels); "
        "add it in another upload"
    ]
    assert "start big-3.png" not in events  # refused from its header: never decoded


def test_a_held_upload_is_claimed_once() -> None:
    held: uploads.HeldUploads[uploads.Screened] = uploads.HeldUploads()
    screened = uploads.screen([("a.png", io.BytesIO(survey_png()))])
    key = held.hold(screened)
    assert held.active(key)
    assert held.claim(key) is screened
    assert held.claim(key) is None  # a second event for the same upload finds nothing to do
    assert held.active(key)  # still being checked...
    held.release(key)
    assert not held.active(key)  # ...until released
    assert not held.active("made-up")
