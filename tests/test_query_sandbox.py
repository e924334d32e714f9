"""`plans query` only reads this database: each attack a user could type
(or paste from somewhere) is refused with a message, and changes nothing."""

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import main


@pytest.fixture
def dbs(tmp_path):
    """The queried db and a second db the attacks aim at."""
    paths = {}
    for name in ("plans", "other"):
        paths[name] = tmp_path / f"{name}.duckdb"
        with duckdb.connect(str(paths[name])) as con:
            con.execute("CREATE TABLE documents AS SELECT 'x' AS doc_id")
    return paths


def _query(db, sql):
    return CliRunner().invoke(main, ["query", sql, "--db", str(db)])


ATTACKS = [
    # (statement, words of the refusal)
    ("ATTACH '{other}' AS o (READ_WRITE)", "ATTACH statement"),
    ("DELETE FROM documents", "DELETE statement"),
    ("COPY documents TO '{out}'", "COPY statement"),
    ("COPY (SELECT 1) TO '{out}'", "COPY statement"),
    ("EXPORT DATABASE '{tmp}/exported'", "EXPORT statement"),
    ("INSTALL httpfs", "LOAD statement"),
    ("LOAD httpfs", "LOAD statement"),
    ("SET enable_external_access = true", "SET statement"),
    ("SELECT 1; DELETE FROM documents", "exactly one SQL statement (2 given)"),
    ("SELECT * FROM read_csv('/etc/passwd')", "file system operations are disabled"),
    ("SELECT * FROM read_text('{other}')", "file system operations are disabled"),
    ("SELECT * FROM '{other}'", "file system operations are disabled"),
    ("WITH t AS (SELECT 1) SELECT * FROM read_parquet('{out}')", "file system operations are disabled"),
]


@pytest.mark.parametrize("sql, refusal", ATTACKS)
def test_every_write_or_file_access_is_refused(dbs, tmp_path, sql, refusal):
    out = tmp_path / "written.csv"
    result = _query(dbs["plans"], sql.format(other=dbs["other"], out=out, tmp=tmp_path))
    assert result.exit_code == 1
    assert refusal in result.output
    assert not out.exists() and not (tmp_path / "exported").exists()
    for db in dbs.values():
        with duckdb.connect(str(db), read_only=True) as con:
            assert con.execute("SELECT * FROM documents").fetchall() == [("x",)]


def test_a_select_still_answers(dbs):
    result = _query(dbs["plans"], "SELECT doc_id, 1 + 1 AS two FROM documents")
    assert result.exit_code == 0
    assert result.output.splitlines()[-2].split() == ["x", "|", "2"]
