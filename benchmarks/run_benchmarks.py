"""Throughput, memory, per-stage cost, hot spots and analyst queries -> BENCHMARKS.md.

    python benchmarks/run_benchmarks.py [--sizes 1000 10000] [--workers 1 2] [--seed 7]

One command does every measurement on one generated corpus, so the
figures sit side by side and their ratios hold on any machine:

- `plans run` as a subprocess on each size, single process and with
  workers: wall time, documents/s, MB/s, peak RSS (largest process, from
  getrusage of the children, and the whole process tree sampled from /proc);
  steady state = the extra documents over the extra time between two sizes,
  which cancels start-up;
- the floor: read every file and run one regex over it;
- underthesea's own NER on a sample of sentences of the same texts, scaled
  to documents by the corpus' sentence count;
- the cost of each pipeline stage, by wrapping the functions pipeline/run.py
  calls (from here: the pipeline holds no timing code);
- cProfile's hot spots over the extraction of a sample;
- the analysts' typical queries on the largest database;
- scale: peak RSS and CPU of the cross-document refresh (the graph step,
  then the passage diff, each in a fresh process on a copy of the db:
  benchmarks/citegraph_memory.py) at each `--scale-sizes`, the smallest
  from its real `plans run`, the larger ones replicated from that run's db
  (benchmarks/replicate_graph_db.py: a 100,000-document `plans run` takes
  hours here), beside the whole run's figures where a real run exists;
- the local dask cluster (`plans run --engine dask`) with each
  `--dask-workers` on the smallest corpus.

A quick run: `--sizes 100 200 --workers 1 --scale-sizes 100 1000
--dask-workers 1 --stage-docs 50 --profile-docs 20 --ner-sentences 20`.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import functools
import inspect
import io
import os
import platform
import pstats
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb  # noqa: E402

from citegraph_memory import measure as measure_refresh  # noqa: E402
from make_corpus import make_corpus  # noqa: E402
from replicate_graph_db import replicate  # noqa: E402

# The floor's one regex: a document number and symbol (`573/TTg-KGVX`).
FLOOR_PATTERN = re.compile(r"\d+/(?:\d{4}/)?[A-ZĐ][\wĐ]*(?:-[\wĐ]+)+")
NOTES_MARKER = "<!-- notes: kept by run_benchmarks.py -->"
SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+|\n+")

QUERIES = {
    "compare matrix: tasks per agency_type × plan, plans citing 573/TTg-KGVX": """
        PIVOT (SELECT d.source_name, t.agency_type FROM duties t JOIN documents d USING (doc_id)
               WHERE t.doc_id IN (SELECT doc_id FROM citations WHERE number = '573/TTg-KGVX'))
        ON agency_type USING count(*) GROUP BY source_name""",
    "citation trace: who cites 573/TTg-KGVX and what else they cite": """
        SELECT d.issuer_level, other.doc_type, other.number, count(DISTINCT d.doc_id) AS plans
        FROM citations c JOIN documents d USING (doc_id)
        JOIN citations other ON other.doc_id = c.doc_id AND other.cited_key <> c.cited_key
        WHERE c.number = '573/TTg-KGVX'
        GROUP BY ALL ORDER BY plans DESC""",
    "duties × citations: tasks per role in sections that cite a Kết luận": """
        SELECT t.role, c.number, count(*) AS tasks
        FROM duties t JOIN citations c ON c.doc_id = t.doc_id AND c.section_id = t.section_id
        WHERE c.doc_type = 'Kết luận'
        GROUP BY ALL ORDER BY tasks DESC""",
}


# --- machine ---------------------------------------------------------------

def machine() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return {"cores (nproc)": str(os.cpu_count()), "CPU": cpu, "RAM": f"{mem_kb / 1024**2:.1f} GiB",
            "Python": platform.python_version(), "DuckDB": duckdb.__version__,
            "commit": subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h %s"],
                                     capture_output=True, text=True).stdout.strip()[:80]}


# --- plans run as a subprocess ---------------------------------------------

def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
        rss[int(entry.name)] = next((int(line.split()[1]) for line in status.splitlines()
                                     if line.startswith("VmRSS:")), 0)
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total


@dataclass
class RunFigures:
    docs: int
    workers: int
    mb: float
    seconds: float
    max_rss_mb: float  # largest single process
    tree_rss_mb: float  # all processes together, sampled
    cpu_seconds: float  # user + system time of every process of the run

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.seconds

    @property
    def docs_per_cpu_s(self) -> float:
        """Documents per second of one core's time: what a core gives when
        it is not shared, whatever else ran on the machine meanwhile."""
        return self.docs / self.cpu_seconds


# Runs `plans run` and prints the largest RSS among its waited-for processes,
# their CPU time (user + system) and the exit code.
_WRAPPER = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
            "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
            "print(u.ru_maxrss, u.ru_utime + u.ru_stime, r.returncode)")


def time_plans_run(corpus: Path, db: Path, workers: int, options: tuple[str, ...] = ()) -> RunFigures:
    """`plans run` over `corpus` with `options` added (`--engine dask`, ...)."""
    files = list(corpus.glob("*.txt"))
    plans = [str(Path(sys.executable).parent / "plans"), "run", str(corpus),
             "--db", str(db), "--workers", str(workers), "--quiet", *options]
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _WRAPPER, *plans], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.25)
    seconds = time.perf_counter() - start
    out = proc.stdout.read().split()
    if out[-1] != "0":
        raise SystemExit(f"plans run failed on {corpus} (exit {out[-1]})")
    return RunFigures(len(files), workers, sum(f.stat().st_size for f in files) / 1e6, seconds,
                      int(out[-3]) / 1024, peak / 1024, float(out[-2]))


# --- the floor and underthesea -----------------------------------------------

def floor_pass(corpus: Path) -> tuple[float, float, int, float]:
    """(documents/s, MB/s, matches, documents per CPU second) of reading every file plus one regex."""
    start, cpu = time.perf_counter(), time.process_time()
    size = hits = 0
    files = sorted(corpus.glob("*.txt"))
    for path in files:
        data = path.read_bytes()
        size += len(data)
        hits += len(FLOOR_PATTERN.findall(data.decode("utf-8")))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return len(files) / seconds, size / 1e6 / seconds, hits, len(files) / cpu


def underthesea_ner(corpus: Path, sample: int, seed: int) -> dict[str, float]:
    """underthesea.ner on `sample` sentences drawn from the corpus, scaled per document."""
    files = sorted(corpus.glob("*.txt"))
    sentences = [s.strip() for p in files for s in SENTENCE_END.split(p.read_text(encoding="utf-8")) if s.strip()]
    per_doc = len(sentences) / len(files)
    picked = random.Random(seed).sample(sentences, min(sample, len(sentences)))
    start = time.perf_counter()
    from underthesea import ner

    ner(picked[0])  # loads the model
    load = time.perf_counter() - start
    start = time.perf_counter()
    for sentence in picked:
        ner(sentence)
    per_sentence = (time.perf_counter() - start) / len(picked)
    return {"load_s": load, "per_sentence_ms": per_sentence * 1000, "sentences_per_doc": per_doc,
            "docs_per_s": 1 / (per_sentence * per_doc), "sample": len(picked)}


# --- cost per stage ----------------------------------------------------------

class StageClock:
    """Exclusive CPU time (the process's, DuckDB's threads included) per
    wrapped function: a stage that calls another wrapped stage is not
    charged for it. CPU rather than wall time: on a shared machine the
    figures then hold whatever else runs."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self._stack: list[list[float]] = []

    def wrap(self, name: str, fn):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            self._stack.append([time.process_time(), 0.0])
            try:
                return fn(*args, **kwargs)
            finally:
                start, inner = self._stack.pop()
                elapsed = time.process_time() - start
                self.totals[name] = self.totals.get(name, 0.0) + elapsed - inner
                if self._stack:
                    self._stack[-1][1] += elapsed
        return timed


