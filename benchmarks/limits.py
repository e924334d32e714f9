"""Peak memory of one input at the limits of pipeline/readers/limits.py -> benchmarks/limits.md.

    python benchmarks/limits.py [--out benchmarks/limits.md]

Each file is read and extracted (`process_file`, no database) in a fresh
process whose peak RSS (imports included) and wall time are reported: the
largest inputs the limits accept, of real plan text (the clauses of
tests/fixtures/long_inputs.py), and the crafted files they refuse (issue 17:
a 647 KB .docx unpacking to 200 MB of paragraphs peaked at 2.7 GB).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.readers import limits  # noqa: E402
from tests.fixtures.long_inputs import docx_of, numbered_lines, repeated_paragraph, varied_paragraphs  # noqa: E402

_CHILD = """
import json, sys, time
from pathlib import Path
from pipeline.run import process_file
from pipeline.ingest import IngestFailure
start = time.perf_counter()
try:
    process_file(Path(sys.argv[1]))
    outcome = "stored"
except IngestFailure as exc:
    outcome = f"refused: {exc.problem}"
# VmHWM, not ru_maxrss: Linux carries the high-water mark of the (large) parent across exec.
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"outcome": outcome, "seconds": time.perf_counter() - start,
                  "rss_mb": int(peak.split()[1]) / 1024}))
"""


def measure(path: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def largest_text(limit: int) -> str:
    """Numbered lines of real clauses, as many as fit under `limit` bytes."""
    n = 100_000
    while len(text := numbered_lines(n).encode("utf-8")) >= limit:
        n = int(n * limit / len(text) * 0.999)
    return text.decode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "limits.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = {
            "largest .txt accepted (numbered lines of real clauses)": ("plan.txt", largest_text(limits.MAX_BYTES)),
            # The XML of a plan's other parts (styles, numbering) is about 0.8 MB.
            "largest .docx accepted (XML just under the limit)": (
                "plan.docx", docx_of(varied_paragraphs, limits.MAX_DOCX_XML - 1 * limits.MB)),
            "a .docx of under 1 MB unpacking to 200 MB of one paragraph (issue 17)": (
                "bomb.docx", docx_of(repeated_paragraph, 200 * limits.MB)),
            ".docx with 26 MB of XML at Word's packing": (
                "big.docx", docx_of(varied_paragraphs, limits.MAX_DOCX_XML + 1 * limits.MB)),
        }
        rows = []
        for what, (name, content) in files.items():
            path = Path(tmp) / name
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
            row = {"what": what, "bytes": path.stat().st_size, **measure(path)}
            print(f"{what}: {row}", file=sys.stderr, flush=True)
            rows.append(row)
    lines = ["# Peak memory at the input limits", "",
             "`python benchmarks/limits.py`: `process_file` of each file in a fresh process; peak RSS includes "
             "the imports (about 180 MB). Limits: pipeline/readers/limits.py.", "",
             "| input | file size | outcome | seconds | peak RSS (MB) |", "|---|---:|---|---:|---:|"]
    lines += [f"| {r['what']} | {r['bytes']:,} | {r['outcome']} | {r['seconds']:.1f} | {r['rss_mb']:.0f} |"
              for r in rows]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
