"""Trying a pattern only where it can start.

A pattern that opens with a lookbehind (`(?<!\\w)`) or `^` is tried by the
regex engine at every position of a 30,000-character plan. When a cheap
search (`str.find` of its first words, or a plain-character alternation)
lists the few places a match can start, trying the pattern only there gives
the same matches much faster. Dates, targets, citations and the admin-unit
lookup all scan this way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator


def finditer_at(pattern: re.Pattern, text: str, starts: Iterable[int] | None,
                start: int = 0, end: int | None = None) -> Iterator[re.Match]:
    """`pattern.finditer(text, start, end)` for a pattern that never matches
    empty and can start only at one of the sorted `starts` (None: anywhere):
    tried there in order, past what the last match took."""
    end = len(text) if end is None else end
    if starts is None:
        yield from pattern.finditer(text, start, end)
        return
    pos = start
    for p in starts:
        if p >= pos:
            m = pattern.match(text, p, end)
            if m:
                yield m
                pos = m.end()


def lowered(text: str) -> str:
    """`text` lower-cased letter for letter, so that offsets stay valid:
    `str.find` of a lowercase word in it finds the word in any case."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(ch.lower()[0] for ch in text)  # `İ` lower-cases to `i` and a combining dot
