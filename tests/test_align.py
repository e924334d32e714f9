"""Passage labels of `plans diff` on real sentences (pipeline/align.py).

Each case is a child passage and a parent passage taken from the sample
plans and the real corpus (000 Vị Khê, 003 Lai Châu, 002 Hải Phòng, r023
Nghệ An, r026 Đắk Lắk), some edited the way a ward edits its province's
plan; the expected label and what changed follow tests/gold_diff/NOTES.md.
"""

from __future__ import annotations

import pytest

from pipeline.align import align, comparison_form

RAID_WARD = ("- Mở đợt cao điểm tấn công, trấn áp tội phạm về ma túy trên địa bàn phường Vị Khê "
             "từ ngày 01/6/2026 đến ngày 30/6/2026; tập trung đấu tranh, triệt phá các đường dây, "
             "tổ chức tội phạm ma túy hoạt động liên tỉnh, xuyên quốc gia.")
RAID_PROVINCE = ("- Mở đợt cao điểm tấn công, trấn áp tội phạm về ma túy trên địa bàn tỉnh Lai Châu "
                 "từ ngày 01/6/2026 đến ngày 30/6/2026; tập trung đấu tranh, triệt phá các đường dây, "
                 "tổ chức tội phạm ma túy hoạt động liên tỉnh, xuyên quốc gia.")
REPORT = ("Giao Công an tỉnh chủ trì, theo dõi, đôn đốc, kiểm tra việc triển khai thực hiện Kế hoạch "
          "của các cơ quan, đơn vị, địa phương; kịp thời báo cáo UBND tỉnh những vấn đề phát sinh.")
TARGET = ("Các xã, phường trọng điểm phức tạp về ma túy phấn đấu kéo giảm tính chất phức tạp; 08 xã, phường "
          "đăng ký xây dựng xã, phường không ma túy năm 2026 có những giải pháp thiết thực hiệu quả.")

CASES = [
    # numbering and emphasis differ only
    ("1. Tăng cường sự lãnh đạo, chỉ đạo và tổ chức thực hiện công tác phòng, chống ma túy",
     "**1.1. Tăng cường sự lãnh đạo, chỉ đạo và tổ chức thực hiện công tác phòng, chống ma túy**",
     "copied", []),
    # the place swapped: a ward's copy of its province's task
    (RAID_WARD, RAID_PROVINCE, "copied", []),
    # a typo (`chuyển đối số`, r026) is no change
    ("c) Thi đua đẩy mạnh xây dựng, hoàn thiện đồng bộ về thể chế phát triển nhanh, bền vững đất nước, "
     "phát huy mọi động lực, đột phá mạnh mẽ khoa học, công nghệ, đổi mới sáng tạo và chuyển đối số quốc gia.",
     "4. Thi đua đẩy mạnh xây dựng, hoàn thiện đồng bộ về thể chế phát triển nhanh, bền vững đất nước, "
     "phát huy mọi động lực, đột phá mạnh mẽ khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia.",
     "copied", []),
    # the deadline moved
    (RAID_WARD.replace("30/6/2026", "15/7/2026"), RAID_PROVINCE, "adapted", ["deadline"]),
    # the task handed to another body
    (REPORT.replace("Công an tỉnh", "Sở Tư pháp tỉnh"), REPORT, "adapted", ["agency"]),
    # the target re-set
    (TARGET.replace("08 xã", "10 xã"), TARGET, "adapted", ["value"]),
    # two words added (r023 against r026)
    ("- Đẩy mạnh cải cách hành chính, nâng cao hiệu quả quản trị, thi đua xây dựng chính quyền điện tử, "
     "chính quyền số, tăng cường phục vụ người dân và doanh nghiệp.",
     "- Cải cách hành chính, nâng cao hiệu quả quản trị, thi đua xây dựng chính quyền điện tử, "
     "chính quyền số, tăng cường phục vụ người dân và doanh nghiệp.",
     "adapted", ["wording"]),
    # a place added: the task's reach changed (r023 against r026)
    ("3. Thông qua Đợt thi đua, kịp thời biểu dương, tôn vinh, khen thưởng, nhân rộng các điển hình tiên tiến, "
     "các tập thể, cá nhân có thành tích xuất sắc tiêu biểu trong thực hiện các nhiệm vụ phát triển kinh tế, "
     "xã hội trên địa bàn tỉnh Nghệ An.",
     "c) Thông qua đợt thi đua, kịp thời biểu dương, tôn vinh, khen thưởng, nhân rộng các điển hình tiên tiến, "
     "các tập thể, cá nhân có thành tích xuất sắc tiêu biểu trong thực hiện các nhiệm vụ phát triển kinh tế, "
     "xã hội.",
     "adapted", ["scope"]),
    # nothing of the parent: a ward's own task (000) against the province's budget line (003)
    ("- Phân công bác sỹ tư vấn tâm lý cho người cai nghiện, người quản lý sau cai nghiện trên địa bàn phường.",
     "1. Kinh phí thực hiện: Kinh phí thực hiện được bố trí từ ngân sách nhà nước theo phân cấp hiện hành.",
     "new", []),
]


@pytest.mark.parametrize("child, parent, label, changed", CASES)
def test_label(child, parent, label, changed):
    first = align([child], [parent])[0]
    assert (first.label, first.changed if label == "adapted" else []) == (label, changed)


def test_new_leaves_the_parent_passage_dropped():
    child, parent, _, _ = CASES[-1]
    assert [(link.child, link.parent, link.label) for link in align([child], [parent])] == [
        (0, None, "new"), (None, 0, "dropped")]


def test_a_passage_cut_out_of_a_longer_one_is_copied():
    # r023 has `- Sản xuất kinh doanh hiệu quả, bền vững, hợp pháp.` on its own; r026 goes on in the same bullet.
    whole = ("- Sản xuất kinh doanh hiệu quả, bền vững, hợp pháp. Giải quyết nhiều việc làm, nâng cao thu nhập "
             "cho người lao động.")
    assert align(["- Sản xuất kinh doanh hiệu quả, bền vững, hợp pháp."], [whole])[0].label == "copied"


@pytest.mark.parametrize("text, form", [
    ("- Mở đợt tấn công trên địa bàn phường Vị Khê", "mở đợt tấn công trên địa bàn placeword"),
    ("1.1. Tiếp tục triển khai trong toàn tỉnh Lai Châu.", "tiếp tục triển khai trong toàn placeword"),
    ("a) Phối hợp với Thành phố Hải Phòng và Tỉnh ủy", "phối hợp với placeword và placeword ủy"),
    ("Công tác phòng, chống ma tuý", "công tác phòng chống ma túy"),  # tone mark placed as match_form places it
])
def test_comparison_form(text, form):
    assert comparison_form(text) == form


def test_empty_sides():
    assert [link.label for link in align([], ["- Một việc của tỉnh."])] == ["dropped"]
    assert [link.label for link in align(["- Một việc của phường."], [])] == ["new"]