def stage_costs(corpus: Path, n: int, work: Path) -> tuple[dict[str, float], float]:
    """CPU seconds per stage over the first n documents, `run.run` in this
    process: reading, normalization, each declared step of pipeline/run.py
    (`STEPS`), the records, the store and the citation graph."""
    import dataclasses

    import pipeline.ingest as ingest
    import pipeline.run as run

    files = sorted(corpus.glob("*.txt"))[:n]
    # Lazy loads (vocabularies, the admin lists, dateparser) out of the
    # picture: steady-state cost is what this table is for.
    run.process_file(files[-1])
    clock = StageClock()
    patches: list[tuple[object, str, object]] = []

    def patch(owner, attr: str, label: str) -> None:
        patches.append((owner, attr, getattr(owner, attr)))
        setattr(owner, attr, clock.wrap(label, getattr(owner, attr)))

    def build_document(*args, _make=run.Document, **kwargs):
        doc = _make(*args, **kwargs)
        doc.match_text, doc.lines  # noqa: B018 - computed here, charged to normalization
        return doc

    patch(run, "read_document", "read + decode + checks")
    patch(ingest, "clean_text", "normalize: clean_text")
    patches.append((run, "Document", run.Document))
    run.Document = clock.wrap("normalize: match form + lines", build_document)
    patch(run, "DocumentRecords", "records")
    run.DocumentRecords.model_fields = patches[-1][2].model_fields  # process_document reads it
    patches.append((run, "STEPS", run.STEPS))
    run.STEPS = tuple(dataclasses.replace(step, run=clock.wrap(f"step {step.name}", step.run))
                      for step in run.STEPS)
    for name in ("write_documents", "record_error"):
        patch(run.store, name, "store")
    patch(run.citegraph, "refresh", "citation graph")
    db = work / "stages.duckdb"
    db.unlink(missing_ok=True)  # a kept --work folder: its files would all be skipped as unchanged
    start = time.process_time()
    try:
        failed = run.run(files, db).failed
    finally:
        for owner, attr, original in reversed(patches):
            setattr(owner, attr, original)
    total = time.process_time() - start
    if failed:
        raise SystemExit(f"stage costs: {len(failed)} documents failed, first: {failed[0].message}")
    return clock.totals, total


