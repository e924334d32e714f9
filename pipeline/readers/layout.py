"""Positioned words -> paragraphs: the layout logic shared by PDF and OCR.

Words (from a PDF text layer or from Tesseract) are grouped into visual
lines by vertical overlap; a line splits into cells where a wide gap
separates its words (the two columns of the header block). Page numbers
and running headers or footers (the same line at the top or bottom of most
pages) are dropped. Visual lines are joined into paragraphs by geometry: a
paragraph ends at a wider vertical gap, at a line that stops short of the
right margin, or before an indented first line; consecutive centred lines
(a title) stay one block.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

from pipeline.readers.common import table_row
from extractors.sections import HEADING

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
class Line:
    kind: str  # text | cells (a line split into columns) | row (of a ruled table)
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int


def words_to_lines(words: list[dict], page: int) -> list[Line]:
    """Visual lines of one page from words with `text`, `x0`, `x1`, `top`, `bottom`, `size`."""
    groups: list[tuple[float, float, list[dict]]] = []  # (band top, band bottom, words)
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if groups:
            top, bottom, group = groups[-1]
            overlap = min(bottom, w["bottom"]) - max(top, w["top"])
            if overlap > 0.5 * min(bottom - top, w["bottom"] - w["top"]):
                groups[-1] = (min(top, w["top"]), max(bottom, w["bottom"]), group + [w])
                continue
        groups.append((w["top"], w["bottom"], [w]))
    out = []
    for top, bottom, group in groups:
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
        out.append(Line(kind, text, group[0]["x0"], group[-1]["x1"], top, bottom, size, page))
    return out


def drop_running_lines(lines: list[Line], sizes: list[tuple[float, float]]) -> list[Line]:
    """Without page numbers and the heads or feet repeated on most pages."""
    def in_margin(ln: Line) -> bool:
        height = sizes[ln.page - 1][1]
        return ln.bottom <= MARGIN_ZONE * height or ln.top >= (1 - MARGIN_ZONE) * height

    def key(ln: Line) -> str:
        return re.sub(r"\d+", "#", ln.text.casefold())

    pages = len({ln.page for ln in lines})
    counts = Counter(k for k, _ in {(key(ln), ln.page) for ln in lines if in_margin(ln)})
    running = {k for k, count in counts.items() if pages >= 2 and count >= max(2, pages / 2)}
    return [ln for ln in lines if not (in_margin(ln) and (PAGE_NUMBER.match(ln.text) or key(ln) in running))]


def paragraphs(lines: list[Line]) -> str:
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
    justified = sum(ln.x1 > right - 0.2 * ln.size for ln in text_lines) > 0.4 * len(text_lines)
    slack = 0.5 if justified else 2.0
    out: list[str] = []
    prev: Line | None = None
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


def _centred(ln: Line, left: float, right: float) -> bool:
    """Set off from the left margin, and by as much from the right one."""
    return ln.x0 > left + 1 and abs((ln.x0 - left) - (right - ln.x1)) < ln.size
