"""The incremental refresh of `plans diff`'s tables (pipeline/diff.py,
`diff_state`): after every change a run can make to the stored plans
(plans added, a file replaced by an edited text, a document dropped), the
three tables hold exactly what a fresh run over the final files writes,
group ids included; what it redoes is only what changed.

Real plans: data/raw 003 (the province plan Số 4290/KH-UBND) and 000 made
to carry it out (as in test_diff.py), 002 and 004 and the holdout's Huế,
Thanh Hóa and Đà Nẵng plans, which cite 132-KL/TW, 36-CT/TW and 57-NQ/TW
as siblings."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline import citegraph, diff, store
from pipeline.run import PIPELINE_VERSION, process_file, run
from tests.conftest import ROOT, seed_path

CITED_195 = "Kế hoạch số 195/KH-UBND ngày 03/6/2026 của UBND tỉnh Ninh Bình"
CITED_4290 = "Kế hoạch số 4290/KH-UBND ngày 29/5/2026 của UBND tỉnh Lai Châu"
# A bullet of 000, and the same bullet edited as a ward would re-issue it.
BULLET = "- Mở đợt tấn công, trấn áp tội phạm về ma túy trên địa bàn phường Vị Khê từ ngày 01/6/2026 đến 30/6/2026;"
EDITED = "- Mở đợt tấn công, trấn áp tội phạm về ma túy trên địa bàn phường Vị Khê từ ngày 01/7/2026 đến 31/7/2026;"
HOLDOUT = ROOT / "data" / "holdout"


def _texts() -> dict[str, str]:
    ward = seed_path("000").read_text(encoding="utf-8")
    assert CITED_195 in ward and BULLET in ward
    return {
        "province.txt": seed_path("003").read_text(encoding="utf-8"),
        "ward.txt": ward.replace(CITED_195, CITED_4290),
        "ward_edited.txt": ward.replace(CITED_195, CITED_4290).replace(BULLET, EDITED),
        "ward_citing_195.txt": ward,
        "p002.txt": seed_path("002").read_text(encoding="utf-8"),
        "p004.txt": seed_path("004").read_text(encoding="utf-8"),
        "hue.txt": (HOLDOUT / "h08_hue_matuy_bang.txt").read_text(encoding="utf-8"),
        "thanhhoa.txt": (HOLDOUT / "h02_thanhhoa_qd_chuyendoiso.txt").read_text(encoding="utf-8"),
        "danang.txt": (HOLDOUT / "h05_danang_dangUy_khcn.txt").read_text(encoding="utf-8"),
    }


TEXTS = _texts()
QUERIES = {  # every column, sorted: equal lists are equal tables
    "passage_links": "SELECT * FROM passage_links ORDER BY ALL",
    "diff_summary": "SELECT * FROM diff_summary ORDER BY ALL",
    "passage_groups": "SELECT * FROM passage_groups ORDER BY ALL",
}


def _write(folder: Path, files: dict[str, str]) -> None:
    """files: name in the folder -> the key of its text in TEXTS."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(TEXTS[text], encoding="utf-8")


