"""A document is its text; an input file is its path under the folder given.
Nothing is lost when names clash, nothing alternates between runs."""

import shutil

import duckdb
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import seed_path


def _run(*args):
    result = CliRunner().invoke(main, ["run", "-q", *map(str, args)])
    return result


def _rows(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_two_files_of_one_name_in_two_folders_are_two_documents(tmp_path):
    for folder, seed in (("a", "000"), ("b", "001")):
        (tmp_path / "s" / folder).mkdir(parents=True)
        shutil.copy(seed_path(seed), tmp_path / "s" / folder / "plan.txt")
    db = tmp_path / "plans.duckdb"

    result = _run(tmp_path / "s", "--db", db)

    assert result.exit_code == 0, result.output
    assert "2 stored" in result.output
    assert _rows(db, "SELECT source_path, source_name FROM documents ORDER BY 1") == [
        ("s/a/plan.txt", "plan.txt"), ("s/b/plan.txt", "plan.txt")]
    assert _rows(db, "SELECT count(DISTINCT doc_id) FROM sources") == [(2,)]


def test_one_text_under_two_names_is_one_document_with_two_sources(tmp_path):
    raw, other = tmp_path / "raw", tmp_path / "d"
    raw.mkdir(), other.mkdir()
    shutil.copy(seed_path("003"), raw / "003.txt")
    shutil.copy(seed_path("003"), other / "003_copy.txt")
    db = tmp_path / "plans.duckdb"

    assert _run(raw, other, "--db", db).exit_code == 0
    first = _rows(db, "SELECT doc_id, source_path, source_name FROM documents")
    sources = _rows(db, "SELECT path FROM sources ORDER BY path")
    sections = _rows(db, "SELECT count(*) FROM sections")
    # re-runs, in either order and with --force, keep the same name for it
    for args in ((other, raw), (raw, other, "--force"), (other, raw, "--force")):
        assert _run(*args, "--db", db).exit_code == 0
        assert _rows(db, "SELECT doc_id, source_path, source_name FROM documents") == first
        assert _rows(db, "SELECT count(*) FROM sections") == sections

    assert first[0][1:] == ("d/003_copy.txt", "003_copy.txt")
    assert sources == [("d/003_copy.txt",), ("raw/003.txt",)]


def test_a_changed_file_drops_its_old_text_unless_another_file_holds_it(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    text = seed_path("003").read_text(encoding="utf-8")
    (raw / "a.txt").write_text(text, encoding="utf-8")
    (raw / "b.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "plans.duckdb"
    assert _run(raw, "--db", db).exit_code == 0

    (raw / "a.txt").write_text(text.replace("2026", "2027"), encoding="utf-8")
    assert _run(raw, "--db", db).exit_code == 0
    assert _rows(db, "SELECT count(*) FROM documents") == [(2,)]  # b.txt still holds the old text

    (raw / "b.txt").write_text(text.replace("2026", "2028"), encoding="utf-8")
    assert _run(raw, "--db", db).exit_code == 0
    assert _rows(db, "SELECT count(*) FROM documents") == [(2,)]
    assert _rows(db, "SELECT count(*) FROM documents WHERE doc_id NOT IN (SELECT doc_id FROM sources)") == [(0,)]
    assert _rows(db, "SELECT count(*) FROM sections WHERE doc_id NOT IN (SELECT doc_id FROM documents)") == [(0,)]


def test_a_failing_file_is_one_error_row_however_often_it_is_run(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "empty.txt").write_bytes(b"")
    db = tmp_path / "plans.duckdb"
    for _ in range(3):
        assert _run(raw, "--db", db).exit_code == 1
    assert _rows(db, "SELECT path, problem FROM ingest_errors") == [("raw/empty.txt", "empty")]

    shutil.copy(seed_path("003"), raw / "empty.txt")  # fixed: its error goes
    assert _run(raw, "--db", db).exit_code == 0
    assert _rows(db, "SELECT count(*) FROM ingest_errors") == [(0,)]


def test_a_db_that_is_not_duckdb_is_named_in_a_clear_error(tmp_path):
    bad = tmp_path / "notes.duckdb"
    bad.write_text("not a database", encoding="utf-8")
    result = CliRunner().invoke(main, ["query", "SELECT 1", "--db", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: cannot open as a DuckDB database" in result.output
    assert "Traceback" not in result.output
