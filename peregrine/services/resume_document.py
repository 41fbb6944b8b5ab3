"""Reading the text of a resume that comes as a PDF or a Word document (DOCX).

What the file is comes from its bytes, never its name: a PDF starts with `%PDF-`, a DOCX is a zip
archive holding `word/document.xml`. Everything else is refused with a reason a person can act on:
an older `.doc` (or a password-protected Office file, which is the same container), an encrypted
PDF, a scan in which OCR reads nothing, an empty document, a file far larger than any resume.

A scanned PDF (no text layer, only images) is read by Tesseract (`integrations.ocr`), its images'
sizes checked first as an upload's are; the text is then marked as read by OCR, to be checked.

A DOCX is a zip, so its sizes are checked from the archive's directory before python-docx reads a
byte of it: a few kilobytes that would unpack to gigabytes (a zip bomb) are refused. Python's
zipfile never unpacks more than an entry declares, so the declared sizes are the real bound.
python-docx parses the XML without resolving entities, so an XML bomb expands nothing.

The text keeps the document's order: paragraphs, list items (as "• " lines) and table rows
(cells joined by " | "). It stays plain text: whatever markup it holds is shown as written, never
rendered. Reading runs in a worker thread (`read_document_off_loop`): a long PDF takes a while.
"""

from __future__ import annotations

import asyncio
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import docx
import pypdf
from docx.document import Document as DocxDocument
from docx.table import Table
from docx.text.paragraph import Paragraph

from peregrine.domain import limits
from peregrine.integrations import ocr
from peregrine.services import uploads
from peregrine.services.errors import InvalidInput

#: The largest file read: the same as any other upload's file.
MAX_DOCUMENT_BYTES = uploads.MAX_FILE_BYTES
MB = uploads.MB
#: What a DOCX may unpack to in all. A resume with a photo unpacks to a megabyte or two.
MAX_UNPACKED_BYTES = 40 * MB
#: Entries of a DOCX archive: Word writes about a dozen, a few dozen with images.
MAX_ZIP_ENTRIES = 500
#: Pages of a PDF: a resume has one to three; a CV with publications perhaps a dozen.
MAX_PDF_PAGES = 30
#: The text kept: what the YAML import holds, and the page's box with it.
MAX_TEXT_CHARS = limits.RESUME_IMPORT
#: A scanned PDF is read by OCR up to this many pages and pixels in all: three letter pages scanned
#: at 300 dpi (8.4 megapixels each) and some room. Tesseract took 2.1 s on a 1.8-megapixel page here
#: (`make bench`, resume_read_scan_ms), so the limit keeps a read under a minute.
MAX_SCAN_PAGES = 3
MAX_SCAN_PIXELS = 30_000_000
NO_TEXT_LAYER = "This PDF has no text layer: it is a scan or a picture of the resume."
INSTEAD = "Export it from your editor as a PDF with text, upload the .docx, or paste the text."
#: Characters fonts use for a list's bullet (the last is the Symbol font's, in Word's PDFs).
BULLET_GLYPHS = "•▪◦●‣∙■□\uf0b7\uf0a7"
BULLET = "• "

