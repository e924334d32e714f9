"""Sentences, clauses and target statements: the units dates and targets share.

A plan states its aims in two places: every sentence of a `Mục tiêu` /
`Chỉ tiêu` section, and sentences anywhere that carry a cue (`Phấn đấu`,
`Quyết tâm`, `Bảo đảm 100%`, ...; see vocab/target_cues.toml). Both the
dates extractor (kind `target_year`) and the targets extractor read the same
statements from here, so they never disagree on what counts as an aim.

All offsets index `doc.match_text` (== `doc.text` offsets).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from extractors.vocab import load
from pipeline.document import Document


def phrase_pattern(phrases: list[str]) -> str:
    """Regex alternation for vocabulary phrases, longest first.

    A space matches any run of blanks (line breaks of PDF text included) and
    a comma before a space is optional (`phòng, chống` / `phòng chống`).
    """
    def one(phrase: str) -> str:
        words = [re.escape(w) for w in phrase.split()]
        return r"\s+".join(words).replace(r",\s+", r",?\s+")
    return "(?:" + "|".join(one(p) for p in sorted(set(phrases), key=len, reverse=True)) + ")"


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


def sentences(doc: Document, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentences of the lines overlapping [start, end): a line is a paragraph."""
    end = len(doc.match_text) if end is None else end
    out = []
    for line in doc.lines:
        if line.end <= start or line.start >= end or not line.text.strip():
            continue
        # A list marker (`a)`, `1.2.`, `-`) opens the line but says nothing.
        pos = _LIST_MARKER.match(line.text).end()
        for m in _SENTENCE_END.finditer(line.text, pos):
            if not _capital_follows(line.text, m.end()):
                continue
            out.append(Span(line.start + pos, line.start + m.end()))
            pos = m.end()
        if line.text[pos:].strip():
            out.append(Span(line.start + pos, line.end))
    return [s for s in out if doc.match_text[s.start:s.end].strip()]


def _capital_follows(text: str, pos: int) -> bool:
    rest = text[pos:].lstrip(" \t\"“(")
    return not rest or rest[0].isupper() or rest[0].isdigit()


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
        cue = re.compile(r"(?<!\w)" + phrase_pattern(entry["phrases"]) + r"(?!\w)", re.IGNORECASE)
        not_after = (re.compile(r"(?<!\w)" + phrase_pattern(entry["not_after"]) + r"\s+$", re.IGNORECASE)
                     if entry["not_after"] else None)
        out.append((entry["name"], cue, not_after, entry["quantity_next"]))
    return out


# What `quantity_next` cues need right after them: a number, or a year lead
# (`Đảm bảo 100%`, `đảm bảo đến năm 2030`, `mục tiêu: đến 2030`).
_QUANTITY_NEXT = re.compile(r"[\s:]*(?:(?:đến|vào|trong|tới)\s+)?(?:năm\s+)?\d", re.IGNORECASE)


def _inside_quotes(text: str, start: int, pos: int) -> bool:
    """True when an odd number of straight quotes stand between `start` and `pos`."""
    return text.count('"', start, pos) % 2 == 1


def find_cue(doc: Document, span: Span) -> tuple[str, int] | None:
    """(cue name, end of the cue) of the first live cue in the span, if any."""
    text = doc.match_text
    best = None
    for name, cue, not_after, quantity_next in _cue_patterns():
        for m in cue.finditer(text, span.start, span.end):
            if _inside_quotes(text, span.start, m.start()):
                continue
            if not_after and not_after.search(text, span.start, m.start()):
                continue
            if quantity_next and not _QUANTITY_NEXT.match(text, m.end(), span.end):
                continue
            if best is None or m.start() < best[2]:
                best = (name, m.end(), m.start())
            break
    return (best[0], best[1]) if best else None


@cache
def _aim_kinds() -> frozenset[str]:
    return frozenset(load("target_cues")["sections"]["kinds"])


def _aim_section_kind(doc: Document, pos: int) -> str | None:
    """The aim kind (`muc_tieu`, `chi_tieu`) of the section at pos or an ancestor."""
    kinds = _aim_kinds()
    by_id = {s.section_id: s for s in doc.sections}
    sec = doc.section_at(pos)
    while sec is not None:
        if sec.kind in kinds:
            return sec.kind
        sec = by_id.get(sec.parent_id) if sec.parent_id else None
    return None


def target_statements(doc: Document) -> list[Statement]:
    """Every sentence of the body that states aims, in text order."""
    end = doc.body_end if doc.body_end is not None else len(doc.match_text)
    # The heading line of an aim section (`3. Chỉ tiêu`) names it; it states nothing.
    aim_headings = {s.start_char for s in doc.sections if s.kind in _aim_kinds()}
    out = []
    for sent in sentences(doc, 0, end):
        cue = find_cue(doc, sent)
        if cue is not None:
            out.append(Statement(sent.start, sent.end, cue[0], cue[1]))
            continue
        kind = _aim_section_kind(doc, sent.start)
        if kind and doc.line_at(sent.start).start not in aim_headings:
            out.append(Statement(sent.start, sent.end, kind, sent.start))
    return out