# --- profiler ----------------------------------------------------------------

def hot_spots(corpus: Path, n: int, top: int = 15) -> tuple[list[tuple[str, float, float]], float]:
    """(file:function, % own time, % cumulative) of the extraction of n documents."""
    from pipeline.run import process_file

    files = sorted(corpus.glob("*.txt"))[:n]
    process_file(files[0])  # lazy loads out of the picture
    profile = cProfile.Profile()
    profile.enable()
    for path in files:
        process_file(path)
    profile.disable()
    stats = pstats.Stats(profile, stream=io.StringIO())
    total = sum(v[2] for v in stats.stats.values())  # own time of everything
    rows = []
    for (filename, line, func), (_, _, own, cumulative, _) in stats.stats.items():
        if str(ROOT) in filename:
            rows.append((f"{Path(filename).relative_to(ROOT)}:{func} (line {line})", 100 * own / total,
                         100 * cumulative / total))
    rows.sort(key=lambda r: -r[1])
    return rows[:top], total


# --- queries -------------------------------------------------------------------

def time_queries(db: Path, repeats: int = 5) -> list[tuple[str, float, int]]:
    results = []
    with duckdb.connect(str(db), read_only=True) as con:
        for name, sql in QUERIES.items():
            timings = []
            for _ in range(repeats):
                start = time.perf_counter()
                rows = con.execute(sql).fetchall()
                timings.append(time.perf_counter() - start)
            results.append((name, statistics.median(timings) * 1000, len(rows)))
    return results


# --- scale: the cross-document refresh at 1k / 10k / 100k ----------------------

@dataclass
class ScaleFigures:
    docs: int
    source: str  # how the db was made
    refresh: dict  # benchmarks/citegraph_memory.measure: counts, per phase peak_mb / cpu_s / seconds
    run: RunFigures | None  # the real `plans run` of this size, when there is one


def scale_figures(sizes: list[int], base_db: Path, work: Path, runs: list[RunFigures],
                  diff_max: int | None = None) -> list[ScaleFigures]:
    """The refresh measured on the real run's db of `sizes[0]` documents, then
    on that db replicated to each larger size (a multiple of it); above
    `diff_max` documents the graph step alone."""
    out = []
    for n in sizes:
        if n == sizes[0]:
            db, source = base_db, "real `plans run`"
        else:
            db, copies = work / f"replicated_{n}.duckdb", n // sizes[0]
            source = f"replicated ×{copies} from the {sizes[0]}-document run"
            if not db.exists():
                print(f"replicating {base_db.name} ×{copies} -> {db.name} ...", flush=True)
                replicate(base_db, db, copies)
        print(f"cross-document refresh: {n} documents ({source}) ...", flush=True)
        refresh = measure_refresh(db, ROOT, ("graph", "diff") if diff_max is None or n <= diff_max else ("graph",))
        run = next((r for r in runs if r.docs == n and r.workers == 1), None)
        out.append(ScaleFigures(n, source, refresh, run))
        print(f"  graph {refresh['graph']}, diff {refresh.get('diff', 'not run')}", flush=True)
    return out


