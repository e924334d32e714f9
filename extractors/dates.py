"""Date expressions -> `dates` rows (DateMention).

Two layers. `scan` finds every date *atom* in the text (`25/5/2026`, `ngày
29 tháng 5 năm 2026`, `tháng 6/2026`, `26/6`, `Quý II/2026`, `năm 2030`,
`giai đoạn 2025 - 2030`) with the parts it spells out. `extract` then reads
the words around each atom (vocab/date_cues.toml) to give it a kind:

    issued       the `Place, ngày ... tháng ... năm ...` line of the header
    period_start / period_end   `từ ngày X đến ngày Y`, `từ khi ban hành đến hết năm 2035`
    deadline     `trước ngày 05/7/2026`, `chậm nhất ...`, `hoàn thành trong tháng 6/2026`
    recurring    `ngày 14 hàng tháng`, `hằng năm`, `định kỳ` (rule in `recurrence`)
    citation     the date of a cited document (`573/TTg-KGVX ngày 25/5/2026`)
    event        a date after a named day (`Ngày toàn dân phòng, chống ma túy (26/6)`)
    target_year  a year inside a target statement (`phấn đấu đến năm 2027`)
    range        a span of years naming a stage (`giai đoạn 2025 - 2030`), end in `range_end`
    other        any other date

Values: a month, quarter or year gives its first day, except `period_end`
and `deadline`, which take the last. A date without a year (`26/6`) takes
the year of its partner in a period, else of the issued line, else of the
nearest date that spells its year. A header date with a blank day keeps its
text and has no value.

dateparser (languages=['vi'], day-first, day and month of year defaulting to
the first, relative base from the document's year) parses the single-date
atoms; measured on the seed plans it agrees with the atom's own parts on
every one of them. It cannot read ranges, quarters, blank-day header dates or
recurring rules, and returns nothing with the cue words around a date, so it
only ever sees the atom's own text; those forms and any disagreement are
computed from the regex parts, and the `parser` column says which did it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from typing import NamedTuple
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from operator import attrgetter

from core.dategrammar import DAY_OR_MONTH, YEAR, Atom, month, numeric, quarter, quarter_number, verbal
from core.scan import finditer_at
from core.spans import Spans
from core.phrases import AS_WRITTEN, ONE_SPACE, first_words, phrases_regex
from extractors.statements import Span, sentence_at, sentence_before, target_statements, word_starts
from core.vocab import load
from core.document import Document
from schemas.records import DateMention

# Compiled by `_atom_re` once the range leads are read from the vocabulary.
_ATOM_SOURCE = rf"""
    (?<![\w/.-])                            # not the tail of a number or code
    (?:
        # `giai đoạn 2025 - 2030`, `2025-2030`: a span of years
        (?:(?P<rlead>{{range_leads}})\s+)?(?P<ry1>{YEAR})\s*-\s*(?P<ry2>{YEAR})
      | # `ngày 29 tháng 5 năm 2026`; the header leaves blanks: `ngày tháng 6 năm 2026`
        {verbal("v", blanks=True)}
      | # `ngày 26 tháng 6`: day and month, the year from context
        {verbal("w", year=None)}
      | # `25/5/2026`, `ngày 16/8./2019` (stray dot), `25.5.2026`
        (?:ngày\s+)?{numeric()}
      | # `26/6`, `ngày 01/6`: day and month, the year from context
        (?:ngày\s+)?(?P<pd>{DAY_OR_MONTH})/(?P<pm>{DAY_OR_MONTH})
      | # `Quý II/2026`, `quý 2 năm 2026`, `quý III`
        {quarter("q")}
      | # `tháng 6/2026`, `tháng 6 năm 2026`, `tháng 6`
        {month("m")}
      | # `ngày 14` of `ngày 14 hàng tháng`: a day of every month, checked in code
        ngày\s+(?P<od>{DAY_OR_MONTH})(?=\s)
      | # `năm 2026`; a bare `2027` only after a lead word, checked in code
        (?P<yword>năm\s+)?(?P<yy>{YEAR})
    )
    (?![\d/]|\.\d)                          # nor the head of one
