"""First run against today on the real corpus, for BENCHMARKS.md.

    python benchmarks/real_first_vs_now.py NOW_EVAL.txt

Reads the overall rows of benchmarks/real_eval_first_run.txt (the first
`plans eval` on the real corpus, kept as written) and of a later
`plans eval --gold tests/gold_real` text report, and prints a Markdown table
of F1 (or accuracy where a field has only that) side by side.
"""

from __future__ import annotations

import sys
from pathlib import Path

FIRST = Path(__file__).resolve().parent / "real_eval_first_run.txt"


def overall(path: Path) -> dict[str, str]:
    """metric -> the figure it is judged by: F1 where there is one, else
    accuracy; read by the columns of the report's header line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = next(line for line in lines if line.startswith("metric"))
    f1_end, acc_end = header.index("F1") + 2, header.index("acc") + 3
    out = {}
    for line in lines[lines.index(header) + 2:]:
        if not line.strip() or line.split()[0] in ("MISS", "FALSE", "WRONG"):
            break
        name = line.split()[0]
        # A name longer than its column pushes the row's figures right by as much.
        shift = max(0, len(name) + 2 - (header.index("P") - 4))
        f1 = line[f1_end - 6 + shift:f1_end + shift].strip()
        acc = line[acc_end - 6 + shift:acc_end + shift].strip()
        out[name] = f1 or acc
    return out


def main() -> None:
    first, now = overall(FIRST), overall(Path(sys.argv[1]))
    print("| field | first run | now |\n|---|---|---|")
    for metric in first:
        print(f"| {metric} | {first[metric]} | {now.get(metric, '-')} |")


if __name__ == "__main__":
    main()
