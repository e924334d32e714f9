"""Normalization: tone marks, emphasis, PDF line repair; lengths kept."""

import pytest

from core.normalize import clean_text, fold_key, match_form
from tests.conftest import ROOT, seed_path

MATCH_CASES = [
    # (text as written in a seed, matching form)
    ("trung chuyển ma tuý.", "trung chuyển ma túy."),
    ("Thường trực Đảng uỷ, Chủ tịch UBND phường", "Thường trực Đảng ủy, Chủ tịch UBND phường"),
    ("Triệt xoá toàn bộ các điểm", "Triệt xóa toàn bộ các điểm"),
    ("**TM. ỦY BAN NHÂN DÂN", "  TM. ỦY BAN NHÂN DÂN"),
    ("với chủ đề “Chung một quyết tâm”", 'với chủ đề "Chung một quyết tâm"'),
    ("Số: 4290 /KH-UBND", "Số: 4290 /KH-UBND"),
    ("573/TTg-KGVX", "573/TTg-KGVX"),
]


@pytest.mark.parametrize("text, expected", MATCH_CASES)
def test_match_form_unifies_and_keeps_length(text, expected):
    assert match_form(text) == expected
    assert len(match_form(text)) == len(text)


def test_fold_key_ignores_tone_placement_case_and_spacing():
    assert fold_key("Phòng Văn hoá -  Xã hội") == fold_key("phòng văn hóa - xã hội")


def test_clean_text_is_nfc_and_strips_invisible_characters():
    decomposed = "ma tu\u0301y\u200b\u00a0năm 2026"  # combining acute, zero-width space, NBSP
    assert clean_text(decomposed)[0] == "ma túy năm 2026\n"


def test_pdf_text_is_rejoined_into_paragraphs():
    text, repaired = clean_text(seed_path("004").read_text(encoding="utf-8"))
    assert repaired
    paragraphs = text.split("\n\n")
    assert paragraphs[:2] == ["KẾ HOẠCH", "Xây dựng phường Tân Hưng trở thành phường không ma túy"]
    assert paragraphs[3] == ("Thực hiện Chương trình mục tiêu quốc gia về phòng, chống ma túy đến năm 2030 "
                             "của Chính phủ; Nghị quyết số 18-NQ/TU, ngày 26/02/2025 của Ban Chấp hành Đảng bộ "
                             "thành phố Hải Phòng và Đề án số 05 ngày 11/6/2025 của UBND thành phố Hải Phòng về "
                             "“Xây dựng Hải phòng trở thành thành phố không ma túy”;")
    # lone page numbers are gone
    assert "\n\n5\n\n" not in text and "\n\n6\n\n" not in text


def test_running_header_of_a_pdf_is_dropped():
    # data/blind2 c06: a footer line above each page number, inside section IV.
    text, repaired = clean_text((ROOT / "data/blind2/c06_haiphong_phuong_thuynguyen_nct_pdf.txt").read_text(encoding="utf-8"))
    assert repaired
    assert "Kế hoạch chăm sóc sức khoẻ người cao tuổi năm 2026 - UBND phường Thuỷ Nguyên" not in text
    assert "hưởng trợ cấp xã hội, hoàn thành trước ngày 31/3/2026." in text  # a date carries on its line
    assert ("phối hợp với Trạm Y tế phường tổ chức khám sức khoẻ.\n\n"
            "5. Đề nghị Bảo hiểm xã hội cơ sở Thuỷ Nguyên\n\n") in text


def test_typed_text_keeps_its_lines():
    raw = seed_path("002").read_text(encoding="utf-8")
    text, repaired = clean_text(raw)
    assert not repaired
    assert "KẾ HOẠCH\nTriển khai Tháng hành động phòng, chống ma túy năm 2026\ntrên địa bàn thành phố Hải Phòng" in text
