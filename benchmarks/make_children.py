"""Child plans made from a real plan by known edits: a second gold for
`plans diff` and the load of its speed benchmark.

    python -m benchmarks.make_children [--parent data/raw/002_0465d1eee385f037.txt] [-n 200] [--seed 13]

prints the label scores of `pipeline.align` on n generated children;
`--write DIR` writes plan files instead, for `plans run` (a parent with n
children stored, as `benchmarks/diff_speed.py --refresh` times): the parent
is data/raw/003 (4290/KH-UBND; 002 has no number to cite), each child the
opening of the ward plan 000, citing 4290/KH-UBND, then its passages.

The parent is cut into passages by the pipeline (`process_text`). Child i
(depending only on (seed, i)) takes every parent passage and, at random:
- keeps it, with its place names moved to a ward (`tỉnh Lai Châu` ->
  `phường Hòa Bình`, `toàn tỉnh` -> `toàn phường`): expected `copied`;
- rewords it (a run of words dropped, a phrase added): `adapted`;
- re-targets a number (`100%` -> `95%`, `05` -> `07`): `adapted`;
- moves a deadline (`30/6/2026` -> `15/7/2026`): `adapted`;
- hands it to another agency (`Công an` -> `Sở Tư pháp`): `adapted`;
- drops it: the parent passage is expected `dropped`;
and adds passages of an unrelated real plan: `new`. Edits that cannot apply
to a passage (no number, no date, no agency, too short to reword) keep it.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.align import Parent, align  # noqa: E402
from pipeline.evaluate_diff import DiffReport, render_text  # noqa: E402
from pipeline.run import process_text  # noqa: E402

PARENT = ROOT / "data/raw/002_0465d1eee385f037.txt"
UNRELATED = ROOT / "data/raw/004_dfb0cfd4cd0e3ba5.txt"
CITED_PARENT = ROOT / "data/raw/003_25f2686c20bc1894.txt"  # numbered, so children's citations reach it
CHILD_OPENING = ROOT / "data/raw/000_62f78ab9b2ca411b.txt"
# 000 carries out Ninh Bình's plan, which is not stored; its children cite 003 instead.
CITATION = ("Kế hoạch số 195/KH-UBND ngày 03/6/2026 của UBND tỉnh Ninh Bình",
            "Kế hoạch số 4290/KH-UBND ngày 29/5/2026 của UBND tỉnh Lai Châu")  # a ward's plan on another subject: what children add
EDITS = {"keep": 0.45, "reword": 0.15, "value": 0.08, "deadline": 0.07, "agency": 0.07, "drop": 0.10, "add": 0.08}
FILLERS = ["một cách thiết thực", "kịp thời và hiệu quả", "theo đúng quy định", "trên tinh thần chủ động"]
WARD = "phường Hòa Bình"

# A place: a province or city word and its capitalised name, or `toàn tỉnh`.
_PLACE = re.compile(r"\b(?:tỉnh|thành phố)(?:\s+[A-ZĐÂĂÊÔƠƯÁÀẢÃẠÉÈÍÌÓÒÚÙÝ][\wÀ-ỹ]*)+|\b(?P<whole>toàn (?:tỉnh|thành phố))\b")
_DATE = re.compile(r"\b(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>20\d\d)\b")
_NUMBER = re.compile(r"(?<![\d/])(?P<n>\d{1,3})(?P<pct>%?)(?![\d/])")
_AGENCY = re.compile(r"\b(?:Công an|Sở Y tế|Sở Tài chính|Sở Giáo dục và Đào tạo|Ủy ban nhân dân|Đoàn Thanh niên)\b")
AGENCIES = ["Sở Tư pháp", "Sở Nội vụ", "Ban Chỉ huy Quân sự", "Trung tâm Y tế"]


@dataclass
class Child:
    texts: list[str] = field(default_factory=list)  # the child's passages, in order
    labels: list[str] = field(default_factory=list)  # expected label of each
    dropped: set[int] = field(default_factory=set)  # parent passages the child drops


def _to_ward(text: str) -> str:
    return _PLACE.sub(lambda m: "toàn phường" if m["whole"] else WARD, text)


def _reword(text: str, rng: random.Random) -> str | None:
    words = text.split()
    if len(words) < 12:
        return None
    start = rng.randrange(2, len(words) - 5)
    cut = rng.randint(2, 4)
    kept = words[:start] + words[start + cut:]
    kept.insert(rng.randrange(2, len(kept)), rng.choice(FILLERS))
    return " ".join(kept)


def _retarget(text: str, rng: random.Random) -> str | None:
    found = list(_NUMBER.finditer(text))
    if not found:
        return None
    m = rng.choice(found)
    value = int(m["n"])
    new = value - 5 if m["pct"] and value > 50 else value + rng.randint(1, 3)
    return text[:m.start("n")] + str(new).zfill(len(m["n"])) + text[m.end("n"):]


def _move_deadline(text: str, rng: random.Random) -> str | None:
    found = list(_DATE.finditer(text))
    if not found:
        return None
    m = rng.choice(found)
    day = (int(m["day"]) + rng.randint(3, 12)) % 28 + 1
    return text[:m.start()] + f"{day:02d}/{m['month']}/{m['year']}" + text[m.end():]


def _reassign(text: str, rng: random.Random) -> str | None:
    found = list(_AGENCY.finditer(text))
    if not found:
        return None
    m = rng.choice(found)
    return text[:m.start()] + rng.choice([a for a in AGENCIES if a != m.group()]) + text[m.end():]


_CHANGE = {"reword": _reword, "value": _retarget, "deadline": _move_deadline, "agency": _reassign}


def make_child(parent: list[str], extra: list[str], seed: int, index: int) -> Child:
    rng = random.Random(f"{seed}:{index}")
    child = Child()
    names, weights = zip(*EDITS.items())
    for j, text in enumerate(parent):
        edit = rng.choices(names, weights)[0]
        if edit == "add" and extra:
            child.texts.append("- " + rng.choice(extra))
            child.labels.append("new")
            edit = "keep"
        if edit == "drop":
            child.dropped.add(j)
            continue
        changed = _CHANGE[edit](text, rng) if edit in _CHANGE else None
        child.texts.append(_to_ward(changed or text))
        child.labels.append("adapted" if changed else "copied")
    return child


def passages(path: Path) -> list[str]:
    return [p.text for p in process_text(path.read_text(encoding="utf-8"), path.name).passages]


def extra_passages(path: Path) -> list[str]:
    # Bodies of an unrelated plan's bullets, markers off, long enough to be tasks.
    return [re.sub(r"^[-+•]\s*", "", t) for t in passages(path) if len(t.split()) >= 10]


def write_family(out: Path, n: int, seed: int) -> None:
    """The parent and `n` children citing it, as plan files in `out`."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "parent.txt").write_text(CITED_PARENT.read_text(encoding="utf-8"), encoding="utf-8")
    opening = CHILD_OPENING.read_text(encoding="utf-8").split("\nI. ")[0].replace(*CITATION)
    parent, extra = passages(CITED_PARENT), extra_passages(UNRELATED)
    for i in range(n):
        body = "\n\n".join(make_child(parent, extra, seed, i).texts)
        (out / f"child_{i:05d}.txt").write_text(f"{opening}\n{body}\n", encoding="utf-8")


