"""`plans run` against `plans run --engine dask`, memory and the graph step -> BENCHMARKS.md.

    python benchmarks/engine.py [--sizes 1000 10000] [--workers 1 2] [--seed 7] [--work DIR]

On one generated corpus (benchmarks/make_corpus.py; the first n documents
of the largest size for each smaller one), each size is run four ways as a
subprocess on a fresh database: the default engine with one process and
with `--workers 2`, and the dask engine on a local cluster of 1 and 2
worker processes. Each run gives wall time, documents/s, the peak RSS of
its largest process (getrusage of the waited-for children) and of all its
processes together (sampled from /proc). The dask run's tables are then
compared with the default run's (every row of every table, in SQL), and on
the dask run's Parquet dataset two steps are timed alone in a fresh
process each: loading the dataset into a new database (`store.load_parquet`)
and the citation graph (`citegraph.refresh`), with their peak RSS.

The figures go to their own section of BENCHMARKS.md, between the
`ENGINE_BEGIN`/`ENGINE_END` markers, replaced on each run and kept by
run_benchmarks.py (they sit below its notes marker).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb  # noqa: E402

from make_corpus import make_corpus  # noqa: E402
from run_benchmarks import NOTES_MARKER, RunFigures, _table, machine, time_plans_run  # noqa: E402

ENGINE_BEGIN = "<!-- engine: written by benchmarks/engine.py -->"
ENGINE_END = "<!-- /engine -->"

# Run in a fresh process on a copy of the run's database: one step, timed, with the process's peak RSS.
_STEP = """
import json, resource, sys, time
from pathlib import Path
from pipeline import citegraph, parquet, store
step, db, dataset = sys.argv[1], sys.argv[2], Path(sys.argv[3])
con = store.connect(db)
start = time.perf_counter()
if step == "load":
    store.load_parquet(con, parquet.table_globs(dataset))
else:
    citegraph.refresh(con)
