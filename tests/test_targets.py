"""Targets extractor: real target statements from the seed and held-out plans, exact values.

The direction cases (`giảm ... 10%`, `không để phát sinh`) have no numbered
instance in the seeds; they use the issue's phrases in a seed sentence frame.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.scan import finditer_at
from extractors import statements, targets
from core.document import Document
from core.normalize import clean_text
from extractors.sections import segment

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
HOLDOUT = RAW.parent / "holdout"


def make_doc(text: str) -> Document:
    doc = Document(clean_text(text)[0], "case.txt")
    doc.sections = segment(doc)[0]
    return doc


def found(text: str) -> list[tuple]:
    return [(t.value, t.unit, t.target_year, t.direction, t.comparator, t.subject)
            for t in targets.extract(make_doc(text))]


CHI_TIEU = "3. Chỉ tiêu\n\n"

# (text, expected rows: value, unit, target_year, direction, comparator, subject)
CASES = [
    # a heading inside an aim section that holds items and names only a year titles them (r017)
    ("II. MỤC TIÊU\n\n1. Phát triển kinh tế số đến năm 2030\n\n- Kinh tế số chiếm 45% GRDP tỉnh.\n\n"
     "- Tỷ lệ doanh nghiệp vừa và nhỏ địa phương ứng dụng công nghệ số đạt 60%.\n",
     [(45.0, "%", 2030, None, None, "GRDP tỉnh"),
      (60.0, "%", 2030, None, None, "Tỷ lệ doanh nghiệp vừa và nhỏ địa phương ứng dụng công nghệ số")]),
    # `Các chỉ tiêu cụ thể đến năm 2030` is an aim section of its own (r013)
    ("4. Các chỉ tiêu cụ thể đến năm 2030\n\nb) Phấn đấu 100% cơ sở cai nghiện ma túy công lập bảo đảm điều kiện "
     "theo quy định.\n",
     [(100.0, "%", 2030, None, None, "cơ sở cai nghiện ma túy công lập bảo đảm điều kiện theo quy định")]),
    # `100% ...; 100% ... ít nhất 01 buổi`: three targets, the bound kept
    (CHI_TIEU + "f) Phấn đấu 100% các trang Web, Fanpage của địa phương có các chuyên mục, chuyên đề tuyên truyền "
     "phòng chống ma túy; 100% các thôn, các cơ sở giáo dục tổ chức ít nhất 01 buổi tuyên truyền, phổ biến, giáo "
     "dục pháp luật về ma túy hàng năm.",
     [(100.0, "%", None, None, None, "các trang Web, Fanpage của địa phương"),
      (100.0, "%", None, None, None, "các thôn, các cơ sở giáo dục"),
      (1.0, "buổi", None, None, ">=", "buổi tuyên truyền, phổ biến, giáo dục pháp luật về ma túy")]),
    # a Chỉ tiêu item: a direction without a number is no target; the year is
    (CHI_TIEU + "a) Hằng năm giảm số người nghiện và người sử dụng trái phép chất ma túy; phấn đấu đến năm 2027 "
     "đạt tiêu chí xã \"không ma túy\"",
     [(None, None, 2027, None, None, "đạt tiêu chí xã \"không ma túy\"")]),
    # a Chỉ tiêu item with no cue at all
    (CHI_TIEU + "h) Bảo đảm cơ sở vật chất và duy trì các hình thức điều trị, cai nghiện ma túy đa dạng, linh hoạt; "
     "100% người nghiện được tư vấn, hỗ trợ và can thiệp về y tế, tâm lý phù hợp.",
     [(100.0, "%", None, None, None, "người nghiện")]),
    # `Quyết tâm ... năm 2030` after a slogan that only quotes the word
    ("Tạo khí thế thi đua sôi nổi, lan tỏa sâu rộng thông điệp \"Chung một quyết tâm xây dựng xã, phường không "
     "ma túy\" trong toàn xã hội. Quyết tâm xây dựng phường Vị Khê là \"Phường không ma túy\" năm 2030.",
     [(None, None, 2030, None, None, "xây dựng phường Vị Khê là \"Phường không ma túy\"")]),
    # `Đảm bảo 100%` and `đảm bảo đến năm 2030`
    ("g) Đảm bảo 100% người vi phạm pháp luật liên quan đến ma túy thuộc diện được trợ giúp pháp lý khi có yêu cầu.",
     [(100.0, "%", None, None, None, "người vi phạm pháp luật liên quan đến ma túy thuộc diện")]),
    ("- Xây dựng phương án, lộ trình, lựa chọn cán bộ để đảm bảo đến năm 2030 Trạm y tế xã đủ điều kiện xác định "
     "tình trạng nghiện ma túy.",
     [(None, None, 2030, None, None, "Trạm y tế xã đủ điều kiện xác định tình trạng nghiện ma túy")]),
    # misspelt cues: `phần đầu`, `Phân đầu`
    ("3. Triển khai đồng bộ các giải pháp phần đầu trong lộ trình 2027 đạt tiêu chí \"xã không có ma túy\".",
     [(None, None, 2027, None, None, "đạt tiêu chí \"xã không có ma túy\"")]),
    ("- Xây dựng và duy trì hiệu quả mô hình \"Trường học không ma túy\". Phân đầu 100% cơ sở giáo dục tổ chức "
     "tuyên truyền, phổ biến pháp luật.",
     [(100.0, "%", None, None, None, "cơ sở giáo dục tổ chức tuyên truyền, phổ biến pháp luật")]),
    # counts with a compound unit, due the year of their clause; a later clause of the sentence
    # keeps its own (absent) year
    ("Tập trung mọi nguồn lực: Các xã, phường trọng điểm phức tạp về ma túy loại I, II phấn đấu kéo giảm tính chất "
     "phức tạp; 08 xã, phường đăng ký xây dựng xã, phường không ma túy năm 2026 có những giải pháp thiết thực, "
     "phấn đấu xây dựng thành công các xã không ma túy năm 2026; 11 xã không ma túy tiếp tục triển khai các nhiệm "
     "vụ giải pháp duy trì thành công.",
     [(8.0, "xã, phường", 2026, None, None, "xã, phường đăng ký xây dựng xã, phường không ma túy"),
      (11.0, "xã", None, None, None, "xã không ma túy")]),
    # directions
    ("Phấn đấu hằng năm giảm ít nhất 10% số người nghiện ma túy trên địa bàn.",
     [(10.0, "%", None, "giảm", ">=", "số người nghiện ma túy trên địa bàn")]),
    ("Phấn đấu không để phát sinh người nghiện mới trên địa bàn.",
     [(0.0, None, None, "không phát sinh", None, "người nghiện mới trên địa bàn")]),
    # a baseline year is no target year (h06, h08)
    ("II. CHỈ TIÊU\n\n3. Phấn đấu giảm 15% số vụ cháy so với năm 2025.",
     [(15.0, "%", None, "giảm", None, "số vụ cháy")]),
    ("II. CHỈ TIÊU\n\n2. Phấn đấu giảm 10% số người sử dụng trái phép chất ma túy so với năm 2025.",
     [(10.0, "%", None, "giảm", None, "số người sử dụng trái phép chất ma túy")]),
    # a money rate measures what is written before it; a clause opening its own
    # `phấn đấu` ends the first clause's year (h04)
    ("1. Mục tiêu\n\nPhấn đấu năm 2026 xã Cái Bè đạt chuẩn nông thôn mới nâng cao; phấn đấu thu nhập bình quân "
     "đầu người đạt 78 triệu đồng/người/năm; tỷ lệ hộ nghèo giảm còn dưới 1,5%.",
     [(None, None, 2026, None, None, "xã Cái Bè đạt chuẩn nông thôn mới nâng cao"),
      (78.0, "triệu đồng/người/năm", None, None, None, "thu nhập bình quân đầu người"),
      (1.5, "%", None, "giảm", "<=", "tỷ lệ hộ nghèo")]),
    # an aim section's title gives its items their year and is no target itself (h05)
    ("2. Chỉ tiêu đến năm 2030\n\n- 100% văn bản, hồ sơ công việc của Đảng ủy phường được xử lý trên môi trường "
     "mạng (trừ hồ sơ mật).\n\n- Phấn đấu tỷ lệ dân số trưởng thành sử dụng dịch vụ công trực tuyến đạt trên "
     "80%.\n\n- Mỗi năm có ít nhất 02 mô hình chuyển đổi số tiêu biểu được nhân rộng.",
     [(100.0, "%", 2030, None, None, "văn bản, hồ sơ công việc của Đảng ủy phường"),
      (80.0, "%", 2030, None, ">", "tỷ lệ dân số trưởng thành sử dụng dịch vụ công trực tuyến"),
      (2.0, "mô hình", 2030, None, ">=", "mô hình chuyển đổi số tiêu biểu")]),
    # a year the item names itself wins over the title's
    ("2. Chỉ tiêu đến năm 2030\n\n- Phấn đấu đến năm 2027, 100% đảng viên sử dụng ứng dụng Sổ tay đảng viên "
     "điện tử.",
     [(100.0, "%", 2027, None, None, "đảng viên sử dụng ứng dụng Sổ tay đảng viên điện tử")]),
    # decimal commas, counts of births and years of age, a sex ratio; the title's year (b06)
    ("**1. Mục tiêu đến năm 2030**\n\n- Duy trì vững chắc mức sinh thay thế, bình quân mỗi phụ nữ trong độ tuổi "
     "sinh đẻ có 2,1 con.\n- Tỷ số giới tính khi sinh dưới 109 bé trai/100 bé gái.\n- Tuổi thọ trung bình đạt "
     "75,5 tuổi.",
     [(2.1, "con", 2030, None, None,
       "Duy trì vững chắc mức sinh thay thế, bình quân mỗi phụ nữ trong độ tuổi"),
      (109.0, "bé trai/100 bé gái", 2030, None, "<=", "Tỷ số giới tính khi sinh"),
      (75.5, "tuổi", 2030, None, None, "Tuổi thọ trung bình")]),
    # an age in the subject of a share says who is counted (h02)
    (CHI_TIEU + "- Phấn đấu 80% người dân từ đủ 14 tuổi trở lên kích hoạt và sử dụng tài khoản định danh điện tử.",
     [(80.0, "%", None, None, None, "người dân từ đủ 14 tuổi trở lên kích hoạt và sử dụng tài khoản định")]),
    # an age in the subject before the share's predicate says who is counted; `từ ... trở lên` bounds (c01)
    (CHI_TIEU + "- Tỷ lệ tiêm chủng đầy đủ các loại vắc xin trong Chương trình tiêm chủng mở rộng cho trẻ dưới 1 "
     "tuổi đạt từ 95% trở lên.",
     [(95.0, "%", None, None, ">=",
       "Tỷ lệ tiêm chủng đầy đủ các loại vắc xin trong Chương trình tiêm chủng mở")]),
    # a range closed after the share; its subject follows the bound (b05)
    ("1. Phấn đấu kéo giảm từ 5% trở lên số vụ, số người chết và số người bị thương do tai nạn giao thông.",
     [(5.0, "%", None, "giảm", ">=", "số vụ, số người chết và số người bị thương do tai nạn giao thông")]),
    # counts in millions keep the magnitude in the unit; `trong đó` opens a part (c04)
    ("Phấn đấu cả năm 2026 đón 7,5 triệu lượt khách, trong đó khách quốc tế 2,2 triệu lượt; tổng thu từ khách "
     "du lịch đạt 48.000 tỷ đồng.",
     [(7.5, "triệu lượt khách", 2026, None, None, "lượt khách"),
      (2.2, "triệu lượt", 2026, None, None, "lượt"),
      (48000.0, "tỷ đồng", 2026, None, None, "tổng thu từ khách du lịch")]),
    # a count of workers (b01)
    ("II. CHỈ TIÊU\n1. Tuyển sinh, đào tạo nghề nghiệp cho 12.500 lao động nông thôn, trong đó trình độ sơ cấp và "
     "đào tạo dưới 03 tháng là 10.000 người.",
     [(12500.0, "lao động", None, None, None, "lao động nông thôn"),
      (10000.0, "người", None, None, None, "người")]),
    # not targets: a programme's year, a slogan, `bảo đảm` without a figure, an aim without a number
    ("Phấn đấu thực hiện thắng lợi Chương trình mục tiêu quốc gia phòng, chống ma túy đến năm 2030.", []),
    ("- Tổ chức quán triệt, tuyên truyền sâu rộng chủ đề Tháng hành động phòng, chống ma túy năm 2026 \"Chung một "
     "quyết tâm xây dựng xã, phường, đặc khu không ma túy\" bằng nhiều hình thức phù hợp", []),
    ("3. Tổ chức các hoạt động hưởng ứng Tháng hành động phòng, chống ma túy bảo đảm thiết thực, hiệu quả, đồng "
     "bộ, tiết kiệm, hướng mạnh về cơ sở.", []),
    ("Phân đầu giảm mạnh số người nghiện và người sử dụng trái phép chất ma túy.", []),
    ("- Thực hiện tốt phong trào \"3 giảm, 3 tăng\" và mô hình \"Gia đình 3 không\" trên địa bàn.", []),
]


@pytest.mark.parametrize("text, expected", CASES, ids=[str(i) for i in range(len(CASES))])
def test_targets(text, expected):
    assert found(text) == expected


def test_attached_plan_after_the_signature_is_read():
    # h02: a decision whose Kế hoạch follows its signature; the plan's Chỉ tiêu are the targets.
    doc = make_doc((HOLDOUT / "h02_thanhhoa_qd_chuyendoiso.txt").read_text(encoding="utf-8"))
    assert [(t.value, t.unit, t.target_year) for t in targets.extract(doc)] == [
        (100.0, "%", None), (80.0, "%", None), (100.0, "%", 2030)]
    assert all(t.start_char > doc.body_end for t in targets.extract(doc))


def test_row_span_is_the_clause():
    doc = make_doc("b) Phấn đấu 100% các điểm tổ chức, chứa chấp việc sử dụng trái phép chất ma túy; các đối tượng "
                   "mua, bán trái phép chất ma túy được phát hiện.")
    (t,) = targets.extract(doc)
    assert t.text == "Phấn đấu 100% các điểm tổ chức, chứa chấp việc sử dụng trái phép chất ma túy"
    assert doc.text[t.start_char:t.end_char] == t.text
    assert t.cue == "phan_dau"


def test_seed_spans_are_honest():
    for path in sorted(RAW.glob("*.txt")):
        doc = make_doc(path.read_text(encoding="utf-8"))
        for t in targets.extract(doc):
            assert doc.text[t.start_char:t.end_char] == t.text


# --- the prefilter finds what a plain search finds --------------------------------

@pytest.mark.parametrize("path", sorted(RAW.glob("*.txt")) + sorted(HOLDOUT.glob("*.txt")), ids=lambda p: p.stem)
def test_cue_prefilter_matches_plain_finditer(path):
    doc = make_doc(path.read_text(encoding="utf-8"))
    text = doc.match_text
    starts = statements.word_starts(doc, statements._cue_words())
    assert starts is not None
    for _, cue, _, _ in statements._cue_patterns():
        plain = [m.span() for m in cue.finditer(text)]
        assert [m.span() for m in finditer_at(cue, text, starts)] == plain
        # and inside a window, as find_cue searches one sentence
        mid = len(text) // 2
        window = statements.word_starts(doc, statements._cue_words(), mid, len(text))
        assert ([m.span() for m in finditer_at(cue, text, window, mid)]
                == [m.span() for m in cue.finditer(text, mid)])
