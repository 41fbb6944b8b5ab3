"""`make extension`: the browser extension in extension/ as dist/peregrine-extension.zip.

The same files always make the same bytes (sorted names, one fixed date and mode), so a zip can be
checked against the folder it came from. The zip holds manifest.json at its top, as the browsers'
stores and Firefox's "Install Add-on From File" expect.

    python -m scripts.build_extension [--out PATH]
"""

from __future__ import annotations

import argparse
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXTENSION = ROOT / "extension"
DEFAULT_OUT = ROOT / "dist" / "peregrine-extension.zip"
#: Zip's earliest date: no build time leaks into the archive.
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o644 << 16


def extension_files(folder: Path = EXTENSION) -> list[Path]:
    """Every file the extension ships, sorted; editor leftovers and hidden files stay out."""
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
        and not path.name.endswith("~")
    )


def build(out: Path = DEFAULT_OUT, folder: Path = EXTENSION) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in extension_files(folder):
            entry = zipfile.ZipInfo(path.relative_to(folder).as_posix(), date_time=FIXED_DATE)
            entry.external_attr = FILE_MODE
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, path.read_bytes(), compresslevel=9)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    print(build(parser.parse_args().out))


if __name__ == "__main__":
    main()
