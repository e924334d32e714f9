"""Inputs that would unpack beyond the limits of pipeline/readers/limits.py
are refused from what they declare, before anything is unpacked: quickly,
with little memory, one clear `ingest_errors` row naming the file and the
problem (issue 17, finding 3)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time

import duckdb
import pytest
from fpdf import FPDF
from PIL import Image

from pipeline.ingest import IngestFailure, read_document
from pipeline.readers import limits
from pipeline.run import run
from tests.conftest import ROOT, seed_path
from tests.fixtures.long_inputs import docx_of, repeated_paragraph, varied_paragraphs

@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    """The issue's file: a .docx of about 600 KB that unpacks to 200 MB of one paragraph."""
    path = tmp_path_factory.mktemp("bomb") / "ke-hoach.docx"
    path.write_bytes(docx_of(repeated_paragraph, 200 * limits.MB))
    return path


def test_a_docx_bomb_is_refused_quickly(bomb):
    assert bomb.stat().st_size < 1 * limits.MB
    start = time.perf_counter()
    with pytest.raises(IngestFailure) as info:
        read_document(bomb)
    assert time.perf_counter() - start < 2  # the zip directory is read, not the 200 MB
    assert info.value.problem == "zip_bomb"
    assert str(info.value).startswith(f"{bomb}: zip_bomb: its part word/document.xml unpacks to 200 MB from ")
    assert "parts packed beyond 100 to 1 are refused" in str(info.value)


def test_refusing_a_docx_bomb_takes_little_memory(bomb):
    # In a process of its own: the peak RSS of reading the bomb, imports included. VmHWM, not
    # ru_maxrss: Linux carries the high-water mark of the forking test process across exec.
    child = ("import json, sys; from pathlib import Path; from pipeline.ingest import read_document\n"
             "try:\n    read_document(Path(sys.argv[1]))\nexcept Exception as exc:\n    problem = exc.problem\n"
             "peak = next(line for line in open('/proc/self/status') if line.startswith('VmHWM:'))\n"
             "print(json.dumps([problem, int(peak.split()[1]) // 1024]))")
    done = subprocess.run([sys.executable, "-c", child, str(bomb)], capture_output=True, text=True, cwd=ROOT,
                          check=True, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    problem, peak_mb = json.loads(done.stdout)
    assert problem == "zip_bomb" and peak_mb < 300  # imports take about 130 MB; it peaked at 2.7 GB before


def test_a_docx_whose_xml_is_over_the_limit_is_refused(tmp_path):
    path = tmp_path / "dai.docx"
    path.write_bytes(docx_of(varied_paragraphs, limits.MAX_DOCX_XML + 1 * limits.MB))
    with pytest.raises(IngestFailure) as info:
        read_document(path)
    assert info.value.problem == "too_large"
    assert str(info.value) == (f"{path}: too_large: its text and layout (XML) unpack to 25.8 MB; "
                               "the limit for a .docx is 24 MB")


def test_the_bomb_is_an_ingest_error_row_and_the_run_goes_on(tmp_path, bomb):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / bomb.name).write_bytes(bomb.read_bytes())
    (folder / "003.txt").write_bytes(seed_path("003").read_bytes())
    result = run([folder], tmp_path / "b.duckdb")
    assert result.stored == ["003.txt"]
    with duckdb.connect(str(tmp_path / "b.duckdb"), read_only=True) as con:
        assert con.execute("SELECT source_name, problem FROM ingest_errors").fetchall() == [
            ("ke-hoach.docx", "zip_bomb")]


def _pdf(pages: int, size_mm: tuple[float, float] = (210, 297), image: bool = False) -> bytes:
    pdf = FPDF(format=size_mm)
    pdf.set_font("helvetica", size=12)
    for n in range(pages):
        pdf.add_page()
        if image:  # a scan: an image and no text layer
            picture = io.BytesIO()
            Image.new("L", (40, 40), 200).save(picture, "PNG")
            pdf.image(picture, x=10, y=10, w=50)
        else:
            pdf.cell(text=f"Trang {n + 1}")
    return bytes(pdf.output())


def test_a_pdf_with_too_many_pages_is_refused(tmp_path):
    path = tmp_path / "nhieu-trang.pdf"
    path.write_bytes(_pdf(limits.MAX_PDF_PAGES + 1))
    with pytest.raises(IngestFailure) as info:
        read_document(path)
    assert str(info.value) == f"{path}: too_large: 501 pages; PDFs of more than 500 pages are refused"


def test_a_scanned_page_too_large_to_rasterize_is_refused(tmp_path):
    # A 2 m x 2 m page: 23,622 pixels a side at 300 dpi, 558 million pixels.
    path = tmp_path / "poster.pdf"
    path.write_bytes(_pdf(1, (2000, 2000), image=True))
    with pytest.raises(IngestFailure) as info:
        read_document(path)
    assert str(info.value) == (f"{path}: too_large: page 1 at 300 dpi is 23622 x 23622 pixels (558 million); "
                               "images of more than 40 million pixels are refused")


def test_an_image_with_too_many_pixels_is_refused_before_ocr(tmp_path):
    path = tmp_path / "scan.png"
    Image.new("1", (8000, 6000), 1).save(path)  # 48 million pixels in a few KB
    with pytest.raises(IngestFailure) as info:
        read_document(path)
    assert str(info.value) == (f"{path}: too_large: the image is 8000 x 6000 pixels (48 million); "
                               "images of more than 40 million pixels are refused")
