"""Word, PDF and scanned copies of a plan give the records its .txt gives.

Fixtures are built at test time from the sample texts (tests/fixtures):
the .docx holds headings and bullets as Word lists (labels not in the
text), the header block as a two-column table and footnotes as footnotes;
the .pdf is justified 13 pt text with page numbers and a running footer;
the scan is that PDF rasterized into images.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.ingest import IngestFailure, read_document
from core.normalize import clean_text
from pipeline.run import process_file
from tests.conftest import RAW, seed_path
from tests.fixtures.appendix import APPENDIX_2
from tests.fixtures.printed import build_pdf, build_scan, font_path
from tests.fixtures.word import build_docx

SEEDS = sorted(p.name[:3] for p in RAW.glob("*.txt"))
needs_font = pytest.mark.skipif(font_path() is None, reason="no DejaVuSans.ttf (apt-get install fonts-dejavu-core)")
OCR_TOOLS = ["tesseract", "pdftoppm"]
needs_ocr = pytest.mark.skipif(any(shutil.which(t) is None for t in OCR_TOOLS),
                               reason="tesseract/pdftoppm not installed (apt-get install tesseract-ocr "
                                      "tesseract-ocr-vie poppler-utils)")


def record_keys(records) -> dict[str, set]:
    """What must agree between formats, free of offsets and ids."""
    paths = {s.section_id: s.path for s in records.sections}
    meta = records.document
    return {
        "header": {(f, str(getattr(meta, f))) for f in ("doc_type", "number", "symbol", "issuer", "issuer_level",
                                                       "locality", "province", "issued_date", "title",
                                                       "signer", "signer_title")},
        "sections": {(s.path, " ".join(s.heading.split())) for s in records.sections},
        "citations": {(c.cited_key, c.number, c.issued_date) for c in records.citations},
        "duties": {(d.agency, d.role, paths.get(d.section_id), d.deadline) for d in records.duties},
    }


def stored_text(prefix: str) -> str:
    """The seed as the pipeline stores it (a Word or PDF copy holds this text, not the raw line breaks)."""
    return clean_text(seed_path(prefix).read_text(encoding="utf-8"))[0]


@pytest.fixture(scope="module")
def reference():
    return {prefix: record_keys(process_file(seed_path(prefix))) for prefix in SEEDS}


def _agreement(reference: dict, got: dict) -> dict[str, str]:
    return {table: f"{len(reference[table] & got[table])}/{len(reference[table])}" for table in reference}


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("prefix", SEEDS)
def test_docx_gives_the_records_of_the_txt(tmp_path, reference, prefix):
    records = process_file(_write(tmp_path, f"{prefix}.docx", build_docx(stored_text(prefix))))
    assert records.document.extraction_method == "docx"
    got = record_keys(records)
    assert got == reference[prefix], _agreement(reference[prefix], got)


@needs_font
@pytest.mark.parametrize("prefix", SEEDS)
def test_pdf_gives_the_records_of_the_txt(tmp_path, reference, prefix):
    records = process_file(_write(tmp_path, f"{prefix}.pdf", build_pdf(stored_text(prefix))))
    assert (records.document.extraction_method, records.document.quality) == ("pdf", "ok")
    got = record_keys(records)
    assert got == reference[prefix], _agreement(reference[prefix], got)


@needs_font
@needs_ocr
def test_scanned_pdf_is_read_by_ocr_with_the_records_of_the_txt(tmp_path, reference):
    scan = build_scan(build_pdf(stored_text("003")))
    records = process_file(_write(tmp_path, "003-scan.pdf", scan))
    assert (records.document.extraction_method, records.document.quality) == ("ocr", "low")
    got = record_keys(records)
    assert got == reference["003"], _agreement(reference["003"], got)


@needs_font
@needs_ocr
def test_scanned_page_image_is_read_by_ocr(tmp_path):
    pdf = _write(tmp_path, "003.pdf", build_pdf(stored_text("003")))
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", "-f", "1", "-l", "1",
                    str(pdf), str(tmp_path / "page1")], check=True)
    records = process_file(tmp_path / "page1.png")
    assert (records.document.extraction_method, records.document.quality) == ("ocr", "low")
    assert (records.document.number, records.document.issued_date) == ("4290/KH-UBND", dt.date(2026, 5, 29))
    assert [s.path for s in records.sections][:4] == ["I", "I.1", "I.2", "I.3"]


DOCX_TEXT_CASES = [
    # (what the .docx shows, a line its text must contain)
    ("Word list labels of three levels", "I. MỤC ĐÍCH, YÊU CẦU"),
    ("a decimal label under a roman one", "\n1. Phát huy vai trò lãnh đạo của cấp ủy, chính quyền các cấp;"),
    ("a decimal heading typed by hand", "\n1.1. Tăng cường sự lãnh đạo, chỉ đạo và tổ chức thực hiện công tác"),
    ("a bullet list item", "\n- Văn phòng Chính phủ (b/c);"),
    ("header block columns kept apart", "| Số: 4290 /KH-UBND | Lai Châu, ngày 29 tháng 5 năm 2026 |"),
    ("a centred two-line title", "KẾ HOẠCH\nTriển khai Tháng hành động phòng, chống ma túy (tháng 6)"),
    ("a footnote marker in the body", "Các xã, phường trọng điểm phức tạp về ma túy loại I, II¹ phấn đấu"),
    ("the footnote text at the end", "\n¹ 14 xã là địa bàn trọng điểm loại I: Mường Kim"),
]


@pytest.fixture(scope="module")
def docx_003_text(tmp_path_factory):
    path = tmp_path_factory.mktemp("docx") / "003.docx"
    path.write_bytes(build_docx(stored_text("003")))
    return read_document(path).text


@pytest.mark.parametrize("what, expected", DOCX_TEXT_CASES)
def test_docx_text_layout(docx_003_text, what, expected):
    assert expected in docx_003_text, what


LABELS = re.compile(r"(?m)^(?:[IVX]+\.|\d+\.|[a-zđ]\)) ")


@pytest.mark.parametrize("prefix", SEEDS)
def test_docx_list_labels_are_the_labels_of_the_txt(tmp_path, prefix):
    """Word computes list labels from counters that restart under each parent;
    the labels read back are the ones the plan shows."""
    text = stored_text(prefix)
    got = read_document(_write(tmp_path, f"{prefix}.docx", build_docx(text))).text
    assert LABELS.findall(got) == LABELS.findall(text)


@needs_font
def test_pdf_drops_page_numbers_and_running_footer(tmp_path):
    text = stored_text("002")
    pdf = build_pdf(text)
    got = read_document(_write(tmp_path, "002.pdf", pdf)).text
    footer = "Triển khai Tháng hành động phòng, chống ma túy năm 2026"
    assert got.count(footer) == text.count(footer)  # only where the plan itself says it
    assert not [ln for ln in got.splitlines() if ln.strip().isdigit()]


@needs_font
def test_pdf_table_rows_become_task_duties(tmp_path):
    pdf = build_pdf(stored_text("003") + APPENDIX_2)
    records = process_file(_write(tmp_path, "003-appendix.pdf", pdf))
    table = [(d.agency, d.role) for d in records.duties if "/table@" in d.duty_id]
    # One duty per row for the lead column; the partner column gives partners (h07 convention).
    assert table[:2] == [("Công an tỉnh Lai Châu", "chu_tri"), ("Sở Văn hóa, Thể thao và Du lịch", "chu_tri")]
    assert len(table) == 4
    leads = {d.duty_id for d in records.duties if "/table@" in d.duty_id}
    assert len([p for p in records.duty_partners if p.duty_id in leads]) == 6


BAD_FILES = [
    # (file name, bytes, problem code, words the message must contain)
    ("plan.docx", b"PK\x03\x04 not really a zip", "unreadable", ".docx"),
    ("plan.pdf", b"%PDF-1.4\n%broken", "unreadable", "PDF"),
    ("plan.doc", b"plain text with a .doc suffix" * 10, "unreadable", "Word 97"),
]


@pytest.mark.parametrize("name, data, problem, words", BAD_FILES)
def test_damaged_files_are_refused_with_a_reason(tmp_path, name, data, problem, words):
    with pytest.raises(IngestFailure) as info:
        read_document(_write(tmp_path, name, data))
    assert info.value.problem == problem and words in str(info.value)


@needs_font
def test_scan_without_tesseract_says_what_to_install(tmp_path, monkeypatch):
    scan = build_scan(build_pdf(stored_text("003")[:600]), dpi=50) if shutil.which("pdftoppm") else None
    if scan is None:
        pytest.skip("pdftoppm is needed to build the scan fixture")
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine where no OCR tool is installed
    with pytest.raises(IngestFailure) as info:
        read_document(_write(tmp_path, "scan.pdf", scan))
    assert info.value.problem == "missing_tool"
    assert "apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils" in str(info.value)


def test_doc_without_antiword_says_what_to_install(tmp_path, monkeypatch):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(IngestFailure) as info:
        read_document(_write(tmp_path, "plan.doc", ole))
    assert info.value.problem == "missing_tool" and "apt-get install antiword" in str(info.value)


@pytest.mark.skipif(shutil.which("antiword") is None, reason="antiword not installed (apt-get install antiword)")
def test_doc_that_antiword_cannot_read_is_refused(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # an OLE2 signature and nothing in it
    with pytest.raises(IngestFailure) as info:
        read_document(_write(tmp_path, "plan.doc", ole))
    assert info.value.problem == "unreadable" and "antiword failed" in str(info.value)
