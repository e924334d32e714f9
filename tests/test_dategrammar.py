"""The date-atom grammar (core/dategrammar.py): each atom as the readers
build it, and the days an atom denotes, on sentences of the sample plans
(data/raw; the quarters, which data/raw never writes, from data/blind2)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from core.dategrammar import (ANY_YEAR, Atom, first_day, last_day, month, numeric, quarter, quarter_number,
                              verbal)

# (pattern, sentence, the atom's text, its groups)
CASES = [
    # the issued line (003); with the day left blank (000) and day and month blank (002), as the header reads it
    (verbal("v"), "Lai Châu, ngày 29 tháng 5 năm 2026", "ngày 29 tháng 5 năm 2026",
     {"vd": "29", "vm": "5", "vy": "2026"}),
    (verbal("", gap=r"\s*", year=ANY_YEAR, blanks=True), "Vị Khê, ngày tháng 6 năm 2026", "ngày tháng 6 năm 2026",
     {"d": None, "m": "6", "y": "2026"}),
    (verbal("", gap=r"\s*", year=ANY_YEAR, blanks=True), "Hải Phòng, ngày tháng năm 2026", "ngày tháng năm 2026",
     {"d": None, "m": None, "y": "2026"}),
    (verbal("v"), "Vị Khê, ngày tháng 6 năm 2026", None, None),
    # day and month, the year from context (000)
    (verbal("w", year=None), "Ngày toàn dân phòng, chống ma túy (ngày 26 tháng 6) với chủ đề", "ngày 26 tháng 6",
     {"wd": "26", "wm": "6"}),
    # numeric (004, 003: a stray dot after the month)
    (numeric(), "Căn cứ Chỉ thị số 36-CT/TW ngày 16/8/2019 của Bộ Chính trị về tăng", "16/8/2019",
     {"d": "16", "m": "8", "y": "2019", "stray": None}),
    (numeric("n", gap="[ \t]*", year=ANY_YEAR, stray="[.,]"),
     "thực hiện Chỉ thị số 36-CT/TW, ngày 16/8./2019 của Bộ Chính trị về", "16/8./2019",
     {"nd": "16", "nm": "8", "ny": "2019", "nstray": "."}),
    (numeric("n", stray=None), "thực hiện Chỉ thị số 36-CT/TW, ngày 16/8./2019 của Bộ Chính trị về", None, None),
    # a month (000)
    (month("m"), "các hoạt động phòng chống ma túy trong tháng 6/2026. Phối hợp", "tháng 6/2026",
     {"mm": "6", "my": "2026"}),
    # quarters (data/blind2 c06, c05; a task-table cell of c02 written without blanks)
    (quarter("q"), "kỳ cho người cao tuổi, hoàn thành trong quý III/2026.", "quý III/2026",
     {"qq": "III", "qy": "2026"}),
    (quarter("q"), "Ban Thường vụ Tỉnh ủy tổ chức sơ kết vào quý IV năm 2027.", "quý IV năm 2027",
     {"qq": "IV", "qy": "2027"}),
    (quarter("q", gap=r"\s*", year=ANY_YEAR), "Quý II/2026", "Quý II/2026", {"qq": "II", "qy": "2026"}),
]


@pytest.mark.parametrize("pattern, sentence, text, groups", CASES)
def test_atom_patterns(pattern, sentence, text, groups):
    m = re.search(pattern, sentence, re.IGNORECASE)
    assert (m.group() if m else None) == text
    if m:
        assert {k: v for k, v in m.groupdict().items() if k in groups} == groups


# (atom as the dates extractor reads it, year, granularity, first day, last day)
VALUES = [
    (Atom(0, 9, "dmy", 2026, 6, 30), 2026, "day", dt.date(2026, 6, 30), dt.date(2026, 6, 30)),  # `30/6/2026` (002)
    (Atom(0, 12, "month", 2026, 6), 2026, "month", dt.date(2026, 6, 1), dt.date(2026, 6, 30)),  # `tháng 6/2026` (000)
    (Atom(0, 12, "quarter", 2026, quarter=3), 2026, "quarter", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
    (Atom(0, 8, "year", 2030), 2030, "year", dt.date(2030, 1, 1), dt.date(2030, 12, 31)),  # `năm 2030` (001)
    (Atom(0, 4, "dm", None, 6, 26), 2026, "day", dt.date(2026, 6, 26), dt.date(2026, 6, 26)),  # `(26/6)` (003)
    (Atom(0, 7, "month", None, 2), 2028, "month", dt.date(2028, 2, 1), dt.date(2028, 2, 29)),
    (Atom(0, 8, "dmy", 2026, 6, 0), 2026, "month", dt.date(2026, 6, 1), dt.date(2026, 6, 30)),  # `00/6`: no day
]


@pytest.mark.parametrize("atom, year, granularity, first, last", VALUES)
def test_atom_days(atom, year, granularity, first, last):
    assert (atom.granularity, atom.first_day(year), atom.last_day(year)) == (granularity, first, last)


@pytest.mark.parametrize("parts", [(2026, 2, 31), (2026, 13), (2026, 0), (2026, 6, 0)])
def test_impossible_dates_raise(parts):
    # A task-table cell `31/2/2026` or `tháng 13` gives no deadline.
    with pytest.raises(ValueError):
        last_day(*parts)


@pytest.mark.parametrize("written, number", [("I", 1), ("II", 2), ("iii", 3), ("IV", 4), ("2", 2)])
def test_quarter_number(written, number):
    assert quarter_number(written) == number
    assert first_day(2026, quarter=number).month == 3 * number - 2
