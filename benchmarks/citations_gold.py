"""Citation figures against the gold: the real pipeline over the seeds into a
throw-away db, the citation graph refreshed, then `pipeline.evaluate`.

    python benchmarks/citations_gold.py [RAW_DIR] [GOLD_DIR]

Prints numbered-citation P/R/F1, date / issuer / type accuracy on matched
numbers, named-reference P/R/F1, every citation miss or false hit, and the
time the extraction took. The targets of the citations issue are checked
at the end (exit status 1 when one is missed).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline import citegraph, evaluate, store  # noqa: E402
from pipeline.run import process_text  # noqa: E402

TARGETS = {
    "citations_numbered.f1": 0.95,
    "citation_dates.accuracy": 0.95,
    "citation_issuers.accuracy": 0.95,
    "citations_named.f1": 0.8,
}


def main(raw_dir: Path, gold_dir: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        con = store.connect(Path(tmp) / "plans.duckdb")
        started = time.perf_counter()
        for path in sorted(raw_dir.glob("*.txt")):
            store.write_document(con, process_text(path.read_text(encoding="utf-8"), path.name))
        took = time.perf_counter() - started
        cited, findings = citegraph.refresh(con)
        report = evaluate.evaluate(con, gold_dir)
        con.close()
    for name in ("citations_numbered", "citation_dates", "citation_issuers", "citation_types", "citations_named"):
        figures = report.overall[name].figures(evaluate.FIELD_KINDS[name])
        print(f"{name:20} " + "  ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                                         for k, v in figures.items()))
    for f in report.findings:
        if f.field.startswith("citation"):
            print("  " + f.line())
    print(f"{cited} cited documents, {findings} findings; pipeline {took:.1f}s for {len(report.documents)} documents")
    missed = [f"{k} {report.metric(k):.3f} < {v}" for k, v in TARGETS.items() if (report.metric(k) or 0) < v]
    for line in missed:
        print("BELOW TARGET:", line)
    return 1 if missed else 0


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:]]
    sys.exit(main(args[0] if args else ROOT / "data/raw", args[1] if len(args) > 1 else ROOT / "tests/gold"))
