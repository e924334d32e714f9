"""Citations: one table-driven case per form, per non-citation, per alias and key rule.

Sentences are copied from the seeds (data/raw) and the held-out texts
(data/holdout); the citing document's context (province, locality, level,
own type, title) is the one its header gives.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from extractors import citation_grammar as g
from extractors import citations
from core.scan import finditer_at
from extractors.citekeys import cited_key, self_identifying
from core.document import Document
from core.normalize import clean_text, match_form
from schemas.records import DocumentMeta

# Header context of the seeds the sentences come from.
VI_KHE = {"province": "Ninh Bình", "locality": "Vị Khê", "issuer_level": "phuong"}  # 000
PHONG_QUANG = {"province": "Thái Nguyên", "locality": "Phong Quang", "issuer_level": "xa"}  # 001
HAI_PHONG = {"province": "Hải Phòng", "locality": "Hải Phòng", "issuer_level": "thanh_pho"}  # 002
LAI_CHAU = {"province": "Lai Châu", "locality": "Lai Châu", "issuer_level": "tinh"}  # 003
TAN_HUNG = {"province": "Hải Phòng", "locality": "Tân Hưng", "issuer_level": "phuong"}  # 004
PHU_THO = {"province": "Phú Thọ", "locality": "Phú Thọ", "issuer_level": "tinh"}  # h03
HAI_CHAU = {"province": "Đà Nẵng", "locality": "Hải Châu", "issuer_level": "phuong"}  # h05
BAC_NINH = {"province": "Bắc Ninh", "locality": "Bắc Ninh", "issuer_level": "tinh"}  # b06
DUC_TRONG = {"province": "Lâm Đồng", "locality": "Đức Trọng", "issuer_level": "xa"}  # c02
PHU_QUOC = {"province": "An Giang", "locality": "Phú Quốc", "issuer_level": "dac_khu"}  # c04
QUANG_NGAI = {"province": "Quảng Ngãi", "locality": "Quảng Ngãi", "issuer_level": "tinh"}  # c05


def cite(sentence: str, context: dict | None = None, doc_type: str = "Kế hoạch", title: str | None = None):
    doc = Document(clean_text(sentence)[0], "case.txt")
    doc.meta = DocumentMeta(doc_id=doc.doc_id, source_name="case.txt", text=doc.text, doc_type=doc_type, title=title,
                            **(context or {}))
    return citations.extract(doc)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# (sentence, context, [(doc_type, number, issued_date, issuer), ...]) — one line per form.
NUMBERED = [
    # a type code the vocabulary learnt from a real plan (r032 crashed on it as an unknown code)
    ("về việc triển khai Kế hoạch hành động số 459-KHHĐ/TU ngày 21 tháng 5 năm 2025 của Thành ủy Thành phố về", None,
     [("Kế hoạch hành động", "459-KHHĐ/TU", d("2025-05-21"), "Thành ủy Thành phố")]),
    # the author named before the type word (r031), an abbreviated ministry (r018)
    ("Theo đề nghị của Sở Tài chính tại Công văn số 3679/STC-QLGCS ngày 05 tháng 11 năm 2025.", None,
     [("Công văn", "3679/STC-QLGCS", d("2025-11-05"), "Sở Tài chính")]),
    ("Căn cứ Thông tư số 32/2014/TT-BNNPTNT ngày 10/9/2014 của Bộ Nông nghiệp và PTNT (nay là Bộ Nông nghiệp và "
     "Môi trường) về quy định hoạt động quan trắc", None,
     [("Thông tư", "32/2014/TT-BNNPTNT", d("2014-09-10"), "Bộ Nông nghiệp và Phát triển nông thôn")]),
    # a number alone whose type code nobody knows cites nothing, and does not crash
    ("theo 459-KHXY/TU", None, []),
    # state document, issuer abbreviated as written
    ("Kế hoạch số 195/KH-UBND ngày 03/6/2026 của UBND tỉnh Ninh Bình Tổ chức các hoạt động hưởng ứng", VI_KHE,
     [("Kế hoạch", "195/KH-UBND", d("2026-06-03"), "Ủy ban nhân dân tỉnh Ninh Bình")]),
    # ministry letter, `Thủ tướng` kept as written
    ("Thực hiện Công văn số 573/TTg-KGVX ngày 25/5/2026 của Thủ tướng triển khai các hoạt động", VI_KHE,
     [("Công văn", "573/TTg-KGVX", d("2026-05-25"), "Thủ tướng")]),
    # joint symbol, `giữa X với Y` becomes `X và Y`
    ("Kế hoạch phối hợp số 362/KHPH-CAT-SGDĐT ngày 24/9/2025 giữa Công an tỉnh với Sở Giáo dục và Đào tạo về tăng cường",
     VI_KHE, [("Kế hoạch phối hợp", "362/KHPH-CAT-SGDĐT", d("2025-09-24"), "Công an tỉnh và Sở Giáo dục và Đào tạo")]),
    # symbol with a unit code
    ("Kế hoạch số 483/KH-BCA-C04 ngày 07/10/2024 của Bộ Công an về thực hiện", TAN_HUNG,
     [("Kế hoạch", "483/KH-BCA-C04", d("2024-10-07"), "Bộ Công an")]),
    # normative, year inside the number
    ("Thực hiện Nghị quyết số 163/2024/QH15 ngày 27/11/2024 của Quốc hội về phê duyệt chủ trương đầu tư", PHONG_QUANG,
     [("Nghị quyết", "163/2024/QH15", d("2024-11-27"), "Quốc hội")]),
    ("theo Quyết định số 28/2025/QĐ-TTg ngày 24/8/2025 của Thủ tướng Chính phủ để làm căn cứ", PHONG_QUANG,
     [("Quyết định", "28/2025/QĐ-TTg", d("2025-08-24"), "Thủ tướng Chính phủ")]),
    # minister as issuer
    ("Quyết định số 7619/QĐ-BCA ngày 05/9/2025 của Bộ trưởng Bộ Công an về Phê duyệt", PHONG_QUANG,
     [("Quyết định", "7619/QĐ-BCA", d("2025-09-05"), "Bộ trưởng Bộ Công an")]),
    # Party documents
    ("trọng tâm là Kết luận số 132-KL/TW ngày 18/3/2025 của Bộ Chính trị, Chương trình", VI_KHE,
     [("Kết luận", "132-KL/TW", d("2025-03-18"), "Bộ Chính trị")]),
    ("Kế hoạch số 118-KH/ĐUCA, ngày 25/5/2022 của Đảng ủy Công an Trung ương về thực hiện", TAN_HUNG,
     [("Kế hoạch", "118-KH/ĐUCA", d("2022-05-25"), "Đảng ủy Công an Trung ương")]),
    ("Nghị quyết số 05-NQ/ĐH ngày 19/9/2025 của Đại hội đại biểu Đảng bộ tỉnh Lai Châu lần thứ XV, nhiệm kỳ 2025-2030",
     LAI_CHAU, [("Nghị quyết", "05-NQ/ĐH", d("2025-09-19"), "Đại hội đại biểu Đảng bộ tỉnh Lai Châu lần thứ XV")]),
    ("gắn với thực hiện Nghị quyết số 01-NQ/TU ngày 08/11/2025 của Ban Chấp hành Đảng bộ thành phố về “xây dựng", HAI_PHONG,
     [("Nghị quyết", "01-NQ/TU", d("2025-11-08"), "Ban Chấp hành Đảng bộ thành phố")]),
    # no `số`
    ("tiếp tục thực hiện hiệu quả Nghị quyết 12-NQ/TW, ngày 16/3/2022 của Bộ Chính trị, Kế hoạch", TAN_HUNG,
     [("Nghị quyết", "12-NQ/TW", d("2022-03-16"), "Bộ Chính trị")]),
    # messy spacing: `01- CTTr/TU`, `10 - NQ/ĐU`
    ("Chương trình hành động số 01- CTTr/TU, ngày 14/10/2025 của Ban Chấp hành Đảng bộ tỉnh về thực hiện", LAI_CHAU,
     [("Chương trình hành động", "01-CTTr/TU", d("2025-10-14"), "Ban Chấp hành Đảng bộ tỉnh")]),
    ("Nghị quyết số 10 - NQ/ĐU ngày 05/11/2025 của Đảng ủy phường Tân Hưng về Xây dựng", TAN_HUNG,
     [("Nghị quyết", "10-NQ/ĐU", d("2025-11-05"), "Đảng ủy phường Tân Hưng")]),
    # a symbol split over a line break (Word export) and after a stray space (PDF repair)
    ("Tiếp tục triển khai có hiệu quả Chương trình phối hợp số 03/CTrPH-BCA-\nBGDĐT ngày 22/01/2024 giữa Bộ Công an và "
     "Bộ Giáo dục và Đào tạo về", TAN_HUNG,
     [("Chương trình phối hợp", "03/CTrPH-BCA-BGDĐT", d("2024-01-22"), "Bộ Công an và Bộ Giáo dục và Đào tạo")]),
    ("Chương trình phối hợp số 03/CTrPH-BCA- BGDĐT ngày 22/01/2024 giữa Bộ Công an và Bộ Giáo dục và Đào tạo", TAN_HUNG,
     [("Chương trình phối hợp", "03/CTrPH-BCA-BGDĐT", d("2024-01-22"), "Bộ Công an và Bộ Giáo dục và Đào tạo")]),
    # a number without symbol
    ("Nghị quyết số 18-NQ/TU, ngày 26/02/2025 của Ban Chấp hành Đảng bộ thành phố Hải Phòng và Đề án số 05 ngày "
     "11/6/2025 của UBND thành phố Hải Phòng về “Xây dựng Hải phòng trở thành thành phố không ma túy”;", TAN_HUNG,
     [("Nghị quyết", "18-NQ/TU", d("2025-02-26"), "Ban Chấp hành Đảng bộ thành phố Hải Phòng"),
      ("Đề án", "05", d("2025-06-11"), "Ủy ban nhân dân thành phố Hải Phòng")]),
    # date after a comma; the typo `16/8./2019`
    ("Kết luận số 132-KL/TW, ngày 18/3/2025 của Bộ Chính trị về tiếp tục thực hiện Chỉ thị số 36-CT/TW, ngày 16/8./2019 "
     "của Bộ Chính trị về “Tăng cường", LAI_CHAU,
     [("Kết luận", "132-KL/TW", d("2025-03-18"), "Bộ Chính trị"), ("Chỉ thị", "36-CT/TW", d("2019-08-16"), "Bộ Chính trị")]),
    # several citations in one preamble, separated by `;`
    ("Kế hoạch số 339-KH/TU, ngày 08/5/2025 của Ban Thường vụ Tỉnh ủy về thực hiện Kết luận số 132-KL/TW; Công văn số "
     "3050-CV/TU, ngày 21/8/2025 của Ban Thường vụ Tỉnh ủy Lai Châu về tăng cường", LAI_CHAU,
     [("Kế hoạch", "339-KH/TU", d("2025-05-08"), "Ban Thường vụ Tỉnh ủy"),
      ("Kết luận", "132-KL/TW", None, None),
      ("Công văn", "3050-CV/TU", d("2025-08-21"), "Ban Thường vụ Tỉnh ủy Lai Châu")]),
    # a steering committee named by its field: the first `về` is its name, the second the subject (h03)
    ("Thực hiện Kế hoạch số 1256/KH-BCĐTWATTP ngày 18/3/2026 của Ban Chỉ đạo liên ngành Trung ương về an toàn thực "
     "phẩm về tổ chức Tháng hành động vì an toàn thực phẩm năm 2026; Kế hoạch số 95/KH-UBND", PHU_THO,
     [("Kế hoạch", "1256/KH-BCĐTWATTP", d("2026-03-18"), "Ban Chỉ đạo liên ngành Trung ương về an toàn thực phẩm"),
      ("Kế hoạch", "95/KH-UBND", None, None)]),
    # a law named, then numbered: one citation of a law (c02)
    ("Căn cứ Luật Quản lý thuế số 38/2019/QH14 ngày 13 tháng 6 năm 2019;", DUC_TRONG,
     [("Luật", "38/2019/QH14", d("2019-06-13"), None)]),
    # a provincial department keeps its province (c04)
    ("và Công văn số 1820/SVHTTDL-QLDL ngày 02/6/2026 của Sở Văn hóa, Thể thao và Du lịch tỉnh An Giang về việc báo "
     "cáo sơ kết công tác du lịch 6 tháng đầu năm 2026,", PHU_QUOC,
     [("Công văn", "1820/SVHTTDL-QLDL", d("2026-06-02"), "Sở Văn hóa, Thể thao và Du lịch tỉnh An Giang")]),
    # a Party committee keeps its term; a strategy carried by the decision cited next is that decision's content (b06)
    ("Thực hiện Nghị quyết số 21-NQ/TW ngày 25/10/2017 của Ban Chấp hành Trung ương Đảng khóa XII về công tác dân số "
     "trong tình hình mới và Chiến lược Dân số Việt Nam đến năm 2030 ban hành kèm theo Quyết định số 1679/QĐ-TTg ngày "
     "22/11/2019 của Thủ tướng Chính phủ, công tác dân số", BAC_NINH,
     [("Nghị quyết", "21-NQ/TW", d("2017-10-25"), "Ban Chấp hành Trung ương Đảng khóa XII"),
      ("Quyết định", "1679/QĐ-TTg", d("2019-11-22"), "Thủ tướng Chính phủ")]),
    # date and issuer in the clause before the type word (b04)
    ("Thực hiện Công văn số 9875/BNNMT-CN ngày 10/12/2025 của Bộ Nông nghiệp và Môi trường về việc chủ động phòng, "
     "chống đói, rét cho vật nuôi vụ Đông Xuân 2025 - 2026, ngày 12/12/2025 Ủy ban nhân dân tỉnh đã ban hành Công văn "
     "số 2087/UBND-NLN chỉ đạo các địa phương chủ động phòng, chống đói, rét cho vật nuôi, cây trồng.", LAI_CHAU,
     [("Công văn", "9875/BNNMT-CN", d("2025-12-10"), "Bộ Nông nghiệp và Môi trường"),
      ("Công văn", "2087/UBND-NLN", d("2025-12-12"), "Ủy ban nhân dân tỉnh")]),
    # a PDF line break inside the issuer's name (b05)
    ("Thực hiện Kế hoạch số 15/KH-BATGT ngày 08/01/2026 của Ban An toàn giao\nthông Thành phố Hồ Chí Minh về bảo đảm "
     "trật tự, an toàn giao thông năm 2026;", VI_KHE,
     [("Kế hoạch", "15/KH-BATGT", d("2026-01-08"), "Ban An toàn giao thông Thành phố Hồ Chí Minh")]),
]


@pytest.mark.parametrize("sentence, context, expected", NUMBERED,
                         ids=[c[2][0][1] if c[2] else c[0] for c in NUMBERED])
def test_numbered_forms(sentence, context, expected):
    found = [(c.doc_type, c.number, c.issued_date, c.issuer) for c in cite(sentence, context)]
    assert found == expected


SUBJECTS = [
    ("Thực hiện Công văn số 573/TTg-KGVX, ngày 25/5/2026 của Thủ tướng Chính phủ về việc triển khai Tháng hành động "
     "phòng chống ma túy năm 2026. Ủy ban nhân dân tỉnh", "triển khai Tháng hành động phòng chống ma túy năm 2026"),
    ("Kế hoạch số 195/KH-UBND ngày 03/6/2026 của UBND tỉnh Ninh Bình Tổ chức các hoạt động hưởng ứng Tháng hành động "
     "phòng, chống ma túy năm 2026, Ủy ban nhân dân phường Vị Khê xây dựng Kế hoạch",
     "Tổ chức các hoạt động hưởng ứng Tháng hành động phòng, chống ma túy năm 2026"),
    ("Chỉ thị số 36-CT/TW, ngày 16/8./2019 của Bộ Chính trị về “Tăng cường, nâng cao hiệu quả công tác phòng, chống và "
     "kiểm soát ma túy”; Kế hoạch", "Tăng cường, nâng cao hiệu quả công tác phòng, chống và kiểm soát ma túy"),
    ("Quyết định số 7619/QĐ-BCA ngày 05/9/2025 của Bộ trưởng Bộ Công an về Phê duyệt Chương trình mục tiêu quốc gia "
     "phòng, chống ma túy đến năm 2030 (Quyết định số 7619/QĐ-BCA);",
     "Phê duyệt Chương trình mục tiêu quốc gia phòng, chống ma túy đến năm 2030"),
    # a clause citing another document after a comma ends the subject
    ("về thực hiện Kết luận số 132-KL/TW ngày 18/3/2025 của Bộ Chính trị về tiếp tục tăng cường sự lãnh đạo của Đảng "
     "đối với công tác phòng, chống và kiểm soát ma túy trong tình hình mới, gắn với thực hiện Nghị quyết số 01-NQ/TU "
     "ngày 08/11/2025", "tiếp tục tăng cường sự lãnh đạo của Đảng đối với công tác phòng, chống và kiểm soát ma túy "
     "trong tình hình mới"),
    # after a committee named by its field (h03)
    ("Kế hoạch số 1256/KH-BCĐTWATTP ngày 18/3/2026 của Ban Chỉ đạo liên ngành Trung ương về an toàn thực phẩm về tổ "
     "chức Tháng hành động vì an toàn thực phẩm năm 2026; Kế hoạch",
     "tổ chức Tháng hành động vì an toàn thực phẩm năm 2026"),
    # the next document of the list ends the subject (c05)
    ("Chỉ thị số 45-CT/TW ngày 14/4/2025 của Bộ Chính trị về đại hội đảng bộ các cấp tiến tới Đại hội đại biểu toàn "
     "quốc lần thứ XIV của Đảng và Nghị quyết Đại hội đại biểu Đảng bộ tỉnh Quảng Ngãi lần thứ I, nhiệm kỳ 2025 - 2030, "
     "Ban Thường vụ Tỉnh ủy ban hành Kế hoạch thực hiện như sau:",
     "đại hội đảng bộ các cấp tiến tới Đại hội đại biểu toàn quốc lần thứ XIV của Đảng"),
]


@pytest.mark.parametrize("sentence, title", SUBJECTS)
def test_subject(sentence, title):
    assert cite(sentence)[0].title == title


# (sentence, context, [(doc_type, name, issuer), ...]): references by name, no number.
NAMED = [
    # a law's name whose items run over five words (r031)
    ("Căn cứ Luật Quản lý, sử dụng tài sản công ngày 21 tháng 6 năm 2017;", None,
     [("Luật", "Luật Quản lý, sử dụng tài sản công", None)]),
    # laws named in the subject of a numbered one are what it amends, not citations of their own (r052)
    ("Luật Mặt trận Tổ quốc Việt Nam số 75/2015/QH13, ngày 09/6/2015 và Luật số 97/2025/QH15, ngày 27/6/2025 về "
     "sửa đổi, bổ sung một số điều của Luật Mặt trận Tổ quốc Việt Nam, Luật Công đoàn;", None, []),
    ("2. Việc quản lý và sử dụng kinh phí từ nguồn ngân sách Nhà nước thực hiện theo quy định của Luật Ngân sách Nhà "
     "nước và các văn bản hướng dẫn thi hành.", VI_KHE, [("Luật", "Luật Ngân sách Nhà nước", None)]),
    ("tuyên truyền, cung cấp kiến thức và kỹ năng tới học sinh, sinh viên về Luật Phòng, chống ma túy, hiểm họa của ma "
     "túy", TAN_HUNG, [("Luật", "Luật Phòng, chống ma túy", None)]),
    ("Kinh phí thực hiện Tháng hành động phòng, chống ma túy được bố trí trong nguồn kinh phí thực hiện Chương trình "
     "mục tiêu quốc gia phòng, chống ma túy đến năm 2030; nguồn kinh phí", VI_KHE,
     [("Chương trình", "Chương trình mục tiêu quốc gia phòng, chống ma túy đến năm 2030", None)]),
    ("Thực hiện Chương trình mục tiêu quốc gia về phòng, chống ma túy đến năm 2030 của Chính phủ; Nghị quyết", TAN_HUNG,
     [("Chương trình", "Chương trình mục tiêu quốc gia về phòng, chống ma túy đến năm 2030", "Chính phủ")]),
    ("thực hiện các mục tiêu trong Chương trình mục tiêu quốc gia xây dựng nông thôn mới, Chương trình mục tiêu quốc gia "
     "giảm nghèo bền vững; phối hợp", TAN_HUNG,
     [("Chương trình", "Chương trình mục tiêu quốc gia xây dựng nông thôn mới", None),
      ("Chương trình", "Chương trình mục tiêu quốc gia giảm nghèo bền vững", None)]),
    ("và Đề án “Xây dựng Hải Phòng trở thành thành phố không ma túy” của Ủy ban nhân dân thành phố.", HAI_PHONG,
     [("Đề án", "Đề án Xây dựng Hải Phòng trở thành thành phố không ma túy", "Ủy ban nhân dân thành phố")]),
    ("Phối hợp tham mưu tổ chức thực hiện hiệu quả Kế hoạch triển khai Chương trình phòng, chống ma túy trong thanh, "
     "thiếu niên đến năm 2030 trên địa bàn phường; tăng cường", TAN_HUNG,
     [("Kế hoạch", "Kế hoạch triển khai Chương trình phòng, chống ma túy trong thanh, thiếu niên đến năm 2030 trên địa "
                   "bàn phường", None)]),
    # a law's name runs over its commas and `và` to the date / the semicolon (h06)
    ("Căn cứ Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ ngày 29/11/2024; Nghị", TAN_HUNG,
     [("Luật", "Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ", None)]),
    ("điều và biện pháp thi hành Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ;", TAN_HUNG,
     [("Luật", "Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ", None)]),
    # `trật tự, an toàn` keeps its comma, also over a PDF line break (b05)
    ("Ủy ban nhân dân phường đã ban hành 04 văn bản chỉ đạo, triển khai Luật Trật tự,\nan toàn giao thông đường bộ "
     "và Nghị định số 168/2024/NĐ-CP ngày 26/12/2024", TAN_HUNG,
     [("Luật", "Luật Trật tự, an toàn giao thông đường bộ", None)]),
    # an amending law is named with the laws it amends, which are not cited apart (h01)
    ("Căn cứ Luật Phòng, chống thiên tai ngày 19/6/2013; Luật sửa đổi, bổ sung một số điều của Luật Phòng, chống thiên "
     "tai và Luật Đê điều ngày 17/6/2020;", TAN_HUNG,
     [("Luật", "Luật Phòng, chống thiên tai", None),
      ("Luật", "Luật sửa đổi, bổ sung một số điều của Luật Phòng, chống thiên tai và Luật Đê điều", None)]),
    # a congress's resolution, cited by the congress's name and term (h05)
    ("Kế hoạch số 12-KH/TU ngày 05/3/2026 của Ban Thường vụ Thành ủy Đà Nẵng về thực hiện Nghị quyết số 57-NQ/TW; Nghị "
     "quyết Đại hội đại biểu Đảng bộ phường Hải Châu lần thứ I, nhiệm kỳ 2025 - 2030 và Nghị quyết", HAI_CHAU,
     [("Nghị quyết", "Nghị quyết Đại hội đại biểu Đảng bộ phường Hải Châu lần thứ I, nhiệm kỳ 2025 - 2030",
       "Đại hội đại biểu Đảng bộ phường Hải Châu lần thứ I")]),
    # ... also after a numbered document whose subject it would otherwise end (c05)
    ("Chỉ thị số 45-CT/TW ngày 14/4/2025 của Bộ Chính trị về đại hội đảng bộ các cấp tiến tới Đại hội đại biểu toàn "
     "quốc lần thứ XIV của Đảng và Nghị quyết Đại hội đại biểu Đảng bộ tỉnh Quảng Ngãi lần thứ I, nhiệm kỳ 2025 - 2030, "
     "Ban Thường vụ Tỉnh ủy ban hành Kế hoạch thực hiện như sau:", QUANG_NGAI,
     [("Nghị quyết", "Nghị quyết Đại hội đại biểu Đảng bộ tỉnh Quảng Ngãi lần thứ I, nhiệm kỳ 2025 - 2030",
       "Đại hội đại biểu Đảng bộ tỉnh Quảng Ngãi lần thứ I")]),
]


@pytest.mark.parametrize("sentence, context, expected", NAMED, ids=[c[0][:40] for c in NAMED])
def test_named_references(sentence, context, expected):
    found = [c for c in cite(sentence, context) if c.number is None]
    assert [(c.doc_type, c.name, c.issuer) for c in found] == expected


# (text, own type, own title, texts of the citations): a programme named only as what a numbered
# document is about, and the plan a decision issues, are no citations.
NOT_CITED_HERE = [
    # the programme approved by QĐ 749 (h02)
    ('*Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ phê duyệt "Chương trình Chuyển đổi số '
     'quốc gia đến năm 2025, định hướng đến năm 2030";*', "Quyết định", None,
     ["Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ"]),
    # the programme KH 210 carries out, and its bare short form (h04)
    ("Thực hiện Kế hoạch số 210/KH-UBND ngày 15/8/2025 của Ủy ban nhân dân tỉnh Đồng Tháp về thực hiện Chương trình mục "
     "tiêu quốc gia xây dựng nông thôn mới năm 2025; Nghị quyết\nTổng nguồn vốn huy động thực hiện Chương trình năm 2025 "
     "là 48,6 tỷ đồng", "Báo cáo", None,
     ["Kế hoạch số 210/KH-UBND ngày 15/8/2025 của Ủy ban nhân dân tỉnh Đồng Tháp"]),
    # a decision issuing a plan calls it `Kế hoạch`: known from its title, ... (h02)
    ("*Căn cứ Kế hoạch số 88/KH-UBND ngày 10/3/2026 của Ủy ban nhân dân tỉnh Thanh Hóa về chuyển đổi số tỉnh Thanh Hóa "
     "năm 2026;*\n- Là cơ quan thường trực, tham mưu UBND phường chỉ đạo triển khai Kế hoạch.", "Quyết định",
     "Ban hành Kế hoạch chuyển đổi số phường Hạc Thành năm 2026",
     ["Kế hoạch số 88/KH-UBND ngày 10/3/2026 của Ủy ban nhân dân tỉnh Thanh Hóa"]),
    # ... from `kèm theo Quyết định này`, ...
    ("*Căn cứ Kế hoạch số 88/KH-UBND ngày 10/3/2026 của Ủy ban nhân dân tỉnh Thanh Hóa;*\n**Điều 1.** Ban hành kèm "
     "theo Quyết định này Kế hoạch chuyển đổi số phường Hạc Thành năm 2026.\n- Là cơ quan thường trực, tham mưu UBND "
     "phường chỉ đạo triển khai Kế hoạch.", "Quyết định", None,
     ["Kế hoạch số 88/KH-UBND ngày 10/3/2026 của Ủy ban nhân dân tỉnh Thanh Hóa"]),
    # ... or from the attached plan's own heading
    ("*Căn cứ Kế hoạch số 88/KH-UBND ngày 10/3/2026 của Ủy ban nhân dân tỉnh Thanh Hóa;*\n**KẾ HOẠCH**\n- Là cơ quan "
     "thường trực, tham mưu UBND phường chỉ đạo triển khai Kế hoạch.", "Quyết định", None,
     ["Kế hoạch số 88/KH-UBND ngày 10/3/2026 của Ủy ban nhân dân tỉnh Thanh Hóa"]),
]


@pytest.mark.parametrize("text, own_type, title, expected", NOT_CITED_HERE)
def test_not_cited_here(text, own_type, title, expected):
    assert [c.text for c in cite(text, VI_KHE, doc_type=own_type, title=title)] == expected


def test_bare_type_word_of_a_cited_plan_in_a_decision_is_its_short_form():
    """The counterpart of the cases above: nothing says the decision issues a plan."""
    found = cite("*Căn cứ Kế hoạch số 88/KH-UBND ngày 10/3/2026 của Ủy ban nhân dân tỉnh Thanh Hóa;*\n- Là cơ quan "
                 "thường trực, tham mưu UBND phường chỉ đạo triển khai Kế hoạch.", VI_KHE, doc_type="Quyết định")
    assert [(c.text, c.number, c.is_short_form) for c in found][1:] == [("Kế hoạch", "88/KH-UBND", True)]


# Sentences with nothing to cite (from the seeds), and what they tempt.
NOT_CITATIONS = [
    "2. Giao Công an phường theo dõi, hướng dẫn, kiểm tra, đôn đốc thực hiện Kế hoạch này; Tổng hợp, báo cáo theo quy định./.",
    "9. Đề nghị Chi cục Hải quan Khu vực III, Ban Chỉ huy Bộ đội Biên phòng thành phố Hải Phòng; Bộ Tư lệnh Vùng Cảnh sát "
    "biển 1; Đoàn đặc nhiệm phòng, chống tội phạm ma túy số 1",
    "- *Đoàn Đặc nhiệm phòng, chống tội phạm ma túy số 1*: Trực tiếp tổ chức nắm tình hình",
    "phối hợp với Tòa án, Viện kiểm sát nhân dân khu vực 9 đưa các vụ án điển hình ra xét xử",
    "Trong quá trình thực hiện nếu có khó khăn, vướng mắc báo cáo về đồng chí Trưởng Công an phường, số điện thoại: "
    "0977.987.912 để được hướng dẫn xử lý, giải quyết./.",
    "(*qua Phòng Tham mưu Công an tỉnh, SĐT: 069.2469.888, email: banchidaopctplcu@gmail.com*) trước ngày 03/7/2026;",
    "2. Nhiệm vụ cụ thể: (Có Phụ lục 2 kèm theo).",
    "3. Việc thực hiện Chương trình phải bảo đảm nghiêm túc, hiệu quả, gắn với thực hiện các Nghị quyết, Chỉ thị, "
    "Chương trình, Kế hoạch của Trung ương Đảng, Quốc hội, Chính phủ, Tỉnh ủy",
    "cũng như Nghị quyết chỉ đạo của Đảng ủy và các Kế hoạch của UBND phường",
    "Thực hiện Công văn số 573/TTg-KGVX ngày 25/5/2026 của Thủ tướng Chính phủ, Ủy ban nhân dân thành phố ban hành Kế "
    "hoạch triển khai thực hiện như sau:",
    "thông qua các buổi sinh hoạt lồng ghép các nội dung tuyên truyền về luật phòng chống tội phạm ma túy, các tác hại",
    "Số: 4290 /KH-UBND",
    # the line under an appendix's heading names the citing document itself (b01)
    "PHỤ LỤC\n(Kèm theo Kế hoạch số 318/KH-SGDĐT ngày 16/3/2026 của Sở Giáo dục và Đào tạo)",
]


@pytest.mark.parametrize("sentence", NOT_CITATIONS)
def test_not_citations(sentence):
    found = [c for c in cite(sentence, HAI_PHONG) if c.number != "573/TTg-KGVX"]
    assert found == []


PREAMBLE_001 = (
    "Thực hiện Nghị quyết số 163/2024/QH15 ngày 27/11/2024 của Quốc hội về phê duyệt chủ trương đầu tư Chương trình "
    "mục tiêu quốc gia phòng, chống ma túy đến năm 2030 (Nghị quyết số 163/2024/QH15); Nghị quyết số 50/NQ-CP ngày "
    "13/3/2025 của Chính phủ về ban hành Kế hoạch triển khai (Nghị quyết số 50/NQ-CP); Kế hoạch số 117/KH-UBND ngày "
    "08/11/2025 của UBND tỉnh Thái Nguyên về triển khai thực hiện (Kế hoạch số 117/KH-UBND).\n"
    "1. Thực hiện nghiêm túc, có hiệu quả mục tiêu, nhiệm vụ và các giải pháp của Nghị quyết số 163/2024/QH15; Nghị "
    "quyết số 50/NQ-CP; Quyết định số 7619/QĐ-BCA và Kế hoạch số 117/KH-UBND\n"
    "- Là cơ quan thường trực tham mưu thực hiện Chương trình MTQG phòng chống ma túy, giúp UBND xã điều phối"
)


def test_short_forms_inherit_and_share_the_key():
    found = cite(PREAMBLE_001, PHONG_QUANG)
    by_number = {}
    for c in found:
        by_number.setdefault(c.number or c.name, []).append(c)
    for number in ("163/2024/QH15", "50/NQ-CP", "117/KH-UBND"):
        full, *short = by_number[number]
        assert not full.is_short_form and short and all(c.is_short_form for c in short)
        assert {c.cited_key for c in short} == {full.cited_key}
        assert all((c.issued_date, c.issuer) == (full.issued_date, full.issuer) for c in short)
    # `Chương trình MTQG phòng chống ma túy` is the programme named in full above
    programme = by_number["Chương trình mục tiêu quốc gia phòng, chống ma túy đến năm 2030"]
    assert [c.text for c in programme if c.is_short_form] == ["Chương trình MTQG phòng chống ma túy"]
    assert len({c.cited_key for c in programme}) == 1
    # 7619/QĐ-BCA is only cited short here: nothing to inherit, not a short form
    assert [(c.is_short_form, c.issued_date) for c in by_number["7619/QĐ-BCA"]] == [(False, None)]


def test_type_and_issuer_is_a_short_form():
    found = cite("Nghị quyết số 05-NQ/ĐH ngày 19/9/2025 của Đại hội đại biểu Đảng bộ tỉnh Lai Châu lần thứ XV, nhiệm kỳ "
                 "2025-2030 về thực hiện chỉ tiêu; Chương trình hành động số 01- CTTr/TU, ngày 14/10/2025 của Ban Chấp "
                 "hành Đảng bộ tỉnh về thực hiện Nghị quyết Đại hội đại biểu Đảng bộ tỉnh Lai Châu lần thứ XV, nhiệm kỳ",
                 LAI_CHAU)
    short = [c for c in found if c.is_short_form]
    assert [(c.text, c.number) for c in short] == [
        ("Nghị quyết Đại hội đại biểu Đảng bộ tỉnh Lai Châu lần thứ XV", "05-NQ/ĐH")]


def test_bare_type_word_is_the_one_cited_document_of_its_type():
    found = cite("Đề án số 05 ngày 11/6/2025 của UBND thành phố Hải Phòng về “Xây dựng Hải phòng trở thành thành phố "
                 "không ma túy”;\n- Lấy hiệu quả công tác và tiến độ thực hiện chỉ tiêu thực hiện Đề án trong từng giai "
                 "đoạn là một chỉ tiêu đánh giá.\n- Thực hiện Kế hoạch trên địa bàn.", TAN_HUNG)
    assert [(c.text, c.number, c.is_short_form) for c in found] == [
        ("Đề án số 05 ngày 11/6/2025 của UBND thành phố Hải Phòng", "05", False), ("Đề án", "05", True)]


# (sentence, context, expected cited_key of the first citation)
KEYS = [
    # a People's Committee plan: issuer and year; the place comes from the citing document
    ("theo Quyết định số 1030/QĐ-UBND ngày 15/10/2025 của Ủy ban nhân dân tỉnh.", VI_KHE,
     "1030/QĐ-UBND:2025:ủy ban nhân dân tỉnh ninh bình"),
    ("Kế hoạch số 195/KH-UBND ngày 03/6/2026 của UBND tỉnh Ninh Bình", VI_KHE,
     "195/KH-UBND:2026:ủy ban nhân dân tỉnh ninh bình"),
    ("Kế hoạch số 339-KH/TU, ngày 08/5/2025 của Ban Thường vụ Tỉnh ủy về", LAI_CHAU,
     "339-KH/TU:2025:ban thường vụ tỉnh ủy lai châu"),
    # self-identifying: the Prime Minister's symbol plus the year; a normative number alone
    ("Công văn số 573/TTg-KGVX ngày 25/5/2026 của Thủ tướng", VI_KHE, "573/TTg-KGVX:2026"),
    ("Nghị quyết số 163/2024/QH15 ngày 27/11/2024 của Quốc hội", PHONG_QUANG, "163/2024/QH15"),
    ("Kết luận số 132-KL/TW ngày 18/3/2025 của Bộ Chính trị", HAI_PHONG, "132-KL/TW:2025"),
    # a number without symbol keeps its type
    ("Đề án số 05 ngày 11/6/2025 của UBND thành phố Hải Phòng", TAN_HUNG,
     "Đề án 05:2025:ủy ban nhân dân thành phố hải phòng"),
    # a name: folded, `về` and punctuation dropped, MTQG expanded
    ("Thực hiện Chương trình mục tiêu quốc gia về phòng, chống ma túy đến năm 2030 của Chính phủ;", TAN_HUNG,
     "chương trình mục tiêu quốc gia phòng chống ma túy đến năm 2030"),
]


@pytest.mark.parametrize("sentence, context, key", KEYS, ids=[k[2] for k in KEYS])
def test_cited_key(sentence, context, key):
    assert cite(sentence, context)[0].cited_key == key


def test_same_document_same_key_across_provinces():
    """`Ủy ban nhân dân tỉnh` completed from context equals the place written out."""
    assert cite("Kế hoạch số 5261/KH-UBND, ngày 09/9/2025 của UBND tỉnh Lai Châu về", VI_KHE)[0].cited_key == \
        cite("Kế hoạch số 5261/KH-UBND, ngày 09/9/2025 của Ủy ban nhân dân tỉnh về", LAI_CHAU)[0].cited_key


@pytest.mark.parametrize("number, expected", [
    ("573/TTg-KGVX", True), ("163/2024/QH15", True), ("132-KL/TW", True), ("483/KH-BCA-C04", True),
    ("195/KH-UBND", False), ("339-KH/TU", False), ("362/KHPH-CAT-SGDĐT", False),
    ("15/2025/NQ-HĐND", False),  # every provincial council numbers its resolutions like this
])
def test_self_identifying(number, expected):
    assert self_identifying(number) is expected


# A number read without its type word takes the type its symbol says.
@pytest.mark.parametrize("number, doc_type", [
    ("573/TTg-KGVX", "Công văn"),  # an issuer's code, no type: an official letter
    ("38/2019/QH14", "Văn bản"),  # a year too: a law or a resolution, never a letter
    ("58-KH/TW", "Kế hoạch"),  # the type's own code
])
def test_type_of_a_number_read_alone(number, doc_type):
    assert [c.doc_type for c in cite(number)] == [doc_type]


def test_key_without_year_or_issuer_says_so():
    assert cited_key("195/KH-UBND", "Kế hoạch", None, "") == "195/KH-UBND:?:?"


def test_anomalies_recorded():
    found = cite("Chỉ thị số 36-CT/TW, ngày 16/8./2019 của Bộ Chính trị; Nghị quyết số 10 - NQ/ĐU ngày 05/11/2025 của "
                 "Đảng ủy phường Tân Hưng; Quyết định số 1030/QĐ-UBND ngày 31/2/2025 của Ủy ban nhân dân tỉnh.", TAN_HUNG)
    assert [c.anomalies for c in found] == [["date_typo"], ["number_spaces"], ["date_invalid"]]
    assert found[2].issued_date is None and found[2].cited_key.startswith("1030/QĐ-UBND:2025:")


# --- the seeds ------------------------------------------------------------------------------------


def test_offsets_point_at_the_stored_text(seed_records):
    for records in seed_records.values():
        text = records.document.text
        for c in records.citations:
            assert text[c.start_char:c.end_char] == c.text


def test_573_shares_one_key_in_every_seed(seed_records):
    keys = {prefix: {c.cited_key for c in r.citations if c.number == "573/TTg-KGVX"} for prefix, r in seed_records.items()}
    assert {p for p, k in keys.items() if k} == {"000", "002", "003"}
    assert set().union(*keys.values()) == {"573/TTg-KGVX:2026"}


def test_word_start_scans_find_what_a_lookbehind_would(seed_records):
    """`at_word_start` and `finditer_at` drop the `(?<!\\w)` from the head patterns
    for speed; on every seed they must find exactly what the lookbehind finds."""
    for records in seed_records.values():
        text = match_form(records.document.text)
        starts = g.head_starts(text)
        for pattern in (g.typed_head(), g.named_head_all(), *map(g.named_head, g.NAMED_MODES)):
            expected = [m.span() for m in re.finditer(rf"(?<!\w)(?:{pattern.pattern})", text)]
            assert [m.span() for m in g.at_word_start(pattern, text)] == expected
            if pattern is not g.typed_head():
                assert [m.span() for m in finditer_at(pattern, text, starts)] == expected
        numbers = re.compile(rf"(?<![\w/.-]){g.NUMBER.pattern}", re.VERBOSE)
        assert ([m.span() for m in g.at_word_start(g.NUMBER, text, before=re.compile(r"[\w/.-]"))]
                == [m.span() for m in numbers.finditer(text)])
        assert _numbered_heads_near_anchors(text) == _numbered_heads_scanned(text)


def _has_number(text: str, head: re.Match) -> bool:
    return bool(g.NUMBER.match(text, head.end()) or (head.group("so") and g.BARE_NUMBER.match(text, head.end())))


def _numbered_heads_scanned(text: str) -> list[tuple[int, int]]:
    """Typed heads followed by a number, from a scan of the whole text."""
    return [h.span() for h in g.at_word_start(g.typed_head(), text) if _has_number(text, h)]


def _numbered_heads_near_anchors(text: str) -> list[tuple[int, int]]:
    """The same, looked for only around `/` and `số` as the numbered pass does."""
    starts = g.number_starts(text)
    assert {m.start() for m in g.NUMBER.finditer(text)} <= set(starts)
    return [h.span() for s in starts if (h := g.typed_head_before(text, s)) and _has_number(text, h)]


# Heads and numbers the anchors must not miss: glued `số5`, `Số:`, a number without
# symbol, a head inside a longer one, a party number, a stray space before `/`.
@pytest.mark.parametrize("sentence", [
    "Kế hoạch số5/KH-UBND, Đề án số 05 và SỐ: 12/CT-TTg",
    "Thông báo kết luận số 12-TB/TU (Bộ luật số 45/2019/QH14); Quyết định  số :  7",
    "theo Kế hoạch 01- CTTr/TU và Công văn 4290 /KH-UBND, Thông báo cáo số 3/BC",
])
def test_numbers_near_anchors_find_what_a_scan_finds(sentence):
    text = match_form(sentence)
    assert _numbered_heads_near_anchors(text) == _numbered_heads_scanned(text) != []


# A seed sentence as a heading in capitals and as lower-case running text would write it.
@pytest.mark.parametrize("sentence", [
    "Kế hoạch số 195/KH-UBND ngày 03/6/2026 của UBND tỉnh Ninh Bình",
    "KẾ HOẠCH SỐ 195/KH-UBND NGÀY 03/6/2026 CỦA UBND TỈNH NINH BÌNH",
    "kế hoạch số 195/KH-UBND ngày 03/6/2026 của UBND tỉnh Ninh Bình",
])
def test_type_word_in_any_case_opens_a_numbered_citation(sentence):
    found = cite(sentence, VI_KHE, doc_type="Báo cáo")
    assert [(c.doc_type, c.number, c.issued_date) for c in found] == [("Kế hoạch", "195/KH-UBND", d("2026-06-03"))]
