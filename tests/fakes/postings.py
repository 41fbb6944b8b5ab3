"""Job postings' pages for the capture tests, in `posting_pages/`: each built from a real
posting's structure (its source named in the file's first comment), and a few hostile ones."""

from __future__ import annotations

from pathlib import Path

PAGES = Path(__file__).parent / "posting_pages"


def page(name: str) -> str:
    """The HTML of `posting_pages/<name>.html`."""
    return (PAGES / f"{name}.html").read_text(encoding="utf-8")


def names() -> list[str]:
    return sorted(path.stem for path in PAGES.glob("*.html"))
