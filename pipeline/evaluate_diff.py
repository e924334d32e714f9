"""Score `plans diff`'s labels against hand-made alignments (tests/gold_diff).

A gold file (tests/gold_diff/NOTES.md) names passages of a child and of its
parent (or reference sibling) by a quote of their opening words and gives
each a label. The two texts are run through the pipeline
(`process_text`), their passages aligned (`pipeline.align`), and each named
passage's predicted label compared with the gold one: a child passage is
copied / adapted / new, a parent passage dropped or not. Precision, recall
and F1 per label, summed over files (micro), and macro F1 over the labels.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.align import align
from pipeline.run import process_text

LABELS = ("copied", "adapted", "new", "dropped")


@dataclass
class DiffReport:
    files: int = 0
    missing: list[str] = field(default_factory=list)  # gold pairs whose texts were not found
    true: Counter = field(default_factory=Counter)  # (gold, predicted) -> count
    misses: list[str] = field(default_factory=list)

    def scores(self) -> dict[str, dict[str, float]]:
        out = {}
        for label in LABELS:
            tp = self.true[(label, label)]
            predicted = sum(n for (g, p), n in self.true.items() if p == label)
            gold = sum(n for (g, p), n in self.true.items() if g == label)
            precision = tp / predicted if predicted else 0.0
            recall = tp / gold if gold else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            out[label] = {"precision": precision, "recall": recall, "f1": f1, "gold": gold}
        out["macro"] = {"f1": sum(out[label]["f1"] for label in LABELS) / len(LABELS)}
        total = sum(self.true.values())
        out["accuracy"] = {"share": sum(self.true[(lb, lb)] for lb in LABELS) / total if total else 0.0,
                           "gold": total}
        return out


def _passage_at(passages: list, text: str, quote: str) -> int | None:
    """Index of the passage holding the first occurrence of `quote` (blanks flexible)."""
    found = re.search(r"\s+".join(map(re.escape, quote.split())), text)
    if not found:
        return None
    for i, passage in enumerate(passages):
        if passage.start_char <= found.start() < passage.end_char:
            return i
    return None


def _resolve(path: str, gold_file: Path, root: Path, docs: tuple[Path, ...]) -> Path | None:
    """A gold text by its path from the repository root or the gold folder,
    or by its file name in one of `docs` (texts kept outside the checkout,
    like the real corpus, are named by file name only)."""
    for candidate in (root / path, gold_file.parent / path, *(d / path for d in docs)):
        if candidate.is_file():
            return candidate
    return None


def score_file(gold_file: Path, root: Path, report: DiffReport, docs: tuple[Path, ...] = ()) -> bool:
    """Add one gold file's counts to `report`; False (noted in
    `report.missing`) when a text is not found."""
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    paths = {side: _resolve(gold[side], gold_file, root, docs) for side in ("child", "parent")}
    if not all(paths.values()):
        absent = ", ".join(gold[side] for side, p in paths.items() if p is None)
        report.missing.append(f"{gold_file.name}: {absent} not found")
        return False
    records = {side: process_text(p.read_text(encoding="utf-8"), p.name) for side, p in paths.items()}
    child, parent = records["child"], records["parent"]
    links = align([p.text for p in child.passages], [p.text for p in parent.passages])
    child_label = {link.child: link.label for link in links if link.child is not None}
    dropped = {link.parent for link in links if link.label == "dropped"}
    for entry in gold["passages"]:
        side = "parent" if entry["label"] == "dropped" else "child"
        recs = records[side]
        index = _passage_at(recs.passages, recs.document.text, entry[side])
        if side == "child":
            predicted = child_label.get(index, "none") if index is not None else "none"
            pairs = [(entry["label"], predicted)]
        else:
            predicted = "dropped" if index in dropped else "kept"
            pairs = [("dropped", predicted)]
        if "parent" in entry and side == "child":
            # A parent passage the gold pairs with a child passage is not dropped.
            j = _passage_at(parent.passages, parent.document.text, entry["parent"])
            if j in dropped:
                pairs.append(("kept", "dropped"))
        for g, p in pairs:
            report.true[(g, p)] += 1
            if g != p:
                report.misses.append(f"{gold_file.name}: {g} -> {p}: {entry.get(side, '')[:70]}")
    report.files += 1
    return True


def is_diff_gold(gold_dir: Path) -> bool:
    """A folder of passage alignments (files with `passages`), not of per-document gold."""
    first = next(iter(sorted(gold_dir.glob("*.json"))), None)
    return first is not None and "passages" in json.loads(first.read_text(encoding="utf-8"))


def evaluate(gold_dir: Path, root: Path | None = None, docs: tuple[Path, ...] = ()) -> DiffReport:
    report = DiffReport()
    for gold_file in sorted(gold_dir.glob("*.json")):
        score_file(gold_file, root or Path.cwd(), report, docs)
    return report


def render_text(report: DiffReport) -> str:
    scores = report.scores()
    lines = [f"passage labels over {report.files} gold pairs"]
    for label in LABELS:
        s = scores[label]
        lines.append(f"  {label:8} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  (gold {s['gold']})")
    lines.append(f"  macro F1 {scores['macro']['f1']:.3f}; accuracy {scores['accuracy']['share']:.3f} "
                 f"over {scores['accuracy']['gold']} judgements")
    lines += [f"skipped {m}" for m in report.missing]
    lines += ["misses:", *(f"  {m}" for m in report.misses)]
    return "\n".join(lines)
