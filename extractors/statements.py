"""Sentences, clauses and target statements: the units dates and targets share.

A plan states its aims in two places: every sentence of a `Mục tiêu` /
`Chỉ tiêu` section, and sentences anywhere that carry a cue (`Phấn đấu`,
`Quyết tâm`, `Bảo đảm 100%`, ...; see vocab/target_cues.toml). Both the
dates extractor (kind `target_year`) and the targets extractor read the same
statements from here, so they never disagree on what counts as an aim. Every
body is read: the main one and what follows the signature (a plan attached
to a decision, appendices).

All offsets index `doc.match_text` (== `doc.text` offsets).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from operator import attrgetter
from typing import NamedTuple

from core.phrases import first_words, phrases_regex
from core.vocab import load
from core.document import Document
from schemas.records import Section


# --- prefilter ---------------------------------------------------------------
#
# Python's re tries a pattern that opens with a lookbehind and is matched
# case-insensitively at every position of the text, which was most of the
# time the extractors spent on a 30,000-character plan. `str.find` of the
# lowercase first words of a vocabulary in the lowered text lists the few
# places such a pattern can start, and the pattern is tried only there.

# Letters re.IGNORECASE folds onto a Latin one (`i`, `s`) and str.lower keeps
# apart; checked over every code point for the letters of the vocabularies.
_EXTRA_FOLDS = "ıſ"


def _searchable(doc: Document) -> str | None:
    """`doc.lowered`, or None where it misses an IGNORECASE fold."""
    low = doc.lowered
    return None if any(c in low for c in _EXTRA_FOLDS) else low


def word_starts(doc: Document, words: tuple[str, ...], start: int = 0, end: int | None = None) -> list[int] | None:
    """Sorted offsets in [start, end) where one of the lowercase `words`
    opens a word (no letter, digit or `_` before it), in any case.

    Every match of a pattern that opens at a word start with one of these
    words is at one of them. None when `_searchable` cannot tell.
    """
    # Shared: several extractors ask for the same words over a whole plan.
    starts = doc.shared(_word_starts, words)
    if starts is None or (start == 0 and end is None):
        return starts
    # A window is cut from the plan's list: dates look behind every atom,
    # and one scan of the whole plan costs less than a scan per window.
    end = len(doc.match_text) if end is None else end
    return starts[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)]


def _word_starts(doc: Document, words: tuple[str, ...]) -> list[int] | None:
    text, low = doc.match_text, _searchable(doc)
    if low is None:
        return None
    out = []
    for word in words:
        i = low.find(word)
        while i >= 0:
            c = text[i - 1] if i else " "
            if not (c.isalnum() or c == "_"):  # what re's `\w` is
                out.append(i)
            i = low.find(word, i + 1)
    return sorted(out)


# Where a sentence may end: a full stop, `!` or `?` (or the plan's closing
# `./.`) before a blank or the end of the line; a full stop ends it only when
# a capital letter or digit follows (`TP. Hải Phòng` is the one miss).
_SENTENCE_END = re.compile(r"[.!?](?:/\.)?(?=[ \t]|$)")


_LIST_MARKER = re.compile(r"[ \t]*(?:(?:[a-zđ]|\d{1,2}(?:\.\d{1,2})*|[IVXLC]+)[.)][ \t]+|[-+•▪●][ \t]+)?")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Statement(Span):
    """A sentence that states aims; `cue` names why (a cue name or section kind)."""

    cue: str
    cue_end: int  # where the cue phrase ends (the sentence start for a section)
    # The title of an aim section (`2. Chỉ tiêu đến năm 2030`): it states no aim
    # of its own, its year is the horizon of the items under it.
    title: bool = False
    # Starts of the aim sections holding the sentence, innermost first.
    aim_sections: tuple[int, ...] = ()


def sentence_at(doc: Document, pos: int) -> Span | None:
    """The sentence holding `pos`, if any: only its line is read."""
    line = doc.line_at(pos)
    sentences = line_sentences(line.text, line.start)
    i = bisect.bisect_right(sentences, pos, key=attrgetter("start")) - 1
    return sentences[i] if i >= 0 and pos < sentences[i].end else None


def sentence_before(doc: Document, pos: int) -> Span | None:
    """The last sentence that starts at or before `pos`, if any."""
    i = bisect.bisect_right(doc.line_starts, pos) - 1
    while i >= 0:
        line = doc.lines[i]
        sentences = line_sentences(line.text, line.start)
        before = bisect.bisect_right(sentences, pos, key=attrgetter("start"))
        if before:
            return sentences[before - 1]
        i -= 1
    return None


# Cached: the dates extractor asks for the sentence of each date, and
# splitting a long line again for each of its dates cost the square of it.
@lru_cache(maxsize=1024)
def line_sentences(line: str, line_start: int) -> tuple[Span, ...]:
    """Sentences of one line (`line` starts at offset `line_start`), in order."""
    out: list[Span] = []
    if not line or line.isspace():
        return ()
    # A list marker (`a)`, `1.2.`, `-`) opens the line but says nothing.
    pos = _LIST_MARKER.match(line).end()
    for m in _SENTENCE_END.finditer(line, pos):
        if _capital_follows(line, m.end()):
            out.append(Span(line_start + pos, line_start + m.end()))
            pos = m.end()
    if _NONBLANK.search(line, pos):
        out.append(Span(line_start + pos, line_start + len(line)))
    return tuple(out)


_NONBLANK = re.compile(r"\S")
_OPENERS = re.compile(r"[ \t\"“(]*")  # what may stand between a full stop and the next word


def _capital_follows(text: str, pos: int) -> bool:
    i = _OPENERS.match(text, pos).end()
    return i == len(text) or text[i].isupper() or text[i].isdigit()


def clauses(doc: Document, span: Span) -> list[Span]:
    """`;`-separated parts of a sentence: one aim each, usually."""
    out, pos = [], span.start
    for m in re.finditer(";", doc.match_text[span.start:span.end]):
        out.append(Span(pos, span.start + m.start()))
        pos = span.start + m.end()
    out.append(Span(pos, span.end))
    return [c for c in out if doc.match_text[c.start:c.end].strip()]


@cache
def _cue_patterns() -> list[tuple[str, re.Pattern, re.Pattern | None, bool]]:
    """(name, cue regex, not-after regex, needs a quantity next) per cue entry."""
    out = []
    for entry in load("target_cues")["cue"]:
        cue = re.compile(r"(?<!\w)" + phrases_regex(entry["phrases"]) + r"(?!\w)", re.IGNORECASE)
        not_after = (re.compile(r"(?<!\w)" + phrases_regex(entry["not_after"]) + r"\s+$", re.IGNORECASE)
                     if entry["not_after"] else None)
        out.append((entry["name"], cue, not_after, entry["quantity_next"]))
    return out


@cache
def _entry_words() -> tuple[tuple[str, ...], ...]:
    """The first words of each cue entry, in the order of `_cue_patterns`."""
    return tuple(first_words(entry["phrases"]) for entry in load("target_cues")["cue"])


@cache
def _cue_words() -> tuple[str, ...]:
    return first_words(p for entry in load("target_cues")["cue"] for p in entry["phrases"])


# What `quantity_next` cues need right after them: a number, or a year lead
# (`Đảm bảo 100%`, `đảm bảo đến năm 2030`, `mục tiêu: đến 2030`).
_QUANTITY_NEXT = re.compile(r"[\s:]*(?:(?:đến|vào|trong|tới)\s+)?(?:năm\s+)?\d", re.IGNORECASE)


def _inside_quotes(text: str, start: int, pos: int) -> bool:
    """True when an odd number of straight quotes stand between `start` and `pos`."""
    return text.count('"', start, pos) % 2 == 1


class Cue(NamedTuple):
    name: str
    end: int
    start: int


class _CueMatch(NamedTuple):
    start: int
    end: int
    entry: int  # index into _cue_patterns()


def _cue_matches(doc: Document) -> tuple[_CueMatch, ...]:
    """Every match of every cue entry in the text, by start.

    Found once per plan, then each sentence or clause reads the ones inside
    it. A cue never holds a line break, `.` or `;` where a sentence or clause
    ends, so a match is cut at its line's end and is the one a search inside
    the sentence would find. Entries are matched apart: two may start at one
    place, and the matches of one entry may overlap (`đảm bảo đảm bảo`).
    """
    patterns = _cue_patterns()
    text = doc.match_text
    out = []
    for i, ((_, cue, _, _), words) in enumerate(zip(patterns, _entry_words())):
        for p in _possible_starts(cue, doc, words):
            line_end = text.find("\n", p)
            m = cue.match(text, p, len(text) if line_end < 0 else line_end)
            if m:
                out.append(_CueMatch(p, m.end(), i))
    return tuple(sorted(out, key=lambda m: (m.start, m.entry)))


def _possible_starts(cue: re.Pattern, doc: Document, words: tuple[str, ...]) -> Iterable[int]:
    """Where the cue may match: its first words at a word start, or, where
    `_searchable` cannot tell, every place the regex engine finds one."""
    starts = word_starts(doc, words)
    if starts is not None:
        return starts
    text = doc.match_text
    found = []
    m = cue.search(text)
    while m:
        found.append(m.start())
        m = cue.search(text, m.start() + 1)
    return found


def find_cue(doc: Document, span: Span) -> Cue | None:
    """The first live cue in the span, if any."""
    text = doc.match_text
    found = doc.shared(_cue_matches)
    patterns = _cue_patterns()
    # Where each entry's search through the span stands: past a dead match.
    resume = [span.start] * len(patterns)
    for m in found[bisect.bisect_left(found, (span.start,)):bisect.bisect_left(found, (span.end,))]:
        if m.start < resume[m.entry] or m.end > span.end:
            continue
        name, _, not_after, quantity_next = patterns[m.entry]
        if (_inside_quotes(text, span.start, m.start)
                or (not_after and not_after.search(text, span.start, m.start))
                or (quantity_next and not _QUANTITY_NEXT.match(text, m.end, span.end))):
            resume[m.entry] = m.end
            continue
        return Cue(name, m.end, m.start)
    return None


def opening_cue(doc: Document, span: Span) -> Cue | None:
    """The live cue the span opens with (after blanks), if any."""
    first = _NONBLANK.search(doc.match_text, span.start, span.end)
    if first is None:
        return None
    cue = find_cue(doc, Span(first.start(), span.end))
    return cue if cue and cue.start == first.start() else None


@cache
def _aim_kinds() -> frozenset[str]:
    return frozenset(load("target_cues")["sections"]["kinds"])


def _aim_sections(doc: Document, pos: int, by_id: dict) -> list[Section]:
    """The aim sections (`muc_tieu`, `chi_tieu`) holding pos, innermost first."""
    kinds = _aim_kinds()
    out = []
    sec = doc.section_at(pos)
    while sec is not None:
        if sec.kind in kinds:
            out.append(sec)
        sec = by_id.get(sec.parent_id) if sec.parent_id else None
    return out


# A count of what a title holds, `(16 mục tiêu)`, is no aim.
_PARENTHESES = re.compile(r"\([^)]*\)")
# A number that is not a year: a quantity an aim would name.
_QUANTITY = re.compile(r"(?<![\w/.])(?!(?:19|20)\d\d(?!\d))\d+(?:[.,]\d+)?")


def _is_title(doc: Document, sent: Span, aim_headings: set[int]) -> bool:
    """True for the heading line of an aim section that is only a title: a
    `Label: text` heading (`1. Mục tiêu: phấn đấu ...`) states its text."""
    if doc.line_at(sent.start).start not in aim_headings:
        return False
    return ":" not in doc.match_text[sent.start:sent.end].rstrip(": \t")


def target_statements(doc: Document) -> list[Statement]:
    """Every sentence that states aims, and the titles of aim sections, in text order.
    Shared: the dates and the targets extractors both read them."""
    return list(doc.shared(_target_statements))


def _target_statements(doc: Document) -> tuple[Statement, ...]:
    aim_headings = {s.start_char for s in doc.sections if s.kind in _aim_kinds()}
    by_id = {s.section_id: s for s in doc.sections}
    # A heading inside an aim section that holds items of its own and names
    # no quantity (`1. Phát triển kinh tế số đến năm 2030` over its bullets)
    # titles them too: its year is theirs.
    sub_titles = {s.start_char for s in _under_aims(doc.sections, by_id)
                  if s.kind not in _aim_kinds() and doc.match_text[s.heading_end:s.end_char].strip()
                  and not _QUANTITY.search(_PARENTHESES.sub("", s.heading))}
    # Only the lines holding a cue or lying in an aim section are split into sentences.
    lines = {bisect.bisect_right(doc.line_starts, m.start) - 1 for m in doc.shared(_cue_matches)}
    for sec in _under_aims(doc.sections, by_id):
        first = bisect.bisect_right(doc.line_starts, sec.start_char) - 1
        lines.update(range(first, bisect.bisect_left(doc.line_starts, sec.end_char)))
    every = [sent for i in sorted(lines) for sent in line_sentences(doc.lines[i].text, doc.lines[i].start)]
    firsts = [s.start for s in every]
    out = []
    for body in (Span(*span) for span in doc.body_spans()):
        for sent in every[bisect.bisect_left(firsts, body.start):bisect.bisect_left(firsts, body.end)]:
            cue = find_cue(doc, sent)
            aims = _aim_sections(doc, sent.start, by_id) if aim_headings else []
            held_by = tuple(s.start_char for s in aims)
            title = bool(aims) and (_is_title(doc, sent, aim_headings)
                                    or (cue is None and _is_title(doc, sent, sub_titles)))
            if cue is not None:
                out.append(Statement(sent.start, sent.end, cue.name, cue.end, title, held_by))
            elif aims:
                out.append(Statement(sent.start, sent.end, aims[0].kind, sent.start, title, held_by))
    return tuple(out)


def _under_aims(sections: list[Section], by_id: dict) -> list[Section]:
    """Sections that are, or lie inside, an aim section: the only places a
    sentence without a cue can state an aim."""
    kinds = _aim_kinds()
    out = []
    for sec in sections:
        up = sec
        while up is not None and up.kind not in kinds:
            up = by_id.get(up.parent_id) if up.parent_id else None
        if up is not None:
            out.append(sec)
    return out
