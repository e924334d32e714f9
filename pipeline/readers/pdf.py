"""`.pdf` -> text: the text layer with pdfplumber, Tesseract for scanned pages.

Ruled tables become `| a | b |` rows; every other word goes through the
layout logic of `layout.py` (lines, header columns, running heads, page
numbers, paragraphs). A page with no text layer but an image is a scan:
its words come from OCR and join the same flow, so a paragraph running from
a typed page onto a scanned one is still one paragraph.
"""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.readers import limits, ocr
from pipeline.readers.common import IngestFailure
from pipeline.readers.common import table_row
from pipeline.readers.layout import Line, drop_running_lines, paragraphs, words_to_lines

MIN_PAGE_CHARS = 20  # fewer characters than this on a page with an image: a scan


def read(data: bytes, path: Path) -> tuple[str, str]:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise IngestFailure(path, "encrypted", "the PDF is password-protected; save an unprotected copy") from None
    except (PdfminerException, PDFSyntaxError, ValueError, TypeError, KeyError) as exc:
        raise IngestFailure(path, "unreadable", f"not a readable PDF file: {exc or type(exc).__name__}") from None
    with pdf:
        try:
            if len(pdf.pages) > limits.MAX_PDF_PAGES:
                raise IngestFailure(path, "too_large", f"{len(pdf.pages)} pages; PDFs of more than "
                                    f"{limits.MAX_PDF_PAGES} pages are refused")
            pages = [(_page_lines(page, n), bool(page.images)) for n, page in enumerate(pdf.pages, 1)]
        except PdfminerException as exc:
            raise IngestFailure(path, "unreadable", f"the PDF is damaged: {exc}") from None
        sizes = [(page.width, page.height) for page in pdf.pages]
    scans = [n for n, (lines, images) in enumerate(pages, 1)
             if images and sum(len(ln.text.strip()) for ln in lines) < MIN_PAGE_CHARS]
    for n in scans:
        # Rasterized for OCR, a page as large as a poster would take gigabytes.
        width, height = (side / 72 * ocr.RESOLUTION for side in sizes[n - 1])
        ocr.check_pixels(path, int(width), int(height), f"page {n} at {ocr.RESOLUTION} dpi")
    scanned = ocr.ocr_pdf_pages(data, path, scans) if scans else {}
    lines = [ln for n, (page_lines, _) in enumerate(pages, 1)
             for ln in (words_to_lines(scanned[n], n) if n in scanned else page_lines)]
    return paragraphs(drop_running_lines(lines, sizes)) + "\n", "ocr" if scanned else "pdf"


def _page_lines(page, n: int) -> list[Line]:
    """Table rows and visual lines of one page, top to bottom."""
    tables = page.find_tables()
    out: list[Line] = []
    for table in tables:
        x0, top, x1, bottom = table.bbox
        for row in table.extract():
            out.append(Line("row", table_row([[(c or "").replace("\n", " ")] for c in row]), x0, x1, top, bottom, 0, n))
            top += 0.001  # rows keep their order when sorted by position
    boxes = [t.bbox for t in tables]
    words = [w for w in page.extract_words(extra_attrs=["size"])
             if not any(b[0] <= w["x0"] and w["x1"] <= b[2] and b[1] <= w["top"] and w["bottom"] <= b[3]
                        for b in boxes)]
    return sorted(out + words_to_lines(words, n), key=lambda ln: ln.top)