"""

# The words an atom of _ATOM_SOURCE can open with, besides a digit and a range lead.
_ATOM_WORDS = ("ngày", "tháng", "năm", "quý")
_DIGIT_RUN = re.compile(r"\d\d*")  # `\d` first: re scans for it in C

# The `Place, ngày ... tháng ... năm ...` line under the header; group `date`
# is the atom. Place names start with a letter and hold no digits.
ISSUED_LINE = re.compile(r"^[ \t]*[^\W\d_][^\d\n,]{0,60},[ \t]*(?P<date>ngày\b.*?)[ \t.]*$", re.IGNORECASE)

@cache
def _cues() -> dict:
    return load("date_cues")


@cache
def _atom_re() -> re.Pattern:
    leads = phrases_regex(_cues()["range"]["leads"])
    return re.compile(_ATOM_SOURCE.replace("{range_leads}", leads), re.VERBOSE | re.IGNORECASE)


# --- cues written right before a date ----------------------------------------
#
# The words that decide a date's kind end where the date starts (`trước
# ngày 05/7/2026`, `Thời gian thực hiện: năm 2026`, `Ngày toàn dân phòng,
# chống ma túy (26/6)`). Python's re cannot search backwards, so these
# patterns are written over the reversed words and matched once, anchored, on
# the reversed window before the date: one call per date and cue, where a
# forward search tries every word of the line. Of two phrases that can end at
# one place the longer holds the shorter (`hoàn thành trước`, `trước`), so
# the longest-first alternation finds the cue that starts first, as the
# forward search did.


def _backward_phrases(phrases: list[str]) -> str:
    """The phrases read backwards (`phòng, chống` -> `gnốhc\\s+,?gnòhp`)."""
    return phrases_regex(phrases, backward=True)


def _ends_before(phrases: list[str]) -> str:
    """A phrase right before the date, blanks or `(` between, read backwards."""
    return r"[\s(]*(?P<cue>" + _backward_phrases(phrases) + r")(?!\w)"


@cache
def _backward() -> dict[str, re.Pattern]:
    c = _cues()
    join = _backward_phrases(c["period"]["join"])
    events = "|".join(f"(?P<e{i}>{_backward_phrases(e['phrases'])})" for i, e in enumerate(c["event"]))
    named_day = r"[\s(]*(?<!\w)(?:" + events + r")(?!\w)"
    patterns = {
        # a bare year after a lead: `lộ trình 2027`, `Phấn đấu đến 2030`
        "year_lead": _ends_before(c["year"]["leads"]),
        # the first date of a period: `từ ngày 01/6/2026`
        "period_start": _ends_before(c["period"]["start"]),
        # a period from the plan's own issuing: `từ khi ban hành đến hết năm 2035`
        "open_start": r"\s*" + join + r"\s+(?P<cue>" + _backward_phrases(c["period"]["open_start"]) + r")(?!\w)",
        # the join before a period's last date: `đến hết năm 2035`
        "join_before": r"\s*(?P<cue>" + join + r")(?!\w)",
        # the plan's own time frame: `Thời gian thực hiện: năm 2026`, `... là năm 2026`
        "scope": (r"(?:\s+" + _backward_phrases(["trong", "là"]) + r")?\s*:?\s*(?P<cue>"
                  + _backward_phrases(c["period"]["scope"]) + r")(?!\w)"),
        # a due date: `trước ngày 05/7/2026`, `hoàn thành trong tháng 6/2026`
        "deadline": _ends_before(c["deadline"]["before"]),
        # a named day: `Ngày toàn dân phòng, chống ma túy (26/6)`
        "named_day": named_day,
        # ... or `Ngày toàn dân phòng, chống ma túy vào ngày 26/6`: the date of the day
        "event": r"(?:\s+" + _backward_phrases(["vào"]) + r")?" + named_day,
    }
    return {name: re.compile(p, re.IGNORECASE) for name, p in patterns.items()}


class _Before(NamedTuple):
    """A cue found before a date: where its phrase starts and ends, and which
    event it names (`event` only)."""

    start: int
    end: int
    event: int | None = None


def _cue_in(window: str, name: str, offset: int = 0) -> _Before | None:
    """The cue `name` that ends the window (blanks or `(` after it allowed)."""
    m = _backward()[name].match(window[::-1])
    if m is None:
        return None
    group = "cue" if "cue" in m.re.groupindex else m.lastgroup
    event = None if group == "cue" else int(group[1:])
    return _Before(offset + len(window) - m.end(group), offset + len(window) - m.start(group), event)


# The cues before a date are short phrases (the longest under 60 characters),
# so they are looked for in this many characters before it, not in the whole
# line: reading from the line's start made every date of a long line cost the
# whole line.
_CUE_WINDOW = 200


def _cue_window(doc: Document, pos: int) -> int:
    """Where the words that may cue the date at `pos` can start: its line, at most `_CUE_WINDOW` back."""
    return max(doc.line_at(pos).start, pos - _CUE_WINDOW)


def _cue_before_date(text: str, name: str, start: int, end: int) -> _Before | None:
    """The cue `name` written right before `end`, opening at or after `start`."""
    cue = _cue_in(text[start:end], name, start)
    # The window's edge hides what stands before it: a phrase must open a word.
    if cue and cue.start == start and start and (text[start - 1].isalnum() or text[start - 1] == "_"):
        return None
    return cue


@cache
def _patterns() -> dict[str, re.Pattern]:
    c = _cues()
    join = phrases_regex(c["period"]["join"])
    freq = phrases_regex([p for e in c["recurring"] for p in e["phrases"]])
    joins = phrases_regex(c["recurring_list"]["joins"])
    return {
        "period_join": re.compile(r"\s*" + join + r"\s*", re.IGNORECASE),
        # `định kỳ`, `định kỳ 6 tháng`, `định kỳ hằng năm`, or a frequency alone (`hàng tháng`)
        "recurring": re.compile(r"(?<!\w)(?:(?P<periodic>" + phrases_regex(c["periodic"]["phrases"]) + r")"
                                r"(?:\s+(?P<every>\d{1,2})\s+(?P<unit>" + phrases_regex(list(c["periodic"]["every"]))
                                + r")(?!\w))?(?:\s+(?P<pfreq>" + freq + r"))?|(?P<freq>" + freq + r"))(?!\w)",
                                re.IGNORECASE),
        # `và 15/11` of `ngày 01/6 và 15/11 hằng năm`: more days before the rule they share
        "listed_after": re.compile(r"(?:\s*(?:" + joins + r")\s*(?:ngày\s+)?" + DAY_OR_MONTH + "/" + DAY_OR_MONTH
                                   + r"(?![\d/]))+", re.IGNORECASE),
        # `01/6 và ` before `15/11`: the day is one of a list
        "listed_before": re.compile(DAY_OR_MONTH + "/" + DAY_OR_MONTH + r"\s*(?:" + joins + r")\s*$", re.IGNORECASE),
    }


@cache
def _recurrence_words() -> tuple[str, ...]:
    c = _cues()
    return first_words(c["periodic"]["phrases"] + [p for e in c["recurring"] for p in e["phrases"]])


def _recurrences(doc: Document) -> tuple[re.Match, ...]:
    """Every recurrence phrase of the text (`hằng năm`, `định kỳ 6 tháng`).
    Read twice per plan: ask through `doc.shared`."""
    return tuple(finditer_at(_patterns()["recurring"], doc.match_text, word_starts(doc, _recurrence_words())))


# --- atoms -------------------------------------------------------------------

def _int(s: str | None) -> int | None:
    return int(s) if s else None


def _atom(text: str, m: re.Match) -> Atom | None:
    g = m.groupdict()
    if g["ry1"]:
        y1, y2 = int(g["ry1"]), int(g["ry2"])
        return Atom(m.start(), m.end(), "years", y1, year2=y2) if y1 < y2 else None
    if g["vy"]:
        form = "verbal" if g["vd"] and g["vm"] else "blank"
        return Atom(m.start(), m.end(), form, int(g["vy"]), _int(g["vm"]), _int(g["vd"]))
    if g["wd"]:
        return Atom(m.start(), m.end(), "dm", None, int(g["wm"]), int(g["wd"]))
    if g["y"]:
        return Atom(m.start(), m.end(), "dmy", int(g["y"]), int(g["m"]), int(g["d"]))
    if g["pd"]:
        # `26/6` is a date only where a reader would take it for one: after
        # `ngày`, inside brackets, or after a cue (`trước 30/6`, `từ 01/6`).
        before = text[max(0, m.start() - 40):m.start()]
        a = Atom(m.start(), m.end(), "dm", None, int(g["pm"]), int(g["pd"]))
        if not (m.group().lower().startswith("ngày") or before.rstrip().endswith("(")
                or _cue_before(before) or _listed_recurring(before, text, a)):
            return None
        return a
    if g["qq"]:
        return Atom(m.start(), m.end(), "quarter", _int(g["qy"]), quarter=quarter_number(g["qq"]))
    if g["od"]:
        a = Atom(m.start(), m.end(), "day", day=int(g["od"]))
        recur = _recurring_after(text, a)
        return a if recur and _rule(recur.group("freq")).startswith("FREQ=MONTHLY") else None
    if g["mm"]:
        # `06 tháng 1 lần` is a duration, not January.
        if re.search(r"\d\s*$", text[max(0, m.start() - 6):m.start()]):
            return None
        return Atom(m.start(), m.end(), "month", _int(g["my"]), int(g["mm"]))
    if not g["yword"] and not _cue_before_date(text, "year_lead", max(0, m.start() - 30), m.start()):
        return None
    return Atom(m.start(), m.end(), "year", int(g["yy"]))


def _cue_before(before: str) -> bool:
    return any(_cue_in(before, k) for k in ("deadline", "period_start", "join_before", "named_day"))


def _valid(a: Atom) -> bool:
    try:
        dt.date(a.year or 2000, a.month or 1, a.day or 1)
    except ValueError:
        return False
    return a.quarter is None or 1 <= a.quarter <= 4


@cache
def _atom_words() -> tuple[str, ...]:
    return first_words(_cues()["range"]["leads"]) + _ATOM_WORDS


def _atom_starts(doc: Document) -> list[int] | None:
    """Every place an atom can start: a run of digits or one of its words."""
    words = word_starts(doc, _atom_words())
    if words is None:
        return None
    return sorted([m.start() for m in _DIGIT_RUN.finditer(doc.match_text)] + words)


def scan(doc: Document) -> list[Atom]:
    """Every date atom of the text, in order. Shared: the dates and the
    targets extractors both read a plan's atoms."""
    return list(doc.shared(_scan))


