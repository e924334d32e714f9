"""Speed and memory of `plans diff`'s alignment: one parent against many children.

    python -m benchmarks.diff_speed [-n 1000]
    python -m benchmarks.diff_speed --refresh DB [--repeat 3]
    python -m benchmarks.diff_speed --refresh DB --add DIR


The second form times the whole post-run refresh (`pipeline.diff.refresh`:
parent pairs and sibling groups, read from the database and written back)
on a copy of DB, made by `plans run` over a generated corpus
(benchmarks/make_corpus.py, or make_children.py --write for one parent
and many children), and prints its CPU seconds per stored document: the
first run's (what a `plans run` pays), then those of --repeat - 1 more
runs in the same process, where the bounded caches of comparison forms
(pipeline/align.py) hold texts already met.

With --add, DIR's plans are stored into the copy first (and the citation
graph refreshed, as a run does), then the refresh that follows is timed
twice, each on its own copy: incremental (what `plans run` does, redoing
only what the added plans change) and full (`plans run --force`); the two
copies' tables are then compared, row for row.

The children are made by benchmarks/make_children.py from data/raw/002 (one
at a time, as they are aligned, so nothing grows with their number); only
the alignment is timed (`pipeline.align.align`: comparison forms, rapidfuzz
cdist, labels), on one core (`workers=1`, no process pool). Peak RSS is read
once the run is over; run it at two sizes to see that it stays flat.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.make_children import PARENT, UNRELATED, extra_passages, make_child, passages  # noqa: E402
from pipeline.align import Parent, align  # noqa: E402


def time_refresh(db: Path, repeat: int) -> None:
    import duckdb

    from pipeline import diff
    from pipeline.run import PIPELINE_VERSION

    cpus = []
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(repeat):
            copy = Path(scratch) / "refresh.duckdb"
            shutil.copy(db, copy)
            with duckdb.connect(str(copy)) as con:
                docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
                cpu_started = time.process_time()
                counts = diff.refresh(con, PIPELINE_VERSION, full=True)
                cpus.append(time.process_time() - cpu_started)
            copy.unlink()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{db.name}: {docs} documents, rows {counts}")
    print(f"refresh CPU time {cpus[0]:.2f} s ({cpus[0] / docs * 1000:.1f} ms per document), the first run; "
          f"again in one process (caches of comparison forms warm): {', '.join(f'{c:.2f}' for c in cpus[1:])} s; "
          f"load average {os.getloadavg()[0]:.1f}; peak RSS {rss / 1024:.0f} MB")


def time_added(db: Path, added: Path) -> None:
    from pipeline import citegraph, diff, store
    from pipeline.ingest import list_inputs
    from pipeline.run import PIPELINE_VERSION, process_file

    records = [process_file(item.path, item.source) for item in list_inputs([added])]
    tables = []
    with tempfile.TemporaryDirectory() as scratch:
        for full in (False, True):
            copy = Path(scratch) / "added.duckdb"
            shutil.copy(db, copy)
            with store.connect(copy) as con:
                assert not store.write_documents(con, records)
                citegraph.refresh(con)
                docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
                cpu_started = time.process_time()
                counts = diff.refresh(con, PIPELINE_VERSION, full=full)
                cpu = time.process_time() - cpu_started
                tables.append([con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
                               for table in store.DIFF_TABLES])
            copy.unlink()
            print(f"{'full' if full else 'incremental'} refresh after adding {len(records)} plans "
                  f"({docs} documents): CPU {cpu:.2f} s; recomputed {counts['pairs']} parent pairs, "
                  f"{counts['keys']} sibling keys; rows written {counts['passage_links']} links, "
                  f"{counts['diff_summary']} summaries, {counts['passage_groups']} grouped passages; "
                  f"load average {os.getloadavg()[0]:.1f}")
    print(f"the two give identical tables: {tables[0] == tables[1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--refresh", type=Path, help="time the whole refresh on a copy of this database")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--add", type=Path, help="with --refresh: plans stored first; the refresh timed "
                                                  "incremental and full")
    args = parser.parse_args()
    if args.refresh and args.add:
        time_added(args.refresh, args.add)
        return
    if args.refresh:
        time_refresh(args.refresh, args.repeat)
        return
    parent, extra = passages(PARENT), extra_passages(UNRELATED)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    aligned = child_passages = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    prepared = Parent.read(parent)
    spent, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    for i in range(args.n):
        child = make_child(parent, extra, args.seed, i)
        started, cpu_started = time.perf_counter(), time.process_time()
        links = align(child.texts, prepared)
        spent += time.perf_counter() - started
        cpu += time.process_time() - cpu_started
        aligned += len(links)
        child_passages += len(child.texts)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"children {args.n}, parent passages {len(parent)}, child passages {child_passages}, links {aligned}")
    print(f"align CPU time {cpu:.2f} s ({cpu / args.n * 1000:.1f} ms per child); wall {spent:.2f} s "
          f"(load average {os.getloadavg()[0]:.1f})")
    print(f"peak RSS {rss_after / 1024:.0f} MB (before aligning {rss_before / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
