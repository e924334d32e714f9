"""Agency recognition and naming, on sentences from the seed plans."""

import pytest

from extractors import agencies
from extractors.vocab import load
from pipeline.document import Document
from pipeline.normalize import clean_text
from schemas.records import DocumentMeta

WARD = ("phuong", "Vị Khê", "Ninh Bình")
COMMUNE = ("xa", "Phong Quang", "Thái Nguyên")
CITY = ("thanh_pho", "Hải Phòng", "Hải Phòng")
PROVINCE = ("tinh", "Lai Châu", "Lai Châu")


def make_doc(text: str, where=WARD) -> Document:
    doc = Document(clean_text(text)[0])
    level, locality, province = where
    doc.meta = DocumentMeta(doc_id=doc.doc_id, source_name="t", text=doc.text, issuer_level=level,
                            locality=locality, province=province)
    return doc


# (sentence, issuer, [(text, canonical_name, agency_type, level), ...])
CASES = [
    ("1. Công an phường", WARD, [("Công an phường", "Công an phường Vị Khê", "cong_an", "phuong")]),
    ("5. Phòng Kinh tế, Hạ tầng và Đô thị và phòng Nông nghiệp", WARD,
     [("Phòng Kinh tế, Hạ tầng và Đô thị", "Phòng Kinh tế, Hạ tầng và Đô thị", "kinh_te", "phuong"),
      ("phòng Nông nghiệp", "Phòng Nông nghiệp", "nong_nghiep", "phuong")]),
    ("7. Ủy ban Mặt trận Tổ quốc Việt Nam phường và các đoàn thể", WARD,
     [("Ủy ban Mặt trận Tổ quốc Việt Nam phường", "Ủy ban Mặt trận Tổ quốc Việt Nam phường Vị Khê", "mat_tran", "phuong"),
      ("các đoàn thể", "Các đoàn thể", "doan_the", None)]),
    ("2. Văn phòng HĐND - UBND xã", COMMUNE,
     [("Văn phòng HĐND - UBND xã", "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã Phong Quang", "van_phong", "xa")]),
    ("8. Các ông (bà) Trưởng thôn, Lực lượng ANCS", COMMUNE,
     [("Trưởng thôn", "Trưởng thôn", "thon_to_dan_pho", "xa"),
      ("Lực lượng ANCS", "Lực lượng An ninh trật tự cơ sở", "an_ninh_co_so", "xa")]),
    ("9. Đề nghị Chi cục Hải quan Khu vực III, Ban Chỉ huy Bộ đội Biên phòng thành phố Hải Phòng; "
     "Bộ Tư lệnh Vùng Cảnh sát biển 1; Đoàn đặc nhiệm phòng, chống tội phạm ma túy số 1", CITY,
     [("Chi cục Hải quan Khu vực III", "Chi cục Hải quan khu vực III", "hai_quan", "khu_vuc"),
      ("Ban Chỉ huy Bộ đội Biên phòng thành phố Hải Phòng", "Ban Chỉ huy Bộ đội Biên phòng thành phố Hải Phòng",
       "bien_phong", "thanh_pho"),
      ("Bộ Tư lệnh Vùng Cảnh sát biển 1", "Bộ Tư lệnh Vùng Cảnh sát biển 1", "canh_sat_bien", None),
      ("Đoàn đặc nhiệm phòng, chống tội phạm ma túy số 1", "Đoàn đặc nhiệm phòng, chống tội phạm ma túy số 1",
       "cong_an", None)]),
    # The level word after the last of two heads belongs to both.
    ("10. Đề nghị Viện Kiểm sát nhân dân, Tòa án nhân dân thành phố", CITY,
     [("Viện Kiểm sát nhân dân", "Viện Kiểm sát nhân dân thành phố Hải Phòng", "vien_kiem_sat", "thanh_pho"),
      ("Tòa án nhân dân thành phố", "Tòa án nhân dân thành phố Hải Phòng", "toa_an", "thanh_pho")]),
    ("14. Ủy ban nhân dân các xã, phường, đặc khu", CITY,
     [("Ủy ban nhân dân các xã, phường, đặc khu", "Ủy ban nhân dân các xã, phường, đặc khu", "ubnd", "xa")]),
    ("4. Sở Nông Nghiệp và Môi trường", CITY,
     [("Sở Nông Nghiệp và Môi trường", "Sở Nông nghiệp và Môi trường", "nong_nghiep", "thanh_pho")]),
    # A place name ends where the next sentence's first word starts.
    ("Kế hoạch số 195/KH-UBND ngày 03/6/2026 của UBND tỉnh Ninh Bình Tổ chức các hoạt động hưởng ứng", WARD,
     [("UBND tỉnh Ninh Bình", "Ủy ban nhân dân tỉnh Ninh Bình", "ubnd", "tinh")]),
    # `cán bộ y tế` and `cơ sở y tế` are no Bộ / Sở.
    ("Tập huấn cho đội ngũ cán bộ y tế về công tác xác định tình trạng nghiện", WARD, []),
    ("Chỉ đạo các cơ sở y tế thực hiện nghiêm quy trình quản lý", CITY, []),
    ("- V01, C04 - Bộ Công an (b/c);", PROVINCE, [("Bộ Công an", "Bộ Công an", "cong_an", "bo")]),
    ("Lưu CAX (PCTP, VT).", COMMUNE, [("CAX", "Công an xã", "cong_an", "xa")]),
    ("6. Các Trường học đóng trên địa bàn xã", COMMUNE,
     [("Các Trường học đóng trên địa bàn xã", "Các trường học đóng trên địa bàn xã", "giao_duc", "xa")]),
]


@pytest.mark.parametrize("sentence, where, expected", CASES)
def test_recognizes_and_names(sentence, where, expected):
    doc = make_doc(sentence, where)
    got = [(a.text, a.canonical_name, a.agency_type, a.level) for a in agencies.extract(doc)]
    assert got == expected


def test_offsets_cut_the_stored_text():
    doc = make_doc("- *Chi cục Hải quan Khu vực III*: Chủ trì kiểm tra, giám sát hải quan", CITY)
    for a in agencies.extract(doc):
        assert doc.text[a.start_char:a.end_char] == a.text
    assert [a.text for a in agencies.extract(doc)] == ["Chi cục Hải quan Khu vực III"]


def test_bare_head_takes_the_one_level_used_before():
    doc = make_doc("gửi Cơ quan thường trực Ban Chỉ đạo phòng, chống tội phạm tỉnh trước ngày 03/7/2026; "
                   "Cơ quan thường trực Ban Chỉ đạo hoàn thiện dự thảo báo cáo", PROVINCE)
    names = {a.canonical_name for a in agencies.extract(doc)}
    assert names == {"Cơ quan thường trực Ban Chỉ đạo phòng, chống tội phạm tỉnh Lai Châu"}


def _entries():
    return [(e["canonical"], ex) for e in load("agencies")["agency"] for ex in e["examples"]]


@pytest.mark.parametrize("canonical, example", _entries())
def test_vocabulary_examples_match_their_entry(canonical, example):
    found = agencies.find(make_doc(example))
    assert canonical in {f.entry.canonical for f in found}


def test_every_agency_type_is_declared():
    declared = set(load("agency_types")["type"])
    assert {e["type"] for e in load("agencies")["agency"]} <= declared
