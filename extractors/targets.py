"""Quantified aims -> `targets` rows (Target).

A target is read from a target statement (extractors/statements.py: every
sentence of a `Mục tiêu` / `Chỉ tiêu` section, and `Phấn đấu` / `Quyết tâm`
/ `Bảo đảm 100%` sentences anywhere). Each `;`-clause of a statement gives:

- one row per quantity: a percentage (`100% các thôn`) or a count with its
  unit (`ít nhất 01 buổi`, `08 xã, phường`, `7,5 triệu lượt khách`), with the
  direction and bound written around it (`giảm ít nhất 10%`, `từ 95% trở
  lên`) and the subject phrase after it;
- else one row of value 0 for an aim of none (`không để phát sinh ...`);
- else one row per year the aim is due (`phấn đấu đến năm 2027 đạt ...`),
  value null.

A quantity is due in the year its clause names, or the year the statement
opens with (`Đến năm 2030, ...; ...`) until a clause opens an aim of its own
(`...; phấn đấu ...`), or the year the title of its aim section names
(`2. Chỉ tiêu đến năm 2030`). A year inside a programme's name (`Chương
trình ... đến năm 2030`) or a baseline (`so với năm 2025`) dues nothing.
A count's subject follows it (`100% các thôn`); a measure's (money, area:
`thu nhập ... đạt 78 triệu đồng/người/năm`) comes before it. Words come from
vocab/target_cues.toml.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from core.dategrammar import Atom
from extractors.dates import atoms_between, scan, target_year_atoms
from extractors.statements import Span, clauses, opening_cue, target_statements
from core.phrases import phrases_regex
from core.vocab import load
from core.document import Document
from schemas.records import Target

# Longest subject kept, in words: enough to say what is measured.
SUBJECT_WORDS = 16


@cache
def _vocab() -> dict:
    return load("target_cues")


def _named(entries: list[dict], key: str, field: str = "phrases") -> str:
    """One alternation with a named group per entry that has `field` (`g0`, `g1`, ...)."""
    return "|".join(f"(?P<{key}{i}>{phrases_regex(e[field])})" for i, e in enumerate(entries) if field in e)


@cache
def _quantity_re() -> re.Pattern:
    v = _vocab()
    return re.compile(
        rf"""
        (?<![\w/.,-])
        (?:(?:{_named(v['direction'], 'd')})\s+)?     # which way: `giảm`, `tăng`
        (?:(?:{_named(v['comparator'], 'c')})\s+)?    # bound: `ít nhất`, `không quá`
        (?:{phrases_regex(v['range']['from'])}\s+)?   # a range, closed after the unit: `từ 95% trở lên`
        (?P<num>\d{{1,3}}(?:\.\d{{3}})+|\d+(?:,\d+)?)   # `100`, `01`, `1.000`, `2,5`
        \s*
        (?:
            (?P<pct>%)                               # a share
          | (?P<unit>
                (?:
                    (?:{phrases_regex(v['units']['magnitudes'])}\s+)?        # in thousands, millions: `7,5 triệu lượt khách`
                    (?P<thing>{phrases_regex(v['units']['phrases'])})      # a count of things
                  | (?P<measure>{phrases_regex(v['measures']['phrases'])})  # an amount: money, length, area
                )
                (?:\s*/\s*
                    (?:
                        {phrases_regex(v['measures']['per'])}          # a rate: `/người/năm`
                      | \d{{1,3}}(?:\.\d{{3}})*\s*{phrases_regex(v['units']['phrases'] + v['measures']['phrases'])}  # a ratio: `/100 bé gái`
                    )
                )*
            )
            (?!\w)
        )
        (?:\s+(?:{_named(v['comparator'], 'a', 'after')}))?   # a bound closing the range: `trở lên`
        """,
        re.VERBOSE | re.IGNORECASE,
    )


@cache
def _zero_re() -> re.Pattern:
    none = next(e for e in _vocab()["direction"] if e["name"] == "không phát sinh")
    return re.compile(r"(?<!\w)" + phrases_regex(none["phrases"]) + r"(?!\w)", re.IGNORECASE)


@cache
def _stop_re() -> re.Pattern:
    recurrences = [p for e in load("date_cues")["recurring"] for p in e["phrases"]]
    stops = _vocab()["subject"]["stops"] + recurrences + _vocab()["baseline"]["phrases"]
    return re.compile(r"(?<!\w)" + phrases_regex(stops) + r"(?!\w)|[;:.]", re.IGNORECASE)


@cache
def _trailing_verb_re() -> re.Pattern:
    s = _vocab()["subject"]
    return re.compile(r"[\s,]+" + phrases_regex(s["trailing_verbs"]) + r"\s*$", re.IGNORECASE)


# Words that lead a year into a clause (`đến năm 2030`, `trong lộ trình 2027`).
_YEAR_LEAD = re.compile(r"(?:(?:đến|vào|trong|tới)\s+)?(?:lộ\s+trình\s+)?$", re.IGNORECASE)


def _first_group(m: re.Match, key: str, entries: list[dict]) -> str | None:
    groups = m.re.groupindex
    for i, entry in enumerate(entries):
        if f"{key}{i}" in groups and m.group(f"{key}{i}"):
            return entry.get("name") or entry.get("symbol")
    return None


def _number(text: str) -> float:
    """`1.000` -> 1000, `2,5` -> 2.5, `01` -> 1: Vietnamese digit grouping."""
    return float(text.replace(".", "").replace(",", "."))


def _subject(doc: Document, start: int, end: int, cut: list[tuple[int, int]], predicate: bool = True) -> str | None:
    """The phrase from `start` up to the first span in `cut` (and, for a
    quantity, its predicate: `có`, `được`, ...), trimmed to a few words."""
    text = doc.text
    for s, _ in sorted(cut):
        if start <= s < end:
            end = s
    stop = _stop_re().search(doc.match_text, start, end) if predicate else None
    if stop:
        end = stop.start()
    phrase = re.sub(r"\s+", " ", text[start:end]).strip(" ,.-–")
    phrase = _trailing_verb_re().sub("", phrase).strip(" ,")
    words = phrase.split()
    return " ".join(words[:SUBJECT_WORDS]) or None


def _quantities(doc: Document, span: Span, date_spans: list[tuple[int, int]]) -> Iterator[re.Match]:
    """Quantities of the span; none overlaps a date (`01/6/2026`, `năm 2026 xã ...`)."""
    # Every quantity holds a number; the digit search is far cheaper than the quantity pattern.
    if not _DIGIT.search(doc.match_text, span.start, span.end):
        return iter(())
    return (m for m in _quantity_re().finditer(doc.match_text, span.start, span.end)
            if not any(s <= m.start("num") < e for s, e in date_spans))


_DIGIT = re.compile(r"\d")


def _drop_qualifiers(doc: Document, found: list[re.Match], start: int) -> list[re.Match]:
    """The quantities without the measures that stand in the subject of a
    share or count: they say who is counted, they are no aim."""
    text, stop = doc.match_text, _stop_re()

    def after_share(m: re.Match, prev: re.Match | None) -> bool:
        # `80% người dân từ đủ 14 tuổi trở lên`: no predicate between.
        return prev is not None and not prev.group("measure") and not stop.search(text, prev.end(), m.start())

    def before_share(m: re.Match, prev: re.Match | None, nxt: re.Match | None) -> bool:
        # `Tỷ lệ tiêm chủng ... cho trẻ dưới 1 tuổi đạt từ 95%`: in the same phrase,
        # the share's predicate follows the measure and none comes before it
        # (not `Tuổi thọ đạt 75 tuổi`, not `thu nhập 78 triệu đồng, tỷ lệ ... đạt 90%`).
        return (nxt is not None and not nxt.group("measure") and "," not in text[m.end():nxt.start()]
                and stop.search(text, m.end(), nxt.start()) is not None
                and not stop.search(text, prev.end() if prev else start, m.start()))

    kept = []
    for i, m in enumerate(found):
        prev = kept[-1] if kept else None
        nxt = found[i + 1] if i + 1 < len(found) else None
        if m.group("measure") and (after_share(m, prev) or before_share(m, prev, nxt)):
            continue
        kept.append(m)
    return kept


def _clause_targets(doc: Document, clause: Span, aim_start: int, years: list[Atom],
                    year: int | None, atoms: list[Atom]) -> list[dict]:
    """Rows of one clause; `year` is due where the clause names none."""
    v = _vocab()
    text = doc.match_text
    own_years = [a for a in years if clause.start <= a.start < clause.end]
    year = own_years[0].year if own_years else year
    # Quantities never overlap dates; their phrases end at the next quantity, date or recurrence.
    date_spans = [(a.start, a.end) for a in atoms_between(atoms, clause.start, clause.end)]
    found = _drop_qualifiers(doc, list(_quantities(doc, clause, date_spans)), aim_start)
    bounds = date_spans + [(m.start(), m.end()) for m in found]
    out = []
    for m in found:
        after = None
        if not m.group("measure"):
            # `100% các thôn`, `01 buổi tuyên truyền`: what is counted follows.
            after = _subject(doc, m.end() if m.group("pct") else m.start("thing"), clause.end,
                             [b for b in bounds if b[0] > m.start()])
        # `thu nhập ... đạt 78 triệu đồng`, `tỷ lệ ... đạt trên 80%`: what is measured comes first.
        before_start = max([aim_start] + [e for _, e in bounds if e <= m.start()])
        out.append(dict(
            value=_number(m.group("num")),
            unit="%" if m.group("pct") else re.sub(r"\s+", " ", doc.text[m.start("unit"):m.end("unit")]),
            target_year=year,
            subject=after or _subject(doc, before_start, m.start(), []),
            direction=_first_group(m, "d", v["direction"]),
            comparator=_first_group(m, "a", v["comparator"]) or _first_group(m, "c", v["comparator"]),
        ))
    if out:
        return out
    zero = _zero_re().search(text, clause.start, clause.end)
    if zero:
        return [dict(value=0.0, unit=None, target_year=year, direction="không phát sinh",
                     subject=_subject(doc, zero.end(), clause.end, date_spans, predicate=False))]
    rows = []
    for a in own_years:
        lead_start = _YEAR_LEAD.search(text, clause.start, a.start).start()
        if not text[aim_start:lead_start].strip():
            # The year opens the aim: `phấn đấu đến năm 2027 đạt tiêu chí ...`.
            subject = _subject(doc, a.end, clause.end, date_spans, predicate=False)
        else:
            # The year closes it: `Quyết tâm xây dựng ... "Phường không ma túy" năm 2030`.
            subject = _subject(doc, aim_start, clause.end, [(lead_start, a.end)], predicate=False)
        rows.append(dict(value=None, unit=None, target_year=a.year, subject=subject))
    return rows


def extract(doc: Document) -> list[Target]:
    atoms = scan(doc)
    out = []
    horizons: dict[int, int] = {}  # aim section start -> the year its title names
    for st in target_statements(doc):
        years = target_year_atoms(doc, atoms, st, st.cue_end)
        if st.title and years:
            horizons[st.aim_sections[0]] = years[0].year
        horizon = next((horizons[s] for s in st.aim_sections if s in horizons), None)
        parts = clauses(doc, st)
        # A year the statement opens with (`Đến năm 2030, ...`) dues every clause ...
        first = next(_quantities(doc, st, [(a.start, a.end) for a in atoms_between(atoms, st.start, st.end)]), None)
        lead_year = next((a.year for a in years if a.start < parts[0].end
                          and (first is None or a.end <= first.start())), None)
        for i, clause in enumerate(parts):
            aim_start = st.cue_end if clause.start <= st.cue_end <= clause.end else clause.start
            cue = opening_cue(doc, clause) if i else None
            if cue:
                # ... up to a clause that opens an aim of its own (`...; phấn đấu thu nhập ...`).
                lead_year, aim_start = None, cue.end
            for fields in _clause_targets(doc, clause, aim_start, years, lead_year or horizon, atoms):
                # A section title gives its items their year; it is no aim itself.
                if st.title and fields["value"] is None:
                    continue
                out.append(Target(**doc.span(clause.start, clause.end), cue=st.cue, **fields))
    return out