def _scan(doc: Document) -> tuple[Atom, ...]:
    text = doc.match_text
    atoms = (_atom(text, m) for m in finditer_at(_atom_re(), text, _atom_starts(doc)))
    return tuple(a for a in atoms if a is not None and _valid(a))


# --- values ------------------------------------------------------------------

# Forms dateparser is given (measured: it reads each of them right when it
# sees the atom alone); the rest it returns nothing for or misreads.
_DATEPARSER_FORMS = {"dmy", "verbal", "dm", "month", "year"}


@lru_cache(maxsize=4096)
def _dateparser(text: str, base_year: int) -> dt.date | None:
    import dateparser  # heavy import, paid once and only when dates are read

    settings = {
        "DATE_ORDER": "DMY",
        "PREFER_DAY_OF_MONTH": "first",
        "PREFER_MONTH_OF_YEAR": "first",
        "RELATIVE_BASE": dt.datetime(base_year, 1, 1),
        # The atoms given are written dates: its relative-time parser (`3
        # ngày trước`), tried first by default, only cost a third of its
        # time (the same values on the 702 atoms of the samples, the real
        # corpus and 300 generated plans).
        "PARSERS": ["absolute-time"],
    }
    found = dateparser.parse(text, languages=["vi"], settings=settings)
    return found.date() if found else None


