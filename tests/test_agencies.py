"""Agency recognition and naming, on sentences from the seed plans."""

import pytest

from extractors import agencies
from core.document import Document
from core.normalize import clean_text
from places import CITY, COMMUNE, HAI_CHAU, NGHE_AN, PHU_THO, PROVINCE, WARD
from schemas.records import DocumentMeta

# Issuers of the blind documents
KHANH_HOA = ("tinh", "Khánh Hòa", "Khánh Hòa")
LAO_CAI = ("tinh", "Lào Cai", "Lào Cai")
GIA_LAI = ("so", "Gia Lai", "Gia Lai")
BA_RIA = ("phuong", "Bà Rịa", "Hồ Chí Minh")
# Issuers of the blind-2 documents
TAY_NINH = ("so", "Tây Ninh", "Tây Ninh")
DUC_TRONG = ("xa", "Đức Trọng", "Lâm Đồng")
MINISTRY = ("bo", None, None)
PHU_QUOC = ("dac_khu", "Phú Quốc", "An Giang")
QUANG_NGAI = ("tinh", "Quảng Ngãi", "Quảng Ngãi")
THUY_NGUYEN = ("phuong", "Thủy Nguyên", "Hải Phòng")


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
    # A three-syllable place name that no task verb follows stays whole.
    ("2.3. Giao Ủy ban nhân dân phường Bắc Cam Ranh tập trung đối thoại, vận động các hộ dân", KHANH_HOA,
     [("Ủy ban nhân dân phường Bắc Cam Ranh", "Ủy ban nhân dân phường Bắc Cam Ranh", "ubnd", "phuong")]),
    # The merged paper and broadcaster is named by its province.
    ("4. Báo và Phát thanh, Truyền hình Lào Cai", LAO_CAI,
     [("Báo và Phát thanh, Truyền hình Lào Cai", "Báo và Phát thanh, Truyền hình Lào Cai", "bao_chi", "tinh")]),
    # A Sở's own division and office.
    ("1. Phòng Giáo dục nghề nghiệp và Giáo dục thường xuyên", GIA_LAI,
     [("Phòng Giáo dục nghề nghiệp và Giáo dục thường xuyên", "Phòng Giáo dục nghề nghiệp và Giáo dục thường xuyên",
       "giao_duc", "tinh")]),
    ("- Phối hợp với các cơ sở giáo dục nghề nghiệp bố trí địa điểm mở lớp", GIA_LAI,
     [("các cơ sở giáo dục nghề nghiệp", "Các cơ sở giáo dục nghề nghiệp", "giao_duc", "tinh")]),
    ("1. Đề nghị Ban An toàn giao thông Thành phố hỗ trợ kinh phí lắp đặt hệ", BA_RIA,
     [("Ban An toàn giao thông Thành phố", "Ban An toàn giao thông thành phố Hồ Chí Minh", "ban_chi_dao",
       "thanh_pho")]),
    # `cán bộ y tế` and `cơ sở y tế` are no Bộ / Sở.
    ("Tập huấn cho đội ngũ cán bộ y tế về công tác xác định tình trạng nghiện", WARD, []),
    ("Chỉ đạo các cơ sở y tế thực hiện nghiêm quy trình quản lý", CITY, []),
    ("- V01, C04 - Bộ Công an (b/c);", PROVINCE, [("Bộ Công an", "Bộ Công an", "cong_an", "bo")]),
    ("Lưu CAX (PCTP, VT).", COMMUNE, [("CAX", "Công an xã", "cong_an", "xa")]),
    ("6. Các Trường học đóng trên địa bàn xã", COMMUNE,
     [("Các Trường học đóng trên địa bàn xã", "Các trường học đóng trên địa bàn xã", "giao_duc", "xa")]),
    # Held-out forms. A Party committee before an organisation is that organisation's committee.
    ("3. Đảng ủy Ủy ban nhân dân phường", HAI_CHAU,
     [("Đảng ủy Ủy ban nhân dân phường", "Đảng ủy Ủy ban nhân dân phường Hải Châu", "dang", "phuong")]),
    ("1. Ban Xây dựng Đảng Đảng ủy phường chủ trì, phối hợp với Văn phòng Đảng ủy tham mưu", HAI_CHAU,
     [("Ban Xây dựng Đảng Đảng ủy phường", "Ban Xây dựng Đảng Đảng ủy phường Hải Châu", "dang", "phuong"),
      ("Văn phòng Đảng ủy", "Văn phòng Đảng ủy", "dang", None)]),
    ("5. Các chi bộ trực thuộc xây dựng kế hoạch thực hiện, hoàn thành trước ngày 30/5/2026", HAI_CHAU,
     [("Các chi bộ trực thuộc", "Các chi bộ trực thuộc", "dang", None)]),
    # A city's committee above the ward keeps its own name.
    ("Kế hoạch số 12-KH/TU ngày 05/3/2026 của Ban Thường vụ Thành ủy Đà Nẵng về thực hiện", HAI_CHAU,
     [("Ban Thường vụ Thành ủy", "Ban Thường vụ Thành ủy", "dang", "thanh_pho")]),
    # The provincial command is a Bộ Chỉ huy, a ward's a Ban Chỉ huy.
    ("2. Bộ Chỉ huy Quân sự tỉnh", NGHE_AN,
     [("Bộ Chỉ huy Quân sự tỉnh", "Bộ Chỉ huy Quân sự tỉnh Nghệ An", "quan_su", "tinh")]),
    # A newspaper is named by its place; `Báo cáo` is no paper.
    ("6. Đài Phát thanh và Truyền hình tỉnh, Báo Nghệ An", NGHE_AN,
     [("Đài Phát thanh và Truyền hình tỉnh", "Đài Phát thanh và Truyền hình tỉnh Nghệ An", "bao_chi", "tinh"),
      ("Báo Nghệ An", "Báo Nghệ An", "bao_chi", "tinh")]),
    ("- Báo cáo kết quả về Sở Y tế (qua Chi cục An toàn vệ sinh thực phẩm) trước ngày 25/5/2026.", PHU_THO,
     [("Sở Y tế", "Sở Y tế", "y_te", "tinh"),
      ("Chi cục An toàn vệ sinh thực phẩm", "Chi cục An toàn vệ sinh thực phẩm", "y_te", "tinh")]),
    ("3. Đối với Trung tâm Kiểm soát bệnh tật tỉnh", PHU_THO,
     [("Trung tâm Kiểm soát bệnh tật tỉnh", "Trung tâm Kiểm soát bệnh tật tỉnh Phú Thọ", "y_te", "tinh")]),
    ("4. Đối với các cơ sở sản xuất, kinh doanh thực phẩm", PHU_THO,
     [("các cơ sở sản xuất, kinh doanh thực phẩm", "Các cơ sở sản xuất, kinh doanh thực phẩm", "doanh_nghiep", None)]),
    # Blind-2 forms. A Sở's departments; `các` carries over a repeated head noun.
    ("Giao Phòng Nghiệp vụ Y tổng hợp kết quả, tham mưu Giám đốc Sở", TAY_NINH,
     [("Phòng Nghiệp vụ Y", "Phòng Nghiệp vụ Y", "y_te", None)]),
    ("2. Phòng Kế hoạch - Tài chính", TAY_NINH, [("Phòng Kế hoạch - Tài chính", "Phòng Kế hoạch - Tài chính", "tai_chinh", None)]),
    ("5. Các bệnh viện tuyến tỉnh, bệnh viện khu vực", TAY_NINH,
     [("Các bệnh viện tuyến tỉnh", "Các bệnh viện tuyến tỉnh", "y_te", "tinh"),
      ("bệnh viện khu vực", "Các bệnh viện khu vực", "y_te", "khu_vuc")]),
    # The 2025 tax and social insurance offices: a number before the level word.
    ("4. Đề nghị Thuế cơ sở 7 tỉnh Lâm Đồng", DUC_TRONG,
     [("Thuế cơ sở 7 tỉnh Lâm Đồng", "Thuế cơ sở 7 tỉnh Lâm Đồng", "thue", "tinh")]),
    ("5. Đề nghị Bảo hiểm xã hội cơ sở Thuỷ Nguyên", THUY_NGUYEN,
     [("Bảo hiểm xã hội cơ sở Thuỷ Nguyên", "Bảo hiểm xã hội cơ sở Thuỷ Nguyên", "bao_hiem_xa_hoi", None)]),
    ("6. Tổ trưởng các tổ dân phố", THUY_NGUYEN,
     [("Tổ trưởng các tổ dân phố", "Tổ dân phố", "thon_to_dan_pho", "phuong")]),
    ("- Hội Người cao tuổi phường: chỉ đạo chi hội", THUY_NGUYEN,
     [("Hội Người cao tuổi phường", "Hội Người cao tuổi phường Thủy Nguyên", "doan_the", "phuong")]),
    # `trực thuộc <superior>` is part of the name.
    ("Kính gửi: Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương.", MINISTRY,
     [("Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương",
       "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương", "ubnd", "tinh")]),
    ("7. Các đảng ủy trực thuộc Tỉnh ủy", QUANG_NGAI,
     [("Các đảng ủy trực thuộc Tỉnh ủy", "Các đảng ủy trực thuộc Tỉnh ủy", "dang", None)]),
    # A provincial Party committee's bodies, and a standing committee over an organisation.
    ("4. Ủy ban Kiểm tra Tỉnh ủy", QUANG_NGAI, [("Ủy ban Kiểm tra Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy", "dang", "tinh")]),
    ("2. Ban Chính sách, chiến lược Tỉnh ủy", QUANG_NGAI,
     [("Ban Chính sách, chiến lược Tỉnh ủy", "Ban Chính sách, chiến lược Tỉnh ủy", "dang", "tinh")]),
    ("6. Đề nghị Ban Thường vụ Đảng ủy Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", QUANG_NGAI,
     [("Ban Thường vụ Đảng ủy Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
       "Ban Thường vụ Đảng ủy Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Quảng Ngãi", "dang", "tinh")]),
    # A ministry's departments and the national press.
    ("8. Giao Trung tâm Khuyến nông quốc gia phối hợp với các địa phương", MINISTRY,
     [("Trung tâm Khuyến nông quốc gia", "Trung tâm Khuyến nông quốc gia", "nong_nghiep", "trung_uong")]),
    ("- Đài Truyền hình Việt Nam, Đài Tiếng nói Việt Nam, Thông tấn xã Việt Nam: tăng cường thông tin", MINISTRY,
     [("Đài Truyền hình Việt Nam", "Đài Truyền hình Việt Nam", "bao_chi", "trung_uong"),
      ("Đài Tiếng nói Việt Nam", "Đài Tiếng nói Việt Nam", "bao_chi", "trung_uong"),
      ("Thông tấn xã Việt Nam", "Thông tấn xã Việt Nam", "bao_chi", "trung_uong")]),
    ("2.4. Ban Quản lý Khu bảo tồn biển Phú Quốc phối hợp với Đồn Biên phòng Cửa Cạn", PHU_QUOC,
     [("Ban Quản lý Khu bảo tồn biển Phú Quốc", "Ban Quản lý Khu bảo tồn biển Phú Quốc", "nong_nghiep", None),
      ("Đồn Biên phòng", "Ban Chỉ huy Bộ đội Biên phòng", "bien_phong", None)]),
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


# The scan runs on the lower-cased text; what it finds must not depend on that.
@pytest.mark.parametrize("sentence, where, expected", [
    # An exact form written in another case is no body: `thuế` is a tax, `Thuế tỉnh` the tax office.
    ("Hướng dẫn kê khai, nộp thuế đúng hạn; Thuế tỉnh phối hợp kiểm tra", PROVINCE,
     [("Thuế tỉnh", "Thuế tỉnh Lai Châu")]),
    # `İ` lower-cases to two characters: offsets after it still cut the stored text.
    ("GİAO Công an xã theo dõi", COMMUNE, [("Công an xã", "Công an xã Phong Quang")]),
])
def test_case_folding_keeps_offsets_and_exact_forms(sentence, where, expected):
    doc = make_doc(sentence, where)
    found = agencies.extract(doc)
    assert [(a.text, a.canonical_name) for a in found] == expected
    assert all(doc.text[a.start_char:a.end_char] == a.text for a in found)
