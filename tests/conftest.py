"""Shared fixtures: the sample corpus, processed once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"


def seed_path(prefix: str) -> Path:
    """The sample file whose name starts with `prefix` (`000`, `004`...)."""
    return next(RAW.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def seed_records():
    """DocumentRecords of every sample file, keyed by its 3-digit prefix."""
    from pipeline.run import process_file

    return {p.name[:3]: process_file(p) for p in sorted(RAW.glob("*.txt"))}


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory):
    """A real DuckDB file written by the real `run` over data/raw."""
    from pipeline.run import run

    db = tmp_path_factory.mktemp("db") / "plans.duckdb"
    result = run([RAW], db)
    assert not result.failed
    return db
