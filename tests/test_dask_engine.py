"""`plans run --engine dask` on a local cluster of two worker processes:
the same tables as `plans run` on the same files, graph tables included.

The inputs are data/raw and data/holdout, one of their texts again under
another name (one document, two sources, possibly in two partitions), an
empty file and a binary one. The cluster is real (dask.distributed worker
processes); `--scheduler` is tested against a cluster the test starts, the
way a cluster of several machines is used.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipeline import parquet, store
from pipeline.cli import main
from pipeline.run import run
from tests.conftest import RAW, ROOT

distributed = pytest.importorskip("distributed")

HOLDOUT = ROOT / "data" / "holdout"
# Bad inputs and the problem each is recorded with, as `plans run` records them.
BAD = {"empty.txt": (b"", "empty"), "binary.txt": (b"%PDF\x00\x01\x02" * 200, "binary")}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("engine") / "in"
    shutil.copytree(RAW, folder / "raw")
    shutil.copytree(HOLDOUT, folder / "holdout")
    shutil.copy(next(RAW.glob("003_*.txt")), folder / "holdout" / "same_text_as_003.txt")
    for name, (data, _) in BAD.items():
        (folder / name).write_bytes(data)
    return folder


def _tables(db: Path) -> dict[str, list]:
    """Every table's rows, sorted (order is not part of the output), without
    `seen_at`, the time each error was recorded."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [t for t, in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'")
                  .fetchall()]
        rows = {}
        for table in tables:
            columns = [c for c, in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND column_name <> 'seen_at' "
                "ORDER BY column_index", [table]).fetchall()]
            rows[table] = sorted(map(repr, con.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()))
    return rows


@pytest.fixture(scope="module")
def local_db(inputs, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("local") / "plans.duckdb"
    run([inputs], db)
    return db


@pytest.fixture(scope="module")
def dask_run(inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("dask")
    db, dataset = out / "plans.duckdb", out / "dataset"
    result = CliRunner().invoke(
        main, ["run", str(inputs), "--db", str(db), "--engine", "dask", "--workers", "2", "--parquet", str(dataset),
               "--quiet"])
    return result, db, dataset


def test_dask_run_reports_like_plans_run(dask_run):
    result, _, _ = dask_run
    assert result.exit_code == 1, result.output  # two bad files
    assert "14 stored, 0 unchanged, 2 failed" in result.output
    assert "empty.txt: empty: the file is empty" in result.stderr
    assert "binary.txt: binary: contains NUL bytes" in result.stderr


def test_dask_tables_equal_plans_run(dask_run, local_db):
    _, db, _ = dask_run
    expected, got = _tables(local_db), _tables(db)
    assert {"cited_documents", "citation_findings", "citations", "duties", "ingest_errors"} <= set(got)
    assert len(expected["documents"]) == 13  # 14 files, two of one text
    assert len(expected["sources"]) == 14
    assert expected["cited_documents"] and expected["citation_findings"]
    for table in expected:
        assert got[table] == expected[table], table


def test_bad_files_recorded_once_each(dask_run):
    _, db, _ = dask_run
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT source_name, path, problem FROM ingest_errors ORDER BY path").fetchall()
    assert rows == [("binary.txt", "in/binary.txt", "binary"), ("empty.txt", "in/empty.txt", "empty")]


def test_dataset_columns_are_the_tables_columns(dask_run):
    """Each table of the dataset has exactly its DuckDB table's columns and types."""
    _, db, dataset = dask_run
    globs = parquet.table_globs(dataset)
    with duckdb.connect(str(db), read_only=True) as con:
        for table in parquet.TABLES:
            in_db = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
                                "ORDER BY column_index", [table]).fetchall()
            in_files = [(name, kind) for name, kind, *_ in con.execute(
                f"DESCRIBE SELECT * FROM read_parquet({store.sql_literal(globs[table])})").fetchall()]
            assert in_files == in_db, table
        parts = con.execute(f"SELECT count(DISTINCT filename) FROM read_parquet("
                            f"{store.sql_literal(globs['documents'])}, filename = true)").fetchone()[0]
    assert parts > 1  # several partitions were loaded, not one


@pytest.fixture(scope="module")
def scheduler():
    """A cluster the test starts, reached by address like one of several machines."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def test_a_changed_file_replaces_its_document_on_a_cluster(inputs, scheduler, tmp_path):
    """Second run over the same database: a file now holding another plan's
    text drops its old document and names the one it joins; the unchanged
    files are skipped; the tables stay those of `plans run`."""
    from pipeline.engines import dask_engine

    folder = tmp_path / "in"
    shutil.copytree(inputs, folder)
    local_db, dask_db = tmp_path / "local.duckdb", tmp_path / "dask.duckdb"
    run([folder], local_db)
    dask_engine.run([folder], dask_db, scheduler=scheduler)
    changed = next((folder / "holdout").glob("h01_*.txt"))
    changed.write_bytes(next(RAW.glob("000_*.txt")).read_bytes())
    run([folder], local_db)
    result = dask_engine.run([folder], dask_db, scheduler=scheduler)
    assert result.stored == [changed.name] and len(result.skipped) == 13
    expected = _tables(local_db)
    assert len(expected["documents"]) == 12
    assert _tables(dask_db) == expected


class _KillOn(distributed.WorkerPlugin):
    """Makes every worker process die, as one killed for memory does, when it reads `name`."""

    def __init__(self, name: str):
        self.name = name

    def setup(self, worker):
        import os

        from pipeline import run as running

        read, name = running.process_file, self.name

        def process_file(path, *args, **kwargs):
            if Path(path).name == name:
                os._exit(9)
            return read(path, *args, **kwargs)

        running.process_file = process_file


def test_a_file_that_kills_its_worker_is_recorded_and_the_run_goes_on(tmp_path):
    """The partition is retried file by file; the killer alone is `worker_died`."""
    import dask

    from pipeline.engines import dask_engine

    folder = tmp_path / "in"
    shutil.copytree(RAW, folder)
    shutil.copy(next(RAW.glob("001_*.txt")), folder / "killer.txt")
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        client.register_plugin(_KillOn("killer.txt"))
        result = dask_engine.run([folder], tmp_path / "plans.duckdb", scheduler=cluster.scheduler_address)
    assert sorted(result.stored) == sorted(p.name for p in RAW.glob("*.txt"))
    assert [(e.path, e.problem) for e in result.failed] == [("in/killer.txt", "worker_died")]
    with duckdb.connect(str(tmp_path / "plans.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
        assert con.execute("SELECT path, problem FROM ingest_errors").fetchall() == [("in/killer.txt", "worker_died")]


def test_a_document_over_its_time_budget_is_a_timeout_row_on_a_cluster(tmp_path):
    """dask runs tasks in worker threads; the budget holds there too."""
    from pipeline.engines import dask_engine

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(next(RAW.glob("004_*.txt")), folder / "004.txt")
    result = dask_engine.run([folder], tmp_path / "plans.duckdb", workers=1, timeout=0.01)
    assert [(e.source_name, e.problem) for e in result.failed] == [("004.txt", "timeout")]
    with duckdb.connect(str(tmp_path / "plans.duckdb"), read_only=True) as con:
        assert con.execute("SELECT source_name, problem FROM ingest_errors").fetchall() == [("004.txt", "timeout")]
