"""Section tree: labels, paths, depth, kinds, numbering findings, footnotes."""

import json

import pytest

from core.document import Document
from core.normalize import clean_text
from extractors.sections import section_kind, segment
from tests.conftest import ROOT, seed_path

GOLD = ROOT / "tests" / "gold"


def _segment(text: str):
    doc = Document(clean_text(text)[0], "t")
    return doc, *segment(doc)


HEADING_CASES = [
    # (real heading line, label, style, heading)
    ("I. MỤC ĐÍCH YÊU CẦU", "I", "roman", "MỤC ĐÍCH YÊU CẦU"),
    ("1.1. Tăng cường sự lãnh đạo, chỉ đạo và tổ chức thực hiện", "1.1", "decimal",
     "Tăng cường sự lãnh đạo, chỉ đạo và tổ chức thực hiện"),
    ("3. Chỉ tiêu", "3", "arabic", "Chỉ tiêu"),
    ("e) Phấn đấu đến năm 2030 bố trí điểm tiếp nhận", "e", "letter", "Phấn đấu đến năm 2030 bố trí điểm tiếp nhận"),
    ("Điều 1. Ban hành kèm theo Quyết định này Kế hoạch", "Điều 1", "dieu", "Ban hành kèm theo Quyết định này Kế hoạch"),
    ("**IV. PHÂN CÔNG NHIỆM VỤ**", "IV", "roman", "PHÂN CÔNG NHIỆM VỤ"),
    # a heading in capitals wrapped onto the next line (r005)
    ("**II. NỘI DUNG\nKẾ HOẠCH**", "II", "roman", "NỘI DUNG KẾ HOẠCH"),
]


@pytest.mark.parametrize("line, label, style, heading", HEADING_CASES)
def test_heading_forms(line, label, style, heading):
    _, sections, _, _ = _segment(line + "\n")
    assert [(s.label, s.style, s.heading) for s in sections] == [(label, style, heading)]


NOT_HEADINGS = [
    "2030 của Chính phủ; Nghị quyết số 18-NQ/TU, ngày 26/02/2025",
    "- Phối hợp Công an phường lựa chọn xây dựng mô hình",
    "25/5/2026 của Thủ tướng Chính phủ",
    "| 1. | Tuyên truyền | Công an xã |",
    "¹ 14 xã là địa bàn trọng điểm loại I: Mường Kim, Khoen On",
    # a table row of a report's appendix (r042), one row a line
    "1.1 | Số VBQPPL do cấp tỉnh ban hành | Văn bản | 13 | ",
    # a cell alone between the bar lines of a legal-database page's table (r005)
    "|\n*3.1*\n|\nNhiệt độ\n|",
]


@pytest.mark.parametrize("line", NOT_HEADINGS)
def test_lines_that_are_not_headings(line):
    assert _segment(line + "\n")[1] == []


KIND_CASES = [
    ("MỤC ĐÍCH YÊU CẦU", "muc_dich_yeu_cau"),
    ("PHÂN CÔNG NHIỆM VỤ", "phan_cong"),
    ("KINH PHÍ THỰC HIỆN", "kinh_phi"),
    ("TỔ CHỨC THỰC HIỆN", "to_chuc_thuc_hien"),
    ("Chỉ tiêu", "chi_tieu"),
    ("Công an phường", "other"),
]


@pytest.mark.parametrize("heading, kind", KIND_CASES)
def test_section_kind(heading, kind):
    assert section_kind(heading) == kind


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_paths_match_gold(prefix):
    path = seed_path(prefix)
    _, sections, _, _ = _segment(path.read_text(encoding="utf-8"))
    gold = json.loads((GOLD / path.with_suffix(".json").name).read_text(encoding="utf-8"))["sections"]
    assert [s.path for s in sections if s.style != "letter"] == gold


def test_numbering_mistakes_are_reported():
    _, _, _, issues = _segment(seed_path("001").read_text(encoding="utf-8"))
    assert [(i.kind, i.message) for i in issues] == [
        ("skipped_label", "label e follows c; missing d"),
        ("duplicate_label", "label 3 is used twice at this level (III.3)"),
        ("duplicate_label", "label III is used twice at this level (III)"),
    ]


def test_skipped_roman_section():
    _, _, _, issues = _segment(seed_path("004").read_text(encoding="utf-8"))
    assert [(i.kind, i.text) for i in issues] == [("skipped_label", "IV. PHÂN CÔNG NHIỆM VỤ")]


