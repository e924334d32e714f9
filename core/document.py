"""Document: the stored text, its matching form, lines and section spans.

This is the one type extractors receive. Every offset an extractor reports
indexes `Document.text`; because `match_text` has the same length, a match
found in `match_text` is cut out of `text` at the same offsets.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple, TypeVar

from core.normalize import match_form
from core.scan import lowered
from schemas.records import DocumentMeta, Section


def make_doc_id(text: str) -> str:
    """Stable id: the same stored text always gets the same id."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


T = TypeVar("T")


class Line(NamedTuple):
    start: int
    end: int  # exclusive, before the newline
    text: str  # from match_text: tone marks unified, emphasis blanked


@dataclass
class Document:
    text: str
    source_name: str = "<text>"
    meta: DocumentMeta | None = None
    sections: list[Section] = field(default_factory=list)
    body_end: int | None = None  # where `Nơi nhận` / the signature begins
    # Results of `shared`, by step and arguments.
    _shared: dict[tuple, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @cached_property
    def doc_id(self) -> str:
        return make_doc_id(self.text)

    @cached_property
    def match_text(self) -> str:
        return match_form(self.text)

    @cached_property
    def lowered(self) -> str:
        """`match_text` lower-cased letter for letter (`core.scan.lowered`): a
        lowercase word found in it is the word in any case, at the same offset."""
        return lowered(self.match_text)

    def shared(self, step: Callable[..., T], *args) -> T:
        """`step(self, *args)`, worked out once for this document.

        For what several extractors read (the date atoms, the aim
        statements, where cue words stand): the first to ask computes it,
        the others get the same result, and it goes with the document.
        Extractors ask once segmentation and the header are done, so a step
        may read the sections and `body_end`."""
        key = (step, *args)
        if key not in self._shared:
            self._shared[key] = step(self, *args)
        return self._shared[key]

    @cached_property
    def lines(self) -> list[Line]:
        out, pos = [], 0
        for raw in self.match_text.split("\n"):
            out.append(Line(pos, pos + len(raw), raw))
            pos += len(raw) + 1
        return out

    @cached_property
    def line_starts(self) -> list[int]:
        """Start of each line, for bisecting an offset to its line."""
        return [ln.start for ln in self.lines]

    def line_at(self, pos: int) -> Line:
        return self.lines[bisect.bisect_right(self.line_starts, pos) - 1]

    def section_at(self, pos: int) -> Section | None:
        """The deepest section whose span holds `pos`: one bisection into
        `_section_index`."""
        bounds, deepest = self._section_index()
        i = bisect.bisect_right(bounds, pos) - 1
        return deepest[i] if i >= 0 else None

    def body_spans(self) -> list[tuple[int, int]]:
        """The body and the top-level sections of what follows the signature
        (a plan attached to a decision, appendices): where a document states
        its content, without recipients or signatures."""
        end = self.body_end if self.body_end is not None else len(self.text)
        return [(0, end)] + [(s.start_char, s.end_char) for s in self.sections
                             if s.parent_id is None and s.start_char >= end]

    def _section_index(self) -> tuple[list[int], list[Section | None]]:
        """Every offset where a section starts or ends, and the deepest
        section holding the stretch from each up to the next: which section
        holds an offset changes only there. Sections nest, so the deepest
        one holding a stretch is the one that starts last among those
        holding it. Rebuilt only when the section list is replaced or grows."""
        built = self.__dict__.get("_index")
        if built is None or built[0] is not self.sections or built[1] != len(self.sections):
            order = sorted(self.sections, key=lambda s: s.start_char)
            starts = [s.start_char for s in order]
            bounds = sorted({*starts, *(s.end_char for s in order)})
            deepest: list[Section | None] = []
            for pos in bounds:
                i = bisect.bisect_right(starts, pos) - 1
                while i >= 0 and not pos < order[i].end_char:
                    i -= 1
                deepest.append(order[i] if i >= 0 else None)
            built = self._index = (self.sections, len(self.sections), bounds, deepest)
        return built[2], built[3]

    def span(self, start: int, end: int) -> dict:
        """The `Mention` fields for text[start:end], trimmed of blanks."""
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        sec = self.section_at(start)
        return {
            "doc_id": self.doc_id,
            "section_id": sec.section_id if sec else None,
            "text": self.text[start:end],
            "start_char": start,
            "end_char": end,
        }

    @property
    def locality(self) -> str | None:
        return self.meta.locality if self.meta else None

    @property
    def issuer_level(self) -> str | None:
        return self.meta.issuer_level if self.meta else None

    @property
    def province(self) -> str | None:
        return self.meta.province if self.meta else None
