"""Agency mentions: every public body the text names, with a canonical name.

The recognizer is the vocabulary in `vocab/agencies.toml` compiled into one
regular expression over `Document.match_text`: a head (`Công an`, `Sở Y tế`,
`Ủy ban MTTQ`...) optionally preceded by `các` and followed by a level word
(`phường`, `thành phố`, `các xã, phường, đặc khu`, `khu vực 9`), a place name
or number, and `trên địa bàn ...`. The head gives `agency_type`; the level
word gives `level`; a level word without a place name that is the issuer's
own level is resolved with the document's locality (`Công an phường` in the
Vị Khê plan -> `Công an phường Vị Khê`).

Heads are found in one pass over the lower-cased `match_text` (`lowered`):
without IGNORECASE the regex engine rejects most word starts at their first
letter, which makes the scan about twice as fast; the tail is read on the
text as written, where a place name is known by its capital letter.

A spaCy NER model trained on gazetteer-labelled lines was measured against
this recognizer and did not earn its place (see benchmarks/agency_ner.py);
every row of this recognizer has `source = "vocab"`. A CRF trained on the
real corpus's gold duties (extractors/learned.py, `plans run --learned`)
adds its spans beside these for the duty rules (`source = "ner"`, or
`"both"` where it found the same span).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from core.phrases import LINE_BLANKS, LOOSE, LOWER, ONE_SPACE, phrase_alternatives, phrases_regex
from core.vocab import load
from core.document import Document
from core.normalize import fold_key
from schemas.records import Agency

_UPPER = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"


@dataclass(frozen=True)
class Entry:
    canonical: str
    type: str
    level: str | None  # None: from the level word only
    plural_only: bool
    as_written: bool
    named: bool = False  # names a body only with the place written after it: `Báo Nghệ An`
    party_committee: bool = False  # `Đảng ủy <organisation>` is one Party body


@lru_cache(maxsize=8192)  # heads and level words recur in every document
def name_key(text: str) -> str:
    """Key of a name: folded, no spaces around `,` and `-`."""
    return re.sub(r"\s*([,\-])\s*", r"\1", fold_key(text))


_SPACES = re.compile(r"\s+")
_PLURAL = re.compile(r"(?:các|những) ", re.IGNORECASE)


def _alternation(phrases) -> str:
    """Vocabulary phrases as the recognizer reads them (`core.phrases`): on
    one line, blanks around `,`, `-` and `&` optional (`Văn phòng HĐND-UBND`),
    lower-cased for the lowered text, as a prefix tree (hundreds of variants)."""
    return phrase_alternatives(phrases, gap=LINE_BLANKS, comma=LOOSE, case=LOWER, tree=True)


@dataclass(frozen=True)
class Recognizer:
    pattern: re.Pattern  # runs on lower-cased text: see `find`
    exact: re.Pattern  # the case-sensitive forms, on the text as written
    compounds: tuple[str, ...]  # syllables that make a compound with a following head
    tail: re.Pattern
    entries: dict  # name_key(variant) -> Entry, exact variants keyed as written
    level_codes: dict  # name_key(level word) -> level code
    cities: frozenset


@cache
def recognizer() -> Recognizer:
    vocab = load("agencies")
    entries, loose, exact, plural_only = {}, [], [], []
    for item in vocab["agency"]:
        entry = Entry(item["canonical"], item["type"], item.get("level"), item.get("plural_only", False),
                      item.get("as_written", False), item.get("named", False), item.get("party_committee", False))
        for v in item.get("variants", []):
            entries[name_key(v)] = entry
            (plural_only if entry.plural_only else loose).append(v)
        for v in item.get("exact", []):
            entries[v] = entry
            exact.append(v)
    level_codes = {name_key(w): code for code, words in vocab["levels"].items() for w in words}
    levels = _alternation(w for words in vocab["levels"].values() for w in words)
    # No IGNORECASE: the scan runs on the lower-cased text, where the engine
    # can rule out most word starts by their first letter. The exact forms
    # are found there lower-cased too, then checked as written with `exact`.
    pattern = re.compile(
        rf"""(?<![\w\-/])                        # not inside a symbol: `KH-UBND`, `CV/BCA`
        (?:
            (?P<plural>các|những)[ \t]+(?P<group>{_alternation(plural_only + loose)})   # `các tổ dân phố`
          | (?P<head>{_alternation(loose)})                                      # `Công an`, `Sở Y tế`
          | (?P<abbr>{phrase_alternatives(exact, gap=ONE_SPACE, case=LOWER)})  # `BCA`, `CAX`
        )(?!\w)""",
        re.VERBOSE,
    )
    level = rf"(?:{levels})(?!\w)(?!\s+(?:hội|ủy))"  # `xã` but not `xã hội`, `Tỉnh ủy`
    word = rf"(?-i:[{_UPPER}][^\W\d_]*)"
    # Tails stay on the head's line: `[ \t]`, never a newline.
    tail = re.compile(
        rf"""
        (?P<ordinal>[ \t]+\d{{1,2}}(?=[ \t]+{level}))?                       # `Thuế cơ sở 7 tỉnh ...`
        (?P<levels>[ \t]+(?:các[ \t]+)?(?P<level>{level})                  # `phường`, `các xã`
            (?:[ \t]*,[ \t]*{level}|[ \t]+và[ \t]+{level})*)?              # `, phường, đặc khu`
        (?P<number>[ \t]+(?:số[ \t]+)?(?:\d{{1,2}}|[IVX]{{1,4}})(?!\w))?     # `khu vực 9`, `Vùng ... 1`, `số 1`
        (?P<place>[ \t]+{word}(?:[ \t]+{word}){{0,3}}(?!\w))?                # `Vị Khê`, `Hải Phòng`
        (?P<area>[ \t]+(?:đóng[ \t]+)?trên[ \t]+địa[ \t]+bàn(?:[ \t]+{level})?)?  # `trên địa bàn phường`
        (?:[ \t]+trực[ \t]+thuộc[ \t]+(?P<superior>                         # `trực thuộc Trung ương`:
            trung[ \t]+ương                                                # the body above names the group
          | (?:tỉnh|thành|huyện|đảng)[ \t]+ủy                               # `các đảng ủy trực thuộc Tỉnh ủy`
          | {level}))?                                                      # `các đơn vị trực thuộc tỉnh`
        """,
        re.VERBOSE | re.IGNORECASE,
    )
    return Recognizer(pattern, re.compile(rf"{phrases_regex(exact, gap=ONE_SPACE)}(?!\w)"),
                      tuple(f"{w.lower()} " for w in vocab["compounds"]["before_head"]), tail, entries, level_codes,
                      frozenset(vocab["provinces"]["cities"]))


@dataclass
class Found:
    """One recognized mention before it becomes an `Agency` record."""

    start: int
    end: int
    head_end: int
    entry: Entry
    plural: bool
    level_words: str | None
    level: str | None
    place: str | None
    number: str | None
    area: str | None  # as the canonical name ends: `trên địa bàn phường`, `trực thuộc Trung ương`
    number_first: bool = False  # the number is written before the level word: `Thuế cơ sở 7 tỉnh`


@cache
def _sentence_verbs() -> re.Pattern:
    """Task verbs (`vocab/roles.toml`) that may open the sentence after a name."""
    v = load("roles")["subject"]
    return re.compile(phrases_regex(v["verbs"] + v["heading_verbs"], case=LOWER) + r"(?!\w)")


def _place(words: str, after: str, doc: Document) -> str:
    """A place name after a level word, cut to a known locality when it runs on."""
    for known in (doc.locality, doc.province):
        if known and fold_key(words).startswith(fold_key(known)):
            return words[: len(known)]
    parts = words.split()
    # `UBND tỉnh Ninh Bình Tổ chức ...`: a long capitalized run whose last word
    # opens a task verb has swallowed the next sentence's first word; `phường
    # Bắc Cam Ranh tập trung ...` is a three-syllable name.
    if len(parts) > 2 and _sentence_verbs().match(fold_key(parts[-1] + after[:30])):
        return " ".join(parts[:-1])
    return words


def _heads(doc: Document, start: int, end: int) -> Iterator[tuple[int, int, Entry, bool]]:
    """(start, end, entry, plural) of each head, left to right as one
    case-insensitive scan would find them: a match the lower-cased scan
    cannot keep (an exact form written in another case, a head right after
    `cán `) is dropped and the scan goes on from the next character."""
    rec = recognizer()
    text, lower = doc.match_text, doc.lowered
    pos = start
    while m := rec.pattern.search(lower, pos, end):
        at = m.start()
        pos = at + 1
        if lower.endswith(rec.compounds, 0, at):
            continue  # `cán bộ y tế` is not `Bộ Y tế`
        if m.group("abbr"):
            exact = rec.exact.match(text, at, end)
            if exact is None:
                continue
            head_end, entry = exact.end(), rec.entries.get(exact.group())
        else:
            head_end, entry = m.end(), rec.entries.get(name_key(m.group("group") or m.group("head")))
        pos = head_end
        if entry is not None:
            yield at, head_end, entry, m.group("plural") is not None


def find(doc: Document, start: int = 0, end: int | None = None) -> list[Found]:
    rec = recognizer()
    text = doc.match_text
    end = len(text) if end is None else end
    found: list[Found] = []
    for at, head_end, entry, plural in _heads(doc, start, end):
        if found and at < found[-1].end:
            continue  # inside the last one's tail: `... trực thuộc Tỉnh ủy`
        t = rec.tail.match(text, head_end, end)
        levels, level_word, number, place_words, area, superior, ordinal = t.group(
            "levels", "level", "number", "place", "area", "superior", "ordinal")
        if entry.named and not (place_words or levels):
            continue  # `Báo cáo`: no paper without its place or level
        # The tail's groups that belong to the mention; a place only after a level word or a named head.
        span_end = max(head_end, t.end("levels"), t.end("number"), t.end("area"), t.end("superior"))
        area = " ".join(filter(None, (_SPACES.sub(" ", area.strip()).lower() if area else None,
                                      "trực thuộc " + _SPACES.sub(" ", doc.text[t.start("superior"):t.end("superior")])
                                      if superior else None))) or None
        place = None
        if place_words and (levels or entry.named):
            place_start = t.end("place") - len(place_words.lstrip())
            place = _place(doc.text[place_start:t.end("place")], doc.text[t.end("place"):t.end("place") + 30], doc)
            span_end = max(span_end, place_start + len(place))
        found.append(Found(at, span_end, head_end, entry, plural, levels.strip() if levels else None,
                           rec.level_codes.get(name_key(level_word)) if level_word else None, place,
                           (ordinal or number or "").strip() or None, area, ordinal is not None))
    found = _party_committees(text, found)
    _share_levels(text, found)
    _share_plural(text, found)
    return found


def _party_committees(text: str, found: list[Found]) -> list[Found]:
    """`Đảng ủy Ủy ban nhân dân phường`: a Party committee written right
    before an organisation's name is that organisation's committee, one
    Party body named after it, not the committee and the organisation."""
    out: list[Found] = []
    for f in found:
        prev = out[-1] if out else None
        if (prev is not None and prev.entry.party_committee and not (prev.level_words or prev.place or prev.number)
                and not f.entry.party_committee and not text[prev.end:f.start].strip(" \t")):
            e = f.entry
            entry = Entry(f"{prev.entry.canonical} {e.canonical}", prev.entry.type, e.level, False, e.as_written)
            out[-1] = Found(prev.start, f.end, f.head_end, entry, False, f.level_words, f.level, f.place, f.number,
                            f.area, f.number_first)
            continue
        out.append(f)
    return out


_COORDINATION = re.compile(r"^\s*(?:,|;|và)\s*$")


def _share_plural(text: str, found: list[Found]) -> None:
    """`Các bệnh viện tuyến tỉnh, bệnh viện khu vực`: a head noun repeated
    in a list after `các` is plural too."""
    for prev, cur in zip(found, found[1:]):
        if (prev.plural and not cur.plural and _COORDINATION.match(text[prev.end:cur.start])
                and text[cur.start:cur.head_end].split()[0].lower() == text[prev.start:prev.head_end].split()[1].lower()):
            cur.plural = True


def _share_levels(text: str, found: list[Found]) -> None:
    """`Viện Kiểm sát nhân dân, Tòa án nhân dân thành phố`: the level word
    after the last of coordinated heads belongs to each of them; not to a
    group named as written (`cơ quan thông tấn báo chí và Ủy ban nhân dân xã,
    phường`), which says all it names."""
    for i in range(len(found) - 2, -1, -1):
        cur, nxt = found[i], found[i + 1]
        if (cur.level_words is None and cur.entry.level is None and not cur.entry.as_written and nxt.level_words
                and _COORDINATION.match(text[cur.end:nxt.start])):
            cur.level_words, cur.level, cur.place, cur.number = nxt.level_words, nxt.level, nxt.place, nxt.number


def _level(f: Found, doc: Document) -> str | None:
    if f.level:
        return f.level
    if f.entry.level == "issuer":
        return doc.issuer_level
    if f.entry.level == "province":
        if doc.issuer_level in ("tinh", "thanh_pho"):
            return doc.issuer_level
        return "thanh_pho" if doc.province in recognizer().cities else "tinh"
    return f.entry.level


def _resolved_place(f: Found, doc: Document) -> str | None:
    """The place a bare level word implies: the issuer's own, or its province."""
    if f.place or not f.level:
        return f.place
    if f.level == doc.issuer_level and doc.locality:
        return doc.locality
    if f.level in ("tinh", "thanh_pho") and doc.province:
        province_level = "thanh_pho" if doc.province in recognizer().cities else "tinh"
        if f.level == province_level:
            return doc.province
    return None