def _scale_section(scale: list[ScaleFigures]) -> list[str]:
    rows = []
    for s in scale:
        r, graph = s.refresh, s.refresh["graph"]
        skipped = "not run (--scale-diff-max)"
        passage_diff = r.get("diff")
        rows.append([f"{s.docs:,}", s.source, f"{r['citations']:,}", f"{r['passages']:,}",
                     r["rss_before_mb"], graph["peak_mb"], f"{graph['cpu_s']:.1f}",
                     passage_diff["peak_mb"] if passage_diff else skipped,
                     f"{passage_diff['cpu_s']:.1f}" if passage_diff else skipped,
                     max(graph["peak_mb"], passage_diff["peak_mb"]) if passage_diff else skipped,
                     f"{graph['cpu_s'] + passage_diff['cpu_s']:.1f}" if passage_diff else skipped,
                     f"{s.run.max_rss_mb:.0f}" if s.run else "no real run",
                     f"{s.run.cpu_seconds:.1f}" if s.run else "no real run"])
    out = ["## Scale: the cross-document refresh at each size", "",
           "Each refresh in a fresh process on a copy of the db (benchmarks/citegraph_memory.py): the graph "
           "step (`citegraph.refresh`), then the passage diff (`diff.refresh`), each with its own peak "
           "(VmHWM, reset before it) and CPU seconds (every thread). Replicated dbs repeat the real run's "
           "documents, citations and passages with new ids, local documents renumbered "
           "(benchmarks/replicate_graph_db.py says why and its limits). The whole run's figures are those "
           "of the real single-process `plans run` above, where one exists at that size.", "",
           _table(["documents", "db", "mentions", "passages", "RSS before (MB)", "graph peak (MB)", "graph CPU s",
                   "diff peak (MB)", "diff CPU s", "refresh peak (MB)", "refresh CPU s",
                   "whole run peak, largest process (MB)", "whole run CPU s"], rows), ""]
    if len(scale) > 1:
        a, b = scale[-2], scale[-1]
        growth = [f"{phase} {100 * (b.refresh[phase]['peak_mb'] / a.refresh[phase]['peak_mb'] - 1):+.0f}%"
                  for phase in ("graph", "diff") if phase in a.refresh and phase in b.refresh]
        out += [f"Peak RSS from {a.docs:,} to {b.docs:,} documents: {', '.join(growth)} "
                "(goal, issue 15: within 10%).", ""]
    return out


def _dask_section(dask_runs: list[RunFigures]) -> list[str]:
    if not dask_runs:
        return []
    return [f"## The local dask cluster (`plans run --engine dask`, {dask_runs[0].docs} documents)", "",
            _table(["workers", "wall s", "docs/s", "docs/s per core", "CPU s", "docs per CPU s",
                    "peak RSS largest process (MB)", "peak RSS all processes (MB)"],
                   [[r.workers, f"{r.seconds:.1f}", f"{r.docs_per_s:.1f}",
                     f"{r.docs_per_s / min(r.workers, os.cpu_count() or 1):.1f}", f"{r.cpu_seconds:.1f}",
                     f"{r.docs_per_cpu_s:.1f}", f"{r.max_rss_mb:.0f}", f"{r.tree_rss_mb:.0f}"]
                    for r in dask_runs]),
            "", "Start-up of the cluster (scheduler, workers, imports in each) is inside the wall time; "
            "CPU time counts the processes the run waited for.", ""]


# --- report --------------------------------------------------------------------