def score(parent: list[str], children: list[Child], report: DiffReport | None = None) -> DiffReport:
    report = report or DiffReport()
    prepared = Parent.read(parent)
    for child in children:
        links = align(child.texts, prepared)
        predicted = {link.child: link.label for link in links if link.child is not None}
        predicted_dropped = {link.parent for link in links if link.label == "dropped"}
        for i, label in enumerate(child.labels):
            report.true[(label, predicted.get(i, "none"))] += 1
        for j in range(len(parent)):
            gold, got = ("dropped" if j in child.dropped else "kept"), ("dropped" if j in predicted_dropped else "kept")
            if gold != "kept" or got != "kept":
                report.true[(gold, got)] += 1
        report.files += 1
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parent", type=Path, default=PARENT)
    parser.add_argument("--unrelated", type=Path, default=UNRELATED)
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--write", type=Path, help="write the parent and n children as plan files here")
    args = parser.parse_args()
    if args.write:
        write_family(args.write, args.n, args.seed)
        return
    parent, extra = passages(args.parent), extra_passages(args.unrelated)
    report = score(parent, [make_child(parent, extra, args.seed, i) for i in range(args.n)])
    print(render_text(report).split("\nmisses:")[0].replace("gold pairs", "generated children"))


if __name__ == "__main__":
    main()
