"""Dates extractor: one real sentence per form and kind, with exact values.

Sentences are copied from the seed plans (data/raw); the few forms the seeds
lack (`chậm nhất`, `hoàn thành trong`, quarters, a bare `01/6`) use the
seed sentence the form would stand in, with the issue's own phrase.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from extractors import dates
from core.phrases import phrases_regex
from core.vocab import load
from core.document import Document
from core.normalize import clean_text
from extractors.sections import segment

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
HOLDOUT = RAW.parent / "holdout"
D = dt.date


def make_doc(text: str) -> Document:
    doc = Document(clean_text(text)[0], "case.txt")
    doc.sections = segment(doc)[0]
    return doc


def rows_of(text: str):
    return dates.extract(make_doc(text))


def row(text: str, expression: str):
    found = [r for r in rows_of(text) if r.text == expression]
    assert found, f"no row {expression!r} in {[r.text for r in rows_of(text)]}"
    return found[0]


# (sentence, expression as written, kind, value, granularity, other fields)
CASES = [
    # `ngày 25/5/2026` after a cited number: the cited document's date
    ("Thực hiện Công văn số 573/TTg-KGVX ngày 25/5/2026 của Thủ tướng triển khai các hoạt động hưởng ứng "
     "Tháng hành động phòng, Chống ma túy (tháng 6)",
     "ngày 25/5/2026", "citation", D(2026, 5, 25), "day", {"parser": "dateparser"}),
    # a comma between number and date, as 003 writes it
    ("Thực hiện Công văn số 573/TTg-KGVX, ngày 25/5/2026 của Thủ tướng Chính phủ về việc triển khai Tháng hành "
     "động phòng chống ma túy năm 2026.",
     "ngày 25/5/2026", "citation", D(2026, 5, 25), "day", {}),
    # the typo `16/8./2019`
    ("tiếp tục thực hiện Chỉ thị số 36-CT/TW, ngày 16/8./2019 của Bộ Chính trị về \"Tăng cường, nâng cao hiệu "
     "quả công tác phòng, chống và kiểm soát ma túy\"",
     "ngày 16/8./2019", "citation", D(2019, 8, 16), "day", {}),
    # a spaced symbol (`03/CTrPH-BCA- BGDĐT`) still heads a citation date
    ("Tiếp tục triển khai có hiệu quả Chương trình phối hợp số 03/CTrPH-BCA- BGDĐT ngày 22/01/2024 giữa Bộ "
     "Công an và Bộ Giáo dục và Đào tạo",
     "ngày 22/01/2024", "citation", D(2024, 1, 22), "day", {}),
    # an Đề án cited by bare number
    ("Đề án số 05 ngày 11/6/2025 của UBND thành phố Hải Phòng về \"Xây dựng Hải phòng trở thành thành phố "
     "không ma túy\";",
     "ngày 11/6/2025", "citation", D(2025, 6, 11), "day", {}),
    # `ngày 29 tháng 5 năm 2026` on the place/date line: the issue date
    ("Số: 4290 /KH-UBND\n\nLai Châu, ngày 29 tháng 5 năm 2026\n\nKẾ HOẠCH\n",
     "ngày 29 tháng 5 năm 2026", "issued", D(2026, 5, 29), "day", {"parser": "dateparser"}),
    # a blank day: no value, the text kept
    ("Số: /KH-UBND\n\nVị Khê, ngày tháng 6 năm 2026\n\nKẾ HOẠCH\n",
     "ngày tháng 6 năm 2026", "issued", None, "month", {"parser": None}),
    ("Số: /KH-UBND\n\nHải Phòng, ngày tháng năm 2026\n\nKẾ HOẠCH\n",
     "ngày tháng năm 2026", "issued", None, "year", {}),
    # `từ ngày X đến ngày Y`
    ("- Mở đợt cao điểm tấn công, trấn áp tội phạm ma túy từ ngày 01/6/2026 đến ngày 30/6/2026; tập trung đấu "
     "tranh, triệt phá các đường dây",
     "từ ngày 01/6/2026", "period_start", D(2026, 6, 1), "day", {}),
    ("- Mở đợt cao điểm tấn công, trấn áp tội phạm ma túy từ ngày 01/6/2026 đến ngày 30/6/2026; tập trung đấu "
     "tranh, triệt phá các đường dây",
     "đến ngày 30/6/2026", "period_end", D(2026, 6, 30), "day", {}),
    # `25/5/2026` without `ngày`
    ("- Mở đợt tấn công, trấn áp tội phạm về ma túy trên địa bàn phường Vị Khê từ ngày 01/6/2026 đến "
     "30/6/2026; tập trung đấu tranh",
     "đến 30/6/2026", "period_end", D(2026, 6, 30), "day", {}),
    ("2. Thời gian thực hiện: Bắt đầu từ 01/6/2026 đến hết ngày 30/6/2026.",
     "Bắt đầu từ 01/6/2026", "period_start", D(2026, 6, 1), "day", {}),
    # `01/6` takes its year from the end of its period
    ("2. Thời gian thực hiện: Từ ngày 01/6 đến ngày 30/6/2026.",
     "Từ ngày 01/6", "period_start", D(2026, 6, 1), "day", {"parser": "dateparser"}),
    # `từ khi ban hành đến hết năm 2035`: no start date, the end is the year's last day
    ("2.2. Phạm vi về thời gian: Kế hoạch được triển khai từ khi ban hành đến hết năm 2035.",
     "từ khi ban hành", "period_start", None, None, {}),
    ("2.2. Phạm vi về thời gian: Kế hoạch được triển khai từ khi ban hành đến hết năm 2035.",
     "đến hết năm 2035", "period_end", D(2035, 12, 31), "year", {}),
    # deadlines take the last day they denote
    ("3. Chế độ thông tin báo cáo: Kết thúc Tháng cao điểm các đơn vị báo cáo kết quả thực hiện và gửi Cơ quan "
     "thường trực Ban Chỉ đạo phòng, chống tội phạm tỉnh trước ngày 03/7/2026;",
     "trước ngày 03/7/2026", "deadline", D(2026, 7, 3), "day", {}),
    ("các cơ quan, đơn vị, địa phương báo cáo kết quả thực hiện về Công an thành phố **trước ngày 05/7/2026** "
     "để tổng hợp",
     "trước ngày 05/7/2026", "deadline", D(2026, 7, 5), "day", {}),
    ("các cơ quan, đơn vị, địa phương báo cáo kết quả thực hiện về Công an thành phố chậm nhất ngày 30/6/2026 "
     "để tổng hợp",
     "chậm nhất ngày 30/6/2026", "deadline", D(2026, 6, 30), "day", {}),
    # a PDF line break between the cue and its date (c06)
    ("- Rà soát, cập nhật danh sách người cao tuổi thuộc diện hưởng trợ cấp xã hội,\nhoàn thành trước ngày\n"
     "31/3/2026.",
     "hoàn thành trước ngày\n31/3/2026", "deadline", D(2026, 3, 31), "day", {}),
    ("Các đơn vị hoàn thành trong tháng 6/2026 việc rà soát người nghiện ma túy.",
     "hoàn thành trong tháng 6/2026", "deadline", D(2026, 6, 30), "month", {}),
    ("Các đơn vị hoàn thành trước Quý III/2026 việc rà soát người nghiện ma túy.",
     "hoàn thành trước Quý III/2026", "deadline", D(2026, 9, 30), "quarter", {"parser": "regex"}),
    # recurring rules keep their structure
    ("2. Về chế độ báo cáo thực hiện các nhiệm vụ khác: ngày 14 hàng tháng;",
     "ngày 14 hàng tháng", "recurring", None, "day", {"recurrence": "FREQ=MONTHLY;BYMONTHDAY=14"}),
    ("- Định kỳ hằng năm tổ chức tập huấn, bồi dưỡng nghiệp vụ và thực hành xử lý tình huống",
     "Định kỳ hằng năm", "recurring", None, None, {"recurrence": "FREQ=YEARLY"}),
    ("Các đơn vị phải báo cáo kết quả định kỳ về Ủy ban nhân dân phường (qua Công an phường)",
     "định kỳ", "recurring", None, None, {"recurrence": None}),
    ("Các đơn vị phải báo cáo kết quả định kỳ 6 tháng về Ủy ban nhân dân phường (qua Công an phường)",
     "định kỳ 6 tháng", "recurring", None, None, {"recurrence": "FREQ=MONTHLY;INTERVAL=6"}),
    ("tổ chức các hoạt động thiết thực triển khai đợt cao điểm phòng, chống ma túy nhân Tháng hành động "
     "phòng, chống ma túy và Ngày toàn dân phòng, chống ma túy 26/6 hằng năm.",
     "Ngày toàn dân phòng, chống ma túy 26/6 hằng năm", "recurring", None, "day",
     {"recurrence": "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=26", "event": "Ngày toàn dân phòng, chống ma túy"}),
    # a day and month later in the clause of a yearly rule is the rule's day, no one-off deadline (h05)
    ("5. Các chi bộ trực thuộc xây dựng kế hoạch thực hiện, hoàn thành trước ngày 30/5/2026; định kỳ hằng năm "
     "báo cáo kết quả về Ban Thường vụ Đảng ủy phường (qua Văn phòng Đảng ủy) trước ngày 15/12.",
     "định kỳ hằng năm báo cáo kết quả về Ban Thường vụ Đảng ủy phường (qua Văn phòng Đảng ủy) trước ngày 15/12",
     "recurring", None, "day", {"recurrence": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15"}),
    ("5. Các chi bộ trực thuộc xây dựng kế hoạch thực hiện, hoàn thành trước ngày 30/5/2026; định kỳ hằng năm "
     "báo cáo kết quả về Ban Thường vụ Đảng ủy phường (qua Văn phòng Đảng ủy) trước ngày 15/12.",
     "hoàn thành trước ngày 30/5/2026", "deadline", D(2026, 5, 30), "day", {}),
    # the same rule written date first (h05's sentence, reordered)
    ("Trước ngày 15/12 hằng năm, các chi bộ báo cáo kết quả về Ban Thường vụ Đảng ủy phường.",
     "Trước ngày 15/12 hằng năm", "recurring", None, "day", {"recurrence": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15"}),
    # a baseline year is no target year (h06)
    ("II. CHỈ TIÊU\n\n3. Phấn đấu giảm 15% số vụ cháy so với năm 2025.",
     "năm 2025", "other", D(2025, 1, 1), "year", {}),
    # an aim section's title names its items' year (h05)
    ("2. Chỉ tiêu đến năm 2030\n\n- Phấn đấu 100% đảng viên sử dụng ứng dụng Sổ tay đảng viên điện tử.",
     "năm 2030", "target_year", D(2030, 1, 1), "year", {}),
    # events: `(tháng 6)`, `(26/6)` take the issued year
    ("Vị Khê, ngày tháng 6 năm 2026\n\nThực hiện Công văn số 573/TTg-KGVX ngày 25/5/2026 của Thủ tướng triển khai "
     "các hoạt động hưởng ứng Tháng hành động phòng, Chống ma túy (tháng 6), Ngày quốc tế phòng, chống ma túy "
     "và Ngày toàn dân phòng, chống ma túy (ngày 26 tháng 6) với chủ đề",
     "Tháng hành động phòng, Chống ma túy (tháng 6)", "event", D(2026, 6, 1), "month",
     {"event": "Tháng hành động phòng, chống ma túy", "parser": "dateparser"}),
    ("Vị Khê, ngày tháng 6 năm 2026\n\nThực hiện Công văn số 573/TTg-KGVX ngày 25/5/2026 của Thủ tướng triển khai "
     "các hoạt động hưởng ứng Tháng hành động phòng, Chống ma túy (tháng 6), Ngày quốc tế phòng, chống ma túy "
     "và Ngày toàn dân phòng, chống ma túy (ngày 26 tháng 6) với chủ đề",
     "Ngày toàn dân phòng, chống ma túy (ngày 26 tháng 6)", "event", D(2026, 6, 26), "day",
     {"event": "Ngày toàn dân phòng, chống ma túy"}),
    # `(26/6)` with the year written after it in the same sentence
    ("Triển khai Tháng hành động phòng, chống ma túy (tháng 6), Ngày Quốc tế và Ngày toàn dân phòng, chống ma "
     "túy (26/6) năm 2026",
     "Ngày toàn dân phòng, chống ma túy (26/6)", "event", D(2026, 6, 26), "day", {}),
    # a named day with only a year: its fixed day and month fill in
    ("- Là Cơ quan thường trực tham mưu Ủy ban nhân dân phường tổ chức hoạt động hưởng ứng Tháng hành động "
     "phòng, chống ma túy và Ngày toàn dân phòng, chống ma túy năm 2026.",
     "Ngày toàn dân phòng, chống ma túy năm 2026", "event", D(2026, 6, 26), "day", {"parser": "regex"}),
    # `năm 2026`, `tháng 6/2026`, a quarter: other dates, first day
    ("Triển khai Tháng hành động phòng, chống ma túy (tháng 6), Ngày Quốc tế và Ngày toàn dân phòng, chống ma "
     "túy (26/6) năm 2026",
     "năm 2026", "other", D(2026, 1, 1), "year", {}),
    ("đôn đốc, kiểm tra, định kỳ sơ kết, tổng kết đánh giá việc thực hiện các hoạt động phòng chống ma túy "
     "trong tháng 6/2026.",
     "tháng 6/2026", "other", D(2026, 6, 1), "month", {"parser": "dateparser"}),
    ("Các đơn vị tổng kết trong Quý II/2026.",
     "Quý II/2026", "other", D(2026, 4, 1), "quarter", {}),
    # `đến năm 2030` in a programme's name is not a target year
    ("triển khai thực hiện có hiệu quả Chương trình mục tiêu quốc gia phòng, chống ma túy đến năm 2030 và các "
     "chỉ đạo của Trung ương",
     "năm 2030", "other", D(2030, 1, 1), "year", {}),
    # in a target statement it is
    ("3. Chỉ tiêu\n\na) Hằng năm giảm số người nghiện và người sử dụng trái phép chất ma túy; phấn đấu đến năm "
     "2027 đạt tiêu chí xã \"không ma túy\"",
     "năm 2027", "target_year", D(2027, 1, 1), "year", {}),
    ("3. Triển khai đồng bộ các giải pháp phần đầu trong lộ trình 2027 đạt tiêu chí \"xã không có ma túy\".",
     "2027", "target_year", D(2027, 1, 1), "year", {}),
    ("c) Phấn đấu đến 2030 Trạm y tế xã đủ điều kiện thực hiện xác định tình trạng nghiện ma túy theo quy định.",
     "2030", "target_year", D(2030, 1, 1), "year", {}),
    # spans of years
    ("trong các cơ sở giáo dục giai đoạn 2025 - 2030.",
     "giai đoạn 2025 - 2030", "range", D(2025, 1, 1), "year", {"range_end": D(2030, 12, 31), "parser": "regex"}),
    ("Nghị quyết số 05-NQ/ĐH ngày 19/9/2025 của Đại hội đại biểu Đảng bộ tỉnh Lai Châu lần thứ XV, nhiệm kỳ "
     "2025-2030 về thực hiện chỉ tiêu chủ yếu",
     "nhiệm kỳ 2025-2030", "range", D(2025, 1, 1), "year", {"range_end": D(2030, 12, 31)}),
    # a span of years as the plan's own time frame is a period
    ("2. Thời gian thực hiện: giai đoạn 2026 - 2030.",
     "giai đoạn 2026 - 2030", "period_start", D(2026, 1, 1), "year", {}),
]


@pytest.mark.parametrize("sentence, expression, kind, value, granularity, extra", CASES,
                         ids=[f"{c[2]}:{c[1]}" for c in CASES])
def test_date_row(sentence, expression, kind, value, granularity, extra):
    r = row(sentence, expression)
    assert (r.kind, r.value, r.granularity) == (kind, value, granularity)
    for name, expected in extra.items():
        assert getattr(r, name) == expected, name


# Sentences whose numbers are not dates.
NOT_DATES = [
    "Tăng cường sử dụng mạng xã hội, ứng dụng công nghệ 4.0 để tuyên truyền...",
    "Quyết định số 28/2025/QĐ-TTg của Thủ tướng Chính phủ",
    "(qua Phòng Tham mưu Công an tỉnh, SĐT: 069.2469.888, email: banchidaopctplcu@gmail.com)",
    "Phối hợp với Viện kiểm sát nhân dân khu vực 7, Tòa án nhân dân khu vực 7 đẩy nhanh tiến độ điều tra",
    "Nghị quyết số 163/2024/QH15 của Quốc hội",
]


@pytest.mark.parametrize("sentence", NOT_DATES)
def test_no_date(sentence):
    assert rows_of(sentence) == []


def test_period_end_year_lends_to_start_and_pairs_adjacent():
    rs = rows_of("(thời gian từ ngày 01/6/2026 đến ngày 30/6/2026) với Chủ đề")
    assert [(r.kind, r.value) for r in rs] == [("period_start", D(2026, 6, 1)), ("period_end", D(2026, 6, 30))]


def test_partial_date_without_any_year_has_no_value():
    # 004 has no date line; a cited document's year is not the year of this plan's events.
    text = ("Căn cứ Chỉ thị số 36-CT/TW ngày 16/8/2019 của Bộ Chính trị.\n\n"
            "- Tổ chức các hoạt động trong Tháng hành động phòng chống ma túy (Tháng 6) và Ngày toàn dân "
            "phòng, chống ma túy (26/6).")
    events = [r for r in rows_of(text) if r.kind == "event"]
    assert [(r.text, r.value) for r in events] == [
        ("Tháng hành động phòng chống ma túy (Tháng 6)", None),
        ("Ngày toàn dân phòng, chống ma túy (26/6)", None),
    ]


def test_attached_plan_target_year():
    # h02: the Kế hoạch after the decision's signature states its own aims.
    doc = make_doc((HOLDOUT / "h02_thanhhoa_qd_chuyendoiso.txt").read_text(encoding="utf-8"))
    found = [r for r in dates.extract(doc) if r.kind == "target_year"]
    assert [(r.text, r.value) for r in found] == [("năm 2030", D(2030, 1, 1))]
    assert found[0].start_char > doc.text.index("Phấn đấu đến năm 2030, 100% giao dịch") > doc.body_end


def test_deadline_within_task_span():
    text = ("3. Chế độ thông tin báo cáo: Kết thúc Tháng cao điểm các đơn vị báo cáo kết quả thực hiện trước ngày "
            "03/7/2026; Cơ quan thường trực Ban Chỉ đạo hoàn thiện dự thảo báo cáo trình UBND tỉnh trước ngày "
            "05/7/2026 để báo cáo Thủ tướng Chính phủ.")
    doc = make_doc(text)
    found = dates.extract(doc)
    second = doc.text.index("Cơ quan thường trực")
    deadlines = dates.Deadlines(found)
    assert deadlines.within(0, second) == D(2026, 7, 3)
    assert deadlines.within(second, len(doc.text)) == D(2026, 7, 5)
    assert deadlines.within(0, 20) is None
    assert deadlines.within(doc.text.index("trước ngày 03/7"), doc.text.index("03/7/2026")) is None  # cut short


# --- the seeds -------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_rows():
    out = {}
    for path in sorted(RAW.glob("*.txt")):
        doc = make_doc(path.read_text(encoding="utf-8"))
        out[path.name] = (doc, dates.extract(doc))
    return out


def test_spans_are_honest(seed_rows):
    for doc, rows in seed_rows.values():
        for r in rows:
            assert doc.text[r.start_char:r.end_char] == r.text


def test_deadlines_sit_inside_one_line(seed_rows):
    for doc, rows in seed_rows.values():
        for r in rows:
            if r.kind == "deadline":
                assert "\n" not in r.text


def test_dateparser_agrees_with_the_parts(seed_rows):
    # Every single-date form dateparser sees gets its value from it; a
    # disagreement would show as `regex` on one of these forms.
    for _, rows in seed_rows.values():
        for r in rows:
            if r.value is not None and r.kind not in ("range",) and r.event is None and r.granularity != "quarter":
                assert r.parser == "dateparser", r.text


# --- the prefilters find what a plain search finds ---------------------------------

@pytest.mark.parametrize("path", sorted(RAW.glob("*.txt")) + sorted(HOLDOUT.glob("*.txt")), ids=lambda p: p.stem)
def test_prefiltered_scans_match_plain_finditer(path):
    doc = make_doc(path.read_text(encoding="utf-8"))
    text = doc.match_text
    # atoms: tried only at digits and opening words
    plain = [a for a in (dates._atom(text, m) for m in dates._atom_re().finditer(text))
             if a is not None and dates._valid(a)]
    assert list(dates._scan(doc)) == plain
    # recurrences: tried only where one of their first words opens a word
    assert ([m.span() for m in dates._recurrences(doc)]
            == [m.span() for m in dates._patterns()["recurring"].finditer(text)])


def _forward_cues() -> dict[str, re.Pattern]:
    """The cues before a date as a plain forward search reads them: the
    phrase, then blanks or `(` up to the date (`$`)."""
    c = load("date_cues")
    join = phrases_regex(c["period"]["join"])
    events = "|".join(f"(?P<e{i}>{phrases_regex(e['phrases'])})" for i, e in enumerate(c["event"]))

    def ends_with(phrases):
        return r"(?<!\w)(?P<cue>" + phrases_regex(phrases) + r")[\s(]*$"
    return {name: re.compile(p, re.IGNORECASE) for name, p in {
        "year_lead": ends_with(c["year"]["leads"]),
        "period_start": ends_with(c["period"]["start"]),
        "deadline": ends_with(c["deadline"]["before"]),
        "open_start": r"(?<!\w)(?P<cue>" + phrases_regex(c["period"]["open_start"]) + r")\s+" + join + r"\s*$",
        "join_before": r"(?<!\w)(?P<cue>" + join + r")\s*$",
        "scope": r"(?<!\w)(?P<cue>" + phrases_regex(c["period"]["scope"]) + r")\s*:?\s*(?:(?:trong|là)\s+)?$",
        "named_day": r"(?<!\w)(?:" + events + r")[\s(]*$",
        "event": r"(?<!\w)(?:" + events + r")(?!\w)[\s(]*(?:vào\s+)?$",
    }.items()}


@pytest.mark.parametrize("path", sorted(RAW.glob("*.txt")) + sorted(HOLDOUT.glob("*.txt")), ids=lambda p: p.stem)
def test_backward_cues_match_a_forward_search(path):
    """Before every atom, on its line and in the 120 characters before it, the
    backward match finds the cue a forward search finds first."""
    doc = make_doc(path.read_text(encoding="utf-8"))
    text = doc.match_text
    for a in dates.scan(doc):
        for start in (doc.line_at(a.start).start, max(0, a.start - 120)):
            for name, pattern in _forward_cues().items():
                m = pattern.search(text, start, a.start)
                found = dates._cue_before_date(text, name, start, a.start)
                # the phrase itself: the cue, or the named day
                expected = m.span("cue" if "cue" in pattern.groupindex else m.lastgroup) if m else None
                assert ((found.start, found.end) if found else None) == expected, (name, a)


# The `giai đoạn` of a plan's own title is its time frame; a term of office is not (real titles: r017, r052).
OWN_SPAN = [
    ("UBND TỈNH BẮC NINH\n\nSố: 144/KH-UBND\n\nKẾ HOẠCH\n\nPhát triển kinh tế số và xã hội số tỉnh Bắc Ninh giai "
     "đoạn 2026 - 2030\n\nI. MỤC TIÊU\n\n1. Kinh tế số chiếm 45% GRDP tỉnh.\n",
     [("period_start", dt.date(2026, 1, 1)), ("period_end", dt.date(2030, 12, 31))]),
    ("ỦY BAN MTTQ VIỆT NAM XÃ LƯƠNG MINH\n\nSố: 16/KH-MTTQ-BTT\n\nKẾ HOẠCH\n\nThực hiện công tác bầu cử đại biểu "
     "Hội đồng nhân dân các cấp nhiệm kỳ 2026-2031\n\nI. MỤC ĐÍCH\n\n1. Tổ chức thành công cuộc bầu cử.\n", []),
]


@pytest.mark.parametrize("text, periods", OWN_SPAN)
def test_own_span_in_the_title(text, periods):
    from pipeline.run import process_text

    rows = process_text(text).dates
    assert [(r.kind, r.value) for r in rows if r.kind.startswith("period")] == periods
