"""Fingerprint every record the pipeline extracts from a set of files.

    python benchmarks/snapshot_records.py OUT.tsv DIR [DIR ...] [--workers 2]
    python benchmarks/snapshot_records.py --compare A.tsv B.tsv

One line per input file: its path and the SHA-256 of its records (every
table, every field, `pipeline_version` left out). Two snapshots taken
before and after a change that should not alter behaviour (a refactor, a
speed-up) must be identical; `--compare` lists the files that differ.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fingerprint(path: Path) -> str:
    from pipeline.run import process_file

    try:
        records = process_file(path)
    except Exception as exc:  # a refusal is part of the behaviour too
        return "error:" + type(exc).__name__ + ":" + getattr(exc, "problem", "")
    dump = records.model_dump(mode="json")
    for volatile in ("pipeline_version", "source_path"):  # code version; the path argument given
        dump["document"].pop(volatile, None)
    return hashlib.sha256(json.dumps(dump, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def snapshot(dirs: list[Path], workers: int) -> list[tuple[str, str]]:
    files = sorted(p for d in dirs for p in d.rglob("*") if p.is_file() and not p.name.startswith("."))
    with ProcessPoolExecutor(workers) as pool:
        return list(zip((str(p) for p in files), pool.map(fingerprint, files, chunksize=16)))


def compare(a: Path, b: Path) -> int:
    left = dict(line.split("\t") for line in a.read_text().splitlines())
    right = dict(line.split("\t") for line in b.read_text().splitlines())
    differ = sorted(k for k in left.keys() | right.keys() if left.get(k) != right.get(k))
    for name in differ:
        print(name)
    print(f"{len(left)} vs {len(right)} files, {len(differ)} differ")
    return 1 if differ else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--compare", action="store_true", help="compare two snapshot files")
    args = parser.parse_args()
    if args.compare:
        sys.exit(compare(*args.paths))
    out, *dirs = args.paths
    out.write_text("".join(f"{name}\t{digest}\n" for name, digest in snapshot(dirs, args.workers)))


if __name__ == "__main__":
    main()