def _tables(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {table: con.execute(sql).fetchall() for table, sql in QUERIES.items()}


def _fresh(tmp_path: Path, files: dict[str, str]) -> dict[str, list[tuple]]:
    folder = tmp_path / "fresh"
    _write(folder, files)
    db = tmp_path / "fresh.duckdb"
    assert not run([folder], db).failed
    return _tables(db)


# (what the second run adds, the first run's files, the second's)
ADDED = [
    ("a child of a stored parent, a sibling of 132-KL/TW",
     {"province.txt": "province.txt", "p002.txt": "p002.txt", "hue.txt": "hue.txt"}, {"ward.txt": "ward.txt"}),
    ("a parent of a stored child",
     {"ward.txt": "ward.txt", "p002.txt": "p002.txt", "p004.txt": "p004.txt"}, {"province.txt": "province.txt"}),
    ("57-NQ/TW newly cited by two plans, 36-CT/TW by a third",
     {"thanhhoa.txt": "thanhhoa.txt", "province.txt": "province.txt", "p004.txt": "p004.txt"},
     {"danang.txt": "danang.txt", "hue.txt": "hue.txt"}),
]


@pytest.mark.parametrize("case, first, second", ADDED, ids=[c for c, _, _ in ADDED])
def test_two_runs_equal_one_run_of_both(tmp_path, case, first, second):
    folder = tmp_path / "plans"
    db = tmp_path / "plans.duckdb"
    _write(folder, first)
    assert not run([folder], db).failed
    _write(folder, second)
    assert not run([folder], db).failed
    after = _tables(db)
    assert after == _fresh(tmp_path, first | second)
    assert after["passage_groups"]  # the cases do group passages


# Runs over one folder, each after these files were (re)written; after each
# the tables equal a fresh run over the folder as it then is.
CHANGES = [
    ("a child replaced by an edited text, then made to cite a parent not stored",
     [{"province.txt": "province.txt", "ward.txt": "ward.txt", "p002.txt": "p002.txt", "hue.txt": "hue.txt"},
      {"ward.txt": "ward_edited.txt"},
      {"ward.txt": "ward_citing_195.txt"}]),
    ("a parent replaced by its child's text: the parent's document is dropped",
     [{"province.txt": "province.txt", "ward.txt": "ward.txt", "p004.txt": "p004.txt"},
      {"province.txt": "ward.txt"}]),
    ("a sibling dropped: its file now holds another plan's text",
     [{"hue.txt": "hue.txt", "province.txt": "province.txt", "p004.txt": "p004.txt", "p002.txt": "p002.txt"},
      {"hue.txt": "p002.txt"}]),
]


@pytest.mark.parametrize("case, steps", CHANGES, ids=[c for c, _ in CHANGES])
def test_replaced_and_dropped_documents(tmp_path, case, steps):
    folder = tmp_path / "plans"
    db = tmp_path / "plans.duckdb"
    files: dict[str, str] = {}
    for step, changed in enumerate(steps):
        _write(folder, changed)
        files |= changed
        assert not run([folder], db).failed
        assert _tables(db) == _fresh(tmp_path / str(step), files), f"after step {step}"


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A run's database over the child, its parent and three siblings of 132-KL/TW."""
    folder = tmp_path_factory.mktemp("stored") / "plans"
    _write(folder, {"province.txt": "province.txt", "ward.txt": "ward.txt", "p002.txt": "p002.txt",
                    "hue.txt": "hue.txt"})
    db = folder.parent / "plans.duckdb"
    assert not run([folder], db).failed
    return db


def _copy(db: Path, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    target = tmp_path / "copy.duckdb"
    shutil.copy(db, target)
    return store.connect(target)


def test_nothing_changed_recomputes_nothing(stored, tmp_path):
    with _copy(stored, tmp_path) as con:
        counts = diff.refresh(con, PIPELINE_VERSION)
    assert counts == {"passage_links": 0, "diff_summary": 0, "passage_groups": 0, "pairs": 0, "keys": 0, "full": 0}
    assert _tables(tmp_path / "copy.duckdb") == _tables(stored)


# (what is done to the stored state, whether the refresh rebuilds all)
STATES = [
    ("another code version", "UPDATE diff_state SET code_version = 'older'", 1),
    ("no state (a database from before it)", "DELETE FROM diff_state", 1),
    ("two code versions", "UPDATE diff_state SET code_version = 'older' WHERE doc_id = "
                          "(SELECT min(doc_id) FROM diff_state)", 1),
    ("one document re-extracted by other rules", "UPDATE diff_state SET pipeline_version = 'older' WHERE doc_id = "
                                                 "(SELECT doc_id FROM documents WHERE source_name = 'hue.txt')", 0),
]


@pytest.mark.parametrize("case, sql, full", STATES, ids=[c for c, _, _ in STATES])
def test_state_decides_what_is_rebuilt(stored, tmp_path, case, sql, full):
    with _copy(stored, tmp_path) as con:
        pairs = con.execute("SELECT count(*) FROM diff_summary").fetchone()[0]
        con.execute(sql)
        counts = diff.refresh(con, PIPELINE_VERSION)
        versions = con.execute("SELECT DISTINCT code_version FROM diff_state").fetchall()
    assert counts["full"] == full
    # A whole rebuild redoes the one parent pair and the four sibling keys;
    # hue.txt re-extracted redoes the two keys it cites, not the pair.
    assert (counts["pairs"], counts["keys"]) == ((pairs, 4) if full else (0, 2))
    assert versions == [(PIPELINE_VERSION,)]
    assert _tables(tmp_path / "copy.duckdb") == _tables(stored)


def test_a_child_added_redoes_its_pair_and_its_keys(stored, tmp_path):
    """What a run adding plan 004 does after storing it, step by step: the
    refresh redoes no pair (004 cites no stored plan) and the keys 004 cites
    among those with 2 to 30 plans."""
    with _copy(stored, tmp_path) as con:
        records = process_file(seed_path("004"), "p004.txt")
        store.write_document(con, records)
        citegraph.refresh(con)
        counts = diff.refresh(con, PIPELINE_VERSION)
        cited = con.execute("SELECT count(DISTINCT cited_key) FROM passage_groups WHERE doc_id = ?",
                            [records.document.doc_id]).fetchone()[0]
    assert (counts["full"], counts["pairs"]) == (0, 0)
    assert counts["keys"] == cited == 3


@pytest.mark.parametrize("force, rebuilt", [(False, False), (True, True)])
def test_force_rebuilds_the_tables_whole(stored, tmp_path, force, rebuilt):
    """A row changed behind the store's back (no plan changed) is redone
    by `plans run --force` only."""
    folder = tmp_path / "plans"
    _write(folder, {"province.txt": "province.txt", "ward.txt": "ward.txt", "p002.txt": "p002.txt",
                    "hue.txt": "hue.txt"})
    db = tmp_path / "plans.duckdb"
    shutil.copy(stored, db)
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE passage_groups SET spread = 'edited'")
    assert not run([folder], db, force=force).failed
    assert (_tables(db) == _tables(stored)) is rebuilt
