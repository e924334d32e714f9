"""Scans -> words with the Tesseract command line and its Vietnamese data.

Pages are rasterized with `pdftoppm` (poppler-utils) and read with
`tesseract -l vie` in TSV mode, which gives every word with its box; the
boxes go through the same layout logic as a PDF text layer (header
columns, running heads, paragraphs). Documents read this way are stored
with method `ocr`, quality `low`.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from PIL import Image

from pipeline.readers import limits
from pipeline.readers.common import IngestFailure
from pipeline.readers.common import require_tools, run_tool
from pipeline.readers.layout import paragraphs, words_to_lines

PACKAGES = "tesseract-ocr tesseract-ocr-vie poppler-utils"
RESOLUTION = 300  # dpi: Tesseract reads 12-14 pt body text reliably from here
# One thread per Tesseract process: its own threading is slower than running pages side by side.
_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


@cache
def _languages() -> frozenset[str]:
    done = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=60, check=False)
    return frozenset(done.stdout.split()[1:] if done.returncode == 0 else ())


def _require_ocr(path: Path | str, tools: list[str]) -> None:
    require_tools(path, tools, PACKAGES)
    if "vie" not in _languages():
        raise IngestFailure(path, "missing_tool", "Tesseract has no Vietnamese data; run "
                            "`apt-get install tesseract-ocr-vie` and retry")


def image_words(path: Path | str, image: Path, dpi: int) -> list[dict]:
    """Words Tesseract reads on one image, with boxes in points (1/72 inch)."""
    tsv = run_tool(path, ["tesseract", str(image), "stdout", "-l", "vie", "tsv"], "ocr_failed", env=_ENV)
    scale = 72 / dpi
    words = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") == "5" and text:
            left, top, width, height = (int(row[k]) * scale for k in ("left", "top", "width", "height"))
            words.append({"text": text, "x0": left, "x1": left + width, "top": top, "bottom": top + height,
                          "size": height})
    return words


def ocr_pdf_pages(data: bytes, path: Path | str, pages: list[int]) -> dict[int, list[dict]]:
    """Words of the given 1-based pages of a PDF, read in parallel, one process per core."""
    _require_ocr(path, ["pdftoppm", "tesseract"])
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "scan.pdf"
        pdf.write_bytes(data)

        def page_words(n: int) -> list[dict]:
            image = Path(tmp) / f"page{n}"
            run_tool(path, ["pdftoppm", "-r", str(RESOLUTION), "-gray", "-png", "-singlefile",
                            "-f", str(n), "-l", str(n), str(pdf), str(image)], "unreadable")
            return image_words(path, image.with_suffix(".png"), RESOLUTION)

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            return dict(zip(pages, pool.map(page_words, pages)))


def check_pixels(path: Path | str, width: int, height: int, what: str) -> None:
    """Refuse an image Tesseract would hold in memory beyond `limits.MAX_PIXELS`."""
    if width * height > limits.MAX_PIXELS:
        raise IngestFailure(path, "too_large", f"{what} is {width} x {height} pixels "
                            f"({width * height / 1e6:.0f} million); images of more than "
                            f"{limits.MAX_PIXELS / 1e6:.0f} million pixels are refused")


def _image_size(data: bytes, path: Path) -> tuple[int, int]:
    """Width and height from the image's header, without decoding its pixels."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise IngestFailure(path, "unreadable", f"not a readable image: {exc}") from None


def read_image(data: bytes, path: Path) -> tuple[str, str]:
    """A scanned page saved as an image (.png, .jpg, .tif); its resolution is taken as 300 dpi."""
    check_pixels(path, *_image_size(data, path), "the image")
    _require_ocr(path, ["tesseract"])
    with tempfile.TemporaryDirectory() as tmp:
        image = Path(tmp) / f"scan{path.suffix.lower()}"
        image.write_bytes(data)
        return paragraphs(words_to_lines(image_words(path, image, RESOLUTION), 1)) + "\n", "ocr"