def test_repeated_labels_get_unique_section_ids():
    doc, sections, _, _ = _segment(seed_path("001").read_text(encoding="utf-8"))
    ids = [s.section_id for s in sections]
    assert len(ids) == len(set(ids))
    assert f"{doc.doc_id}/III#2" in ids


def test_footnotes_attach_to_markers_and_are_not_sections():
    doc, sections, footnotes, _ = _segment(seed_path("003").read_text(encoding="utf-8"))
    assert [f.marker for f in footnotes] == ["¹", "²", "³"]
    assert footnotes[0].text.startswith("¹ 14 xã là địa bàn trọng điểm loại I")
    for f in footnotes:
        assert doc.text[f.marker_start] == f.marker and f.marker_start < f.start_char


def test_section_spans_nest_and_end_before_recipients():
    doc, sections, _, _ = _segment(seed_path("000").read_text(encoding="utf-8"))
    by_id = {s.section_id: s for s in sections}
    for s in sections:
        assert doc.text[s.start_char:s.heading_end] == s.heading_line
        if s.parent_id:
            parent = by_id[s.parent_id]
            assert parent.start_char <= s.start_char and s.end_char <= parent.end_char
    last = sections[-1]
    assert doc.text[last.start_char:last.end_char].endswith("Tổng hợp, báo cáo theo quy định./.")


def test_decision_articles_and_appendix_paths():
    text = (
        "QUYẾT ĐỊNH\nVề việc ban hành Kế hoạch\n\n"
        "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch.\n\n"
        "1. Giao Công an xã chủ trì.\n\n"
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n\n"
        "Nơi nhận:\n- Như Điều 2;\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\n"
        "PHỤ LỤC\n\nI. NHIỆM VỤ TRỌNG TÂM\n\n1. Tuyên truyền phòng, chống ma túy\n"
    )
    _, sections, _, _ = _segment(text)
    assert [s.path for s in sections] == ["Điều 1", "Điều 1.1", "Điều 2", "PL.I", "PL.I.1"]


def test_plan_attached_to_a_decision_is_segmented():
    text = (
        "QUYẾT ĐỊNH\nVề việc ban hành Kế hoạch phòng, chống ma túy\n\n"
        "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch phòng, chống ma túy năm 2026.\n\n"
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n\n"
        "Nơi nhận:\n- Như Điều 2;\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\n"
        "KẾ HOẠCH\nPhòng, chống ma túy năm 2026\n(Ban hành kèm theo Quyết định số 12/QĐ-UBND)\n\n"
        "I. MỤC ĐÍCH, YÊU CẦU\n\n1. Nâng cao nhận thức.\n\nII. TỔ CHỨC THỰC HIỆN\n\n"
        "Giao Công an xã chủ trì.\n\nNơi nhận:\n- Lưu: VT.\n"
    )
    doc, sections, _, _ = _segment(text)
    assert [(s.path, s.kind) for s in sections] == [
        ("Điều 1", "other"), ("Điều 2", "other"), ("I", "muc_dich_yeu_cau"), ("I.1", "other"),
        ("II", "to_chuc_thuc_hien")]
    assert doc.text[sections[-1].start_char:sections[-1].end_char] == "II. TỔ CHỨC THỰC HIỆN\n\nGiao Công an xã chủ trì."


PART_CASES = [
    # (heading lines of a report or a regulation, expected paths)
    ("PHẦN I. KẾT QUẢ THỰC HIỆN\n\n1. Công tác lãnh đạo\n\nPHẦN II. PHƯƠNG HƯỚNG\n\n1. Nhiệm vụ trọng tâm\n",
     ["PHẦN I", "PHẦN I.1", "PHẦN II", "PHẦN II.1"]),
    ("Chương I\nQUY ĐỊNH CHUNG\n\nĐiều 1. Phạm vi điều chỉnh\n\nChương II\nQUY ĐỊNH CỤ THỂ\n\nĐiều 2. Trách nhiệm\n",
     ["Chương I", "Chương I.Điều 1", "Chương II", "Chương II.Điều 2"]),
    ("Phần thứ nhất: Tình hình\n\nPhần thứ hai: Nhiệm vụ\n", ["Phần thứ nhất", "Phần thứ hai"]),
]


@pytest.mark.parametrize("text, paths", PART_CASES)
def test_parts_and_chapters(text, paths):
    assert [s.path for s in _segment(text)[1]] == paths
