"""Reading a resume's text from a PDF or DOCX, and every file that cannot give one, refused with its reason.

The files are real: DOCX written by python-docx, PDFs written byte by byte (tests/fakes/resume_documents.py).
"""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from peregrine.services.resume_document import (
    MAX_DOCUMENT_BYTES,
    MAX_TEXT_CHARS,
    MAX_ZIP_ENTRIES,
    DocumentRefused,
    clean_text,
    read_document,
)
from tests.fakes import resume_documents
from tests.fakes.survey_images import survey_png


def refusal(data: bytes) -> str:
    with pytest.raises(DocumentRefused) as refused:
        read_document(data)
    return str(refused.value)


def test_a_docx_gives_its_paragraphs_list_items_and_tables_in_order() -> None:
    document = read_document(resume_documents.resume_docx())

    assert document.kind == "DOCX"
    assert document.text.splitlines() == [
        "Ada Lovelace",
        "Payments ledger rewrite",
        "• Cut month-end close from 3 days to 4 hours",
        "• Migrated 1,200 merchants",
        "Analytics platform",
        "• Built self-serve analytics for 140 managers",
        "Languages | Python, SQL",
    ]
    assert document.summary == f"DOCX, {len(document.text):,} characters"


def test_a_merged_table_cell_is_read_once_and_a_numbered_item_is_a_list_item() -> None:
    document = docx.Document()
    document.add_paragraph("Reduced costs by 30%", style="List Number")
    table = document.add_table(rows=1, cols=3)
    table.cell(0, 0).text = "2021 - 2023"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "Northwind, tech lead"
    buffer = io.BytesIO()
    document.save(buffer)

    assert read_document(buffer.getvalue()).text == "• Reduced costs by 30%\n2021 - 2023 | Northwind, tech lead"


def test_a_pdf_gives_its_text_and_pages() -> None:
    document = read_document(resume_documents.resume_pdf())

    assert document.kind == "PDF"
    assert document.pages == 1
    assert document.text.splitlines() == list(resume_documents.RESUME_LINES)
    assert document.summary.startswith("PDF, 1 page, ")


def test_a_pdf_anyone_may_open_is_read_though_it_is_encrypted() -> None:
    assert "Payments ledger rewrite" in read_document(resume_documents.encrypted_pdf(user_password="")).text


def test_a_pdf_that_needs_a_password_is_refused() -> None:
    assert "protected by a password" in refusal(resume_documents.encrypted_pdf())


def test_a_scanned_pdf_is_read_by_ocr_and_says_so() -> None:
    document = read_document(resume_documents.scanned_pdf())

    assert document.by_ocr
    assert "Payments ledger rewrite" in document.text
    assert "Northwind" in document.text
    assert document.summary.endswith("read from the scan by OCR: check the text for misread words")


def test_a_scan_in_which_ocr_reads_nothing_is_said_to_have_no_text_layer() -> None:
    message = refusal(resume_documents.resume_pdf(with_text=False))
    assert message.startswith("This PDF has no text layer: it is a scan or a picture of the resume.")
    assert "OCR read no text in it" in message


def test_a_scan_too_large_for_ocr_is_refused_before_its_image_is_decoded() -> None:
    message = refusal(resume_documents.resume_pdf(with_text=False, image_size=(20_000, 20_000)))
    assert "too large to read by OCR here (1 page, 400 megapixels; the limits are 3 pages and 30 megapixels" in message


def test_a_pdf_with_an_empty_page_has_no_text() -> None:
    assert refusal(resume_documents.resume_pdf(lines=())) == "This PDF has no text in it."


def test_an_empty_docx_has_no_text() -> None:
    assert refusal(resume_documents.resume_docx(projects=(), skills=(), title="")) == (
        "This Word document has no text in it."
    )


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"Ada Lovelace\nBackend engineer\n", id="plain text named .pdf"),
        pytest.param(survey_png(), id="a PNG"),
        pytest.param(b"{\\rtf1\\ansi Ada}", id="RTF"),
        pytest.param(b"<html><body>Ada</body></html>", id="HTML"),
    ],
)
def test_a_file_that_is_not_a_pdf_or_docx_by_its_content_is_refused(data: bytes) -> None:
    assert refusal(data) == "This file is not a PDF or a Word (.docx) document, whatever its name says."


def test_an_old_word_file_is_asked_to_be_saved_as_docx() -> None:
    message = refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert "older Word .doc" in message
    assert "save it as .docx or PDF" in message


def test_a_zip_that_is_not_a_word_document_is_refused() -> None:
    assert "zip archive, not a Word document" in refusal(resume_documents.plain_zip())


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    bomb = resume_documents.zip_bomb_docx(unpacked_mb=64)
    assert len(bomb) < 1024 * 1024  # a small file that would unpack to 64 MB
    message = refusal(bomb)
    assert "would unpack to 67,108,872 bytes" in message
    assert "zip bomb" in message


def test_a_docx_of_too_many_parts_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for number in range(MAX_ZIP_ENTRIES + 1):
            archive.writestr(f"word/media/image{number}.png", b"")
    assert f"made of {MAX_ZIP_ENTRIES + 2:,} parts" in refusal(buffer.getvalue())


def test_damaged_files_are_refused_as_damaged() -> None:
    assert "This PDF is damaged" in refusal(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    assert "This Word document is damaged" in refusal(resume_documents.resume_docx()[:2000])


def test_an_empty_file_and_a_huge_one_are_refused() -> None:
    assert refusal(b"") == "The file is empty (0 bytes)."
    assert "a resume is far smaller (the limit is 10 MB)" in refusal(b"%PDF-" + b"0" * MAX_DOCUMENT_BYTES)


def test_text_far_longer_than_a_resume_is_refused() -> None:
    long = resume_documents.resume_docx(projects=(("Everything", ("x" * 1000,) * (MAX_TEXT_CHARS // 1000 + 1)),))
    assert "a resume is far shorter" in refusal(long)


def test_markup_in_the_document_stays_as_written() -> None:
    data = resume_documents.resume_docx(
        projects=(("<script>alert('x')</script>", ('<img src=x onerror="alert(1)"> Led a team',)),)
    )
    text = read_document(data).text
    assert "<script>alert('x')</script>" in text
    assert '• <img src=x onerror="alert(1)"> Led a team' in text


def test_clean_text_drops_control_characters_and_marks_bullets() -> None:
    assert clean_text("Ada\x00\x07 Lovelace\r\n\uf0b7  Led\r\n\n\n\n▪Built   \n") == "Ada Lovelace\n• Led\n\n• Built"