def _value(doc: Document, a: Atom, year: int | None, last: bool) -> tuple[dt.date | None, str | None]:
    """(value, parser) of an atom, given the year it belongs to."""
    if year is None or a.form == "blank":
        return None, None
    own = a.first_day(year)
    parser = "regex"  # also where dateparser disagrees with the parts (never, on the seeds)
    if a.form in _DATEPARSER_FORMS:
        parsed = _dateparser(doc.match_text[a.start:a.end], year)
        if parsed == own:
            parser = "dateparser"
    return (a.last_day(year) if last else own), parser


# --- kinds -------------------------------------------------------------------

@dataclass
class _Row:
    start: int
    end: int
    kind: str
    atom: Atom | None = None
    last: bool = False  # the value is the last day the atom denotes
    year: int | None = None  # a year lent by a period partner
    recurrence: str | None = None
    event: str | None = None


def _issued_atom(doc: Document, atoms: list[Atom]) -> Atom | None:
    """The header's `Place, ngày ... tháng ... năm ...` date."""
    first_section = doc.sections[0].start_char if doc.sections else len(doc.match_text)
    for a in atoms:
        if a.start >= first_section:
            return None
        if a.form in ("verbal", "blank"):
            line = doc.line_at(a.start)
            m = ISSUED_LINE.match(line.text)
            if m and line.start + m.start("date") == a.start:
                return a
            # The header reader also finds the date in table cells and columns.
            if doc.meta is not None and doc.text[a.start:a.end] == doc.meta.issued_date_text:
                return a
    return None


