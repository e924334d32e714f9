"""The Document's shared per-document index: which section holds an offset
(`section_at`, one bisection into the offsets where sections start or end)
and the record fields of a span (`span`), on sentences of a real plan
(data/raw/000, its headings and tasks) laid out as a plan lays them out."""

from __future__ import annotations

import pytest

from core.document import Document
from pipeline.run import STEPS, run_steps

TEXT = """KẾ HOẠCH
Tổ chức các hoạt động hưởng ứng Tháng hành động phòng, chống ma túy năm 2026

I. MỤC ĐÍCH YÊU CẦU
1. Phát huy vai trò lãnh đạo của Đảng ủy, Ủy ban nhân dân phường.
2. Tăng cường sự phối hợp chặt chẽ, đồng bộ, hiệu quả giữa các phòng, ban ngành.

II. NỘI DUNG
1. Công tác tuyên truyền
a) Tuyên truyền trên hệ thống truyền thanh của phường.
b) Tổ chức treo băng rôn, khẩu hiệu.
2. Công tác kiểm tra

Nơi nhận:
- Như trên;
"""


@pytest.fixture(scope="module")
def doc() -> Document:
    d = Document(TEXT)
    run_steps(d, STEPS[:2])  # segmentation and table groups: what sets `doc.sections`
    return d


# (offset, path of the deepest section holding it; None: none does). The
# sections' spans: I [87, 253), I.1 [107, 172), I.2 [173, 253), II [255, 405),
# II.1 [268, 384), II.1.a [293, 347), II.1.b [348, 384), II.2 [385, 405).
SECTION_AT = [
    (0, None),      # `KẾ HOẠCH`: above the first heading
    (86, None),     # the blank line before `I.`
    (87, "I"),      # `I. MỤC ĐÍCH YÊU CẦU`: a section holds its heading
    (106, "I"),     # the newline ending that heading line
    (107, "I.1"),   # `1. Phát huy vai trò ...`
    (171, "I.1"),   # its closing `.`
    (172, "I"),     # the newline between I.1 and I.2: back in the parent
    (173, "I.2"),   # `2. Tăng cường sự phối hợp ...`
    (252, "I.2"),   # `... ban ngành.`: the last character of both I.2 and I
    (253, None),    # I ends before its trailing blank lines
    (254, None),
    (255, "II"),    # `II. NỘI DUNG`
    (268, "II.1"),  # `1. Công tác tuyên truyền`
    (293, "II.1.a"),  # `a) Tuyên truyền trên hệ thống truyền thanh của phường.`
    (347, "II.1"),  # the newline between a) and b)
    (348, "II.1.b"),  # `b) Tổ chức treo băng rôn, khẩu hiệu.`
    (384, "II"),    # between II.1's end and II.2's start
    (385, "II.2"),  # `2. Công tác kiểm tra`
    (404, "II.2"),
    (405, None),    # after the last section: the blank line, `Nơi nhận:`
    (len(TEXT) - 1, None),
    (-1, None),     # before the text
]


@pytest.mark.parametrize("offset, path", SECTION_AT)
def test_section_at(doc, offset, path):
    found = doc.section_at(offset)
    assert (found.path if found else None) == path


def test_section_at_is_the_deepest_section_holding_the_offset(doc):
    # Every offset against the definition, read off the spans directly.
    for pos in range(-2, len(TEXT) + 2):
        holding = [s for s in doc.sections if s.start_char <= pos < s.end_char]
        deepest = max(holding, key=lambda s: s.start_char) if holding else None
        assert doc.section_at(pos) is deepest, pos


def test_section_index_follows_a_new_section_list(doc):
    # `table_groups` replaces the list `segment` set: the index is rebuilt.
    d = Document(TEXT)
    d.sections = []
    assert d.section_at(300) is None
    d.sections = doc.sections
    assert d.section_at(300).path == "II.1.a"


# (text to find, its span as `span` gives it: section_id's path, text, start, end)
SPAN = [
    ("1. Phát huy vai trò lãnh đạo của Đảng ủy, Ủy ban nhân dân phường.", "I.1",
     "1. Phát huy vai trò lãnh đạo của Đảng ủy, Ủy ban nhân dân phường.", 107, 172),
    # blanks around are trimmed: the newline before `II.` is not the span's
    ("\n\nII. NỘI DUNG\n", "II", "II. NỘI DUNG", 255, 267),
    ("b) Tổ chức treo băng rôn, khẩu hiệu.\n", "II.1.b", "b) Tổ chức treo băng rôn, khẩu hiệu.", 348, 384),
    ("Nơi nhận:", None, "Nơi nhận:", 407, 416),
]


@pytest.mark.parametrize("needle, path, text, start, end", SPAN)
def test_span(doc, needle, path, text, start, end):
    at = TEXT.index(needle)
    fields = doc.span(at, at + len(needle))
    assert fields == {"doc_id": doc.doc_id, "section_id": f"{doc.doc_id}/{path}" if path else None,
                      "text": text, "start_char": start, "end_char": end}
    assert TEXT[start:end] == text
