"""`plans run --engine dask`: extraction on a dask.distributed cluster, the
citation graph in SQL afterwards.

Extraction is a pure function of one file (`run.process_or_fail`), so the
input files are cut into partitions and each partition is one task on the
cluster (`parquet.write_partition`): a worker reads its files one at a time
and writes one part of a partitioned Parquet dataset (pipeline/parquet.py).
Workers never open the database. Once every part is written, DuckDB loads
the dataset into the --db file (`store.load_parquet`, the one writer) and
the cross-document tables are rebuilt over it (`run.refresh_cross_document`), as at
the end of `plans run`.

Without a scheduler address the cluster is a LocalCluster of `workers`
processes on this machine; with one, the cluster behind it (`dask scheduler`,
then `dask worker ADDRESS` on each machine): the same code path. Every
worker must see the input files and the dataset folder at the same paths (a
shared filesystem); inputs are then passed as absolute paths.

A worker that dies (killed for memory, a crash in a reader) has its task
retried by dask on another worker; a partition that kills its workers every
time is split into one task per file, and the file that still kills its
worker alone is recorded as `worker_died`, as in `plans run --workers`.
A file over the `--timeout` budget is recorded as `timeout`, as there: dask
runs tasks in worker threads, where the budget is kept by a timer thread
rather than SIGALRM (`run._time_budget`).
"""

from __future__ import annotations

import logging
import math
import os
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path

from distributed import Client, KilledWorker, LocalCluster, as_completed

from extractors.learned import tagger
from pipeline import parquet, store
from pipeline.ingest import Input
from pipeline.run import (DOCUMENT_TIMEOUT, LEARNED, Outcome, RunResult, refresh_cross_document, start_run,
                          worker_died)

# Files per task: enough that a task's start-up (a database in memory, one
# Parquet file per table) is small beside its extraction, few enough that
# a worker holds little.
PARTITION_FILES = 256
# Partitions per worker thread at least, so that the last ones do not leave
# most workers idle while one finishes.
SPREAD = 4


def default_dataset(db_path: Path) -> Path:
    """Where the dataset goes without --parquet: beside the database (`plans.parquet/`)."""
    return db_path.with_suffix(".parquet")


def partitions(items: list[Input], slots: int) -> list[list[Input]]:
    size = max(1, min(PARTITION_FILES, math.ceil(len(items) / (slots * SPREAD))))
    return [items[i:i + size] for i in range(0, len(items), size)]


@contextmanager
def cluster(scheduler: str | None, workers: int) -> Iterator[Client]:
    """A client of the cluster at `scheduler`, or of a LocalCluster of
    `workers` single-threaded processes (0: one per core), closed on exit.
    Processes, not threads: extraction is Python holding the GIL."""
    # distributed logs each worker's start and stop at INFO, and a library
    # imported by the extractors gives the root logger a handler: a run
    # prints only its own lines and dask's warnings.
    logging.getLogger("distributed").setLevel(logging.WARNING)
    if scheduler:
        with Client(scheduler) as client:
            client.wait_for_workers(1)
            yield client
        return
    with LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.ERROR) as local, Client(local) as client:
        yield client


def extract(client: Client, items: list[Input], root: Path, timeout: float | None,
            learned: bool) -> Iterator[parquet.PartitionResult]:
    """Every item extracted into a part of the dataset at `root`, each
    partition's result as it completes. At most two partitions per worker
    thread wait on the scheduler, so it holds a bounded list of files."""
    slots = sum(client.nthreads().values()) or 1
    todo = deque(partitions(items, slots))
    numbers = count()
    files: dict = {}  # future -> (its partition, its part number)
    running = as_completed()

    def submit(part: list[Input]) -> None:
        k = next(numbers)
        future = client.submit(parquet.write_partition, part, str(root), k, timeout, learned, pure=False)
        files[future] = part, k
        running.add(future)

    for _ in range(min(len(todo), 2 * slots)):
        submit(todo.popleft())
    for future in running:
        part, k = files.pop(future)
        try:
            yield future.result()
        except KilledWorker:
            parquet.clear(root, k)  # tables a dying worker may have written
            if len(part) > 1:
                todo.extendleft([item] for item in reversed(part))
            else:
                # Recorded by the driver in a part of its own, like any failure.
                yield parquet.store_partition([worker_died(part[0])], root, next(numbers))
        if todo:
            submit(todo.popleft())


def run(inputs: list[Path], db_path: Path, workers: int = 1, scheduler: str | None = None,
        parquet_dir: Path | None = None, force: bool = False,
        on_document: Callable[[Outcome | Path], None] | None = None,
        timeout: float | None = DOCUMENT_TIMEOUT, learned: bool = LEARNED) -> RunResult:
    """`pipeline.run.run` on a dask cluster: the same tables in `db_path`,
    with this run's files also left as a Parquet dataset in `parquet_dir`.
    `on_document` hears of skipped files and failures, not of each stored one."""
    if learned:
        tagger()
    root = (parquet_dir or default_dataset(db_path)).absolute()
    result = RunResult([], [], [])
    con = store.connect(db_path)
    try:
        todo = start_run(con, inputs, force, learned, result, on_document)
        if scheduler:
            todo = [Input(item.path.absolute(), item.source) for item in todo]
        parquet.clear(root)
        if todo:
            with cluster(scheduler, workers) as client:
                for part in extract(client, todo, root, timeout, learned):
                    result.stored += part.stored
                    result.failed += part.failed
                    for error in part.failed:
                        if on_document:
                            on_document(error)
            store.load_parquet(con, parquet.table_globs(root))
        refresh_cross_document(con, full=force)
    finally:
        con.close()
    return result
