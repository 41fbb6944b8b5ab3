"""Uploaded images are checked one by one: each bad file is refused with its name and why,
and the good files of the same upload go through."""

from __future__ import annotations

import io

import pytest
from PIL import Image

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
