"""The partitioned Parquet dataset a distributed run writes: `DIR/<table>/part-<k>.parquet`.

A partition is a list of input files. Its records are written, through
`store`, into a database of its own in memory, exactly as `plans run` would
write those files (one copy of a text, its files in `sources`, failures in
`ingest_errors`), and each table of that database becomes one Parquet file:
its columns and types are the DuckDB table's (schemas/schema.sql), since
DuckDB's COPY writes them from the table itself. The cross-document tables
(`cited_documents`, `citation_findings`) are not in the dataset: they need
every partition, and are built in SQL once the dataset is loaded
(`store.load_parquet`, then `run.refresh_cross_document`).

Nothing here depends on the engine that runs the partitions: `write_partition`
is a plain function of (files, folder, number), safe to run again (a part
is written under a temporary name and renamed).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline import store
from pipeline.ingest import Input
from pipeline.run import Outcome, process_or_fail, store_outcomes
from schemas.records import IngestError

TABLES = ["sources", *store.ALL_TABLES, "ingest_errors"]


def part_path(root: Path, table: str, k: int) -> Path:
    return root / table / f"part-{k:06d}.parquet"


def table_globs(root: Path) -> dict[str, str]:
    """table -> the glob of its parts, as `read_parquet` takes it."""
    return {table: str(root / table / "part-*.parquet") for table in TABLES}


def has_parts(root: Path) -> bool:
    return any((root / "sources").glob("part-*.parquet"))


def clear(root: Path, k: int | None = None) -> None:
    """Remove part `k` (one a worker died writing), or every part: those of
    an earlier run, so that a dataset holds one run's files. Anything else
    in the folder is left alone."""
    for table in TABLES:
        for part in (root / table).glob("part-*.parquet" if k is None else part_path(root, table, k).name):
            part.unlink()


def write_part(con: duckdb.DuckDBPyConnection, root: Path, k: int) -> None:
    """Every table of `con` as part `k` of the dataset at `root`."""
    for table in TABLES:
        path = part_path(root, table, k)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        con.execute(f"COPY {table} TO {store.sql_literal(partial.as_posix())} (FORMAT parquet)")
        partial.replace(path)


@dataclass(frozen=True)
class PartitionResult:
    stored: list[str]  # source names
    failed: list[IngestError]


def store_partition(outcomes: Iterable[Outcome], root: Path, k: int) -> PartitionResult:
    """Outcomes stored as part `k`: records and errors into a database in
    memory, as `plans run` stores them, then that database's tables to Parquet."""
    con = store.connect(":memory:")
    try:
        stored, failed = [], []
        for outcome in store_outcomes(con, outcomes):
            if isinstance(outcome, IngestError):
                failed.append(outcome)
            else:
                stored.append(outcome.document.source_name)
        write_part(con, root, k)
    finally:
        con.close()
    return PartitionResult(stored, failed)


def write_partition(items: list[Input], root: str | Path, k: int, timeout: float | None,
                    learned: bool) -> PartitionResult:
    """Extract each file of a partition, one document at a time, into part `k`."""
    return store_partition((process_or_fail(item, timeout, learned) for item in items), Path(root), k)