def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def report(args, info, runs, floor, ner, stages, stage_total, stage_n, spots, spot_total, queries,
           db_sizes, scale, dask_runs) -> str:
    sizes = sorted({r.docs for r in runs})
    out = [
        "# Benchmarks",
        "",
        "Written by `python benchmarks/run_benchmarks.py "
        + " ".join(["--sizes", *map(str, args.sizes), "--workers", *map(str, args.workers), "--seed",
                    str(args.seed), "--scale-sizes", *map(str, args.scale_sizes),
                    "--dask-workers", *map(str, args.dask_workers),
                    *(["--scale-diff-max", str(args.scale_diff_max)] if args.scale_diff_max else [])])
        + f"` on {dt.datetime.now().isoformat(timespec='minutes')}.",
        "Corpus: `python benchmarks/make_corpus.py DIR -n N --seed "
        f"{args.seed}` (real paragraphs of data/raw recombined, other localities, numbers, dates).",
        "",
        "## Machine",
        "",
        _table(["", ""], [[k, v] for k, v in info.items()]),
        "",
        "## `plans run` (subprocess, fresh database each time)",
        "",
        _table(["documents", "workers", "MB", "wall s", "docs/s", "docs/s per core", "MB/s", "CPU s",
                "docs per CPU s", "peak RSS largest process (MB)", "peak RSS all processes (MB)"],
               [[r.docs, r.workers, f"{r.mb:.1f}", f"{r.seconds:.1f}", f"{r.docs_per_s:.1f}",
                 f"{r.docs_per_s / min(r.workers, os.cpu_count() or 1):.1f}", f"{r.mb / r.seconds:.2f}",
                 f"{r.cpu_seconds:.1f}", f"{r.docs_per_cpu_s:.1f}",
                 f"{r.max_rss_mb:.0f}", f"{r.tree_rss_mb:.0f}"] for r in runs]),
        "",
        "Wall time counts whatever else the machine runs; CPU time (user + system, every process of the "
        "run) does not: documents per CPU second is the rate of one core given to the run alone.",
        "",
    ]
    steady, steady_cpu = {}, {}
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        rows = []
        for w in args.workers:
            a = next(r for r in runs if r.docs == small and r.workers == w)
            b = next(r for r in runs if r.docs == large and r.workers == w)
            steady[w] = (large - small) / (b.seconds - a.seconds)
            steady_cpu[w] = (large - small) / (b.cpu_seconds - a.cpu_seconds)
            rows.append([w, f"{steady[w]:.1f}", f"{steady[w] / min(w, os.cpu_count() or 1):.1f}",
                         f"{steady_cpu[w]:.1f}",
                         f"{b.seconds - a.seconds - (large - small) / a.docs_per_s:+.1f}",
                         f"{a.max_rss_mb:.0f} → {b.max_rss_mb:.0f}"])
        out += [f"Steady state ({large} − {small} documents over the extra time; start-up cancels out):", "",
                _table(["workers", "docs/s", "docs/s per core", "docs per CPU s (per core, unshared)",
                        "s beyond linear from the small run",
                        f"peak RSS {small} → {large} (MB)"], rows), ""]
    single = steady.get(1) or next(r.docs_per_s for r in runs if r.workers == 1)
    single_cpu = steady_cpu.get(1) or next(r.docs_per_cpu_s for r in runs if r.workers == 1)
    out += [
        "## Side by side: the floor and underthesea's NER",
        "",
        _table(["pass", "docs/s (wall)", "docs per CPU s", "MB/s (wall)", "pipeline is slower by (CPU)"], [
            ["read + one regex (the floor)", f"{floor[0]:.0f}", f"{floor[3]:.0f}", f"{floor[1]:.1f}",
             f"{floor[3] / single_cpu:.0f}×"],
            [f"underthesea.ner ({ner['sample']} sentences × {ner['sentences_per_doc']:.0f} sentences/doc, "
             f"{ner['per_sentence_ms']:.1f} ms each; model load {ner['load_s']:.1f} s)",
             f"{ner['docs_per_s']:.2f}", "", "", f"{ner['docs_per_s'] / single:.2f}× (wall; < 1: the pipeline is faster)"],
            ["plans run, 1 process, steady state", f"{single:.1f}", f"{single_cpu:.1f}", "", "1×"],
        ]),
        "",
        f"Goal (issue 15): ≥ 100 docs/s per core in steady state, within 15× of the floor. Measured per CPU "
        f"second: {single_cpu:.1f} documents with one process, "
        f"{steady_cpu.get(2, 0):.1f} with 2 workers; {floor[3] / single_cpu:.0f}× the floor. "
        f"Wall: {single:.1f} docs/s with one process, {steady.get(2, 0):.1f} with 2 workers.",
        "",
        f"## Cost per stage ({stage_n} documents, one process, exclusive CPU time of each wrapped function)",
        "",
        _table(["stage", "ms/doc", "% of run"],
               [[name, f"{1000 * s / stage_n:.2f}", f"{100 * s / stage_total:.1f}"]
                for name, s in sorted(stages.items(), key=lambda kv: -kv[1])]
               + [["everything else (run loop, hashing)",
                   f"{1000 * (stage_total - sum(stages.values())) / stage_n:.2f}",
                   f"{100 * (stage_total - sum(stages.values())) / stage_total:.1f}"],
                  ["total", f"{1000 * stage_total / stage_n:.2f}", "100"]]),
        "",
        f"## Hot spots (cProfile, extraction of {args.profile_docs} documents, {spot_total:.1f} s profiled)",
        "",
        _table(["function", "% own time", "% cumulative"],
               [[f"`{name}`", f"{own:.1f}", f"{cum:.1f}"] for name, own, cum in spots]),
        "",
        f"## Analysts' queries on the {db_sizes[0]}-document database ({db_sizes[1]:.0f} MB, median of 5)",
        "",
        _table(["query", "ms", "rows"], [[name, f"{ms:.1f}", n] for name, ms, n in queries]),
        "",
        "The SQL is in `QUERIES` in benchmarks/run_benchmarks.py.",
        "",
        *(_scale_section(scale) if scale else []),
        *_dask_section(dask_runs),
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--stage-docs", type=int, default=300)
    parser.add_argument("--profile-docs", type=int, default=100)
    parser.add_argument("--ner-sentences", type=int, default=300)
    parser.add_argument("--work", type=Path, help="keep corpus and databases here (default: a temp dir)")
    parser.add_argument("--scale-sizes", type=int, nargs="*", default=[1000, 10000, 100000],
                        help="the refresh at these sizes: the first one of --sizes, the others multiples of it "
                             "(replicated); none: no scale section")
    parser.add_argument("--scale-diff-max", type=int,
                        help="above this many documents the scale section measures the graph step alone "
                             "(the passage diff took 411 s of CPU at 10,000 documents in December 2026)")
    parser.add_argument("--dask-workers", type=int, nargs="*", default=[1, 2],
                        help="`plans run --engine dask` on the smallest corpus with these workers; none: skipped")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    scale_sizes = sorted(args.scale_sizes)
    if scale_sizes and (scale_sizes[0] not in args.sizes or any(n % scale_sizes[0] for n in scale_sizes)):
        parser.error("--scale-sizes: the first must be one of --sizes (a real run), the others multiples of it")

    work = args.work or Path(tempfile.mkdtemp(prefix="plans-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    sizes = sorted(args.sizes)
    full = work / f"corpus_{sizes[-1]}"
    if not full.exists():
        print(f"generating {sizes[-1]} documents -> {full}", flush=True)
        make_corpus(full, sizes[-1], args.seed)
    corpora = {}
    for n in sizes:  # the first n documents of the big corpus, hard-linked
        corpora[n] = work / f"corpus_{n}"
        if not corpora[n].exists():
            corpora[n].mkdir()
            for path in sorted(full.glob("*.txt"))[:n]:
                os.link(path, corpora[n] / path.name)

    runs = []
    for n in sizes:
        for w in args.workers:
            db = work / f"run_{n}_w{w}.duckdb"
            db.unlink(missing_ok=True)
            print(f"plans run: {n} documents, {w} worker(s) ...", flush=True)
            runs.append(time_plans_run(corpora[n], db, w))
            print(f"  {runs[-1].seconds:.1f} s, {runs[-1].docs_per_s:.1f} docs/s, "
                  f"peak {runs[-1].max_rss_mb:.0f} MB", flush=True)
    print("floor, underthesea, stages, profile, queries ...", flush=True)
    floor = floor_pass(corpora[sizes[-1]])
    ner = underthesea_ner(corpora[sizes[0]], args.ner_sentences, args.seed)
    stages, stage_total = stage_costs(corpora[sizes[0]], args.stage_docs, work)
    spots, spot_total = hot_spots(corpora[sizes[0]], args.profile_docs)
    query_db = work / f"run_{sizes[-1]}_w{args.workers[0]}.duckdb"
    queries = time_queries(query_db)
    scale = scale_figures(scale_sizes, work / f"run_{scale_sizes[0]}_w{args.workers[0]}.duckdb", work, runs,
                          args.scale_diff_max) if scale_sizes else []
    dask_runs = []
    for w in args.dask_workers:
        db = work / f"dask_{sizes[0]}_w{w}.duckdb"
        db.unlink(missing_ok=True)
        print(f"plans run --engine dask: {sizes[0]} documents, {w} worker(s) ...", flush=True)
        dask_runs.append(time_plans_run(corpora[sizes[0]], db, w, ("--engine", "dask")))
    text = report(args, machine(), runs, floor, ner, stages, stage_total, min(args.stage_docs, sizes[0]), spots,
                  spot_total, queries, (sizes[-1], query_db.stat().st_size / 1e6), scale, dask_runs)
    # Hand-written reading of the figures, below the marker, survives a re-run.
    old = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    if NOTES_MARKER in old:
        text += "\n" + old[old.index(NOTES_MARKER):]
    args.out.write_text(text, encoding="utf-8")
    print(text)
    if not args.work:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
