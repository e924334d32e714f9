"""Peak memory and CPU of the cross-document refresh on a stored db.

    python -m benchmarks.citegraph_memory DB [DB ...] [--code DIR] [--diff]

Each refresh runs in a fresh process on a copy of DB (the step rewrites its
tables), with the code of this checkout or of `--code DIR` (another
checkout, for a before/after). Prints per db: documents, mentions,
passages, the process's resident memory before the step (imports and an
open connection), then per phase (the graph step, `citegraph.refresh`, and
with `--diff` the passage diff, `diff.refresh`, which reads the graph just
rebuilt, as `run.refresh_cross_document` does): its peak resident memory
(VmHWM, reset before the phase), its CPU seconds (every thread of the
process, DuckDB's too) and wall seconds. Results of the issue 15 item 2
rewrite: benchmarks/citegraph_memory.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs in the child: RSS now (VmRSS), then each phase with its peak (VmHWM,
# reset first by writing 5 to clear_refs) and its CPU and wall seconds.
_CHILD = r"""
import importlib, inspect, json, sys, time
from pipeline import store

def rss(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) // 1024

con = store.connect(sys.argv[1])
out = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("documents", "citations", "passages")}
# Both phases' modules are imported before the baseline, as `plans run` holds them,
# so a phase's peak is comparable whether the other one runs or not.
modules = {"graph": importlib.import_module("pipeline.citegraph"), "diff": importlib.import_module("pipeline.diff")}
phases = {name: modules[name].refresh for name in sys.argv[2:]}
if "diff" in phases and "code_version" in inspect.signature(phases["diff"]).parameters:
    # The incremental diff: measured as a whole rebuild, what a new corpus pays.
    from pipeline.run import PIPELINE_VERSION
    phases["diff"] = lambda con, refresh=phases["diff"]: refresh(con, PIPELINE_VERSION, full=True)
out["rss_before_mb"] = rss("VmRSS:")
for name in phases:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    start, cpu = time.perf_counter(), time.process_time()
    rows = phases[name](con)
    out[name] = {"peak_mb": rss("VmHWM:"), "cpu_s": round(time.process_time() - cpu, 2),
                 "seconds": round(time.perf_counter() - start, 2), "rows": rows}
con.close()
print(json.dumps(out))
"""


def measure(db: Path, code: Path = ROOT, phases: tuple[str, ...] = ("graph",)) -> dict:
    """The figures of `phases` (`graph`, `diff`, in that order) run on a copy of `db`."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "plans.duckdb"
        shutil.copy(db, copy)
        env = {**os.environ, "PYTHONPATH": str(code)}
        done = subprocess.run([sys.executable, "-c", _CHILD, str(copy), *phases], env=env, cwd=code,
                              capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"refresh of a copy of {db} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dbs", nargs="+", type=Path)
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose code refreshes (default: this one)")
    parser.add_argument("--diff", action="store_true", help="the passage diff after the graph step, measured apart")
    args = parser.parse_args()
    phases = ("graph", "diff") if args.diff else ("graph",)
    for db in args.dbs:
        print(json.dumps({"db": str(db), "code": str(args.code), **measure(db, args.code.resolve(), phases)}))


if __name__ == "__main__":
    main()
