"""Recurring deadlines (issue 19, item 5): a date that falls due every year,
quarter or month is a `recurring` row with its rule (an RFC 5545 RRULE in
`recurrence`), never a one-off date in the year of the plan, which for
`trước ngày 01/6 ... hằng năm` in a plan issued in December would lie before
the plan itself. Sentences from the real corpus (file named in each case)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.document import Document
from core.normalize import clean_text
from extractors import dates
from extractors.sections import segment
from pipeline import process_text

ISSUED = "Đồng Tháp, ngày 01 tháng 12 năm 2025\n\nKẾ HOẠCH\nTriển khai thực hiện nhiệm vụ\n\n"


def _rows(sentence: str) -> list[tuple[str, str, dt.date | None, str | None]]:
    """(text, kind, value, recurrence) of every recurring or deadline row of a
    plan issued on 01/12/2025 whose body is `sentence`."""
    doc = Document(clean_text(ISSUED + sentence)[0], "case.txt")
    doc.sections = segment(doc)[0]
    return [(r.text, r.kind, r.value, r.recurrence) for r in dates.extract(doc)
            if r.kind in ("recurring", "deadline")]


CASES = [
    # r009 (Đồng Tháp): two days of every year, joined by `và`
    ("định kỳ trước ngày 01/6 và 15/11 hằng năm (hoặc đột xuất khi có yêu cầu) báo cáo kết quả thực hiện về "
     "Sở Khoa học và Công nghệ để tổng hợp, báo cáo Ủy ban nhân dân Tỉnh.",
     [("định kỳ", "recurring", None, None),
      ("trước ngày 01/6 và 15/11 hằng năm", "recurring", None, "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=1"),
      ("15/11 hằng năm", "recurring", None, "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=15")]),
    # r007 (Nghệ An)
    ("Trước ngày 15/12 hàng năm tổng hợp, báo cáo Ủy ban nhân dân tỉnh kết quả thực hiện.",
     [("Trước ngày 15/12 hàng năm", "recurring", None, "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15")]),
    # r017 (Bắc Ninh)
    ("gửi báo cáo kết quả thực hiện trước ngày 15/11 hằng năm và báo cáo đột xuất khi có yêu cầu.",
     [("trước ngày 15/11 hằng năm", "recurring", None, "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=15")]),
    # r025 (Hà Nội): the day written out
    ("Báo cáo kết quả thực hiện trước ngày 30 tháng 11 hàng năm để tổng hợp.",
     [("trước ngày 30 tháng 11 hàng năm", "recurring", None, "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=30")]),
    # r013 (Cần Thơ): the rule first, the day in brackets after it
    ("b) Định kỳ hằng năm (trước ngày 15 tháng 12), các sở, ban, ngành báo cáo kết quả thực hiện.",
     [("Định kỳ hằng năm (trước ngày 15 tháng 12", "recurring", None, "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15")]),
    # r014 (Hà Nội): a day of every month
    ("cập nhật kết quả thực hiện Đề án 06 trước ngày 20 hằng tháng lên phần mềm theo dõi, giám sát Đề án 06.",
     [("trước ngày 20 hằng tháng", "recurring", None, "FREQ=MONTHLY;BYMONTHDAY=20")]),
    # r032 (TP. Hồ Chí Minh): every quarter, no day
    ("Thường xuyên, định kỳ hằng quý báo cáo về Sở Tài chính.",
     [("định kỳ hằng quý", "recurring", None, "FREQ=MONTHLY;INTERVAL=3")]),
    # a one-off deadline with its year stays one (r031, Quảng Ngãi)
    ("Thời gian hoàn thành: Trước ngày 15/11/2025.",
     [("Trước ngày 15/11/2025", "deadline", dt.date(2025, 11, 15), None)]),
]


@pytest.mark.parametrize("sentence, expected", CASES, ids=[c[0][:40] for c in CASES])
def test_recurring_deadlines_keep_their_rule(sentence, expected):
    assert _rows(sentence) == expected


def test_a_yearly_task_has_no_one_off_deadline_before_the_plan():
    """r009's task: `định kỳ trước ngày 01/6 và 15/11 hằng năm` in a plan of
    01/12/2025 was given the deadline 01/6/2025, six months before the plan."""
    text = (ISSUED + "III. TỔ CHỨC THỰC HIỆN\n\n1. Sở Khoa học và Công nghệ\n\nChủ trì, theo dõi, đôn đốc các "
            "sở, ban, ngành thực hiện Kế hoạch; định kỳ trước ngày 01/6 và 15/11 hằng năm báo cáo kết quả "
            "thực hiện về Ủy ban nhân dân Tỉnh.\n")
    records = process_text(text, name="r009_case.txt")
    assert records.document.issued_date == dt.date(2025, 12, 1)
    assert [(d.agency, d.deadline) for d in records.duties] == [("Sở Khoa học và Công nghệ", None)]
    assert [(d.kind, d.recurrence) for d in records.dates if d.kind == "recurring" and d.recurrence] == [
        ("recurring", "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=1"), ("recurring", "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=15")]
