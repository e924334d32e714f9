"""Date atoms: how a Vietnamese plan writes a date, and what one denotes.

Four readers parse dates: the dates extractor (every date of the text), the
task tables (a deadline cell), the citation grammar (a cited document's
date) and the header (the `Place, ngày ... tháng ... năm ...` line). Each
builds its pattern from the atoms below, so a form is written once:

    numeric   `25/5/2026`, `25.5.2026`, `16/8./2019` (a stray mark)
    verbal    `ngày 29 tháng 5 năm 2026`; blanks allowed: `ngày tháng 6 năm 2026`
    quarter   `Quý II/2026`, `quý 3 năm 2026`, `quý III`
    month     `tháng 6/2026`, `tháng 6 năm 2026`, `tháng 6`

Each builder names its groups with a `tag` (`{tag}d`, `{tag}m`, `{tag}y`,
`{tag}q`) so that one pattern can hold several atoms, and takes what its
reader allows between words (`gap`) and as a year (`year`). The readers
differ there: the header and table cells let blanks be missing, running
text does not; in running text only 19xx and 20xx are years (`2000` may
be a count), where the header and a citation take any four digits.

`Atom` is one date as written with the parts it spells out; `first_day`
and `last_day` give the day it opens and closes (`Quý II/2026` ->
2026-04-01 .. 2026-06-30).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

YEAR = r"(?:19|20)\d{2}"  # a year in running text
ANY_YEAR = r"\d{4}"  # a year where the context says it is one (a header, a cited date)
DAY_OR_MONTH = r"\d{1,2}"
QUARTER = r"IV|I{1,3}|[1-4]"
_DATE_MARK = r"[/.-]"  # between the numbers of `25/5/2026`, `25.5.2026`, `25-5-2026`

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


def numeric(tag: str = "", *, gap: str = r"\s*", year: str = YEAR, stray: str | None = r"\.") -> str:
    """`25/5/2026`: day, month, year. `stray`: a mark typed after the month
    (`16/8./2019`), in group `{tag}stray` when present."""
    g = tag
    typo = rf"(?P<{g}stray>{gap}{stray})?" if stray else ""
    return (rf"(?P<{g}d>{DAY_OR_MONTH}){gap}{_DATE_MARK}{gap}(?P<{g}m>{DAY_OR_MONTH}){typo}"
            rf"{gap}{_DATE_MARK}{gap}(?P<{g}y>{year})")


def verbal(tag: str, *, gap: str = r"\s+", year: str | None = YEAR, blanks: bool = False) -> str:
    """`ngày 29 tháng 5 năm 2026`; `year=None`: `ngày 26 tháng 6`, the year
    from context. `blanks`: the day and month may be left blank (a header
    written before the signing day is known)."""
    g, n = tag, DAY_OR_MONTH
    day = rf"(?:(?P<{g}d>{n}){gap})?" if blanks else rf"(?P<{g}d>{n}){gap}"
    if year is None:
        return rf"ngày{gap}{day}tháng{gap}(?P<{g}m>{n})"
    month = rf"(?:(?P<{g}m>{n}){gap})?" if blanks else rf"(?P<{g}m>{n}){gap}"
    return rf"ngày{gap}{day}tháng{gap}{month}năm{gap}(?P<{g}y>{year})"


def quarter(tag: str, *, gap: str = r"\s+", year: str = YEAR) -> str:
    """`Quý II/2026`, `quý 2 năm 2026`, `quý III` (the year optional)."""
    g = tag
    return rf"quý{gap}(?P<{g}q>{QUARTER})(?:\s*(?:/|năm)\s*(?P<{g}y>{year}))?"


def month(tag: str, *, gap: str = r"\s+", year: str = YEAR) -> str:
    """`tháng 6/2026`, `tháng 6 năm 2026`, `tháng 6` (the year optional)."""
    g = tag
    return rf"tháng{gap}(?P<{g}m>{DAY_OR_MONTH})(?:\s*(?:/|năm)\s*(?P<{g}y>{year}))?"


def quarter_number(written: str) -> int:
    """`II` or `2` -> 2."""
    return _ROMAN.get(written.upper()) or int(written)


def first_day(year: int, month: int | None = None, day: int | None = None, quarter: int | None = None) -> dt.date:
    """The day a date opens: `Quý II` -> 1 April, `tháng 6` -> 1 June, a year -> 1 January.
    A part given is used as given: `tháng 0` raises ValueError."""
    if quarter is not None:
        return dt.date(year, 3 * quarter - 2, 1)
    return dt.date(year, 1 if month is None else month, 1 if day is None else day)


def last_day(year: int, month: int | None = None, day: int | None = None, quarter: int | None = None) -> dt.date:
    """The day a date closes: `Quý II` -> 30 June, `tháng 2` -> 28 or 29 February, a year -> 31 December.
    An impossible date (`31/2`, `tháng 13`, `ngày 0`) raises ValueError."""
    if day is not None:
        return dt.date(year, month, day)
    if quarter is not None:
        month = 3 * quarter
    elif month is None:
        month = 12
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Atom:
    """One date expression as written, with the parts it spells out."""

    start: int
    end: int
    form: str  # dmy | verbal | dm | day | month | quarter | year | years | blank | event
    year: int | None = None
    month: int | None = None
    day: int | None = None
    quarter: int | None = None
    year2: int | None = None  # last year of a span of years

    @property
    def granularity(self) -> str:
        if self.day:
            return "day"
        if self.month:
            return "month"
        return "quarter" if self.quarter else "year"

    def first_day(self, year: int) -> dt.date:
        """The day the atom opens, in `year` (its own or one lent by context).
        A 0 the text wrote (`ngày 00`) counts as a part not written."""
        return first_day(year, self.month or None, self.day or None, self.quarter or None)

    def last_day(self, year: int) -> dt.date:
        return last_day(year, self.month or None, self.day or None, self.quarter or None)
