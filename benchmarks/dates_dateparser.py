"""Which date forms dateparser reads right, and its share of the `dates` values.

    python -m benchmarks.dates_dateparser [FILES...]   (default: data/raw/*.txt)

For every date atom of the inputs it runs dateparser three ways and compares
with the atom's own parts (the regex reading):
- `atom`: the atom alone, as extractors/dates.py calls it;
- `context`: the atom with the cue word before it (`trước ngày 05/7/2026`);
- `no_lang`: the atom alone without languages=['vi'] (day-first lost, slow).
Then it prints, per form, how often each way agrees, the mean time per call,
and, over the extracted rows, the share of values computed by dateparser and
whether each row's value shows the day, month and year its text spells.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import dateparser

from extractors import dates
from core.document import Document
from core.normalize import clean_text
from extractors.sections import segment

SETTINGS = {"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "PREFER_MONTH_OF_YEAR": "first"}


def _doc(path: Path) -> Document:
    doc = Document(clean_text(path.read_text(encoding="utf-8"))[0], path.name)
    doc.sections = segment(doc)[0]
    return doc


def _parse(text: str, base: int, languages: list[str] | None) -> tuple[dt.date | None, float]:
    t0 = time.perf_counter()
    found = dateparser.parse(text, languages=languages, settings={**SETTINGS, "RELATIVE_BASE": dt.datetime(base, 1, 1)})
    return (found.date() if found else None), time.perf_counter() - t0


def _with_word_before(line_to_atom: str, atom_length: int) -> str:
    """The atom with the word written before it (`trước ngày 05/7/2026`)."""
    before = re.search(r"\S+\s+$", line_to_atom[:-atom_length])
    return (before.group() if before else "") + line_to_atom[-atom_length:]


def _spelled_parts_agree(row) -> bool:
    """The row's value carries every number its text spells (day, month, year)."""
    if row.value is None:
        return True
    numbers = {int(n) for n in re.findall(r"\d+", row.text)}
    parts = {"day": (row.value.day, row.value.month), "month": (row.value.month,), "quarter": (),
             "year": ()}[row.granularity]
    shown = set(parts) | ({row.value.year} if re.search(r"(?:19|20)\d\d", row.text) else set())
    if (row.kind in ("period_end", "deadline") and row.granularity != "day") or (
            row.event and not re.search(r"\d+\s*/|tháng\s+\d", row.text)):
        # The last day, or a named day's fixed date, is not written: only the year is.
        shown = {row.value.year} if re.search(r"(?:19|20)\d\d", row.text) else set()
    return shown <= numbers


def main(paths: list[Path]) -> None:
    dateparser.parse("01/01/2026", languages=["vi"])  # load the Vietnamese data once, outside the timings
    agree: dict[str, Counter] = defaultdict(Counter)
    seconds: dict[str, list[float]] = defaultdict(list)
    parsers, wrong = Counter(), []
    for path in paths:
        doc = _doc(path)
        for a in dates.scan(doc):
            year = a.year or 2026
            want = dt.date(year, a.month or (3 * a.quarter - 2 if a.quarter else 1), a.day or 1)
            line = doc.line_at(a.start)
            ways = {"atom": (doc.match_text[a.start:a.end], ["vi"]),
                    "context": (_with_word_before(doc.match_text[line.start:a.end], a.end - a.start), ["vi"]),
                    "no_lang": (doc.match_text[a.start:a.end], None)}
            agree[a.form]["n"] += 1
            for way, (text, languages) in ways.items():
                got, took = _parse(text, year, languages)
                agree[a.form][way] += got == want and a.form not in ("blank", "years")
                seconds[way].append(took)
        for row in dates.extract(doc):
            if row.value is not None:
                parsers[row.parser] += 1
            if not _spelled_parts_agree(row):
                wrong.append(f"{path.name}: {row.kind} {row.text!r} -> {row.value}")
    print(f"{'form':8} {'atoms':>5} {'atom':>6} {'context':>8} {'no_lang':>8}")
    for form, c in sorted(agree.items()):
        print(f"{form:8} {c['n']:5} " + " ".join(f"{c[w] / c['n']:8.0%}" for w in ("atom", "context", "no_lang")))
    for way, times in seconds.items():
        print(f"mean ms per call, {way}: {1000 * sum(times) / len(times):.2f}")
    total = sum(parsers.values())
    print("values by parser: " + ", ".join(f"{p} {n} ({n / total:.0%})" for p, n in parsers.most_common()))
    print(f"rows whose value misses a number of their text: {len(wrong)}")
    for line in wrong:
        print("  " + line)


if __name__ == "__main__":
    args = [Path(p) for p in sys.argv[1:]] or sorted(Path("data/raw").glob("*.txt"))
    main(args)
