"""Precision and recall of `error` citation findings against hand-made gold.

    python -m benchmarks.findings_eval DB [--gold tests/gold_findings/findings.json]

DB is a `plans run` database of the real corpus (benchmarks/real_corpus.py). The gold and how it is
scored: tests/gold_findings/NOTES.md. Also prints the share of each
severity among all findings of the db (the issue's `info` share).
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

import duckdb

from pipeline.citegraph import SEVERITY

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold_findings" / "findings.json"

# Which field of a cited document a finding kind is about.
FIELD = {"date_conflict": "date", "date_conflict_in_plan": "date", "cited_after_citing": "date", "impossible_date": "date",
         "issuer_conflict": "issuer", "issuer_conflict_in_plan": "issuer"}


def folded(number: str) -> str:
    """Case, spaces and hyphens out: the gold's variants of one number meet."""
    return re.sub(r"[\s\-]", "", number or "").casefold()


def score(con: duckdb.DuckDBPyConnection, gold: dict) -> dict:
    names = {name[:4]: name for name in gold["documents"]}
    has_severity = "severity" in {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'citation_findings'").fetchall()}
    severity = "f.severity" if has_severity else "NULL"
    rows = con.execute(f"""
        SELECT DISTINCT d.source_name, f.kind, coalesce(c.number, f.cited_key), f.start_char, f.message, {severity}
        FROM citation_findings f JOIN documents d USING (doc_id)
        LEFT JOIN cited_documents c USING (cited_key)""").fetchall()
    by_severity = Counter((sev or SEVERITY.get(kind, "warning")) for _, kind, *_, sev in rows)
    errors = [(src[:4], kind, number, start, message) for src, kind, number, start, message, sev in rows
              if (sev or SEVERITY.get(kind)) == "error" and src[:4] in names and src in names.values()]
    hits, false = [], []
    found = set()
    for doc, kind, number, start, message in errors:
        entry = next((e for e in gold["errors"] if doc in e["docs"] and folded(e["number"]) == folded(number.split(":")[0])
                      and FIELD.get(kind) == e["field"]), None)
        (hits if entry else false).append((doc, kind, number, start, message))
        if entry:
            found.add(entry["id"])
    missed = [e for e in gold["errors"] if e["id"] not in found]
    n = len(errors)
    return {
        "error_findings": n, "true": len(hits), "precision": len(hits) / n if n else None,
        "gold_errors": len(gold["errors"]), "found": len(found), "recall": len(found) / len(gold["errors"]),
        "false": false, "missed": [e["id"] for e in missed],
        "all_findings": len(rows), "by_severity": dict(by_severity),
        "info_share": by_severity["info"] / len(rows) if rows else None,
    }


def render(result: dict) -> str:
    p = "n/a" if result["precision"] is None else f"{result['precision']:.3f}"
    lines = [f"error findings on the gold documents: {result['error_findings']}, true {result['true']}, precision {p}",
             f"gold errors: {result['gold_errors']}, found {result['found']}, recall {result['recall']:.3f}",
             f"all findings in the db: {result['all_findings']}, by severity {result['by_severity']}, "
             f"info share {result['info_share']:.3f}"]
    lines += [f"  FALSE {doc} {kind} {number} @{start}: {message}" for doc, kind, number, start, message in result["false"]]
    lines += [f"  MISSED {gold_id}" for gold_id in result["missed"]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--gold", default=str(GOLD))
    args = parser.parse_args()
    with duckdb.connect(args.db, read_only=True) as con:
        print(render(score(con, json.loads(Path(args.gold).read_text(encoding="utf-8")))))


if __name__ == "__main__":
    main()
