"""Is a position inside any of these spans? One bisection, not a scan.

Extractors keep the text they have already read (task spans, citation
titles, date rows) and skip what falls inside it. Asking that with `any(s
<= pos < e for s, e in spans)` costs every span on every question, which
made long documents cost the square of their length (issue 17).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable


class Spans:
    """A union of [start, end) spans, kept as sorted disjoint runs."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in sorted(spans):  # in order each one appends or extends the last run
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        if start >= end:
            return
        # The runs that overlap or touch [start, end) merge with it into one.
        lo = bisect.bisect_left(self._ends, start)
        hi = bisect.bisect_right(self._starts, end)
        if lo < hi:
            start, end = min(start, self._starts[lo]), max(end, self._ends[hi - 1])
        self._starts[lo:hi] = [start]
        self._ends[lo:hi] = [end]

    def covers(self, pos: int) -> bool:
        i = bisect.bisect_right(self._starts, pos) - 1
        return i >= 0 and pos < self._ends[i]
