"""Resume files for the document import's tests: real DOCX (python-docx) and PDF files, and bad ones.

The PDF is written by hand, objects and cross-reference table with real offsets, one text line per
`Tj` in Helvetica: the smallest file every reader (pypdf, Chromium, poppler) opens as text.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

import docx
import pypdf
from PIL import Image, ImageDraw, ImageFont

from tests.fakes.survey_images import FONT

#: A resume as a job seeker writes one: a heading, two jobs with their bullets, a skills table.
RESUME_LINES = (
    "Ada Lovelace — Backend engineer",
    "Northwind · Tech lead · 2022 - 2023",
    "Payments ledger rewrite",
    "• Cut month-end close from 3 days to 4 hours",
    "• Migrated 1,200 merchants with zero downtime",
    "Contoso · Engineer · 2019 - 2022",
    "Analytics platform",
    "• Built self-serve analytics for 140 managers",
)


def resume_docx(
    *,
    projects: Sequence[tuple[str, Sequence[str]]] = (
        ("Payments ledger rewrite", ("Cut month-end close from 3 days to 4 hours", "Migrated 1,200 merchants")),
        ("Analytics platform", ("Built self-serve analytics for 140 managers",)),
    ),
    skills: Sequence[tuple[str, str]] = (("Languages", "Python, SQL"),),
    title: str = "Ada Lovelace",
) -> bytes:
    """A DOCX resume: a title, each project a heading with its bullets as a bulleted list, a skills table."""
    document = docx.Document()
    if title:
        document.add_heading(title, level=0)
    for name, bullets in projects:
        document.add_heading(name, level=1)
        for bullet in bullets:
            document.add_paragraph(bullet, style="List Bullet")
    if skills:
        table = document.add_table(rows=len(skills), cols=2)
        for row, (label, value) in zip(table.rows, skills, strict=True):
            row.cells[0].text, row.cells[1].text = label, value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf_string(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return escaped.encode("cp1252", errors="replace")


def resume_pdf(
    lines: Sequence[str] = RESUME_LINES, *, with_text: bool = True, image_size: tuple[int, int] = (4, 4)
) -> bytes:
    """A one-page PDF with `lines` as text; without text, the page holds only a gray image (a blank
    scan) whose dictionary says it is `image_size` pixels (the data is 16 pixels whatever it says)."""
    if with_text:
        ops = b"BT /F1 11 Tf 14 TL 72 760 Td " + b" ".join(b"(" + _pdf_string(line) + b") Tj T*" for line in lines)
        content = ops + b" ET"
        resources = b"<< /Font << /F1 5 0 R >> >>"
    else:
        content = b"q 200 0 0 100 72 600 cm /Im1 Do Q"
        resources = b"<< /XObject << /Im1 5 0 R >> >>"
    pixels = b"\x80" * 16
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources " + resources + b" /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
        if with_text
        else b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length 16 >>\nstream\n" % image_size + pixels + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def scanned_pdf(lines: Sequence[str] = RESUME_LINES[:3]) -> bytes:
    """A scanned resume: a page that is one picture of the text (Pillow writes the PDF), no text layer."""
    font = ImageFont.truetype(FONT, 28)
    image = Image.new("RGB", (1200, 60 * len(lines) + 80), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((40, 40 + 60 * number), line, font=font, fill=(20, 20, 20))
    buffer = io.BytesIO()
    image.save(buffer, "PDF", resolution=150)
    return buffer.getvalue()


def encrypted_pdf(user_password: str = "secret") -> bytes:
    """The resume PDF encrypted (RC4, which pypdf writes without extra packages): opening it needs
    `user_password`; with an empty one anyone may open it, and only editing needs the owner's."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(resume_pdf())))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def zip_bomb_docx(unpacked_mb: int = 64) -> bytes:
    """A DOCX-shaped zip whose document.xml unpacks to `unpacked_mb` MB of zeros (a few dozen KB packed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"0" * (1024 * 1024)
            for _ in range(unpacked_mb):
                member.write(chunk)
    return buffer.getvalue()


def plain_zip() -> bytes:
    """A zip archive of one text file, named as if it were a .docx."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a resume")
    return buffer.getvalue()
