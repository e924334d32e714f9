"""The phrase compiler (core/phrases.py): its rule and each option, on
sentences of the sample plans in data/raw (file named on each row)."""

from __future__ import annotations

import re

import pytest

from core.phrases import (AS_WRITTEN, BLANKS_OR_HYPHENS, FIRST_LETTER, LINE_BLANKS, LOOSE, LOWER, ONE_SPACE,
                          WRAPPED, first_words, phrase_alternatives, phrases_regex)

DRUGS = ["phòng, chống ma túy"]

# (phrases, options, flags, sentence, the text found or None)
CASES = [
    # the rule: a comma before a space may be left out (001)
    (DRUGS, {}, 0,
     "Thực hiện Chương trình mục tiêu quốc gia phòng chống ma túy đến năm 2030 trên địa bàn xã Phong Quang",
     "phòng chống ma túy"),
    (DRUGS, {}, 0, "4. Đẩy mạnh công tác tuyên truyền, giáo dục phòng, chống ma túy", "phòng, chống ma túy"),
    # the rule: any run of blanks between words, a line break of PDF text included (004 as extracted)
    (DRUGS, {}, 0, "hướng dẫn tổ chức các hoạt động phòng, \n\nchống ma túy tại cộng đồng",
     "phòng, \n\nchống ma túy"),
    # the rule: the longest phrase first (004)
    (["Chương trình", "Chương trình phối hợp"], {}, 0,
     "- Tiếp tục triển khai có hiệu quả Chương trình phối hợp số 03/CTrPH-BCA-", "Chương trình phối hợp"),
    # the rule: case as written, IGNORECASE left to the caller (001, 003)
    (["Kế hoạch"], {}, 0, "UBND xã Phong Quang xây dựng kế hoạch thực hiện như sau:", None),
    (["Kế hoạch"], {}, re.IGNORECASE, "UBND xã Phong Quang xây dựng kế hoạch thực hiện như sau:", "kế hoạch"),
    # comma as written (001)
    (DRUGS, {"comma": AS_WRITTEN}, 0,
     "Thực hiện Chương trình mục tiêu quốc gia phòng chống ma túy đến năm 2030 trên địa bàn xã Phong Quang", None),
    # on one line; or a single line break where a PDF wrapped (004, its blank line taken out)
    (DRUGS, {"gap": LINE_BLANKS}, 0, "các hoạt động phòng,\nchống ma túy tại cộng đồng", None),
    (DRUGS, {"gap": WRAPPED}, 0, "các hoạt động phòng,\nchống ma túy tại cộng đồng", "phòng,\nchống ma túy"),
    (DRUGS, {"gap": WRAPPED}, 0, "các hoạt động phòng,\n\nchống ma túy tại cộng đồng", None),
    # hyphens count as blanks, in the phrase and in the text (004)
    (["chính trị xã hội"], {"gap": BLANKS_OR_HYPHENS}, 0,
     "hợp, có sự phối hợp của gia đình, các tổ chức chính trị - xã hội nhất là vai trò", "chính trị - xã hội"),
    # exactly one space, as written (003)
    (["Chỉ thị số"], {"gap": ONE_SPACE}, 0, "Chỉ thị số 36-CT/TW, ngày 16/8./2019", "Chỉ thị số"),
    # loose marks, lower case, prefix tree: the agency recognizer's form (001)
    (["Văn phòng HĐND - UBND", "Văn phòng"], {"gap": LINE_BLANKS, "comma": LOOSE, "case": LOWER, "tree": True}, 0,
     "2. văn phòng hđnd - ubnd xã", "văn phòng hđnd - ubnd"),
    (["Văn phòng HĐND, UBND"], {"gap": LINE_BLANKS, "comma": LOOSE, "case": LOWER, "tree": True}, 0,
     "2. văn phòng hđnd - ubnd xã", None),
    # grouped by first letter: the rule's matches, longest first within a letter (004)
    (["Chương trình", "Kế hoạch", "Chương trình phối hợp"], {"by_first": True}, 0,
     "- Tiếp tục triển khai có hiệu quả Chương trình phối hợp số 03/CTrPH-BCA-", "Chương trình phối hợp"),
    # first letter in either case, the rest in any (001, 000)
    (["Kế hoạch"], {"case": FIRST_LETTER}, 0, "UBND xã Phong Quang xây dựng kế hoạch thực hiện như sau:", "kế hoạch"),
    (["Kế hoạch"], {"case": FIRST_LETTER}, 0, "KẾ HOẠCH", "KẾ HOẠCH"),
]


@pytest.mark.parametrize("phrases, options, flags, sentence, found", CASES)
def test_phrases_regex(phrases, options, flags, sentence, found):
    m = re.search(phrases_regex(phrases, **options), sentence, flags)
    assert (m.group() if m else None) == found


# (phrases, the text before a date, the cue found reading backwards from the date) (003, 001)
BACKWARD = [
    (["Ngày toàn dân phòng, chống ma túy"],
     "Triển khai Tháng hành động phòng, chống ma túy (tháng 6), Ngày Quốc tế và Ngày toàn dân phòng, chống ma túy",
     "Ngày toàn dân phòng, chống ma túy"),
    (["Ngày toàn dân phòng, chống ma túy"], "và Ngày toàn dân phòng chống ma túy", "Ngày toàn dân phòng chống ma túy"),
    (["đến", "đến hết"], "2. Thời gian thực hiện: Bắt đầu từ 01/6/2026 đến hết", "đến hết"),
]


@pytest.mark.parametrize("phrases, before, cue", BACKWARD)
def test_backward_reads_the_phrase_from_its_end(phrases, before, cue):
    m = re.compile(phrases_regex(phrases, backward=True), re.IGNORECASE).match(before[::-1])
    assert m.group()[::-1] == cue


def test_empty_list_and_first_words():
    assert phrases_regex([]) == "(?:)"
    assert first_words(["phòng, chống ma túy", "Ngày toàn dân", "ngày quốc tế"]) == ("ngày", "phòng")


def test_alternatives_are_the_branches_without_a_group():
    # For a caller's own alternation: the regex engine still sees the first letters.
    assert phrase_alternatives(["Kế hoạch", "Kế hoạch phối hợp"], gap=LINE_BLANKS) == (
        r"Kế[ \t]+hoạch[ \t]+phối[ \t]+hợp|Kế[ \t]+hoạch")
    assert phrases_regex(["Kế hoạch"], gap=LINE_BLANKS) == r"(?:Kế[ \t]+hoạch)"
    assert phrase_alternatives(["Kế hoạch", "Chương trình", "Kế hoạch phối hợp"], gap=LINE_BLANKS,
                               by_first=True) == (
        r"K(?:ế[ \t]+hoạch[ \t]+phối[ \t]+hợp|ế[ \t]+hoạch)|C(?:hương[ \t]+trình)")
