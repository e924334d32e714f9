"""The topic of a whole document: its policy area, and the words that say so.

Topics and their terms are data (core/vocab/topics.toml). A document scores
each topic by the terms it writes, weighted by where they stand: its own
title most (the topic it names first more still), then the subject of a
directive its title says it carries out (`triển khai Công văn số
3653/VPCP-CĐS` is about what 3653 is about), then the subjects of the other
directives it cites, then its body, where a term counts a bounded number of
times so one long list does not outweigh the title. A topic word inside a
capitalized agency name (`Sở Khoa học và Công nghệ`) names the agency, not
the subject, and does not count. Below the vocabulary's minimum the
document is `other`.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache

from core.document import Document
from core.normalize import match_form
from core.phrases import BLANKS_OR_COMMAS, LOWER, phrases_regex
from core.vocab import load
from schemas.records import Citation

OTHER = "other"

_WORD = re.compile(r"\w+")
# Where a cited directive's subject ends at the latest.
_CLAUSE_END = re.compile(r"[.;:(\n]|$")


@dataclass(frozen=True)
class Hit:
    """One term written in the document."""

    topic: str
    weight: float  # the term's weight times its place's
    start: int
    end: int
    place: str  # title | implemented_title | cited_title | body
    term: str


@dataclass(frozen=True)
class TopicResult:
    topic: str
    evidence: Hit | None  # the hit that weighed most for the topic; None for `other`


@cache
def _vocabulary() -> tuple[re.Pattern, dict[str, tuple[str, float]], dict]:
    """(pattern of every term, term -> (topic, weight), place weights)."""
    data = load("topics")
    term_of: dict[str, tuple[str, float]] = {}
    for topic in data["topic"]:
        for strength, weight in data["strength"].items():
            for term in topic.get(strength, []):
                key = _term_key(term)
                if key in term_of:
                    raise ValueError(f"topics.toml: term {term!r} is listed twice")
                term_of[key] = (topic["code"], float(weight))
    # Longest first (the phrase rule), so `cụm công nghiệp` wins over `công nghiệp`;
    # blanks or commas between the words: `bão lũ` / `bão, lũ` are written both ways.
    # Grouped by first letter: the lookbehind makes the engine try every
    # position, and there one letter test beats 142 (the scan 3.3 -> 1.7 ms/doc).
    body = phrases_regex(term_of, gap=BLANKS_OR_COMMAS, case=LOWER, by_first=True)
    return re.compile(rf"(?<!\w)(?P<term>{body})(?!\w)"), term_of, data["places"]


@lru_cache(maxsize=4096)  # a plan names the same terms again and again
def _term_key(words: str) -> str:
    """A term's comparison form: matching form, lower case, words one blank apart."""
    return " ".join(_WORD.findall(match_form(words).lower()))


def classify(doc: Document, cited: list[Citation]) -> TopicResult:
    """The topic of `doc` (its header already read into `doc.meta`)."""
    hits = _hits(doc, cited)
    scores: dict[str, float] = defaultdict(float)
    for hit in hits:
        scores[hit.topic] += hit.weight
    places = _vocabulary()[2]
    best = max(scores, key=lambda t: (scores[t], -_first_start(hits, t)), default=None)
    if best is None or scores[best] < places["minimum"]:
        return TopicResult(OTHER, None)
    evidence = max((h for h in hits if h.topic == best), key=lambda h: (h.weight, -h.start))
    return TopicResult(best, evidence)


def _first_start(hits: list[Hit], topic: str) -> int:
    return min(h.start for h in hits if h.topic == topic)


def _hits(doc: Document, cited: list[Citation]) -> list[Hit]:
    pattern, term_of, places = _vocabulary()
    text = doc.lowered
    title = _title_span(doc, text)
    subjects = _Subjects(_cited_subjects(doc, text, cited, title))
    body_start = title[1] if title else 0
    hits: list[Hit] = []
    body_counts: Counter[str] = Counter()
    for m in pattern.finditer(text):
        term = _term_key(m.group("term"))
        place = _place(m.start(), m.end(), title, subjects)
        # Cheapest tests first: most body terms are repeats already counted out.
        if place == "body" and (m.start() < body_start or body_counts[term] >= places["body_repeats"]):
            continue  # issuer lines, number and date above the title are not the subject
        if _in_agency_name(doc.text, m.start()):
            continue
        if place == "body":
            body_counts[term] += 1
        topic, weight = term_of[term]
        hits.append(Hit(topic, weight * places[place], m.start(), m.end(), place, term))
    _favour_title_head(hits, places["title_head"])
    return hits


