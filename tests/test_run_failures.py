"""A run survives what one document can do to it: take too long, or kill
the process extracting it. Either costs that document only: one
`ingest_errors` row naming it, every other file stored (issue 17, findings
4 and 6)."""

from __future__ import annotations

import os
import shutil
import signal
import time

import duckdb
import pytest
from click.testing import CliRunner

from pipeline import ingest
from pipeline.cli import main
from pipeline.run import run
from tests.conftest import seed_path


def _errors(db) -> list[tuple[str, str, str]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT source_name, problem, message FROM ingest_errors ORDER BY path").fetchall()


def _stored(db) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT count(*) FROM documents").fetchone()[0]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_document_over_its_time_budget_is_a_timeout_row(tmp_path, workers):
    # 004 is the longest sample plan (1,050 lines): far more than 10 ms of work.
    plans = tmp_path / "in"
    plans.mkdir()
    shutil.copy(seed_path("004"), plans / "004.txt")
    result = run([plans], tmp_path / "t.duckdb", workers=workers, timeout=0.01)
    assert [(e.source_name, e.problem) for e in result.failed] == [("004.txt", "timeout")]
    [(name, problem, message)] = _errors(tmp_path / "t.duckdb")
    assert (name, problem) == ("004.txt", "timeout")
    assert message.startswith(f"{plans / '004.txt'}: timeout: not read and extracted within 0.01 s")
    # The same file within the default budget is stored, and its error row goes.
    assert not run([plans], tmp_path / "t.duckdb", workers=workers).failed
    assert _errors(tmp_path / "t.duckdb") == []


def test_the_budget_holds_in_a_thread_and_ends_with_its_document():
    """Outside a main thread (a dask worker's task) the budget is kept by a
    timer thread; it stops 004 and does not reach the documents after it."""
    from concurrent.futures import ThreadPoolExecutor

    from pipeline.ingest import Input
    from pipeline.run import process_or_fail

    def one_thread_run() -> list[str]:
        outcomes = [process_or_fail(Input(seed_path("004"), "004"), timeout=0.01)]
        outcomes += [process_or_fail(Input(seed_path(n), n), timeout=60) for n in ("000", "001", "003")]
        time.sleep(0.05)  # past the first budget: a late raise would land here
        return [getattr(o, "problem", "stored") for o in outcomes]

    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(one_thread_run).result() == ["timeout", "stored", "stored", "stored"]


def test_cli_timeout_option(tmp_path):
    out = CliRunner().invoke(main, ["run", str(seed_path("004")), "--db", str(tmp_path / "c.duckdb"),
                                    "--timeout", "0.01", "-q"])
    assert out.exit_code == 1
    assert "timeout: not read and extracted within 0.01 s" in out.output
    assert "0 stored, 0 unchanged, 1 failed" in out.output


def _die(data: bytes, path) -> tuple[str, str]:
    """A reader whose process is killed the way the kernel's OOM killer kills it."""
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize("batch_size", [1, 2, 256])
def test_a_worker_that_dies_costs_only_its_document(tmp_path, monkeypatch, batch_size):
    monkeypatch.setitem(ingest.READERS, ".crash", _die)  # workers are forked: they inherit the reader
    plans = tmp_path / "in"
    plans.mkdir()
    for prefix in ("000", "001", "002", "003"):
        shutil.copy(seed_path(prefix), plans / f"{prefix}.txt")
    (plans / "001b.crash").write_bytes(b"any bytes")
    result = run([plans], tmp_path / "w.duckdb", workers=2, batch_size=batch_size)
    assert sorted(result.stored) == ["000.txt", "001.txt", "002.txt", "003.txt"]
    assert [(e.source_name, e.problem) for e in result.failed] == [("001b.crash", "worker_died")]
    [(name, problem, message)] = _errors(tmp_path / "w.duckdb")
    assert (name, problem) == ("001b.crash", "worker_died")
    assert message.startswith(f"{plans / '001b.crash'}: worker_died: the process reading this file stopped abruptly")
    assert _stored(tmp_path / "w.duckdb") == 4