def canonical_name(f: Found, doc: Document) -> str:
    name = _SPACES.sub(" ", doc.text[f.start:f.head_end]) if f.entry.as_written else f.entry.canonical
    name = name[0].upper() + name[1:]  # `phòng Nghiệp vụ Y` inside a sentence
    if f.plural and not _PLURAL.match(name):
        name = "Các " + name[0].lower() + name[1:]
    parts = [name]
    if f.number and f.number_first:
        parts.append(f.number)
    if f.level_words:
        parts.append(_SPACES.sub(" ", f.level_words).lower())
    if f.number and not f.number_first:
        parts.append(f.number)
    place = _resolved_place(f, doc)
    if place:
        parts.append(place)
    if f.area:
        parts.append(f.area)
    return " ".join(parts)


def to_record(f: Found, doc: Document) -> Agency:
    # Validating a dict costs half what keyword arguments do (`Agency(**fields)`).
    fields = doc.span(f.start, f.end)
    fields.update(canonical_name=canonical_name(f, doc), agency_type=f.entry.type, level=_level(f, doc),
                  source="vocab")
    return Agency.model_validate(fields)


def _inherit_levels(found: list[Found]) -> None:
    """`Cơ quan thường trực Ban Chỉ đạo` after `... Ban Chỉ đạo phòng, chống tội
    phạm tỉnh`: a bare head takes the level of the earlier mentions of the same
    body when they all agree on one."""
    seen: dict = {}
    for f in found:
        if f.level_words:
            seen.setdefault(f.entry, set()).add((f.level_words, f.level, f.place, f.number))
        elif f.entry.level is None and len(seen.get(f.entry, ())) == 1:
            f.level_words, f.level, f.place, f.number = next(iter(seen[f.entry]))


def extract(doc: Document) -> list[Agency]:
    """Every agency mention in the document, in text order."""
    found = find(doc)
    _inherit_levels(found)
    return [to_record(f, doc) for f in found]
