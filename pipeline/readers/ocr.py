"""Scans -> text with the Tesseract command line and its Vietnamese data.

Pages are rasterized with `pdftoppm` (poppler-utils) and read with
`tesseract -l vie`. OCR gives visual lines; they are joined back into
paragraphs by the same repair the pipeline applies to text pulled out of
PDFs. Documents read this way are stored with method `ocr`, quality `low`.
"""

from __future__ import annotations

import subprocess
import tempfile
from functools import cache
from pathlib import Path

from pipeline.ingest import IngestFailure
from pipeline.normalize import repair_pdf_lines
from pipeline.readers.common import require_tools, run_tool

PACKAGES = "tesseract-ocr tesseract-ocr-vie poppler-utils"
RESOLUTION = 300  # dpi: Tesseract reads 12-14 pt body text reliably from here


@cache
def _languages() -> frozenset[str]:
    done = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=60, check=False)
    return frozenset(done.stdout.split()[1:] if done.returncode == 0 else ())


def _require_ocr(path: Path | str, tools: list[str]) -> None:
    require_tools(path, tools, PACKAGES)
    if "vie" not in _languages():
        raise IngestFailure(path, "missing_tool", "Tesseract has no Vietnamese data; run "
                            "`apt-get install tesseract-ocr-vie` and retry")


def _tesseract(path: Path | str, image: Path) -> str:
    raw = run_tool(path, ["tesseract", str(image), "stdout", "-l", "vie"], "ocr_failed")
    return "\n\n".join(repair_pdf_lines(raw.splitlines()))


def ocr_pdf_pages(data: bytes, path: Path | str, pages: list[int]) -> list[str]:
    """Text of the given 1-based pages of a PDF, one string per page."""
    _require_ocr(path, ["pdftoppm", "tesseract"])
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "scan.pdf"
        pdf.write_bytes(data)
        out = []
        for n in pages:
            image = Path(tmp) / f"page{n}"
            run_tool(path, ["pdftoppm", "-r", str(RESOLUTION), "-gray", "-png", "-singlefile",
                            "-f", str(n), "-l", str(n), str(pdf), str(image)], "unreadable")
            out.append(_tesseract(path, image.with_suffix(".png")))
    return out


def read_image(data: bytes, path: Path) -> tuple[str, str]:
    """A scanned page saved as an image (.png, .jpg, .tif)."""
    _require_ocr(path, ["tesseract"])
    with tempfile.TemporaryDirectory() as tmp:
        image = Path(tmp) / f"scan{path.suffix.lower()}"
        image.write_bytes(data)
        return _tesseract(path, image), "ocr"
