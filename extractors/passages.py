"""A plan cut into comparable passages -> `passages` rows (Passage).

A passage is a list item (`1.`, `1.1.`, `a)`, `I.`), a bullet (`-`, `+`,
`•`), a table row (`| ... |`) or a paragraph, with the lines it wraps over:
a line without a marker right under another continues it (text pulled out of
a PDF or a web page wraps every few words), and so does a block opening in
lower case after a blank line (a sentence broken over a page). Passages are
read in the body and the appendices (`Document.body_spans`), after the title;
a line of capitals (`I. MỤC ĐÍCH, YÊU CẦU`) and a passage of fewer than
`MIN_WORDS` words beyond its marker (`1. Mục đích`) carry nothing to compare.
"""

from __future__ import annotations

import bisect
import re

from core.document import Document
from schemas.records import Duty, Passage, Section, Target

MIN_WORDS = 4

# Where a line opens, in the matching form (emphasis already blanked);
# pipeline/align.py strips it before comparing passages.
MARKER = re.compile(r"""
    ^\s*
    (?:
        (?P<row>\|)                                  # a table row
      | (?P<bullet>[-+•])\s                          # a bullet
      | (?P<item>
            (?:[IVXLC]+|\d{1,2}(?:\.\d{1,2})*)[.)]    # I. / 1. / 1.1. / 2)
          | \d{1,2}(?:\.\d{1,2})+                     # 1.1 without a closing dot
          | [a-zđ][.)]                                # a) / b.
        )\s
    )
    """, re.VERBOSE)

# MIN_WORDS whole words (a word is a run of \w), whatever is between them.
_MIN_WORDS_AHEAD = re.compile(rf"(?:\W*\w+(?!\w)){{{MIN_WORDS}}}")


def _starts_lowercase(line: str) -> bool:
    first = next((c for c in line if c.isalnum()), "")
    return first.islower()


def _capitals_only(text: str) -> bool:
    """At least one letter, and every letter a capital; most passages fail
    at their first lower-case letter."""
    letters = False
    for c in text:
        if c.isalpha():
            if not c.isupper():
                return False
            letters = True
    return letters


def _enough_words(text: str) -> bool:
    """Whether `MIN_WORDS` words follow the marker: they are counted up to
    that many, not all of them."""
    marker = MARKER.match(text)
    return _MIN_WORDS_AHEAD.match(text, marker.end() if marker else 0) is not None


def _blocks(doc: Document, start: int, end: int) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every passage in text[start:end]."""
    blocks: list[list] = []
    previous_blank = True
    for line in doc.lines:
        if line.end <= start or line.start >= end:
            continue
        stripped = line.text.strip()
        if not stripped:
            previous_blank = True
            continue
        marker = MARKER.match(line.text)
        opens = (marker is not None or not blocks
                 or (previous_blank and not _starts_lowercase(stripped))
                 or blocks[-1][2] == "row")
        if opens:
            kind = "paragraph"
            if marker:
                kind = "row" if marker["row"] else "bullet" if marker["bullet"] else "item"
            blocks.append([max(line.start, start), min(line.end, end), kind])
        else:
            blocks[-1][1] = min(line.end, end)
        previous_blank = False
    return [tuple(b) for b in blocks]


def extract(doc: Document, sections: list[Section], duties: list[Duty], targets: list[Target]) -> list[Passage]:
    """The passages of `doc`, in text order, each linked to the first duty and
    target whose span starts inside it."""
    title_end = doc.meta.title_end if doc.meta and doc.meta.title_end else 0
    duty_starts = sorted((d.start_char, d.duty_id) for d in duties)
    target_starts = sorted(t.start_char for t in targets)
    out: list[Passage] = []
    for span_start, span_end in doc.body_spans():
        for start, end, kind in _blocks(doc, max(span_start, title_end), span_end):
            fields = doc.span(start, end)
            text = fields["text"]
            if _capitals_only(text) or not _enough_words(doc.match_text[fields["start_char"]:fields["end_char"]]):
                continue
            lo, hi = fields["start_char"], fields["end_char"]
            i = bisect.bisect_left(duty_starts, (lo, ""))
            duty_id = duty_starts[i][1] if i < len(duty_starts) and duty_starts[i][0] < hi else None
            j = bisect.bisect_left(target_starts, lo)
            target_start = target_starts[j] if j < len(target_starts) and target_starts[j] < hi else None
            section = doc.section_at(lo)
            out.append(Passage(**fields, passage_id=f"{doc.doc_id}:p{len(out) + 1}", kind=kind,
                               path=section.path if section else None, duty_id=duty_id,
                               target_start=target_start))
    return out