_BULLET_AT_START = re.compile(rf"^[ \t]*[{re.escape(BULLET_GLYPHS)}][ \t]*", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class DocumentRefused(InvalidInput):
    """The file cannot give a resume's text; `str()` says why and what to do instead."""


@dataclass(frozen=True)
class DocumentText:
    """The text read from a document, and what it was."""

    kind: Literal["PDF", "DOCX"]
    text: str
    pages: int | None = None  # a PDF's; a DOCX has no pages until Word lays it out
    by_ocr: bool = False  # a scan, read by Tesseract: worth a look for misread words

    @property
    def summary(self) -> str:
        pages = f", {self.pages} page{'s' if self.pages != 1 else ''}" if self.pages else ""
        read = ", read from the scan by OCR: check the text for misread words" if self.by_ocr else ""
        return f"{self.kind}{pages}, {len(self.text):,} characters{read}"


def read_document(data: bytes) -> DocumentText:
    """The text of a PDF or DOCX given as bytes; `DocumentRefused` says why there is none."""
    if not data:
        raise DocumentRefused("The file is empty (0 bytes).")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentRefused(
            f"The file is {len(data):,} bytes; a resume is far smaller "
            f"(the limit is {MAX_DOCUMENT_BYTES // MB} MB). Nothing was read."
        )
    if b"%PDF-" in data[:1024]:  # the header may follow a little junk, as readers allow
        document = _read_pdf(data)
    elif data.startswith(b"PK\x03\x04"):
        document = _read_docx(data)
    elif data.startswith(_OLE_MAGIC):
        raise DocumentRefused(
            "This is an older Word .doc file, or a password-protected Office document. "
            "Open it in Word or LibreOffice and save it as .docx or PDF without a password."
        )
    else:
        raise DocumentRefused("This file is not a PDF or a Word (.docx) document, whatever its name says.")
    if len(document.text) > MAX_TEXT_CHARS:
        raise DocumentRefused(
            f"The document holds {len(document.text):,} characters of text; a resume is far shorter "
            f"(the limit is {MAX_TEXT_CHARS:,}). Nothing was read."
        )
    return document


async def read_document_off_loop(data: bytes) -> DocumentText:
    """`read_document` in a worker thread, so the event loop serves everyone else meanwhile."""
    return await asyncio.to_thread(read_document, data)


def clean_text(text: str) -> str:
    """Plain text as a person would retype it: one kind of newline, no control characters, list
    bullets as "• ", no runs of blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs"))
    text = _BULLET_AT_START.sub(BULLET, text)
    text = _TRAILING_SPACE.sub("\n", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


# ----------------------------------------------------------------------------- PDF
def _read_pdf(data: bytes) -> DocumentText:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):  # an owner password alone still lets it be read
            raise DocumentRefused(
                "This PDF is protected by a password. Save a copy without the password "
                "(or export the resume again from your editor) and upload that."
            )
        pages = len(reader.pages)
        if pages > MAX_PDF_PAGES:
            raise DocumentRefused(
                f"This PDF has {pages} pages; a resume has a few (the limit is {MAX_PDF_PAGES}). Nothing was read."
            )
        text = clean_text("\n\n".join(page.extract_text() or "" for page in reader.pages))
        if text:
            return DocumentText("PDF", text, pages)
        images = [(page, *image) for page in reader.pages for image in _images_of(page)]
        if not images:
            raise DocumentRefused("This PDF has no text in it.")
        return DocumentText("PDF", _read_scan(images, pages), pages, by_ocr=True)
    except DocumentRefused:
        raise
    except Exception as exc:  # pypdf raises many kinds on a damaged file; each means the same to the user
        raise DocumentRefused(f"This PDF is damaged and could not be read ({_first_line(exc)}).") from exc


def _images_of(page: pypdf.PageObject) -> list[tuple[str, int, int]]:
    """The name, width and height of each image the page draws, read from its dictionary (nothing is
    decoded). Only these are ever read by OCR: an image inside a form or inline goes unread."""
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    if xobjects is None:
        return []
    found = [(str(name), item.get_object()) for name, item in xobjects.get_object().items()]
    images = [(name, item) for name, item in found if item.get("/Subtype") == "/Image"]
    return [(name, int(image["/Width"]), int(image["/Height"])) for name, image in images]


def _read_scan(images: list[tuple[pypdf.PageObject, str, int, int]], pages: int) -> str:
    """The text of a scanned PDF, read from its images by Tesseract; their sizes are checked first,
    as an upload's are, so no decompression bomb is ever decoded."""
    pixels = sum(width * height for _, _, width, height in images)
    if pages > MAX_SCAN_PAGES or pixels > MAX_SCAN_PIXELS:
        raise DocumentRefused(
            f"{NO_TEXT_LAYER} It is too large to read by OCR here ({pages} page{'s' if pages != 1 else ''}, "
            f"{pixels / 1_000_000:,.0f} megapixels; the limits are {MAX_SCAN_PAGES} pages and "
            f"{MAX_SCAN_PIXELS // 1_000_000} megapixels). {INSTEAD}"
        )
    texts: list[str] = []
    try:
        for page, name, _, _ in images:
            decoded = page.images[name].image
            if decoded is not None:
                texts.append(ocr.read_image(decoded))
    except ocr.OCRError as exc:
        raise DocumentRefused(f"{NO_TEXT_LAYER} Reading it by OCR failed: {exc}") from exc
    except Exception as exc:  # an image pypdf cannot decode (JBIG2 without jbig2dec, a damaged stream)
        raise DocumentRefused(
            f"{NO_TEXT_LAYER} Its images could not be decoded for OCR ({_first_line(exc)}). {INSTEAD}"
        ) from exc
    text = clean_text("\n\n".join(texts))
    if not text:
        raise DocumentRefused(f"{NO_TEXT_LAYER} OCR read no text in it. {INSTEAD}")
    return text


# ----------------------------------------------------------------------------- DOCX
def _read_docx(data: bytes) -> DocumentText:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if "word/document.xml" not in archive.namelist():
                raise DocumentRefused(
                    "This is a zip archive, not a Word document. Upload the resume itself, as .docx or PDF."
                )
    except zipfile.BadZipFile as exc:
        raise DocumentRefused(f"This Word document is damaged and could not be read ({exc}).") from exc
    if len(entries) > MAX_ZIP_ENTRIES:
        raise DocumentRefused(
            f"This document is made of {len(entries):,} parts; a Word resume has a few dozen "
            f"(the limit is {MAX_ZIP_ENTRIES}). Nothing was read."
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_UNPACKED_BYTES:
        raise DocumentRefused(
            f"This document would unpack to {unpacked:,} bytes, far more than a resume "
            f"(the limit is {MAX_UNPACKED_BYTES // MB} MB); it could be a zip bomb. Nothing was read."
        )
    try:
        document = docx.Document(io.BytesIO(data))
        lines = list(_docx_lines(document))
    except Exception as exc:  # a damaged package fails in zipfile, lxml or python-docx, each its own way
        raise DocumentRefused(f"This Word document is damaged and could not be read ({_first_line(exc)}).") from exc
    text = clean_text("\n".join(lines))
    if not text:
        raise DocumentRefused("This Word document has no text in it.")
    return DocumentText("DOCX", text)


def _docx_lines(document: DocxDocument) -> Iterator[str]:
    """The body's paragraphs and tables in order; list items start with a bullet."""
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            yield _paragraph_line(block)
        else:
            yield from _table_lines(block)
            yield ""


def _paragraph_line(paragraph: Paragraph) -> str:
    text = paragraph.text.strip()
    properties = paragraph._p.pPr  # python-docx exposes numbering only on the XML element
    numbered = properties is not None and properties.numPr is not None
    style = paragraph.style.name if paragraph.style is not None else ""
    if text and (numbered or (style or "").startswith("List")):
        return BULLET + text
    return text


def _table_lines(table: Table) -> Iterator[str]:
    """One line a row, its cells joined by " | "; a merged cell (python-docx repeats it) once."""
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            text = " ".join(line for line in (p.text.strip() for p in cell.paragraphs) if line)
            nested = [line for inner in cell.tables for line in _table_lines(inner)]
            joined = " ".join([text, *nested]).strip()
            if joined:
                cells.append(joined)
        if cells:
            yield " | ".join(cells)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0][:160] if text else "") or type(exc).__name__
