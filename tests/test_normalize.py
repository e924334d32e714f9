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


# Text repair on real copies: (raw lines, stored paragraphs).
REPAIR_CASES = [
    # a legal-database page wrapped at a fixed width: a block between blank lines is one paragraph
    ("**KẾ HOẠCH**\n\nTRIỂN\nKHAI THI HÀNH LUẬT VIỆC LÀM TRÊN ĐỊA BÀN THÀNH PHỐ HỒ CHÍ MINH\n\nThực hiện Quyết định số\n"
     "1850/QĐ-TTg ngày 27 tháng 8 năm 2025 của Thủ tướng Chính phủ về ban hành Kế hoạch\ntriển khai thi hành Luật "
     "Việc làm;\n\nỦy ban nhân dân Thành phố ban\nhành Kế hoạch triển khai thi hành Luật Việc làm trên địa bàn Thành "
     "phố Hồ Chí\nMinh với các nội dung sau:\n\n**I. MỤC ĐÍCH, YÊU CẦU**\n\n**1. Mục đích**\n\na) Xác định cụ thể nội "
     "dung\ncông việc, tiến độ, thời hạn hoàn thành, phân công và trách nhiệm của các cơ\nquan.\n\n|\n**KT. CHỦ TỊCH **"
     "\nPHÓ CHỦ TỊCH\n**Trần Thị Diệu Thúy**\n|\n",
     ["**KẾ HOẠCH**", "TRIỂN KHAI THI HÀNH LUẬT VIỆC LÀM TRÊN ĐỊA BÀN THÀNH PHỐ HỒ CHÍ MINH",
      "Thực hiện Quyết định số 1850/QĐ-TTg ngày 27 tháng 8 năm 2025 của Thủ tướng Chính phủ về ban hành Kế hoạch "
      "triển khai thi hành Luật Việc làm;",
      "Ủy ban nhân dân Thành phố ban hành Kế hoạch triển khai thi hành Luật Việc làm trên địa bàn Thành phố Hồ Chí "
      "Minh với các nội dung sau:",
      "**I. MỤC ĐÍCH, YÊU CẦU**", "**1. Mục đích**",
      "a) Xác định cụ thể nội dung công việc, tiến độ, thời hạn hoàn thành, phân công và trách nhiệm của các cơ quan.",
      "|", "**KT. CHỦ TỊCH **", "PHÓ CHỦ TỊCH", "**Trần Thị Diệu Thúy**", "|"]),
    # a PDF's text layer: a line ending on `số` / `của Bộ` goes on; a capitals type line stands alone; the
    # layout line of two columns is never joined
    ("UBND TỈNH LÀO CAI        CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nV/v triển khai thực hiện Quyết định số \n"
     "1074/QĐ-BXD ngày 29/6/2026 của Bộ \nXây dựng ban hành các giải pháp kỹ thuật \nnâng cao an toàn phòng cháy, "
     "chữa cháy\nKính gửi: Sở Xây dựng\nthực hiện các nội dung sau đây để bảo đảm an toàn\ncho các cơ sở trên địa bàn "
     "tỉnh trong thời gian tới nhằm\ngiảm thiểu thiệt hại về người và tài sản do cháy nổ\ngây ra trên toàn bộ địa bàn "
     "của tỉnh Lào Cai hiện nay\nTHÔNG BÁO\nvề kết quả thực hiện\n",
     ["UBND TỈNH LÀO CAI        CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "V/v triển khai thực hiện Quyết định số 1074/QĐ-BXD ngày 29/6/2026 của Bộ Xây dựng ban hành các giải pháp "
      "kỹ thuật nâng cao an toàn phòng cháy, chữa cháy",
      "Kính gửi: Sở Xây dựng thực hiện các nội dung sau đây để bảo đảm an toàn cho các cơ sở trên địa bàn tỉnh "
      "trong thời gian tới nhằm giảm thiểu thiệt hại về người và tài sản do cháy nổ gây ra trên toàn bộ địa bàn "
      "của tỉnh Lào Cai hiện nay",
      "THÔNG BÁO", "về kết quả thực hiện"]),
]


@pytest.mark.parametrize("raw, paragraphs", REPAIR_CASES, ids=["blank-line-blocks", "pdf-lines"])
def test_repair_of_real_line_breaks(raw, paragraphs):
    text, repaired = clean_text(raw)
    assert repaired
    assert text.rstrip("\n").split("\n\n") == paragraphs


def test_a_wrapped_page_is_judged_by_its_prose_not_its_table_cells():
    """A legal-database page whose tables hold hundreds of one-word cells
    between bar lines (r005, r018) is still a copy wrapped at a fixed width."""
    prose = ("Căn cứ Nghị định số 05/2025/NĐ-CP\nngày 06/01/2025 của Chính phủ về sửa đổi, bổ sung một số điều của "
             "Nghị định số\n08/2022/NĐ-CP ngày 10/01/2022 của Chính phủ;\n\n")
    table = "".join(f"|\n{i}\n|\nCửa sông lạch Càn\n|\n" for i in range(60))
    text, repaired = clean_text("**II. NỘI DUNG\nKẾ HOẠCH**\n\n" + prose * 4 + table)
    assert repaired
    assert text.startswith("**II. NỘI DUNG KẾ HOẠCH**\n\nCăn cứ Nghị định số 05/2025/NĐ-CP ngày 06/01/2025 của Chính phủ")
