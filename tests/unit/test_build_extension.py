"""`make extension`'s zip and the extension's manifest: the same bytes every time, every file the
manifest names shipped, and no code from anywhere but the extension itself."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from scripts.build_extension import EXTENSION, build, extension_files

MANIFEST = json.loads((EXTENSION / "manifest.json").read_text(encoding="utf-8"))


def test_the_zip_is_the_same_bytes_every_time_with_the_manifest_at_its_top(tmp_path: Path) -> None:
    first = build(tmp_path / "one.zip").read_bytes()
    second = build(tmp_path / "two.zip").read_bytes()
    assert first == second
    with zipfile.ZipFile(tmp_path / "one.zip") as archive:
        names = archive.namelist()
        assert json.loads(archive.read("manifest.json")) == MANIFEST
    assert names == sorted(path.relative_to(EXTENSION).as_posix() for path in extension_files())


def test_hidden_files_and_editor_leftovers_stay_out(tmp_path: Path) -> None:
    folder = tmp_path / "extension"
    folder.mkdir()
    for name in ("manifest.json", "popup.js", "popup.js~", ".DS_Store"):
        (folder / name).write_text("{}", encoding="utf-8")
    with zipfile.ZipFile(build(tmp_path / "out.zip", folder)) as archive:
        assert archive.namelist() == ["manifest.json", "popup.js"]


def test_every_file_the_manifest_and_pages_name_is_shipped() -> None:
    shipped = {path.relative_to(EXTENSION).as_posix() for path in extension_files()}
    named = {
        MANIFEST["action"]["default_popup"],
        MANIFEST["options_ui"]["page"],
        MANIFEST["background"]["service_worker"],
        *MANIFEST["background"]["scripts"],
        *MANIFEST["icons"].values(),
        *MANIFEST["action"]["default_icon"].values(),
    }
    for page in ("popup.html", "options.html"):
        named |= set(re.findall(r'(?:src|href)="([^"#:]+)"', (EXTENSION / page).read_text(encoding="utf-8")))
    assert named <= shipped


def test_the_extension_runs_only_its_own_code_and_asks_for_no_site() -> None:
    policy = MANIFEST["content_security_policy"]["extension_pages"]
    assert "script-src 'self';" in policy
    assert "object-src 'none'" in policy
    assert "unsafe" not in policy
    assert set(MANIFEST["permissions"]) == {"activeTab", "scripting", "storage"}
    assert "host_permissions" not in MANIFEST
    assert "optional_host_permissions" not in MANIFEST
    for page in ("popup.html", "options.html"):
        markup = (EXTENSION / page).read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\ssrc=\"[\w./-]+\")", markup), "an inline or remote script"
    for script in EXTENSION.glob("*.js"):
        assert "innerHTML" not in script.read_text(encoding="utf-8"), script.name


def test_firefox_finds_its_settings_and_the_shortcut_opens_the_popup() -> None:
    assert MANIFEST["manifest_version"] == 3
    assert MANIFEST["browser_specific_settings"]["gecko"]["id"]
    assert "_execute_action" in MANIFEST["commands"]
