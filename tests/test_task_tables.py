"""Appendix task tables -> one duty per row and agency, with deadlines and group sections."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors.task_tables import deadline
from core.normalize import clean_text, match_form
from pipeline.run import process_file, process_text
from tests.conftest import seed_path
from tests.fixtures.appendix import APPENDIX_2
from tests.fixtures.word import build_docx

PLAN_003 = seed_path("003").read_text(encoding="utf-8")

DEADLINES = [
    # (time cell as written, year of the plan, deadline)
    ("Quý II/2026", 2026, dt.date(2026, 6, 30)),
    ("Quý IV năm 2026", None, dt.date(2026, 12, 31)),
    ("quý 3", 2026, dt.date(2026, 9, 30)),
    ("Tháng 6/2026", None, dt.date(2026, 6, 30)),
    ("Tháng 02/2028", None, dt.date(2028, 2, 29)),
    ("tháng 6", 2026, dt.date(2026, 6, 30)),
    ("tháng 6", None, None),  # no year anywhere: no guess
    ("30/6/2026", None, dt.date(2026, 6, 30)),
    ("Trước ngày 03/7/2026", None, dt.date(2026, 7, 3)),
    ("ngày 26 tháng 6 năm 2026", None, dt.date(2026, 6, 26)),
    ("6 tháng đầu năm 2026", None, dt.date(2026, 6, 30)),
    ("6 tháng cuối năm", 2027, dt.date(2027, 12, 31)),
    ("Năm 2026", None, dt.date(2026, 12, 31)),
    ("2026 - 2030", None, dt.date(2030, 12, 31)),  # a span: the task is due at its end
    ("Tháng 6 - tháng 12/2026", 2026, dt.date(2026, 12, 31)),
    ("06/2026", None, dt.date(2026, 6, 30)),
    ("Thường xuyên", 2026, None),
    ("Hằng năm", 2026, None),
    ("Định kỳ hằng quý", 2026, None),
    ("Tháng 13/2026", None, None),  # not a month
    ("", 2026, None),
]


@pytest.mark.parametrize("cell, year, expected", DEADLINES)
def test_deadline_from_time_cell(cell, year, expected):
    assert deadline(match_form(cell), year) == expected


APPENDIX_DUTIES = [
    # (agency, role, section path, deadline, task opening): the lead column only
    ("Công an tỉnh Lai Châu", "chu_tri", "PL.I", dt.date(2026, 6, 30), "Tổ chức Lễ mít tinh"),
    ("Sở Văn hóa, Thể thao và Du lịch", "chu_tri", "PL.I", dt.date(2026, 6, 30), "Tăng cường tuyên truyền"),
    ("Công an tỉnh Lai Châu", "chu_tri", "PL.II", dt.date(2026, 6, 30), "Mở đợt cao điểm"),
    ("Ủy ban nhân dân các xã, phường", "chu_tri", "PL.II", None, "Quản lý người sử dụng"),
]
# (lead agency, partner agency): the partner column names partners of the lead's duty
APPENDIX_PARTNERS = [
    ("Công an tỉnh Lai Châu", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Công an tỉnh Lai Châu", "Ủy ban nhân dân các xã, phường"),
    ("Sở Văn hóa, Thể thao và Du lịch", "Công an tỉnh Lai Châu"),
    ("Công an tỉnh Lai Châu", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Lai Châu"),
    ("Ủy ban nhân dân các xã, phường", "Công an tỉnh Lai Châu"),
    ("Ủy ban nhân dân các xã, phường", "Sở Y tế"),
]


def _table_duties(records):
    paths = {s.section_id: s.path for s in records.sections}
    return [(d.agency, d.role, paths.get(d.section_id), d.deadline, d.text)
            for d in records.duties if "/table@" in d.duty_id]


def _assert_appendix_duties(got):
    assert [g[:4] for g in got] == [e[:4] for e in APPENDIX_DUTIES]
    assert all(g[4].startswith(e[4]) for g, e in zip(got, APPENDIX_DUTIES))


def _table_partners(records):
    leads = {d.duty_id: d.agency for d in records.duties if "/table@" in d.duty_id}
    return [(leads[p.duty_id], p.agency) for p in records.duty_partners if p.duty_id in leads]


def test_appendix_table_gives_one_duty_per_row_and_lead_agency():
    records = process_text(PLAN_003 + APPENDIX_2, "003-with-appendix.txt")
    _assert_appendix_duties(_table_duties(records))
    assert _table_partners(records) == APPENDIX_PARTNERS
    text = records.document.text
    assert all(text[p.start_char:p.end_char] == p.text for p in records.duty_partners)


def test_group_rows_become_sections_under_the_appendix():
    records = process_text(PLAN_003 + APPENDIX_2, "003-with-appendix.txt")
    groups = [(s.path, s.label, s.heading, s.appendix) for s in records.sections if s.path.startswith("PL")]
    assert groups == [("PL.I", "I", "Công tác tuyên truyền, giáo dục phòng, chống ma túy", "PL"),
                      ("PL.II", "II", "Công tác đấu tranh, trấn áp tội phạm về ma túy", "PL")]


def test_duty_spans_are_the_task_cells():
    records = process_text(PLAN_003 + APPENDIX_2, "003-with-appendix.txt")
    text = records.document.text
    rows = [d for d in records.duties if "/table@" in d.duty_id]
    assert all(text[d.start_char:d.end_char] == d.text for d in rows)
    assert rows[0].text == "Tổ chức Lễ mít tinh hưởng ứng Ngày quốc tế và Ngày toàn dân phòng, chống ma túy (26/6)"
    assert len({d.duty_id for d in records.duties}) == len(records.duties)


def test_docx_table_gives_the_duties_of_the_text_table(tmp_path):
    path = tmp_path / "003-appendix.docx"
    path.write_bytes(build_docx(clean_text(PLAN_003 + APPENDIX_2)[0]))
    _assert_appendix_duties(_table_duties(process_file(path)))


TWO_ROW_HEADER = """
PHỤ LỤC
| STT | Nội dung công việc | Đơn vị thực hiện | | Thời hạn |
| | | Chủ trì | Phối hợp | |
| 1 | Kiểm tra các cơ sở kinh doanh dịch vụ có điều kiện về an ninh, trật tự | Công an tỉnh | Sở Y tế<br>Sở Công Thương | Quý III/2026 |
| 2 | Rà soát, thống kê người nghiện ma túy trên địa bàn | | Trạm y tế xã | Tháng 9/2026 |
"""


def test_two_row_header_and_lead_merged_down():
    records = process_text(PLAN_003 + TWO_ROW_HEADER, "two-row-header.txt")
    rows = [(d.agency, d.role, d.deadline) for d in records.duties if "/table@" in d.duty_id]
    assert rows == [
        ("Công an tỉnh Lai Châu", "chu_tri", dt.date(2026, 9, 30)),
        ("Công an tỉnh Lai Châu", "chu_tri", dt.date(2026, 9, 30)),  # the lead cell merged down from row 1
    ]
    assert _table_partners(records) == [("Công an tỉnh Lai Châu", "Sở Y tế"),
                                        ("Công an tỉnh Lai Châu", "Sở Công Thương"),
                                        ("Công an tỉnh Lai Châu", "Trạm y tế xã")]


def test_a_table_without_task_and_lead_columns_gives_no_duty():
    header_table = "| UBND TỈNH LAI CHÂU | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n| Số: 4290/KH-UBND | Lai Châu |\n"
    records = process_text(header_table + PLAN_003, "header-table.txt")
    assert not [d for d in records.duties if "/table@" in d.duty_id]


TABLE = ("PHỤ LỤC\nDANH MỤC NHIỆM VỤ TRỌNG TÂM NĂM 2026\n\n"
         "| STT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian thực hiện |\n|---|---|---|---|---|\n"
         "| 1 | Kiểm tra, giám sát các lớp đào tạo | {lead} | UBND các xã, phường | Trước ngày 30/4/2026 |\n")

LEAD_CELLS = [
    # (lead cell as written, (agency, type) of its duty)
    ("Văn phòng Sở", ("Văn phòng Sở", "van_phong")),
    ("Các cơ sở giáo dục nghề nghiệp", ("Các cơ sở giáo dục nghề nghiệp", "giao_duc")),
    # Known only by its first words (`Phòng Giáo dục`): the cell keeps its own name.
    ("Phòng Giáo dục nghề nghiệp", ("Phòng Giáo dục nghề nghiệp", "giao_duc")),
    # Unknown altogether.
    ("Trung tâm Giáo dục thường xuyên tỉnh", ("Trung tâm Giáo dục thường xuyên tỉnh", "khac")),
]


@pytest.mark.parametrize("cell, expected", LEAD_CELLS)
def test_lead_cell_is_named_as_written_or_by_the_vocabulary(cell, expected):
    records = process_text(TABLE.format(lead=cell), "b01-appendix.txt")
    leads = [(d.agency, d.agency_type) for d in records.duties if "/table@" in d.duty_id and d.role == "chu_tri"]
    assert leads == [expected]
