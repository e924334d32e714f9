"""Bad input: each gives one clear error naming the file, and the run goes on."""

import codecs

import duckdb
import pytest
from click.testing import CliRunner

from benchmarks.real_corpus import REAL_CORPUS
from pipeline.cli import main
from pipeline.ingest import MAX_BYTES, IngestFailure, read_document
from tests.conftest import ROOT, seed_path

PLAN = seed_path("003").read_text(encoding="utf-8")

GOOD_ENCODINGS = [
    ("utf8.txt", PLAN.encode("utf-8")),
    ("bom.txt", codecs.BOM_UTF8 + PLAN.encode("utf-8")),
    ("utf16.txt", PLAN.encode("utf-16")),  # with BOM
    ("utf16le.txt", PLAN.encode("utf-16-le")),  # without BOM
]


@pytest.mark.parametrize("name, data", GOOD_ENCODINGS)
def test_supported_encodings_give_the_same_text(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    reference = tmp_path / "ref.txt"
    reference.write_bytes(PLAN.encode("utf-8"))
    assert read_document(path).text == read_document(reference).text


BAD_INPUTS = [
    # (file name, bytes, problem code, words the message must contain)
    ("empty.txt", b"", "empty", "empty"),
    ("blank.txt", b"   \n\n  \n", "empty", "no text"),
    ("binary.txt", bytes(range(256)) * 40, "binary", "not a text file"),
    ("latin1.txt", "Kế hoạch số 195".encode("utf-8") + "café crème".encode("latin-1") * 50, "encoding", "UTF-8"),
    ("recipe.txt", ("Preheat the oven to 200 degrees. Mix flour, sugar and eggs, then bake "
                    "for forty minutes until golden. ") .encode() * 20, "not_a_document", "administrative"),
    ("plan.docx.bak", PLAN.encode("utf-8"), "unsupported", "no reader"),
]


@pytest.mark.parametrize("name, data, problem, words", BAD_INPUTS)
def test_bad_input_is_refused_with_a_reason(tmp_path, name, data, problem, words):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(IngestFailure) as info:
        read_document(path)
    assert info.value.problem == problem
    assert str(path) in str(info.value) and words in str(info.value)


def test_huge_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(MAX_BYTES)
    with pytest.raises(IngestFailure) as info:
        read_document(path)
    assert info.value.problem == "too_large"


def test_run_goes_on_records_errors_and_keeps_stored_rows(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a_plan.txt").write_text(PLAN, encoding="utf-8")
    (inputs / "b_empty.txt").write_bytes(b"")
    (inputs / "c_binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    db = tmp_path / "plans.duckdb"
    runner = CliRunner()
    first = runner.invoke(main, ["run", str(inputs), "--db", str(db)])
    assert first.exit_code == 1
    assert f"error: {inputs / 'b_empty.txt'}: empty" in first.output
    assert f"error: {inputs / 'c_binary.txt'}: binary" in first.output
    assert "1 stored, 0 unchanged, 2 failed" in first.output

    # A second run over a now-broken copy of the plan loses nothing already stored.
    (inputs / "a_plan.txt").write_bytes(PLAN.encode("utf-8")[:500] + b"\xc3\x28 broken")
    second = runner.invoke(main, ["run", str(inputs), "--db", str(db)])
    assert second.exit_code == 1
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM documents").fetchall() == [(1,)]
    assert con.execute("SELECT count(*) FROM sections").fetchall()[0][0] == 18
    assert sorted(r[0] for r in con.execute("SELECT DISTINCT problem FROM ingest_errors").fetchall()) == [
        "binary", "empty", "encoding"]


def test_locked_database_gives_a_clear_message(tmp_path):
    import subprocess
    import sys

    db = tmp_path / "plans.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(30)"),
        str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = CliRunner().invoke(main, ["run", str(seed_path("003")), "--db", str(db)])
        assert result.exit_code == 1
        assert "in use by another process" in result.output
        assert "Traceback" not in result.output
    finally:
        holder.kill()


# Listings whose words (plan titles, issuers, numbers) would pass the
# administrative-marker check: refused as `not_a_document`.
SOURCES_TABLE = """# Real Vietnamese administrative documents (full texts)

## Documents

| file | repository | path | commit | issuer | level | doc type | number/date | topic | characters | extraction |
|---|---|---|---|---|---|---|---|---|---|---|
| r001_daklak_kh_khac-phuc-moi-truong-sau-lut-bao.txt | tnt305/tai_lieu_noi_bo | `src/etl/dataset/a49ef8a0da1f62dd.md` | 94c5034 | UBND tỉnh Đắk Lắk | tinh | Kế hoạch | 0130/KH-UBND, 21/11/2025 | Khắc phục môi trường, phòng chống dịch bệnh sau lụt bão | 10241 | M1 |
| r002_hcm_kh_thi-hanh-luat-viec-lam.txt | tnt305/tai_lieu_noi_bo | `src/etl/dataset/2f6f80b9918e52de.md` | 94c5034 | UBND TP Hồ Chí Minh | tinh | Kế hoạch | 172/KH-UBND, 18/11/2025 | Triển khai thi hành Luật Việc làm | 7339 | M1 |
| r004_dongthap_kh_chuyen-doi-so-ha-tang-giao-thong.txt | tnt305/tai_lieu_noi_bo | `src/etl/dataset/689f49d25e51cbaa.md` | 94c5034 | UBND tỉnh Đồng Tháp | tinh | Kế hoạch | 597/KH-UBND, 27/11/2025 | Chuyển đổi số quản lý kết cấu hạ tầng giao thông | 18938 | M1 |
| r005_thanhhoa_kh_quan-trac-moi-truong-thuy-san-2026.txt | tnt305/tai_lieu_noi_bo | `src/etl/dataset/85ff77cbda28ffbb.md` | 94c5034 | UBND tỉnh Thanh Hóa | tinh | Kế hoạch | 235/KH-UBND, 18/11/2025 | Quan trắc, cảnh báo môi trường nuôi trồng thủy sản năm 2026 | 17890 | M1 |
| r006_cantho_kh_truyen-thong-giam-ngheo-2025.txt | tnt305/tai_lieu_noi_bo | `src/etl/dataset/d40513a8b25883ec.md` | 94c5034 | UBND TP Cần Thơ | tinh | Kế hoạch | 159/KH-UBND, 19/11/2025 | Truyền thông giảm nghèo đa chiều 2025 | 11188 | M1 |
"""

README = """# vn-plans: dữ liệu có cấu trúc từ kế hoạch của Ủy ban nhân dân

Công cụ đọc Kế hoạch, Quyết định, Công văn của UBND các xã, phường, tỉnh và ghi vào DuckDB.

```bash
python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/plans run data/raw
```

Xem [hợp đồng dữ liệu](docs/tables.md) và [DDL](schemas/schema.sql), thực hiện theo Công văn số 573/TTg-KGVX.

```sql
SELECT issuer FROM documents;
```
Tài liệu: https://example.org/vn-plans, ngày 25 tháng 5 năm 2026.
"""

# A portal page kept without its document: menu entries, no running text.
NAVIGATION = """Trang chủ
Giới thiệu
Tin tức - Sự kiện
Văn bản chỉ đạo điều hành
Kế hoạch
Quyết định
Công văn
Thông báo
Ủy ban nhân dân tỉnh
Sở Nội vụ
Thủ tục hành chính
Liên hệ
Số: 123/UBND-VP
Đăng nhập | Đăng ký
"""


@pytest.mark.parametrize("name, text, words", [
    ("SOURCES.md", SOURCES_TABLE, "listing: 5 of 9 lines name files"),
    ("README.md", README, "listing: 6 of 10 lines name files, hold links or fence code"),
    ("portal.txt", NAVIGATION, "no body (0 words of running text"),
])
def test_listings_and_pages_without_body_are_not_documents(tmp_path, name, text, words):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IngestFailure) as info:
        read_document(path)
    assert info.value.problem == "not_a_document"
    assert str(info.value).startswith(f"{path}: not_a_document: not a document") and words in str(info.value)




@pytest.mark.parametrize("folder", [ROOT / "data", REAL_CORPUS])
def test_no_real_document_is_refused(folder):
    if not folder.is_dir():
        pytest.skip(f"{folder} is not on this machine")
    paths = [p for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix in (".txt", ".md")
             and p.name != "SOURCES.md" and "out" not in p.relative_to(folder).parts]
    assert len(paths) >= 25
    for path in paths:
        read_document(path)  # raises on a refusal, naming the file


def test_the_real_corpus_source_list_is_refused():
    sources = REAL_CORPUS / "SOURCES.md"
    if not sources.is_file():
        pytest.skip(f"{sources} is not on this machine")
    with pytest.raises(IngestFailure) as info:
        read_document(sources)
    assert info.value.problem == "not_a_document" and "listing" in str(info.value)
