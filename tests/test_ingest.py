"""Bad input: each gives one clear error naming the file, and the run goes on."""

import codecs

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.ingest import MAX_BYTES, IngestFailure, read_document
from tests.conftest import seed_path

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