def _follows_document_number(before: str) -> bool:
    """True when `before` ends with a cited number (`573/TTg-KGVX,`, `số 05`, `01- CTTr/TU`)."""
    tokens = before.rstrip(" ,\t").split()
    code = []
    while tokens and (re.search(r"[\d/-]", tokens[-1]) or re.fullmatch(r"[A-ZĐ]{2,}[\w.]*", tokens[-1])):
        code.insert(0, tokens.pop())
    if not code:
        return False
    joined = "".join(code)
    return (bool(re.search(r"\d", joined) and re.search(r"[/-]\s*[^\W\d_]|[^\W\d_]\s*[/-]", joined))
            or (bool(tokens) and tokens[-1].lower() == "số" and joined[0].isdigit()))


def _event_before(doc: Document, a: Atom) -> tuple[int, dict] | None:
    """(start, entry) of a named day written right before the atom."""
    cue = _cue_before_date(doc.match_text, "event", max(0, a.start - 120), a.start)
    return (cue.start, _cues()["event"][cue.event]) if cue else None


@cache
def _name_opener() -> re.Pattern:
    """A capitalised programme name still open at the end of the text (no `;`/`:` since)."""
    openers = phrases_regex(load("target_cues")["names"]["openers"], gap=ONE_SPACE, comma=AS_WRITTEN)
    return re.compile(r"(?<!\w)" + openers + r"(?!\w)[^;:]*$")


def _in_programme_name(doc: Document, a: Atom, since: int) -> bool:
    return bool(_name_opener().search(doc.match_text, since, a.start)) if since < a.start else False


@cache
def _baseline_before() -> re.Pattern:
    """A comparison still open right before a year: `so với năm 2025`, `so với
    cùng kỳ năm 2025`, `so với kết quả thực hiện năm 2025` (a few words between)."""
    leads = phrases_regex(load("target_cues")["baseline"]["phrases"])
    return re.compile(r"(?<!\w)" + leads + r"(?:\s+[^\W\d_]+){0,4}\s+$", re.IGNORECASE)


# How far before a year a comparison may open.
_BASELINE_WINDOW = 60


def _is_baseline(doc: Document, a: Atom, since: int) -> bool:
    start = max(since, a.start - _BASELINE_WINDOW)
    return bool(_baseline_before().search(doc.match_text, start, a.start))


def atoms_between(atoms: list[Atom], start: int, end: int) -> list[Atom]:
    """The atoms (in text order) that start in [start, end): a bisection, where
    a filter of every atom per statement or clause cost the square of a long plan."""
    key = attrgetter("start")
    return atoms[bisect.bisect_left(atoms, start, key=key):bisect.bisect_left(atoms, end, key=key)]


