"""`plans export` and `plans query` on the real db built from data/raw."""

from __future__ import annotations

import csv
import datetime as dt
import json

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.export import render_csv, render_table

SOURCES = [
    "000_62f78ab9b2ca411b.txt",
    "001_fe5e1bcee5aa1e50.txt",
    "002_0465d1eee385f037.txt",
    "003_25f2686c20bc1894.txt",
    "004_dfb0cfd4cd0e3ba5.txt",
]
CONTRACT_TABLES = {"documents", "sections", "citations", "agencies", "duties", "dates", "targets"}


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def db_counts(db) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_export_writes_every_table_with_all_its_rows(corpus_db, tmp_path, fmt):
    result = invoke("export", "--format", fmt, str(tmp_path), "--db", str(corpus_db))
    assert result.exit_code == 0, result.output
    counts = db_counts(corpus_db)
    assert CONTRACT_TABLES <= set(counts)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{t}.{fmt}" for t in counts)
    reader = {"parquet": "read_parquet", "csv": "read_csv", "jsonl": "read_json"}[fmt]
    with duckdb.connect() as con:
        for table, rows in counts.items():
            path = tmp_path / f"{table}.{fmt}"
            if rows:  # an empty table gives a file with no rows to infer types from
                assert con.execute(f"SELECT count(*) FROM {reader}('{path}')").fetchone()[0] == rows, table
            assert f"{table}: {rows} rows -> {path}" in result.output
    assert counts["documents"] == 5
    assert counts["sections"] == 142


def test_parquet_keeps_types_and_the_vietnamese_text_exactly(corpus_db, tmp_path):
    invoke("export", "--format", "parquet", str(tmp_path), "--db", str(corpus_db))
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{corpus_db}' AS db (READ_ONLY)")
        differing = con.execute(
            f"SELECT count(*) FROM read_parquet('{tmp_path}/documents.parquet') p "
            "JOIN db.documents d USING (doc_id) WHERE p.text IS DISTINCT FROM d.text"
        ).fetchone()[0]
        row = con.execute(
            f"SELECT number, issuer, issued_date FROM read_parquet('{tmp_path}/documents.parquet') "
            "WHERE source_name = '003_25f2686c20bc1894.txt'"
        ).fetchone()
    assert differing == 0
    assert row == ("4290/KH-UBND", "Ủy ban nhân dân tỉnh Lai Châu", dt.date(2026, 5, 29))


def test_csv_export_is_readable_by_the_csv_module(corpus_db, tmp_path):
    invoke("export", "--format", "csv", str(tmp_path), "--db", str(corpus_db))
    with open(tmp_path / "documents.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["source_name"] for r in rows) == SOURCES
    lai_chau = next(r for r in rows if r["source_name"] == SOURCES[3])
    assert (lai_chau["number"], lai_chau["issued_date"], lai_chau["issuer_level"]) == (
        "4290/KH-UBND", "2026-05-29", "tinh")


def test_jsonl_export_is_one_object_per_line(corpus_db, tmp_path):
    invoke("export", "--format", "jsonl", str(tmp_path), "--db", str(corpus_db))
    lines = (tmp_path / "sections.jsonl").read_text(encoding="utf-8").splitlines()
    sections = [json.loads(line) for line in lines]
    assert len(sections) == 142
    doc_id = next(json.loads(line)["doc_id"] for line in (tmp_path / "documents.jsonl").open(encoding="utf-8")
                  if json.loads(line)["source_name"] == SOURCES[3])
    by_path = {s["path"]: s for s in sections if s["doc_id"] == doc_id}
    assert (by_path["II.1"]["heading"], by_path["II.1"]["parent_id"]) == ("Nhiệm vụ chung", f"{doc_id}/II")


QUERY = "SELECT source_name, number, issuer_level FROM documents ORDER BY source_name"


def test_query_prints_a_table(corpus_db):
    result = invoke("query", QUERY, "--db", str(corpus_db))
    assert result.exit_code == 0
    assert result.output == (
        "source_name              | number       | issuer_level\n"
        "-------------------------+--------------+-------------\n"
        "000_62f78ab9b2ca411b.txt | NULL         | phuong\n"
        "001_fe5e1bcee5aa1e50.txt | NULL         | xa\n"
        "002_0465d1eee385f037.txt | NULL         | thanh_pho\n"
        "003_25f2686c20bc1894.txt | 4290/KH-UBND | tinh\n"
        "004_dfb0cfd4cd0e3ba5.txt | NULL         | phuong\n"
        "(5 rows)\n"
    )


def test_query_csv(corpus_db):
    result = invoke("query", QUERY, "--db", str(corpus_db), "--csv")
    assert result.output == (
        "source_name,number,issuer_level\n"
        "000_62f78ab9b2ca411b.txt,,phuong\n"
        "001_fe5e1bcee5aa1e50.txt,,xa\n"
        "002_0465d1eee385f037.txt,,thanh_pho\n"
        "003_25f2686c20bc1894.txt,4290/KH-UBND,tinh\n"
        "004_dfb0cfd4cd0e3ba5.txt,,phuong\n"
    )


def test_query_aggregates_right_align_numbers(corpus_db):
    sql = ("SELECT d.issuer_level, count(*) AS sections FROM sections s JOIN documents d USING (doc_id) "
           "GROUP BY 1 ORDER BY 1")
    assert invoke("query", sql, "--db", str(corpus_db)).output == (
        "issuer_level | sections\n"
        "-------------+---------\n"
        "phuong       |       58\n"
        "thanh_pho    |       31\n"
        "tinh         |       18\n"
        "xa           |       35\n"
        "(4 rows)\n"
    )


@pytest.mark.parametrize("sql, message", [
    ("DELETE FROM documents", "only SELECT queries are run; this is a DELETE statement"),
    ("SELECT nonexistent FROM documents", "nonexistent"),
])
def test_query_refuses_writes_and_reports_bad_sql(corpus_db, sql, message):
    result = invoke("query", sql, "--db", str(corpus_db))
    assert result.exit_code == 1
    assert message in result.output
    assert db_counts(corpus_db)["documents"] == 5


@pytest.mark.parametrize("value, shown", [
    (None, "NULL"),
    (dt.date(2026, 6, 30), "2026-06-30"),
    (0.5, "0.5"),
    (100.0, "100"),
    (["ma_tuy", "tuyen_truyen"], "[ma_tuy, tuyen_truyen]"),
    ("Công an xã\nchủ trì", "Công an xã chủ trì"),
])
def test_cells_are_shown_on_one_line(value, shown):
    assert render_table(["x"], [(value,)]).splitlines()[2] == shown


def test_long_text_is_cut_in_the_table_but_whole_in_csv():
    text = "Thực hiện Công văn số 573/TTg-KGVX ngày 25/5/2026 của Thủ tướng Chính phủ về việc triển khai"
    assert render_table(["text"], [(text,)], max_cell=20).splitlines()[2] == "Thực hiện Công văn …"
    assert render_csv(["text"], [(text,)]) == f"text\n{text}\n"
