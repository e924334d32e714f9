"""Time against input size on long inputs -> benchmarks/scaling.md.

    python benchmarks/scaling.py [--lines 10000 20000 40000 80000] [--mb 0.25 0.5 1] [--repeat 3]
                                 [--out benchmarks/scaling.md]

Two shapes of input, made of real plan text (tests/fixtures/long_inputs.py):
N numbered lines, each a clause of the sample plans (every fifth a task with
a deadline), and one single line of those clauses. Each size runs
`process_text` (every extractor, no database) in a fresh process after a
warm-up on the seed plan, so imports and first-use loading are not counted;
the figure is the extraction's wall time, the best of `--repeat` runs (the
machine is shared: the best run is the one least disturbed), and the
process's peak RSS.

Linear time means each doubling of the input at most doubles the time, give
or take noise: the script exits 1 when one doubling costs more than
`--max-ratio` (2.5) times the size before it. Issue 17 measured 18 s for
10,000 numbered lines and 88 s for 20,000 (x4.9), and 92 s for one 1 MB line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Run in the child: build the input, warm up, time one process_text.
_CHILD = """
import json, resource, sys, time
from pipeline import process_text
from tests.fixtures.long_inputs import numbered_lines, one_line
shape, size = sys.argv[1], float(sys.argv[2])
text = numbered_lines(int(size)) if shape == "lines" else one_line(int(size * 1_000_000))
process_text(numbered_lines(50))  # imports, vocabularies, dateparser's first parse
start = time.perf_counter()
records = process_text(text)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "bytes": len(text.encode("utf-8")), "duties": len(records.duties),
                  "dates": len(records.dates), "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(shape: str, size: float) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", _CHILD, shape, str(size)], capture_output=True, text=True,
                          cwd=ROOT, env=env, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def series(shape: str, sizes: list[float], label, repeat: int) -> list[dict]:
    rows = []
    for size in sizes:
        runs = [measure(shape, size) for _ in range(repeat)]
        row = {"size": label(size), **min(runs, key=lambda r: r["seconds"])}
        row["ratio"] = row["seconds"] / rows[-1]["seconds"] if rows else None
        rows.append(row)
        print(f"{shape} {row['size']}: {row['seconds']:.2f} s, {row['rss_mb']:.0f} MB"
              + (f", x{row['ratio']:.2f}" if row["ratio"] else ""), file=sys.stderr, flush=True)
    return rows


def table(title: str, rows: list[dict]) -> str:
    out = [f"### {title}", "", "| input | bytes | duties | dates | seconds | x previous | peak RSS (MB) |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        ratio = f"{r['ratio']:.2f}" if r["ratio"] else ""
        out.append(f"| {r['size']} | {r['bytes']:,} | {r['duties']:,} | {r['dates']:,} | {r['seconds']:.2f} | "
                   f"{ratio} | {r['rss_mb']:.0f} |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="*", default=[10_000, 20_000, 40_000, 80_000])
    parser.add_argument("--mb", type=float, nargs="*", default=[0.25, 0.5, 1.0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-ratio", type=float, default=2.5)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "scaling.md")
    args = parser.parse_args()
    lines = series("lines", args.lines, lambda n: f"{int(n):,} numbered lines", args.repeat)
    single = series("line", args.mb, lambda mb: f"one {mb:g} MB line", args.repeat)
    report = "\n\n".join([
        "# Time against input size",
        f"`python benchmarks/scaling.py` on {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}: `process_text` in a fresh process per "
        f"size, after a warm-up, best of {args.repeat} runs; x previous is the time over the time of the size "
        "before (each size doubles).",
        table("Numbered lines (real clauses, every fifth a task with a deadline)", lines),
        table("One single line of the same clauses", single),
    ]) + "\n"
    args.out.write_text(report, encoding="utf-8")
    print(report)
    worst = max(r["ratio"] for r in lines + single if r["ratio"])
    if worst > args.max_ratio:
        sys.exit(f"a doubling cost x{worst:.2f}, more than x{args.max_ratio}")


if __name__ == "__main__":
    main()