def target_year_atoms(doc: Document, atoms: list[Atom], span: Span, cue_end: int) -> list[Atom]:
    """Year atoms of a statement span that give the year an aim is due.

    A year in a programme's name opened after the statement's cue
    (`Phấn đấu thực hiện Chương trình ... đến năm 2030`) is not an aim of this
    plan, nor is the baseline an aim is measured against (`giảm 15% số vụ
    cháy so với năm 2025`).
    """
    out = []
    for a in atoms_between(atoms, span.start, span.end):
        if a.form != "year":
            continue
        if _in_programme_name(doc, a, max(cue_end, span.start)) or _is_baseline(doc, a, span.start):
            continue
        out.append(a)
    return out


def _period_rows(doc: Document, atoms: list[Atom], used: set[int]) -> list[_Row]:
    """`từ X đến Y`, `từ khi ban hành đến hết Y`, and a plan's own time frame."""
    text, rows = doc.match_text, []
    for i, a in enumerate(atoms):
        if i in used:
            continue
        line_start = _cue_window(doc, a.start)
        nxt = atoms[i + 1] if i + 1 < len(atoms) else None
        start_cue = _cue_before_date(text, "period_start", line_start, a.start)
        if start_cue and nxt and _patterns()["period_join"].fullmatch(text, a.end, nxt.start):
            rows.append(_Row(start_cue.start, a.end, "period_start", a, year=nxt.year))
            rows.append(_Row(_skip_blanks(text, a.end), nxt.end, "period_end", nxt, last=True, year=a.year))
            used.update((i, i + 1))
            continue
        open_start = _cue_before_date(text, "open_start", line_start, a.start)
        if open_start:
            join = _cue_before_date(text, "join_before", line_start, a.start)
            rows.append(_Row(open_start.start, open_start.end, "period_start"))
            rows.append(_Row(join.start, a.end, "period_end", a, last=True))
            used.add(i)
            continue
        if a.form in ("years", "year", "month", "quarter") and _cue_before_date(text, "scope", line_start, a.start):
            rows.extend(_whole_span_rows(a))
            used.add(i)
    return rows


_STAGE = re.compile(r"giai\s+đoạn\b", re.IGNORECASE)


def _title_span_rows(doc: Document, atoms: list[Atom], used: set[int]) -> list[_Row]:
    """The `giai đoạn` of a plan's own title (`Kế hoạch phát triển kinh tế số
    ... giai đoạn 2026 - 2030`) is its time frame; a term of office
    (`nhiệm kỳ 2026 - 2031`) or a letter's subject is not."""
    meta = doc.meta
    if meta is None or meta.title_start is None or meta.doc_type not in _cues()["period"]["own_span_types"]:
        return []
    rows = []
    for i, a in enumerate(atoms):
        if (a.form == "years" and meta.title_start <= a.start < meta.title_end and i not in used
                and _STAGE.match(doc.match_text, a.start)):
            rows += _whole_span_rows(a)
            used.add(i)
    return rows


def _whole_span_rows(a: Atom) -> list[_Row]:
    """A plan's time frame given as one atom (`Thời gian thực hiện: năm 2026`)."""
    if a.form == "years":
        first = Atom(a.start, a.end, "year", a.year)
        last = Atom(a.start, a.end, "year", a.year2)
        return [_Row(a.start, a.end, "period_start", first), _Row(a.start, a.end, "period_end", last, last=True)]
    return [_Row(a.start, a.end, "period_start", a), _Row(a.start, a.end, "period_end", a, last=True)]