class _Subjects:
    """The cited subjects by position. A subject is a title and the rest of
    its clause, so only those starting at most the longest one's length
    before a term can hold it: a few, found by bisection, where a scan of
    every subject per term cost a long plan the square of its length."""

    def __init__(self, subjects: list[tuple[int, int, str]]):
        self._order = sorted((s, e, i, place) for i, (s, e, place) in enumerate(subjects))
        self._starts = [s for s, *_ in self._order]
        self._longest = max((e - s for s, e, _ in subjects), default=0)

    def holding(self, start: int, end: int) -> str | None:
        """The place of the first subject (in citation order) holding [start, end)."""
        lo = bisect.bisect_left(self._starts, start - self._longest)
        found = [o for o in self._order[lo:bisect.bisect_right(self._starts, start)] if end <= o[1]]
        return min(found, key=lambda o: o[2])[3] if found else None


def _place(start: int, end: int, title: tuple[int, int] | None, subjects: _Subjects) -> str:
    if title and title[0] <= start and end <= title[1]:
        return "title"
    return subjects.holding(start, end) or "body"


def _favour_title_head(hits: list[Hit], factor: float) -> None:
    """The topic the title (or the directive it carries out) names first is
    its head: `thi đua ... cuộc bầu cử` is about emulation."""
    heading = [h for h in hits if h.place in ("title", "implemented_title")]
    if not heading:
        return
    head = min(heading, key=lambda h: (h.place != "title", h.start)).topic
    for i, h in enumerate(hits):
        if h.topic == head and h.place in ("title", "implemented_title"):
            hits[i] = Hit(h.topic, h.weight * factor, h.start, h.end, h.place, h.term)


def _title_span(doc: Document, text: str) -> tuple[int, int] | None:
    """Where the header's title is written: its words in order, whatever
    the line breaks, capitals or markup between them."""
    if not doc.meta or not doc.meta.title:
        return None
    return _find_words(text, doc.meta.title, 0, len(text))


def _cited_subjects(doc: Document, text: str, cited: list[Citation],
                    title: tuple[int, int] | None) -> list[tuple[int, int, str]]:
    """(start, end, place) of each cited directive's subject (`về ...`)
    written after its mention; `implemented_title` for a directive the
    document's title names by number."""
    own_title = doc.meta.title.lower() if doc.meta and doc.meta.title else ""
    out = []
    for c in cited:
        if not c.title:
            continue
        # The subject follows the number, date and issuer: look a little past the mention.
        span = _find_words(text, c.title, c.start_char, c.end_char + len(c.title) + 200)
        if span is None or (title and title[0] <= span[0] < title[1]):
            continue
        # A subject read short (cut at a comma) still runs to its clause's end.
        span = (span[0], max(span[1], _CLAUSE_END.search(text, span[1], span[1] + 300).start()))
        implemented = bool(c.number) and c.number.lower() in own_title
        out.append((*span, "implemented_title" if implemented else "cited_title"))
    return out


def _find_words(text: str, phrase: str, start: int, end: int) -> tuple[int, int] | None:
    """The first place in text[start:end] where the words of `phrase` stand
    in order with only non-word characters between them (the first may end
    a longer word, the last begin one), as a regex of the words joined by
    non-word runs finds them, without compiling one per title: each plan
    has its own, and a compile cost more than the search."""
    words = _phrase_words(phrase)
    if not words:
        return None
    end = min(end, len(text))
    first = words[0]
    at = text.find(first, start, end)
    while at >= 0:
        pos = at + len(first)
        for word in words[1:]:
            gap = pos
            while gap < end and not _is_word_char(text[gap]):
                gap += 1
            if gap == pos or not text.startswith(word, gap, end):
                break
            pos = gap + len(word)
        else:
            return at, pos
        at = text.find(first, at + 1, end)
    return None


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what `\w` matches


@lru_cache(maxsize=4096)  # plans cite the same directives: their titles come back document after document
def _phrase_words(phrase: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(match_form(phrase).lower()))


def _in_agency_name(text: str, start: int) -> bool:
    """Whether the term at `start` continues an agency name: right after its
    head (`Sở Khoa học và Công nghệ`, `SỞ Y TẾ`) or after the name's first
    part and `và` (`Sở Nông nghiệp và Môi trường`). Only a capitalized
    term can: `phòng, chống ma túy` is a subject."""
    if not text[start].isupper():
        return False
    m = _agency_before().search(text, max(0, start - 80), start)
    return bool(m and m.group("head")[0].isupper())


@cache
def _agency_before() -> re.Pattern:
    heads = phrases_regex(load("topics")["agency_heads"])
    return re.compile(
        rf"""(?<!\w)(?P<head>{heads})\s+
             (?:(?P<first_part>[^\W\d_][\w]*(?:[\s,-]+[\w]+){{0,3}}?)\s*[,-]?\s+(?:và|VÀ)\s+)?  # `Nông nghiệp và`
             $""",
        re.VERBOSE | re.IGNORECASE)
