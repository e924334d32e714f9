"""Duties against the gold, per agency (issue 4's measure).

    python benchmarks/duties_gold.py [--gold tests/gold] [--raw data/raw]

Entries of one agency in several sections add up. A gold agency matches a
produced one of the same `agency_type` whose name is similar: the gold name
inside ours, or at least 60% shared words, after abbreviations are spelled
out (`Văn phòng HĐND - UBND xã` ~ `Văn phòng Hội đồng nhân dân và Ủy ban
nhân dân xã Phong Quang`). Prints agencies-with-duties P/R/F1 and the share
of matched agencies whose task count equals the gold `items`.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

from core.vocab import load
from pipeline.evaluate import name_similarity, norm
from pipeline.run import process_text

ROOT = Path(__file__).resolve().parent.parent


def spelled_out(name: str) -> str:
    for abbr, full in load("agencies")["abbreviations"].items():
        name = re.sub(rf"(?<!\w){re.escape(abbr)}(?!\w)", full, name)
    return re.sub(r"\s*-\s*", " và ", name)


def similar(gold: str, ours: str) -> float:
    return max(name_similarity(gold, ours), name_similarity(spelled_out(gold), spelled_out(ours)))


def per_agency(entries) -> dict[tuple[str, str], int]:
    """(type, name) -> tasks, names folded so one agency's sections add up."""
    out: Counter = Counter()
    for agency_type, name, items in entries:
        out[(agency_type, norm(spelled_out(name)))] += items
    return dict(out)


def match(gold: dict, ours: dict) -> list[tuple[tuple, tuple]]:
    """Greedy best-first pairs of the same type and similar names."""
    pairs = sorted(((similar(g[1], o[1]), g, o) for g in gold for o in ours if g[0] == o[0]), reverse=True)
    used_g, used_o, out = set(), set(), []
    for score, g, o in pairs:
        if score >= 0.6 and g not in used_g and o not in used_o:
            used_g.add(g)
            used_o.add(o)
            out.append((g, o))
    return out


def score(gold_docs: list[dict], duties_by_doc: dict[str, list]) -> dict:
    tp = fp = fn = same_items = 0
    misses, extras, wrong_counts = [], [], []
    for gd in gold_docs:
        gold = per_agency((d["agency_type"], d["agency"], d.get("items", 1)) for d in gd["duties"])
        ours = per_agency((d.agency_type, d.agency, 1) for d in duties_by_doc.get(gd["source_name"], []))
        pairs = match(gold, ours)
        tp += len(pairs)
        fn += len(gold) - len(pairs)
        fp += len(ours) - len(pairs)
        matched_g = {g for g, _ in pairs}
        matched_o = {o for _, o in pairs}
        misses += [(gd["source_name"][:3], g) for g in gold if g not in matched_g]
        extras += [(gd["source_name"][:3], o) for o in ours if o not in matched_o]
        for g, o in pairs:
            if gold[g] == ours[o]:
                same_items += 1
            else:
                wrong_counts.append((gd["source_name"][:3], g[1], gold[g], ours[o]))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "items_equal": same_items / tp if tp else 0.0, "matched": tp, "gold": tp + fn, "produced": tp + fp,
            "misses": misses, "extras": extras, "wrong_counts": wrong_counts}


def load_gold(gold_dir: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(gold_dir.glob("*.json"))]


def report(label: str, s: dict) -> str:
    lines = [f"{label}: agencies with duties P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f} "
             f"({s['matched']} matched / {s['gold']} gold / {s['produced']} produced); "
             f"task count equal for {s['items_equal']:.3f} of matched"]
    lines += [f"  MISS  {d} {g}" for d, g in s["misses"]]
    lines += [f"  EXTRA {d} {o}" for d, o in s["extras"]]
    lines += [f"  COUNT {d} {n}: gold {g}, ours {o}" for d, n, g, o in s["wrong_counts"]]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=ROOT / "tests" / "gold")
    ap.add_argument("--raw", type=Path, default=ROOT / "data" / "raw")
    args = ap.parse_args()
    gold = load_gold(args.gold)
    duties = {g["source_name"]: process_text((args.raw / g["source_name"]).read_text(encoding="utf-8"),
                                             g["source_name"]).duties for g in gold}
    print(report("pipeline", score(gold, duties)))


if __name__ == "__main__":
    main()
