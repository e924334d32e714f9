"""`plans run` on data/raw: every contract table and column, every offset."""

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.run import run
from tests.conftest import RAW

# The tables and columns of the public output contract (docs/tables.md describes them).
CONTRACT = {
    "documents": ["doc_id", "source_name", "text", "doc_type", "number", "symbol", "issuer", "issuer_level",
                  "locality", "province", "admin_code", "issued_date", "issued_date_text", "title", "signer",
                  "signer_title"],
    "sections": ["doc_id", "section_id", "parent_id", "depth", "label", "path", "heading", "kind", "start_char",
                 "end_char"],
    "citations": ["doc_id", "section_id", "doc_type", "number", "issued_date", "issuer", "title", "cited_key",
                  "is_short_form", "text", "start_char", "end_char"],
    "agencies": ["doc_id", "section_id", "text", "start_char", "end_char", "canonical_name", "agency_type", "level"],
    "duties": ["doc_id", "section_id", "duty_id", "agency", "agency_type", "role", "requested", "text",
               "start_char", "end_char", "deadline"],
    "dates": ["doc_id", "section_id", "text", "start_char", "end_char", "kind", "value", "granularity"],
    "targets": ["doc_id", "section_id", "text", "start_char", "end_char", "value", "unit", "target_year", "subject"],
}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("e2e") / "plans.duckdb"
    result = CliRunner().invoke(main, ["run", str(RAW), "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "5 stored, 0 unchanged, 0 failed" in result.output
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


@pytest.mark.parametrize("table", sorted(CONTRACT))
def test_contract_columns_exist(db, table):
    columns = {r[0] for r in db.execute(f"DESCRIBE {table}").fetchall()}
    assert set(CONTRACT[table]) <= columns


def _tables_with(db, column):
    return {t for (t,) in db.execute(
        "SELECT table_name FROM information_schema.columns WHERE column_name = ?", [column]).fetchall()}


def test_every_text_column_has_its_offsets(db):
    """A table with `text` carries the span it was cut from; `documents` is that text."""
    assert _tables_with(db, "text") - {"documents"} <= _tables_with(db, "start_char") & _tables_with(db, "end_char")


def test_every_row_points_at_its_words(db):
    """The offsets invariant of the contract, on every table that has `text`."""
    tables = sorted(_tables_with(db, "text") - {"documents"})
    assert {"citations", "agencies", "duties", "dates", "targets", "recipients", "footnotes"} <= set(tables)
    for table in tables:
        checked, bad = db.execute(f"""SELECT count(*), count(*) FILTER (
                WHERE substr(d.text, r.start_char + 1, r.end_char - r.start_char) IS DISTINCT FROM r.text)
            FROM {table} r JOIN documents d USING (doc_id) WHERE r.start_char IS NOT NULL""").fetchone()
        assert bad == 0, f"{table}: {bad} of {checked} rows"


def test_heading_line_is_where_its_section_starts(db):
    """A section spans its whole content; the line that heads it is [start_char, heading_end)."""
    checked, bad = db.execute("""SELECT count(*), count(*) FILTER (
            WHERE substr(d.text, s.start_char + 1, s.heading_end - s.start_char) IS DISTINCT FROM s.heading_line)
        FROM sections s JOIN documents d USING (doc_id)""").fetchone()
    assert checked and bad == 0


def test_every_row_belongs_to_a_stored_document(db):
    for table in CONTRACT:
        orphans = db.execute(
            f"SELECT count(*) FROM {table} WHERE doc_id NOT IN (SELECT doc_id FROM documents)").fetchall()[0][0]
        assert orphans == 0, table


def test_rerun_is_idempotent(tmp_path):
    db = tmp_path / "plans.duckdb"
    runner = CliRunner()
    runner.invoke(main, ["run", str(RAW), "--db", str(db)])
    counts = _counts(db)
    again = runner.invoke(main, ["run", str(RAW), "--db", str(db), "--force"])
    assert again.exit_code == 0
    assert _counts(db) == counts


def test_changed_file_replaces_its_rows(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    source = next(RAW.glob("003_*.txt"))
    target = folder / source.name
    target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    db = tmp_path / "plans.duckdb"
    runner = CliRunner()
    runner.invoke(main, ["run", str(folder), "--db", str(db)])
    target.write_text(source.read_text(encoding="utf-8").replace("III. TỔ CHỨC THỰC HIỆN", "IV. TỔ CHỨC THỰC HIỆN"),
                      encoding="utf-8")
    result = runner.invoke(main, ["run", str(folder), "--db", str(db)])
    assert "1 stored, 0 unchanged" in result.output
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM documents").fetchall() == [(1,)]
    assert con.execute("SELECT count(*) FROM sections WHERE path = 'IV'").fetchall() == [(1,)]
    assert con.execute("SELECT count(*) FROM sections WHERE path = 'III'").fetchall() == [(0,)]


def test_unchanged_files_are_skipped(tmp_path):
    db = tmp_path / "plans.duckdb"
    runner = CliRunner()
    runner.invoke(main, ["run", str(RAW), "--db", str(db)])
    result = runner.invoke(main, ["run", str(RAW), "--db", str(db)])
    assert "0 stored, 5 unchanged, 0 failed" in result.output


def _counts(db_path):
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in CONTRACT}
    finally:
        con.close()


def test_workers_store_what_one_process_stores(tmp_path):
    # More files than documents in flight, so the window of workers refills.
    files = sorted(RAW.glob("*.txt")) + sorted((RAW.parent / "holdout").iterdir())
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    run(files, one, workers=1)
    result = run(files, two, workers=2, batch_size=4)
    assert (len(result.stored), len(result.failed)) == (len(files), 0)
    assert _rows(two) == _rows(one)


def _rows(db_path):
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return {t: sorted(map(str, con.execute(f"SELECT * FROM {t}").fetchall())) for t in CONTRACT}
    finally:
        con.close()