def _skip_blanks(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _recurring_after(text: str, a: Atom) -> re.Match | None:
    """A frequency written right after the atom (`ngày 14 hàng tháng`), or
    after more days listed with it (`ngày 01/6 và 15/11 hằng năm`)."""
    listed = _patterns()["listed_after"].match(text, a.end)
    m = _patterns()["recurring"].match(text, _skip_blanks(text, listed.end() if listed else a.end))
    return m if m and m.group("freq") else None


def _listed_recurring(before: str, text: str, a: Atom) -> bool:
    """`15/11` of `ngày 01/6 và 15/11 hằng năm`: a bare day and month is a
    date when it follows another in a list that a frequency closes."""
    return bool(_patterns()["listed_before"].search(before)) and _recurring_after(text, a) is not None


def _rule(freq_text: str | None, a: Atom | None = None, every: str | None = None,
          unit: str | None = None) -> str | None:
    """RFC 5545 RRULE of a recurrence phrase, with the atom's day and month."""
    if every and unit:
        freq, size = _cues()["periodic"]["every"][unit.lower()]
        return f"FREQ={freq};INTERVAL={int(every) * size}"
    if not freq_text:
        return None
    key = re.sub(r"\s+", " ", freq_text.lower())
    rule = next(e["rule"] for e in _cues()["recurring"] if key in e["phrases"])
    if a is not None and a.day and rule == "FREQ=MONTHLY":
        rule += f";BYMONTHDAY={a.day}"
    elif a is not None and a.day and a.month and rule == "FREQ=YEARLY":
        rule += f";BYMONTH={a.month};BYMONTHDAY={a.day}"
    elif a is not None and a.month and rule == "FREQ=YEARLY":
        rule += f";BYMONTH={a.month}"
    return rule


def _yearly_rows(doc: Document, atoms: list[Atom], used: set[int]) -> list[_Row]:
    """`định kỳ hằng năm báo cáo ... trước ngày 15/12`: a day or month without
    a year later in the clause of a yearly rule is the rule's day, not a
    one-off date; the row runs from the rule's words to the date."""
    text, rows = doc.match_text, []
    starts = [a.start for a in atoms]
    for m in doc.shared(_recurrences):
        freq = m.group("freq") or m.group("pfreq")
        if not freq or _rule(freq) != "FREQ=YEARLY":
            continue
        sent = sentence_at(doc, m.start())
        if sent is None:
            continue
        semicolon = text.find(";", m.end(), sent.end)
        clause_end = sent.end if semicolon < 0 else semicolon
        for j in range(bisect.bisect_left(starts, m.end()), bisect.bisect_left(starts, clause_end)):
            a = atoms[j]
            if j not in used and a.year is None and a.form in ("dm", "month"):
                rows.append(_Row(m.start(), a.end, "recurring", a, recurrence=_rule(freq, a)))
                used.add(j)
                break
    return rows


def _standalone_recurring(doc: Document, taken: Spans) -> list[_Row]:
    rows = []
    text = doc.match_text
    for m in doc.shared(_recurrences):
        if taken.covers(m.start()):
            continue
        rule = _rule(m.group("freq") or m.group("pfreq"), every=m.group("every"), unit=m.group("unit"))
        rows.append(_Row(m.start(), m.end(), "recurring", recurrence=rule))
    return rows


def _atom_row(doc: Document, a: Atom, targets: set[Atom]) -> _Row:
    """The row of an atom outside any period."""
    text = doc.match_text
    line_start = _cue_window(doc, a.start)
    deadline = _cue_before_date(text, "deadline", line_start, a.start)
    recur = _recurring_after(text, a)
    # `trước ngày 15/12 hằng năm` falls due every year; `trước ngày 15/12/2026 hằng năm`
    # names one date.
    if deadline and not (recur and a.year is None):
        return _Row(deadline.start, a.end, "deadline", a, last=True)
    event = _event_before(doc, a)
    if recur:
        start = deadline.start if deadline else event[0] if event else a.start
        return _Row(start, recur.end(), "recurring", a,
                    recurrence=_rule(recur.group("freq"), a), event=event[1]["name"] if event else None)
    if a.form in ("dmy", "verbal") and _follows_document_number(text[line_start:a.start]):
        return _Row(a.start, a.end, "citation", a)
    if event:
        entry = event[1]
        if a.form == "year" and entry.get("month"):
            a = replace(a, form="event", month=entry["month"], day=entry.get("day"))
        # `... ma túy (26/6)`: the row closes the bracket it opened.
        close = re.match(r"\s*\)", text[a.end:a.end + 4]) if "(" in text[event[0]:a.start] else None
        return _Row(event[0], a.end + (close.end() if close else 0), "event", a, event=entry["name"])
    if a in targets:
        return _Row(a.start, a.end, "target_year", a)
    return _Row(a.start, a.end, "range" if a.form == "years" else "other", a)


def _year_context(doc: Document, rows: list[_Row], issued: Atom | None):
    """Year for an atom that spells none, by position.

    The issued year where the header gives one; else a year spelled in the
    same sentence (`(26/6) năm 2026`); else the year of the nearest full date
    of the plan's own (a cited document's date says when *that* document was
    issued, not when this plan's events fall); else none.
    """
    if issued is not None and issued.year:
        return lambda pos: issued.year
    if doc.meta is not None and doc.meta.issued_date is not None:
        return lambda pos: doc.meta.issued_date.year
    # (start, row order, atom), sorted: the atoms of a sentence and the ones
    # nearest a position are bisections away, where a scan of every atom per
    # date cost the square of a long plan. Of two at one distance the one of
    # the earlier row wins.
    own = sorted((r.atom.start, i, r.atom) for i, r in enumerate(rows)
                 if r.atom is not None and r.atom.year and r.kind != "citation")
    full = [o for o in own if o[2].day]

    def nearest(found: list[tuple[int, int, Atom]], pos: int) -> int:
        return min(found, key=lambda o: (abs(o[0] - pos), o[1]))[2].year

    def year_of(pos: int) -> int | None:
        sent = sentence_before(doc, pos)
        if sent and (near := own[bisect.bisect_left(own, (sent.start,)):bisect.bisect_left(own, (sent.end,))]):
            return nearest(near, pos)
        if not full:
            return None
        # The nearest full dates start at the last start at or before `pos` or the first after it.
        i = bisect.bisect_right(full, (pos, len(rows)))
        starts = {full[j][0] for j in (i - 1, i) if 0 <= j < len(full)}
        return nearest(full[bisect.bisect_left(full, (min(starts),)):bisect.bisect_right(full, (max(starts), len(rows)))],
                       pos)
    return year_of


def extract(doc: Document) -> list[DateMention]:
    atoms = scan(doc)
    issued = _issued_atom(doc, atoms)
    used: set[int] = {atoms.index(issued)} if issued else set()
    rows = [_Row(issued.start, issued.end, "issued", issued)] if issued else []
    rows += _title_span_rows(doc, atoms, used)
    rows += _period_rows(doc, atoms, used)
    rows += _yearly_rows(doc, atoms, used)
    targets = {a for st in target_statements(doc) for a in target_year_atoms(doc, atoms, st, st.cue_end)}
    rows += [_atom_row(doc, a, targets) for i, a in enumerate(atoms) if i not in used]
    rows += _standalone_recurring(doc, Spans((r.start, r.end) for r in rows))
    year_of = _year_context(doc, rows, issued)
    return [_mention(doc, r, year_of) for r in sorted(rows, key=lambda r: (r.start, r.end))]


def _mention(doc: Document, r: _Row, year_of) -> DateMention:
    a = r.atom
    value = parser = range_end = None
    granularity = a.granularity if a else None
    if a is not None and r.kind != "recurring":
        year = a.year or r.year or year_of(a.start)
        value, parser = _value(doc, a, year, r.last)
        if a.form == "years":
            range_end = dt.date(a.year2, 12, 31)
    return DateMention(**doc.span(r.start, r.end), kind=r.kind, value=value, granularity=granularity,
                       range_end=range_end, recurrence=r.recurrence, event=r.event, parser=parser)


class Deadlines:
    """The deadline rows of a document in order of position, for the duties
    extractor: a task's due date is the first deadline written inside the
    task's own span, found by bisection, so linking every task costs
    log(deadlines) each rather than a sort of every date per task."""

    def __init__(self, dates: list[DateMention]):
        self._rows = sorted((d for d in dates if d.kind == "deadline" and d.value is not None),
                            key=lambda d: (d.start_char, d.end_char))
        self._starts = [d.start_char for d in self._rows]

    def within(self, start: int, end: int) -> dt.date | None:
        """The first deadline whose expression lies inside [start, end), if any."""
        for i in range(bisect.bisect_left(self._starts, start), bisect.bisect_left(self._starts, end)):
            if self._rows[i].end_char <= end:
                return self._rows[i].value
        return None
