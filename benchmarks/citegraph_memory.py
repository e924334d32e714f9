"""Peak memory of the citation graph step (`citegraph.refresh`) on a stored db.

    python -m benchmarks.citegraph_memory DB [DB ...] [--code DIR]

Each refresh runs in a fresh process on a copy of DB (the step rewrites the
graph tables), with the code of this checkout or of `--code DIR` (another
checkout, for a before/after). Prints per db: documents, mentions, the
process's resident memory before the step (imports and an open connection),
its peak during the step, and the seconds the step took. Results of the
issue 15 item 2 rewrite: benchmarks/citegraph_memory.md.
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

# Runs in the child: RSS now (VmRSS), then the step, then the peak (VmHWM).
_CHILD = r"""
import json, sys, time
from pipeline import citegraph, store

def rss(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) // 1024

con = store.connect(sys.argv[1])
docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
mentions = con.execute("SELECT count(*) FROM citations").fetchone()[0]
before = rss("VmRSS:")
start = time.perf_counter()
citegraph.refresh(con)
print(json.dumps({"documents": docs, "mentions": mentions, "rss_before_mb": before,
                  "peak_mb": rss("VmHWM:"), "seconds": round(time.perf_counter() - start, 2)}))
"""


def measure(db: Path, code: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "plans.duckdb"
        shutil.copy(db, copy)
        env = {**os.environ, "PYTHONPATH": str(code)}
        done = subprocess.run([sys.executable, "-c", _CHILD, str(copy)], env=env, cwd=code,
                              capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dbs", nargs="+", type=Path)
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose code refreshes (default: this one)")
    args = parser.parse_args()
    for db in args.dbs:
        print(json.dumps({"db": str(db), "code": str(args.code), **measure(db, args.code.resolve())}))


if __name__ == "__main__":
    main()