seconds = time.perf_counter() - start
con.close()
print(json.dumps({"seconds": seconds, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def time_step(step: str, db: Path, dataset: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", _STEP, step, str(db), str(dataset)], capture_output=True,
                          text=True, cwd=ROOT, env=env, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def children_cpu() -> float:
    """CPU seconds of every finished, waited-for descendant: around one run,
    the CPU the run took in all its processes, which the other work on a
    shared machine slows much less than it slows wall time."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def differing_rows(a: Path, b: Path) -> dict[str, int]:
    """table -> rows in one database and not the other (either way, duplicates
    counted), for every table; `ingest_errors.seen_at` is left out."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
    tables = [t for t, in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'a'").fetchall()]
    out = {}
    for table in tables:
        columns = ", ".join(c for c, in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = 'a' AND table_name = ? "
            "AND column_name <> 'seen_at' ORDER BY column_index", [table]).fetchall())
        one, other = f"SELECT {columns} FROM a.{table}", f"SELECT {columns} FROM b.{table}"
        out[table] = con.execute(f"SELECT (SELECT count(*) FROM ({one} EXCEPT ALL {other})) + "
                                 f"(SELECT count(*) FROM ({other} EXCEPT ALL {one}))").fetchone()[0]
    con.close()
    return out


def corpora(work: Path, sizes: list[int], seed: int) -> dict[int, Path]:
    """Each size's corpus: the first n documents of the largest, hard-linked."""
    largest = work / f"corpus_{sizes[-1]}"
    if not largest.exists():
        print(f"generating {sizes[-1]} documents -> {largest}", flush=True)
        make_corpus(largest, sizes[-1], seed)
    names = sorted(p.name for p in largest.glob("*.txt"))
    out = {}
    for n in sizes:
        out[n] = work / f"corpus_{n}"
        if not out[n].exists():
            out[n].mkdir()
            for name in names[:n]:
                os.link(largest / name, out[n] / name)
    return out


def report(info: dict, runs: list[tuple[str, RunFigures, float]], steps: dict, diffs: dict) -> str:
    def row(engine: str, r: RunFigures, cpu: float) -> list:
        return [r.docs, engine, r.workers, f"{r.seconds:.1f}", f"{r.docs_per_s:.1f}",
                f"{r.docs_per_s / r.workers:.1f}", f"{cpu:.0f}", f"{r.docs / cpu:.1f}", f"{r.max_rss_mb:.0f}",
                f"{r.tree_rss_mb:.0f}"]

    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M")
    sizes = sorted({r.docs for _, r, _ in runs})
    lines = [ENGINE_BEGIN, "## Engines: `plans run` and `plans run --engine dask` (local cluster)", "",
             f"Written by `python benchmarks/engine.py --sizes {' '.join(map(str, sizes))}` on {stamp} UTC, "
             f"commit `{info['commit']}`, {info['cores (nproc)']} cores shared with other work, "
             f"DuckDB {info['DuckDB']}, Python {info['Python']}. Corpus: `benchmarks/make_corpus.py` (seed 7).", "",
             _table(["documents", "engine", "workers", "wall s", "docs/s", "docs/s per worker",
                     "CPU s (all processes)", "docs per CPU s", "peak RSS largest process (MB)",
                     "peak RSS all processes (MB)"],
                    [row(*run) for run in runs]), ""]
    steady = []
    for engine, workers in dict.fromkeys((e, r.workers) for e, r, _ in runs):
        pair = [(r, cpu) for e, r, cpu in runs if (e, r.workers) == (engine, workers)]
        if len(pair) >= 2:
            (a, a_cpu), (b, b_cpu) = pair[0], pair[-1]
            rate = (b.docs - a.docs) / (b.seconds - a.seconds)
            steady.append([engine, workers, f"{rate:.1f}", f"{rate / workers:.1f}",
                           f"{(b.docs - a.docs) / (b_cpu - a_cpu):.1f}",
                           f"{a.max_rss_mb:.0f} → {b.max_rss_mb:.0f}", f"{a.tree_rss_mb:.0f} → {b.tree_rss_mb:.0f}"])
    if steady:
        lines += [f"Steady state ({sizes[-1]} − {sizes[0]} documents over the extra time; start-up, the "
                  "cluster's included, cancels out):", "",
                  _table(["engine", "workers", "docs/s", "docs/s per worker", "docs per CPU s",
                          f"peak RSS largest process {sizes[0]} → {sizes[-1]} (MB)",
                          f"all processes {sizes[0]} → {sizes[-1]} (MB)"], steady), ""]
    lines += ["Steps after extraction, each alone in a fresh process on the dask run's output: loading the "
              "Parquet dataset into a new database (`store.load_parquet`), and the citation graph over it "
              "(`citegraph.refresh`, the step both engines end with); and the rows that differ between the "
              "default run's tables and the dask run's (every table, `seen_at` aside):", "",
              _table(["documents", "load s", "load peak RSS (MB)", "graph s", "graph peak RSS (MB)",
                      "rows differing from `plans run`"],
                     [[n, f"{steps[n]['load']['seconds']:.1f}", f"{steps[n]['load']['rss_mb']:.0f}",
                       f"{steps[n]['graph']['seconds']:.1f}", f"{steps[n]['graph']['rss_mb']:.0f}",
                       sum(diffs[n].values())] for n in sorted(steps)]), "", ENGINE_END]
    return "\n".join(lines)


def write_section(out: Path, section: str) -> None:
    """The section in place of the last one, below run_benchmarks.py's notes marker."""
    text = out.read_text(encoding="utf-8") if out.exists() else NOTES_MARKER + "\n"
    if ENGINE_BEGIN in text:
        text = text[:text.index(ENGINE_BEGIN)] + section + text[text.index(ENGINE_END) + len(ENGINE_END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    out.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, help="keep corpus, databases and datasets here (default: a temp dir)")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="plans-engine-"))
    work.mkdir(parents=True, exist_ok=True)
    sizes = sorted(args.sizes)
    by_size = corpora(work, sizes, args.seed)
    runs: list[tuple[str, RunFigures, float]] = []
    steps, diffs = {}, {}
    for n in sizes:
        for engine in ("default", "dask"):
            for w in args.workers:
                db, dataset = work / f"{engine}_{n}_w{w}.duckdb", work / f"{engine}_{n}_w{w}.parquet"
                db.unlink(missing_ok=True)
                options = ("--engine", "dask", "--parquet", str(dataset)) if engine == "dask" else ()
                print(f"{engine}: {n} documents, {w} worker(s) ...", flush=True)
                cpu = children_cpu()
                r = time_plans_run(by_size[n], db, w, options)
                runs.append((engine, r, children_cpu() - cpu))
                print(f"  {r.seconds:.1f} s, {r.docs_per_s:.1f} docs/s, {runs[-1][2]:.0f} CPU s, "
                      f"peak {r.max_rss_mb:.0f} MB (all {r.tree_rss_mb:.0f} MB)", flush=True)
        w = args.workers[-1]
        dask_db, dataset = work / f"dask_{n}_w{w}.duckdb", work / f"dask_{n}_w{w}.parquet"
        diffs[n] = differing_rows(work / f"default_{n}_w{w}.duckdb", dask_db)
        print(f"  rows differing: {diffs[n]}", flush=True)
        loaded = work / f"load_{n}.duckdb"
        loaded.unlink(missing_ok=True)
        steps[n] = {"load": time_step("load", loaded, dataset), "graph": time_step("graph", loaded, dataset)}
        print(f"  steps: {steps[n]}", flush=True)
        # Written after each size: a long run stopped midway keeps what it measured.
        section = report(machine(), runs, steps, diffs)
        write_section(args.out, section)
    print(section)
    (work / "engine.json").write_text(json.dumps(
        {"runs": [{"engine": e, "cpu_s": cpu, **vars(r)} for e, r, cpu in runs], "steps": steps, "diffs": diffs}, indent=1))


if __name__ == "__main__":
    main()
