"""Numbered headings -> section tree, footnotes, and numbering findings.

Depth is not fixed per numbering style: a plan without Roman sections
starts at `1.`, a decision at `Điều 1.`. A stack of open sections decides
it: a heading whose style is already open closes that level and becomes its
sibling; a new style opens a child level. Labels are kept as written, with
their mistakes (two `III`, a skipped `d)`), and each mistake becomes a
`DocumentIssue` an auditor can query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from core.vocab import document_types, load
from core.document import Document
from core.normalize import fold_key
from schemas.records import DocumentIssue, Footnote, Section

HEADING = re.compile(
    r"""^[ \t]*(?:
        (?P<part>(?:PHẦN|Phần|CHƯƠNG|Chương|MỤC|Mục)[ \t]+(?:[IVXLC]{1,7}|\d{1,2}|THỨ[ \t]+\w+|thứ[ \t]+\w+))
            [ \t]*[.:\-]?                                   # `PHẦN I.`, `Chương II`, `Phần thứ nhất` in reports and rules
      | (?P<dieu>Điều[ \t]+\d{1,3})[ \t]*[.:]?             # `Điều 1.` in decisions
      | (?P<roman>[IVXLC]{1,7})[ \t]*[.)]                   # `I.`, `IV.`
      | (?P<decimal>\d{1,2}(?:\.\d{1,2}){1,3})\.?(?=[ \t])  # `1.1.`, `2.3`, `1.2.3.`
      | (?P<arabic>\d{1,2})[ \t]*[.)](?=[ \t])              # `1.`, `2)`
      | (?P<letter>[a-zđ])[ \t]*\)                          # `a)`, `đ)`
    )[ \t]*(?P<heading>\S.*)?$""",
    re.VERBOSE,
)
_VALID_ROMAN = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
# Where the body ends: the recipients list or the signature block.
END_MATTER = re.compile(r"^[ \t|]*(?:Nơi[ \t]+nhận\b|(?:(?:TM|KT|TL|TUQ)\.|T/M|K/T|T/L)[ \t]*\S)", re.IGNORECASE)
# A line that opens an appendix (`PHỤ LỤC`, `Phụ lục 2`, `PHỤ LỤC I`), alone on its line.
APPENDIX = re.compile(r"^[ \t]*(?:PHỤ[ \t]+LỤC|Phụ[ \t]+lục)(?:[ \t]+(?:số[ \t]+)?(?P<n>[IVX]+|\d+))?[ \t]*:?[ \t]*$")
FOOTNOTE = re.compile(r"^[ \t]*(?P<marker>[¹²³⁴⁵⁶⁷⁸⁹⁰]+)[ \t]*\S")

# Letter order: Latin with `đ` after `d`. Letters outside the Vietnamese
# alphabet (f, j, w, z) and `đ` are optional, so both `d, đ, e, g` and
# `d, e, f, g` run without a gap.
_LETTERS = "abcdđefghijklmnopqrstuvwxyz"
_OPTIONAL_LETTERS = set("đfjwz")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def roman_to_int(label: str) -> int:
    total = 0
    for ch, nxt in zip(label, label[1:] + " "):
        value = _ROMAN_VALUES[ch]
        total += -value if _ROMAN_VALUES.get(nxt, 0) > value else value
    return total


@dataclass
class _Heading:
    style: str  # part | dieu | roman | arabic | decimal | letter
    level_key: str  # style, with the number of parts for decimals
    label: str
    rank: int  # position in its sequence, for gap and order checks
    start: int
    heading_end: int
    heading: str
    kind: str


def _parse_heading(doc: Document, line, after=None) -> _Heading | None:
    """The heading `line` opens, if any; a heading in capitals carries on
    onto the line right `after` it when that one is in capitals too (a copy
    wrapped at a fixed width: `II. NỘI DUNG` / `KẾ HOẠCH`)."""
    m = HEADING.match(line.text)
    if not m:
        return None
    style = next(s for s in ("part", "dieu", "roman", "decimal", "arabic", "letter") if m.group(s))
    raw = m.group(style)
    if style == "roman":
        if not _VALID_ROMAN.match(raw) or not m.group("heading"):
            return None
        rank = roman_to_int(raw)
    elif style == "decimal":
        rank = int(raw.split(".")[-1])
    elif style == "letter":
        rank = _LETTERS.index(raw)
    elif style == "part":
        rank = _part_rank(raw.split()[-1])
        if rank is None:
            return None
    else:
        rank = int(raw.split()[-1])
    label = re.sub(r"[ \t]+", " ", raw)
    level_key = f"decimal{raw.count('.')}" if style == "decimal" else style
    head_start = line.start + (m.start("heading") if m.group("heading") else m.end())
    end = line.end
    if after is not None and _wraps_onto(line.text[m.start("heading"):] if m.group("heading") else "", after.text):
        end = after.end
    heading = " ".join(doc.text[head_start:end].replace("*", "").split())
    # The heading is the whole line; a long numbered paragraph takes its kind
    # from its lead phrase, and has none unless that phrase ends in `Label:`.
    short = _lead_phrase(heading)
    titled = len(heading) <= 120 or heading[len(short):].startswith(":")
    return _Heading(style, level_key, label, rank, line.start, end, heading,
                    section_kind(short) if titled else "other")


def _wraps_onto(heading: str, after: str) -> bool:
    words = heading.replace("*", " ").strip()
    rest = after.replace("*", " ").strip()
    return (bool(words) and words.isupper() and words[-1].isalpha() and bool(rest) and rest.isupper()
            and any(c.isalpha() for c in rest) and HEADING.match(after) is None and "|" not in after)


_ORDINALS = {"nhất": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9}


def _part_rank(number: str) -> int | None:
    """`II` -> 2, `3` -> 3, `nhất` (of `thứ nhất`) -> 1; None for a word that is no number."""
    if number.isdigit():
        return int(number)
    if _VALID_ROMAN.match(number):
        return roman_to_int(number)
    return _ORDINALS.get(number.lower())


def _lead_phrase(heading: str) -> str:
    """What a long numbered paragraph is about: the words before its first stop."""
    if len(heading) <= 240:
        return heading
    cut = re.search(r"[:.;](?:\s|$)", heading)
    return heading[: cut.start()] if cut and cut.start() <= 240 else heading[:240].rsplit(" ", 1)[0]


@cache
def _kind_starts() -> list[tuple[tuple[str, ...], str]]:
    return [(tuple(fold_key(p) for p in entry["starts"]), entry["name"]) for entry in load("section_kinds")["kind"]]


def section_kind(heading: str) -> str:
    key = fold_key(heading)
    return next((name for starts, name in _kind_starts() if key.startswith(starts)), "other")


def _missing_between(prev: _Heading, cur: _Heading) -> list[str]:
    if prev.style == "letter":
        between = _LETTERS[prev.rank + 1 : cur.rank]
        return [c for c in between if c not in _OPTIONAL_LETTERS]
    if prev.style == "roman":
        return [_int_to_roman(n) for n in range(prev.rank + 1, cur.rank)]
    return [str(n) for n in range(prev.rank + 1, cur.rank)]


def _int_to_roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + sym, n - value
    return out


def find_body_end(doc: Document, after: int = 0) -> int:
    """Offset where the recipients list or signature block begins."""
    for line in doc.lines:
        if line.start >= after and END_MATTER.match(line.text):
            return line.start
    return len(doc.text)


def is_type_line(text: str) -> bool:
    """An upper-case document type alone on its line (`KẾ HOẠCH`, `QUY CHẾ`)."""
    stripped = text.strip()
    return stripped.isupper() and fold_key(stripped) in document_types()[0]


def _regions(doc: Document) -> list[tuple[str | None, int, int]]:
    """(appendix prefix, start, end) for the main body, each document
    attached after the signature (a decision's `KẾ HOẠCH ... ban hành kèm
    theo`), and each appendix (`PHỤ LỤC`)."""
    first_heading = next((ln.start for ln in doc.lines if HEADING.match(ln.text)), 0)
    body_end = find_body_end(doc, first_heading)
    starts: list[tuple[int, re.Match | None]] = []  # appendix match, or None for an attached document
    for ln in doc.lines:
        if ln.start > first_heading and (m := APPENDIX.match(ln.text)):
            starts.append((ln.start, m))
        elif ln.start > body_end and is_type_line(ln.text):
            starts.append((ln.start, None))
    if starts:
        body_end = min(body_end, starts[0][0])
    regions: list[tuple[str | None, int, int]] = [(None, 0, body_end)]
    numbered = sum(1 for _, m in starts if m) > 1
    n_appendix = 0
    for i, (start, m) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(doc.text)
        if m is None:
            heading = next((ln.start for ln in doc.lines if start < ln.start < end and HEADING.match(ln.text)), start)
            regions.append((None, start, min(end, find_body_end(doc, heading))))
        else:
            n_appendix += 1
            regions.append((f"PL{m.group('n') or n_appendix}" if numbered else "PL", start, end))
    return regions


def segment(doc: Document) -> tuple[list[Section], list[Footnote], list[DocumentIssue]]:
    """Section tree, footnotes and numbering findings of `doc`."""
    sections: list[Section] = []
    footnotes: list[Footnote] = []
    issues: list[DocumentIssue] = []
    seen_ids: dict[str, int] = {}
    regions = _regions(doc)
    doc.body_end = regions[0][2]

    cells = _table_cells(doc)
    for prefix, region_start, region_end in regions:
        stack: list[tuple[_Heading, Section]] = []
        last_sibling: dict[tuple[str | None, str], _Heading] = {}  # (parent id, level) -> last heading
        used_labels: dict[tuple[str | None, str], set[str]] = {}
        region_sections: list[Section] = []
        for i, line in enumerate(doc.lines):
            if not (region_start <= line.start < region_end) or i in cells:
                continue
            if fm := FOOTNOTE.match(line.text):
                marker = fm.group("marker")
                found = doc.text.find(marker, 0, line.start)
                footnotes.append(Footnote(**doc.span(line.start, line.end), marker=marker,
                                          marker_start=found if found >= 0 else None))
                continue
            h = _parse_heading(doc, line, doc.lines[i + 1] if i + 1 < len(doc.lines) else None)
            if h is None:
                continue
            keys = [entry.level_key for entry, _ in stack]
            if h.level_key in keys:
                del stack[keys.index(h.level_key):]
            parent = stack[-1][1] if stack else None
            path = _path(h, stack, prefix)
            n = seen_ids.get(path, 0) + 1
            seen_ids[path] = n
            section_id = f"{doc.doc_id}/{path}" + (f"#{n}" if n > 1 else "")
            sec = Section(
                doc_id=doc.doc_id, section_id=section_id, parent_id=parent.section_id if parent else None,
                depth=len(stack) + 1, label=h.label, path=path, heading=h.heading,
                kind=h.kind, style=h.style, heading_line=doc.text[h.start:h.heading_end],
                start_char=h.start, end_char=region_end, heading_end=h.heading_end, appendix=prefix,
            )
            sibling_key = (sec.parent_id, h.level_key)
            issues += _numbering_findings(doc, sec, h, last_sibling.get(sibling_key),
                                          used_labels.setdefault(sibling_key, set()))
            last_sibling[sibling_key] = h
            used_labels[sibling_key].add(h.label)
            stack.append((h, sec))
            region_sections.append(sec)
        _close_spans(doc, region_sections, region_end)
        sections += region_sections
    return sections, footnotes, issues


_BAR_LINE = re.compile(r"^[ \t]*\|[ \t]*$")
# A table row written on one line: `1.1 | Số văn bản ban hành | 12 |`.
_PIPE_ROW = re.compile(r"^[ \t]*\||[^|]\s\|\s")


def _table_cells(doc: Document) -> set[int]:
    """Indexes of lines that are table cells, whose numbers (`1`, `3.1`)
    count rows, not sections: a row on one line with `|` between its cells,
    or a cell alone between two bar lines (a legal-database page's table)."""
    out = {i for i, line in enumerate(doc.lines) if "|" in line.text and _PIPE_ROW.search(line.text)}
    content = [i for i, line in enumerate(doc.lines) if line.text.strip()]
    for before, i, after in zip(content, content[1:], content[2:]):
        if _BAR_LINE.match(doc.lines[before].text) and _BAR_LINE.match(doc.lines[after].text):
            out.add(i)
    return out


def _path(h: _Heading, stack: list[tuple[_Heading, Section]], prefix: str | None) -> str:
    if h.style == "decimal":
        # `2.1` under `II` (with or without `2.` between) is `II.2.1`.
        anchor = next((s.path for hh, s in reversed(stack) if hh.style in ("roman", "dieu", "part")), prefix)
    else:
        anchor = stack[-1][1].path if stack else prefix
    return f"{anchor}.{h.label}" if anchor else h.label


def _close_spans(doc: Document, sections: list[Section], region_end: int) -> None:
    """A section runs until the next heading at its depth or above."""
    for i, sec in enumerate(sections):
        end = next((s.start_char for s in sections[i + 1:] if s.depth <= sec.depth), region_end)
        while end > sec.heading_end and doc.text[end - 1].isspace():
            end -= 1
        sec.end_char = end


def _numbering_findings(doc: Document, sec: Section, h: _Heading, prev: _Heading | None,
                        used: set[str]) -> list[DocumentIssue]:
    def issue(kind: str, message: str) -> DocumentIssue:
        return DocumentIssue(doc_id=doc.doc_id, section_id=sec.section_id, kind=kind, message=message,
                             text=sec.heading_line, start_char=h.start, end_char=h.heading_end)

    found = []
    if h.label in used:
        found.append(issue("duplicate_label", f"label {h.label} is used twice at this level ({sec.path})"))
    elif prev is not None and h.rank < prev.rank:
        found.append(issue("out_of_order", f"label {h.label} follows {prev.label}"))
    elif prev is not None and (missing := _missing_between(prev, h)):
        found.append(issue("skipped_label", f"label {h.label} follows {prev.label}; missing {', '.join(missing)}"))
    return found
