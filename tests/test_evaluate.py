"""The scorer behind `plans eval`, on small hand-made dbs (real DuckDB, real
schema) whose precision and recall are known by hand, and end to end on
the pipeline's output for data/raw against tests/gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.evaluate import (agency_key, below_floors, evaluate, load_floors, name_similarity, norm,
                               number_key, render_text)
from pipeline.store import connect

REPO = Path(__file__).resolve().parent.parent
GOLD_DIR = REPO / "tests" / "gold"
FLOORS = REPO / "eval_floors.toml"
SOURCE = "000_62f78ab9b2ca411b.txt"

HEADER = {
    "doc_type": "Kế hoạch", "number": None, "symbol": "KH-UBND",
    "issuer": "Ủy ban nhân dân phường Vị Khê", "issuer_level": "phuong", "locality": "Vị Khê",
    "province": "Ninh Bình", "issued_date": None,
    "title": "Tổ chức các hoạt động hưởng ứng Tháng hành động phòng, chống ma túy năm 2026",
    "signer": "Trần Xuân Bút", "signer_title": "Chủ tịch",
}


# --- helpers: one gold file and one db with just the rows a test needs -------

def insert(con, table: str, **cols) -> None:
    names = ", ".join(cols)
    con.execute(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(cols))})", list(cols.values()))


@pytest.fixture
def case(tmp_path):
    """(con, score): `score(**gold_parts)` writes the gold file and scores the db."""
    con = connect(tmp_path / "t.duckdb")
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()

    def score(document: dict | None = None, **parts):
        gold = {"source_name": SOURCE, "document": {**HEADER, **(document or {})}, "sections": [],
                "top_headings": {}, "citations": [], "duties": [], "periods": [], "deadlines": [],
                "targets": [], **parts}
        (gold_dir / "000_62f78ab9b2ca411b.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
        return evaluate(con, gold_dir)

    return con, score


def add_document(con, **header) -> None:
    insert(con, "documents", doc_id="d0", source_name=SOURCE, text="...", **{**HEADER, **header})


def lines(report, field: str) -> list[str]:
    return [f.line() for f in report.findings if f.field == field]


def prf(report, field: str) -> tuple:
    t = report.overall[field]
    return t.tp, t.fp, t.fn


def acc(report, field: str) -> tuple:
    t = report.overall[field]
    return t.agree, t.cases


# --- normal forms ---------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("Phòng Văn hóa – Xã hội", "phòng văn hóa-xã hội"),          # en dash, spaces around it
    ("Văn phòng HĐND - UBND xã", "văn phòng hđnd-ubnd xã"),
    ("Luật Phòng, chống ma tuý", "luật phòng, chống ma túy"),    # old tone mark placement
    ("MỤC ĐÍCH,  YÊU CẦU", "mục đích, yêu cầu"),                 # case, blank run
    ("  Chủ tịch. ", "chủ tịch"),                                 # outer blanks and full stop
    ("", None),
    (None, None),
])
def test_norm(value, expected):
    assert norm(value) == expected


@pytest.mark.parametrize("number, expected", [
    ("01- CTTr/TU", "01-cttr/tu"),
    ("10 - NQ/ĐU", "10-nq/đu"),
    ("163/2024/QH15", "163/2024/qh15"),
    ("362/KHPH-CAT-SGDĐT", "362/khph-cat-sgdđt"),
])
def test_number_key(number, expected):
    assert number_key(number) == expected


@pytest.mark.parametrize("name, localities, expected", [
    ("Công an phường Vị Khê", ["Vị Khê"], "công an phường"),
    ("Công an phường", ["Vị Khê"], "công an phường"),
    ("Ban Chỉ huy Bộ đội Biên phòng thành phố Hải Phòng", ["Hải Phòng", None],
     "ban chỉ huy bộ đội biên phòng thành phố"),
    ("Công an tỉnh Lai Châu", ["Vị Khê"], "công an tỉnh lai châu"),  # another place is kept
])
def test_agency_key(name, localities, expected):
    assert agency_key(name, localities) == expected


@pytest.mark.parametrize("gold, candidate, expected", [
    ("Luật Phòng, chống ma túy", "Luật Phòng, chống ma tuý năm 2021", 1.0),
    # 9 shared tokens of 13
    ("Chương trình mục tiêu quốc gia phòng, chống ma túy đến năm 2030",
     "Chương trình MTQG phòng, chống ma túy đến năm 2030 của Chính phủ", 9 / 13),
    ("Luật Ngân sách Nhà nước", "Luật Phòng, chống ma túy", 1 / 5),
    ("Luật Ngân sách Nhà nước", None, 0.0),
])
def test_name_similarity(gold, candidate, expected):
    assert name_similarity(gold, candidate) == pytest.approx(expected)


# --- one field at a time ----------------------------------------------------

def test_header_fields(case):
    con, score = case
    add_document(con, title="Tổ chức các hoạt động hưởng ứng Tháng hành động phòng, chống ma tuý năm 2026",
                 signer="Trần Xuân Bút", signer_title=None, province="Thái Nguyên")
    report = score()
    assert acc(report, "document.number") == (1, 1)          # blank in both agrees
    assert prf(report, "document.number") == (0, 0, 0)
    assert lines(report, "document.number") == []
    assert prf(report, "document.title") == (1, 0, 0)        # tone mark placement ignored
    assert prf(report, "document.signer_title") == (0, 0, 1)
    assert prf(report, "document.province") == (0, 1, 1)
    assert lines(report, "document.province") == ["WRONG document.province 000 gold Ninh Bình, db Thái Nguyên"]
    assert lines(report, "document.signer_title") == ["MISS document.signer_title 000 gold Chủ tịch, db -"]


def test_document_missing_from_db_counts_every_gold_item_missed(case):
    _, score = case
    report = score(sections=["I", "I.1"], deadlines=["2026-07-05"])
    assert prf(report, "sections") == (0, 0, 2)
    assert prf(report, "deadlines") == (0, 0, 1)
    assert "MISS document 000 000_62f78ab9b2ca411b.txt is not in the db" in [f.line() for f in report.findings]


def test_sections_as_multisets_without_lettered_items(case):
    con, score = case
    add_document(con)
    for i, (path, depth, heading) in enumerate([
        ("I", 1, "MỤC ĐÍCH YÊU CẦU"), ("I.1", 2, "x"), ("II", 1, "Nội dung trọng tâm"),
        ("II.1", 2, "x"), ("II.1.a", 3, "x"), ("III", 1, "PHÂN CÔNG"), ("III", 1, "TỔ CHỨC THỰC HIỆN"),
    ]):
        insert(con, "sections", doc_id="d0", section_id=f"s{i}", depth=depth, label=path.split(".")[-1],
               path=path, heading=heading, start_char=i)
    report = score(sections=["I", "I.1", "I.1", "II", "III", "III"],
                   top_headings={"I": "MỤC ĐÍCH, YÊU CẦU", "II": "NỘI DUNG TRỌNG TÂM", "III": "PHÂN CÔNG",
                                 "III#2": "TỔ CHỨC THỰC HIỆN"})
    assert prf(report, "sections") == (5, 1, 1)
    assert lines(report, "sections") == ["MISS sections 000 I.1", "FALSE sections 000 II.1"]
    assert prf(report, "top_headings") == (3, 1, 1)
    assert report.overall["sections"].precision == pytest.approx(5 / 6)


def test_numbered_citations_with_dates_issuers_types(case):
    con, score = case
    add_document(con)
    for i, (number, date, issuer, doc_type) in enumerate([
        ("01- CTTr/TU", "2021-03-15", "Tỉnh ủy", "Chương trình hành động"),
        ("01-CTTr/TU", None, None, None),                     # short form, same document
        ("573/TTg-KGVX", "2026-05-25", "Thủ tướng", "Công văn"),
        ("99/KH-UBND", None, None, "Kế hoạch"),
    ]):
        insert(con, "citations", doc_id="d0", number=number, issued_date=date, issuer=issuer,
               doc_type=doc_type, cited_key=number, text=number, start_char=i, end_char=i + 1)
    report = score(citations=[
        {"doc_type": "Chương trình hành động", "number": "01-CTTr/TU", "issued_date": "2021-03-15",
         "issuer": "Tỉnh ủy"},
        {"doc_type": "Công văn", "number": "573/TTg-KGVX", "issued_date": "2026-05-26",
         "issuer": "Thủ tướng Chính phủ"},
        {"doc_type": "Chỉ thị", "number": "36-CT/TW", "issued_date": "2019-08-16", "issuer": "Bộ Chính trị"},
    ])
    assert prf(report, "citations_numbered") == (2, 1, 1)
    assert lines(report, "citations_numbered") == ["MISS citations_numbered 000 36-CT/TW",
                                                   "FALSE citations_numbered 000 99/KH-UBND"]
    assert acc(report, "citation_dates") == (1, 2)
    assert acc(report, "citation_issuers") == (1, 2)
    assert acc(report, "citation_types") == (2, 2)
    assert lines(report, "citation_dates") == [
        "WRONG citation_dates 000 573/TTg-KGVX: gold 2026-05-26, db 2026-05-25"]


def test_named_citations_one_to_one(case):
    con, score = case
    add_document(con)
    for i, (key, name, text) in enumerate([
        ("luat-pccmt", "Luật Phòng, chống ma tuý năm 2021", "Luật Phòng, chống ma tuý năm 2021"),
        ("luat-pccmt", None, "Luật"),                          # a later mention of the same law
        ("ctmtqg", None, "Chương trình MTQG phòng, chống ma túy đến năm 2030 của Chính phủ"),
        ("de-an", "Đề án xây dựng xã không ma túy", "Đề án xây dựng xã không ma túy"),
    ]):
        insert(con, "citations", doc_id="d0", name=name, cited_key=key, text=text, start_char=i, end_char=i + 1)
    report = score(citations=[
        {"doc_type": "Luật", "number": None, "name": "Luật Phòng, chống ma túy"},
        {"doc_type": "Chương trình", "number": None,
         "name": "Chương trình mục tiêu quốc gia phòng, chống ma túy đến năm 2030"},
        {"doc_type": "Luật", "number": None, "name": "Luật Ngân sách Nhà nước"},
    ])
    assert prf(report, "citations_named") == (2, 1, 1)
    assert lines(report, "citations_named") == ["MISS citations_named 000 Luật Ngân sách Nhà nước",
                                                "FALSE citations_named 000 Đề án xây dựng xã không ma túy"]


def test_duties_per_agency(case):
    con, score = case
    add_document(con)
    rows = ([("Công an phường Vị Khê", "cong_an", False)] * 6 + [("Trạm y tế phường", "y_te", False)] * 3
            + [("Hội Nông dân", "doan_the", False)] * 2 + [("Phòng Tư pháp", "tu_phap", False)]
            + [("Ban Chỉ huy Quân sự phường", "cong_an", False)] + [("Hội Liên hiệp Phụ nữ", "doan_the", False)] * 2)
    for i, (agency, agency_type, requested) in enumerate(rows):
        insert(con, "duties", doc_id="d0", duty_id=f"t{i}", agency=agency, agency_type=agency_type, role="chu_tri",
               requested=requested, text="...", start_char=i, end_char=i + 1)
    # The text wrote `Hội phụ nữ`, which the db resolved to its full name.
    insert(con, "agencies", doc_id="d0", canonical_name="Hội Liên hiệp Phụ nữ", agency_type="doan_the",
           text="Hội phụ nữ", start_char=0, end_char=10)
    report = score(duties=[
        {"agency": "Công an phường", "agency_type": "cong_an", "section": "III.1", "items": 5, "requested": False},
        {"agency": "Trạm y tế phường", "agency_type": "y_te", "section": "III.3", "items": 4, "requested": False},
        {"agency": "Công an phường", "agency_type": "cong_an", "section": "V.2", "items": 1, "requested": False},
        {"agency": "Hội Nông dân", "agency_type": "doan_the", "section": "IV.9", "items": 2, "requested": True},
        {"agency": "Ban Chỉ huy Quân sự phường", "agency_type": "quan_su", "section": "III.2", "items": 1,
         "requested": False},
        {"agency": "Hội phụ nữ", "agency_type": "doan_the", "section": "IV.7", "items": 2, "requested": False},
    ])
    assert prf(report, "duties") == (4, 2, 1)
    assert lines(report, "duties") == [
        "MISS duties 000 Ban Chỉ huy Quân sự phường [quan_su]",
        "FALSE duties 000 Ban Chỉ huy Quân sự phường [cong_an]",
        "FALSE duties 000 Phòng Tư pháp [tu_phap]",
    ]
    assert acc(report, "duty_items") == (3, 4)                # 5 + 1 for Công an; 4 != 3 for Trạm y tế
    assert acc(report, "duty_requested") == (3, 4)
    assert lines(report, "duty_items") == ["WRONG duty_items 000 Trạm y tế phường: gold 4, db 3"]


DATE_ROWS = [  # (kind, value): two mentions of one span, an open-ended span, deadlines
    ("period_start", "2026-06-01"), ("period_end", "2026-06-30"),
    ("deadline", "2026-07-05"),
    ("period_start", "2026-06-01"), ("period_end", "2026-06-30"),
    ("period_end", "2035-12-31"),
    ("deadline", "2026-07-05"), ("deadline", "2026-07-10"), ("recurring", "2026-07-14"),
]


def test_periods_from_start_and_end_rows_and_deadlines(case):
    con, score = case
    add_document(con)
    for i, (kind, value) in enumerate(DATE_ROWS):
        insert(con, "dates", doc_id="d0", kind=kind, value=value, text="...", start_char=i, end_char=i + 1)
    report = score(periods=[{"start": "2026-06-01", "end": "2026-06-30"}], deadlines=["2026-07-03", "2026-07-05"])
    assert prf(report, "periods") == (1, 1, 0)
    assert lines(report, "periods") == ["FALSE periods 000 -..2035-12-31"]
    assert prf(report, "deadlines") == (1, 1, 1)


def test_periods_from_rows_carrying_their_own_end(case):
    con, score = case
    add_document(con)
    for i, (kind, value, end) in enumerate([
        ("period_start", "2026-06-01", "2026-06-30"),
        ("period_start", "2026-06-01", "2026-06-30"),
        ("period_end", "2035-12-31", None),
    ]):
        insert(con, "dates", doc_id="d0", kind=kind, value=value, range_end=end, text="...", start_char=i,
               end_char=i + 1)
    report = score(periods=[{"start": "2026-06-01", "end": "2026-06-30"}, {"start": None, "end": "2035-12-31"}])
    assert prf(report, "periods") == (2, 0, 0)


def test_targets_as_multiset(case):
    con, score = case
    add_document(con)
    for i, (value, unit, year) in enumerate([(100.0, "%", None), (8, "Xã,  phường", 2026), (1, "buổi", None)]):
        insert(con, "targets", doc_id="d0", value=value, unit=unit, target_year=year, text="...", start_char=i,
               end_char=i + 1)
    report = score(targets=[{"value": 100, "unit": "%", "target_year": None},
                            {"value": 100, "unit": "%", "target_year": None},
                            {"value": 8, "unit": "xã, phường", "target_year": 2026}])
    assert prf(report, "targets") == (2, 1, 1)
    assert lines(report, "targets") == ["MISS targets 000 100 % -", "FALSE targets 000 1 buổi -"]


def test_floors(case, tmp_path):
    con, score = case
    add_document(con, signer=None)
    report = score(deadlines=["2026-07-05"])
    floors_file = tmp_path / "floors.toml"
    floors_file.write_text('"document.issuer.accuracy" = 1.0\n"document.signer.recall" = 0.5\n'
                           '"deadlines.f1" = 0.5\n"duties.speed" = 1\n', encoding="utf-8")
    assert below_floors(report, load_floors(floors_file)) == [
        "document.signer.recall: 0.000 < floor 0.500",
        "deadlines.f1: 0.000 < floor 0.500",
        "duties.speed: no such metric",
    ]


# --- the command and the real pipeline ------------------------------------------

@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory):
    """The pipeline's own output for data/raw, written once per test session."""
    from pipeline.run import process_text
    from pipeline.store import write_document

    path = tmp_path_factory.mktemp("eval") / "seeds.duckdb"
    con = connect(path)
    for raw in sorted((REPO / "data" / "raw").glob("*.txt")):
        write_document(con, process_text(raw.read_text(encoding="utf-8"), raw.name))
    con.close()
    return path


def test_seeds_hold_the_floors(seeds_db):
    con = connect(seeds_db, read_only=True)
    report = evaluate(con, GOLD_DIR)
    con.close()
    assert report.documents == ["000", "001", "002", "003", "004"]
    assert below_floors(report, load_floors(FLOORS)) == [], render_text(report)


def test_eval_command(seeds_db, tmp_path):
    from pipeline.cli import main

    runner = CliRunner()
    ok = runner.invoke(main, ["eval", "--gold", str(GOLD_DIR), "--db", str(seeds_db), "--format", "json",
                              "--floors", str(FLOORS)])
    assert ok.exit_code == 0, ok.output
    assert set(json.loads(ok.output)["overall"]) >= {"sections", "duties", "citations_numbered", "targets"}

    strict = tmp_path / "strict.toml"
    strict.write_text('"sections.f1" = 1.01\n', encoding="utf-8")
    failed = runner.invoke(main, ["eval", "--gold", str(GOLD_DIR), "--db", str(seeds_db), "--floors", str(strict)])
    assert failed.exit_code == 1
    assert "sections.f1:" in failed.output and "< floor 1.010" in failed.output
