"""`.pdf` -> text: the text layer with pdfplumber, Tesseract for scanned pages.

A PDF holds positioned words, not paragraphs. Words are grouped into
visual lines by height; a line splits into cells where a wide gap
separates its words (the two columns of the header block); ruled tables
become `| a | b |` rows. Page numbers and running headers or footers (the
same line at the top or bottom of most pages) are dropped. Visual lines
are joined into paragraphs by geometry: a paragraph ends at a wider
vertical gap, at a line that stops short of the right margin, or before an
indented first line; consecutive centred lines (a title) stay one block.
A page with no text layer but an image is a scan and goes to OCR.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.ingest import IngestFailure
from pipeline.readers import ocr
from pipeline.readers.common import table_row
from pipeline.segment import HEADING

MIN_PAGE_CHARS = 20  # fewer characters than this on a page with an image: a scan
MARGIN_ZONE = 0.08  # top and bottom share of the page where running heads and page numbers sit
CELL_GAP = 2.5  # a gap wider than this many font sizes separates two cells of a line
# A line that opens a block: a numbered heading (`I.`, `1.`, `1.1.`, `a)`, `Điều 1`) or a bullet.
STARTS_BLOCK = re.compile(rf"{HEADING.pattern}|^[ \t]*[-+•▪●◦–][ \t]", re.VERBOSE)
ENDS_SENTENCE = re.compile(r"[.:;!?]\W*$")
PAGE_NUMBER = re.compile(
    r"""^\W*(?:
        (?:Trang|Page)\s*\d{1,4}(?:\s*/\s*\d{1,4})?   # `Trang 2`, `Trang 2/9`
      | \d{1,4}(?:\s*/\s*\d{1,4})?                    # `2`, `- 2 -`, `2/9`
    )\W*$""",
    re.VERBOSE | re.IGNORECASE,
)


@dataclass
class _Line:
    kind: str  # text | cells (a line split into columns) | row (of a ruled table)
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int


def read(data: bytes, path: Path) -> tuple[str, str]:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise IngestFailure(path, "encrypted", "the PDF is password-protected; save an unprotected copy") from None
    except (PdfminerException, PDFSyntaxError, ValueError, TypeError, KeyError) as exc:
        raise IngestFailure(path, "unreadable", f"not a readable PDF file: {exc or type(exc).__name__}") from None
    with pdf:
        try:
            pages = [(_page_lines(page, n), bool(page.images)) for n, page in enumerate(pdf.pages, 1)]
        except PdfminerException as exc:
            raise IngestFailure(path, "unreadable", f"the PDF is damaged: {exc}") from None
        sizes = [(page.width, page.height) for page in pdf.pages]
    scans = [n for n, (lines, images) in enumerate(pages, 1)
             if images and sum(len(ln.text.strip()) for ln in lines) < MIN_PAGE_CHARS]
    scanned = dict(zip(scans, ocr.ocr_pdf_pages(data, path, scans))) if scans else {}
    lines = _drop_running_lines([ln for n, (page_lines, _) in enumerate(pages, 1) if n not in scanned
                                 for ln in page_lines], sizes)
    # Runs of pages with a text layer are joined as one flow, so that a
    # paragraph running over a page break stays one paragraph.
    blocks: list[str] = []
    run: list[int] = []
    for n in [*range(1, len(pages) + 1), None]:
        if n is not None and n not in scanned:
            run.append(n)
            continue
        if run:
            blocks.append(_paragraphs([ln for ln in lines if ln.page in run]))
            run = []
        if n is not None:
            blocks.append(scanned[n])
    return "\n\n".join(b for b in blocks if b.strip()) + "\n", "ocr" if scanned else "pdf"


def _page_lines(page, n: int) -> list[_Line]:
    """Visual lines and table rows of one page, top to bottom."""
    tables = page.find_tables()
    out: list[_Line] = []
    for table in tables:
        x0, top, x1, bottom = table.bbox
        for row in table.extract():
            cells = [[(c or "").replace("\n", " ")] for c in row]
            out.append(_Line("row", table_row(cells), x0, x1, top, bottom, 0, n))
            top += 0.001  # rows keep their order when sorted by position
    boxes = [t.bbox for t in tables]
    words = [w for w in page.extract_words(extra_attrs=["size"])
             if not any(b[0] <= w["x0"] and w["x1"] <= b[2] and b[1] <= w["top"] and w["bottom"] <= b[3]
                        for b in boxes)]
    words.sort(key=lambda w: (w["top"], w["x0"]))
    groups: list[list[dict]] = []
    for w in words:
        # Same line: the word's middle lies within the band of the line's first word.
        if groups and abs((w["top"] + w["bottom"]) / 2 - (groups[-1][0]["top"] + groups[-1][0]["bottom"]) / 2) \
                < 0.5 * (groups[-1][0]["bottom"] - groups[-1][0]["top"]):
            groups[-1].append(w)
        else:
            groups.append([w])
    for group in groups:
        group.sort(key=lambda w: w["x0"])
        size = statistics.median(w["size"] for w in group)
        cells: list[list[dict]] = [[group[0]]]
        for prev, w in zip(group, group[1:]):
            if w["x0"] - prev["x1"] > CELL_GAP * size:
                cells.append([w])
            else:
                cells[-1].append(w)
        texts = [" ".join(w["text"] for w in cell) for cell in cells]
        kind, text = ("cells", table_row([[t] for t in texts])) if len(cells) > 1 else ("text", texts[0])
        out.append(_Line(kind, text, group[0]["x0"], group[-1]["x1"], min(w["top"] for w in group),
                         max(w["bottom"] for w in group), size, n))
    out.sort(key=lambda ln: ln.top)
    return out


def _drop_running_lines(lines: list[_Line], sizes: list[tuple[float, float]]) -> list[_Line]:
    """Without page numbers and the heads or feet repeated on most pages."""
    def in_margin(ln: _Line) -> bool:
        height = sizes[ln.page - 1][1]
        return ln.bottom <= MARGIN_ZONE * height or ln.top >= (1 - MARGIN_ZONE) * height

    def key(ln: _Line) -> str:
        return re.sub(r"\d+", "#", ln.text.casefold())

    pages = len({ln.page for ln in lines})
    counts = Counter(k for k, _ in {(key(ln), ln.page) for ln in lines if in_margin(ln)})
    running = {k for k, count in counts.items() if pages >= 2 and count >= max(2, pages / 2)}
    return [ln for ln in lines if not (in_margin(ln) and (PAGE_NUMBER.match(ln.text) or key(ln) in running))]


def _paragraphs(lines: list[_Line]) -> str:
    """Visual lines of consecutive pages joined into paragraphs (see the module doc)."""
    text_lines = [ln for ln in lines if ln.kind == "text"]
    if not text_lines:
        return "\n".join(ln.text for ln in lines)
    margin = Counter(round(ln.x0) for ln in text_lines).most_common(1)[0][0]
    left = min(ln.x0 for ln in text_lines if round(ln.x0) == margin)
    right = max(ln.x1 for ln in text_lines)
    gaps = [b.top - a.bottom for a, b in zip(text_lines, text_lines[1:]) if b.page == a.page and b.top > a.bottom]
    leading = statistics.median(gaps) if gaps else 0
    # Justified text runs every line but a paragraph's last to the margin, so
    # any shortfall ends a paragraph; ragged text needs a wider one.
    justified = sum(ln.x1 > right - 1 for ln in text_lines) > 0.4 * len(text_lines)
    slack = 0.5 if justified else 2.0
    out: list[str] = []
    prev: _Line | None = None
    for ln in lines:
        spaced = prev is not None and ln.page == prev.page and ln.top - prev.bottom > leading + 0.3 * ln.size
        if prev is None:
            out.append(ln.text)
        elif ln.kind != "text" or prev.kind != "text":
            out.append(("\n" if ln.kind != "text" and prev.kind != "text" else "\n\n") + ln.text)
        elif _centred(prev, left, right) and _centred(ln, left, right) and not spaced:
            out.append("\n" + ln.text)  # the next line of a centred title
        elif spaced or ln.x0 > left + ln.size or _centred(prev, left, right) or (
                (short := prev.x1 < right - slack * prev.size) and not _goes_on(ln.text)) or (
                STARTS_BLOCK.match(ln.text) and (short or prev.page != ln.page or ENDS_SENTENCE.search(prev.text))):
            # Paragraph spacing, an indented first line, a centred line before, a
            # line before that stopped short (unless this one goes on in lower
            # case); a heading or bullet after a sentence end or a page break.
            out.append("\n\n" + ln.text)
        else:
            out.append(" " + ln.text)
        prev = ln
    return "".join(out)


def _goes_on(text: str) -> bool:
    """The line continues a sentence: it starts in lower case."""
    stripped = text.lstrip(" \"“'(")
    return bool(stripped) and stripped[0].islower()


def _centred(ln: _Line, left: float, right: float) -> bool:
    """Set off from the left margin, and by as much from the right one."""
    return ln.x0 > left + 1 and abs((ln.x0 - left) - (right - ln.x1)) < ln.size
