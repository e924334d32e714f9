"""Document metadata from the header block, the body and the signature."""

import datetime as dt
import json

import pytest

from extractors.header import recase_body, recase_title
from pipeline.run import process_text
from tests.conftest import ROOT, seed_path

FIELDS = ["doc_type", "number", "symbol", "issuer", "issuer_level", "locality", "province",
          "issued_date", "title", "signer", "signer_title"]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_headers_match_gold(prefix, seed_records):
    gold = json.loads((ROOT / "tests" / "gold" / seed_path(prefix).with_suffix(".json").name)
                      .read_text(encoding="utf-8"))["document"]
    meta = seed_records[prefix].document.model_dump(mode="json")
    assert {f: meta[f] for f in FIELDS} == {f: gold[f] for f in FIELDS}


def test_blank_day_keeps_text_and_gives_no_date(seed_records):
    meta = seed_records["000"].document
    assert (meta.issued_date, meta.issued_date_text, meta.place) == (None, "ngày tháng 6 năm 2026", "Vị Khê")


# The standard block of Nghị định 30/2020/NĐ-CP as converters flatten it:
# two columns on one line, or markdown table cells with <br> line breaks.
TWO_COLUMNS = """ỦY BAN NHÂN DÂN                    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH HƯNG YÊN                              Độc lập - Tự do - Hạnh phúc
                                            ---------------
Số: 123/KH-UBND                     Hưng Yên, ngày 05 tháng 6 năm 2026

KẾ HOẠCH
Triển khai Tháng hành động phòng, chống ma túy năm 2026
trên địa bàn tỉnh

Thực hiện Công văn số 573/TTg-KGVX ngày 25/5/2026 của Thủ tướng Chính phủ về triển khai Tháng hành động.

I. MỤC ĐÍCH, YÊU CẦU

1. Mục đích

Nơi nhận:                                  KT. CHỦ TỊCH
- Như trên;                                PHÓ CHỦ TỊCH
- Lưu: VT.

                                           Nguyễn Văn An
"""
TABLE_CELLS = """| UBND TỈNH LAI CHÂU<br>**SỞ Y TẾ** | **CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**<br>**Độc lập - Tự do - Hạnh phúc** |
|---|---|
| Số: 1234/SYT-NVY<br>V/v triển khai Tháng hành động phòng, chống ma túy năm 2026 | *Lai Châu, ngày 10 tháng 6 năm 2026* |

Kính gửi: Các cơ sở y tế trên địa bàn tỉnh.

Thực hiện Kế hoạch số 4290/KH-UBND ngày 29/5/2026 của UBND tỉnh, Sở Y tế đề nghị các đơn vị triển khai thực hiện.

Nơi nhận:
- Như trên;
- Lưu: VT.

KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC

Trần Thị Bình
"""

PARTY_RESOLUTION = """ĐẢNG BỘ TỈNH NINH BÌNH                    ĐẢNG CỘNG SẢN VIỆT NAM
ĐẢNG ỦY PHƯỜNG VỊ KHÊ
*                                         Vị Khê, ngày 05 tháng 11 năm 2025
Số 10-NQ/ĐU

NGHỊ QUYẾT
về xây dựng phường Vị Khê trở thành phường không ma túy

Căn cứ Điều lệ Đảng Cộng sản Việt Nam; Quy định số 24-QĐ/TW ngày 30/7/2021 của Ban Chấp hành Trung ương.

I. MỤC TIÊU

1. Phấn đấu đến năm 2027 phường không ma túy.

Nơi nhận:                                 T/M ĐẢNG ỦY
- Lưu VP.                                 BÍ THƯ

                                          Nguyễn Văn Bình
"""
DECISION = """ỦY BAN NHÂN DÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
XÃ PHONG QUANG           Độc lập - Tự do - Hạnh phúc
Số: 45/QĐ-UBND           Phong Quang, ngày 02 tháng 3 năm 2026

QUYẾT ĐỊNH
Về việc thành lập Tổ công tác phòng, chống ma túy xã Phong Quang

CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ PHONG QUANG

Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;

QUYẾT ĐỊNH:

Điều 1. Thành lập Tổ công tác phòng, chống ma túy xã Phong Quang.

Điều 2. Quyết định có hiệu lực từ ngày ký.

Nơi nhận:
- Như Điều 2;
- Lưu: VT.

CHỦ TỊCH

Nguyễn Ánh Xuân
"""

# A ministry's name over two lines, and a Party committee named by its unit
# (data/blind2 c03 and c05).
MINISTRY_LETTER = """BỘ NÔNG NGHIỆP
VÀ MÔI TRƯỜNG
--------

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
----------------

Số: 5120/BNNMT-CNTY
V/v triển khai các biện pháp cấp bách phòng, chống bệnh Dịch tả lợn châu Phi

Hà Nội, ngày 10 tháng 7 năm 2026

Kính gửi: Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương.

Đề nghị Chủ tịch Ủy ban nhân dân các tỉnh, thành phố chỉ đạo thực hiện ngay các nội dung sau.

Nơi nhận:
- Như trên;
- Lưu: VT, CNTY.

KT. BỘ TRƯỞNG
THỨ TRƯỞNG

Hoàng Trung Kiên
"""

PROVINCIAL_PARTY_PLAN = """TỈNH ỦY QUẢNG NGÃI                                ĐẢNG CỘNG SẢN VIỆT NAM
            *
      Số 45-KH/TU                          Quảng Ngãi, ngày 20 tháng 11 năm 2025

KẾ HOẠCH
thực hiện Nghị quyết số 68-NQ/TW ngày 04/5/2025 của Bộ Chính trị
về phát triển kinh tế tư nhân

-----

I. MỤC ĐÍCH, YÊU CẦU

1. Quán triệt sâu sắc, đầy đủ các quan điểm, mục tiêu, nhiệm vụ của Nghị quyết 68.
"""

LAYOUT_CASES = [
    (MINISTRY_LETTER, {
        "doc_type": "Công văn", "number": "5120/BNNMT-CNTY", "issuer": "Bộ Nông nghiệp và Môi trường",
        "issuer_level": "bo", "parent_issuer": None, "signer": "Hoàng Trung Kiên", "signer_title": "Thứ trưởng"}),
    (PROVINCIAL_PARTY_PLAN, {
        "doc_type": "Kế hoạch", "number": "45-KH/TU", "issuer": "Tỉnh ủy Quảng Ngãi", "issuer_level": "tinh",
        "locality": "Quảng Ngãi", "province": "Quảng Ngãi", "issued_date": dt.date(2025, 11, 20)}),
    (PARTY_RESOLUTION, {
        "doc_type": "Nghị quyết", "number": "10-NQ/ĐU", "symbol": "NQ/ĐU", "issuer": "Đảng ủy phường Vị Khê",
        "parent_issuer": "Đảng bộ tỉnh Ninh Bình", "locality": "Vị Khê", "province": "Ninh Bình",
        "issued_date": dt.date(2025, 11, 5), "title": "về xây dựng phường Vị Khê trở thành phường không ma túy",
        "signer": "Nguyễn Văn Bình", "signer_title": "Bí thư"}),
    (DECISION, {
        "doc_type": "Quyết định", "number": "45/QĐ-UBND", "issuer": "Ủy ban nhân dân xã Phong Quang",
        "issuer_level": "xa", "province": "Thái Nguyên", "admin_code": "01849",
        "title": "Về việc thành lập Tổ công tác phòng, chống ma túy xã Phong Quang",
        "signer": "Nguyễn Ánh Xuân", "signer_title": "Chủ tịch"}),
    (TWO_COLUMNS, {
        "doc_type": "Kế hoạch", "number": "123/KH-UBND", "symbol": "KH-UBND",
        "issuer": "Ủy ban nhân dân tỉnh Hưng Yên", "issuer_level": "tinh", "locality": "Hưng Yên",
        "province": "Hưng Yên", "issued_date": dt.date(2026, 6, 5),
        "title": "Triển khai Tháng hành động phòng, chống ma túy năm 2026 trên địa bàn tỉnh",
        "signer": "Nguyễn Văn An", "signer_title": "Phó Chủ tịch"}),
    (TABLE_CELLS, {
        "doc_type": "Công văn", "number": "1234/SYT-NVY", "symbol": "SYT-NVY",
        "issuer": "Sở Y tế tỉnh Lai Châu", "issuer_level": "so", "locality": "Lai Châu",
        "province": "Lai Châu", "issued_date": dt.date(2026, 6, 10),
        "title": "triển khai Tháng hành động phòng, chống ma túy năm 2026",
        "signer": "Trần Thị Bình", "signer_title": "Phó Giám đốc"}),
]


@pytest.mark.parametrize("text, expected", LAYOUT_CASES)
def test_standard_header_block_layouts(text, expected):
    meta = process_text(text, "x.txt").document
    assert {k: getattr(meta, k) for k in expected} == expected


def test_recipients_are_listed_in_order(seed_records):
    recipients = seed_records["003"].recipients
    assert [r.text for r in recipients][:3] == ["Văn phòng Chính phủ (b/c)", "V01, C04 - Bộ Công an (b/c)",
                                                "TT Tỉnh ủy (b/c)"]
    assert [r.position for r in recipients] == list(range(1, len(recipients) + 1))


def test_recipient_beside_a_note_keeps_only_the_recipient(seed_records):
    texts = [r.text for r in seed_records["004"].recipients]
    assert "TT Đảng ủy phường" in texts


RECASE_CASES = [
    ("ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN", "Ủy ban nhân dân tỉnh Hưng Yên"),
    ("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "Sở Văn hóa, Thể thao và Du lịch"),
    ("UBND THÀNH PHỐ HẢI PHÒNG", "Ủy ban nhân dân thành phố Hải Phòng"),
    ("BỘ CÔNG AN", "Bộ Công an"),
    ("TỈNH ỦY QUẢNG NGÃI", "Tỉnh ủy Quảng Ngãi"),
    ("THÀNH ỦY HÀ NỘI", "Thành ủy Hà Nội"),
]


@pytest.mark.parametrize("upper, expected", RECASE_CASES)
def test_recase_body(upper, expected):
    assert recase_body(upper) == expected


@pytest.mark.parametrize("upper, expected", [("PHÓ CHỦ TỊCH", "Phó Chủ tịch"), ("CHỦ TỊCH", "Chủ tịch"),
                                             ("PHÓ GIÁM ĐỐC", "Phó Giám đốc")])
def test_recase_title(upper, expected):
    assert recase_title(upper) == expected


def test_signature_and_recipients_in_one_table_row():
    # `| **Nơi nhận:**<br>- UBND thành phố Huế;<br>... | **TM. ỦY BAN NHÂN DÂN**<br>**CHỦ TỊCH**<br>...<br>**Hoàng Văn Minh** |`
    from pipeline.run import process_file

    records = process_file(next((ROOT / "data" / "holdout").glob("h08_*.txt")))
    meta = records.document
    assert (meta.signer, meta.signer_title) == ("Hoàng Văn Minh", "Chủ tịch")
    assert [r.text for r in records.recipients] == [
        "UBND thành phố Huế", "Công an thành phố Huế", "TT Đảng ủy, TT HĐND phường", "Lưu: VT"]


def test_header_and_signature_flattened_with_single_spaces():
    # `UBND TỈNH GIA LAI CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM` / `Số: 318/KH-SGDĐT Gia Lai, ngày 16 tháng 3 năm 2026`
    # and `Nơi nhận: KT. GIÁM ĐỐC` / `- UBND tỉnh (b/c); PHÓ GIÁM ĐỐC` / `- Lưu: VT, GDNN-GDTX. Trần Thị Thu Hà`
    from pipeline.run import process_file

    records = process_file(next((ROOT / "data" / "blind").glob("b01_*.txt")))
    meta = records.document
    assert (meta.number, meta.issuer, meta.parent_issuer, meta.place, meta.issued_date) == (
        "318/KH-SGDĐT", "Sở Giáo dục và Đào tạo tỉnh Gia Lai", "Ủy ban nhân dân tỉnh Gia Lai", "Gia Lai",
        dt.date(2026, 3, 16))
    assert (meta.signer, meta.signer_title) == ("Trần Thị Thu Hà", "Phó Giám đốc")
    assert [r.text for r in records.recipients] == [
        "UBND tỉnh (b/c)", "Giám đốc, các PGĐ Sở", "UBND các xã, phường", "Các cơ sở GDNN", "Lưu: VT, GDNN-GDTX"]


# Real layouts (openings and signatures of real documents of the real corpus).
LEGAL_DATABASE_CELLS = """|
**ỦY BAN NHÂN DÂN**
TỈNH ĐẮK LẮK
-------
|
**CỘNG HÒA XÃ HỘI
CHỦ NGHĨA VIỆT NAM**
Độc lập - Tự do - Hạnh phúc
---------------
|
|
Số: 0130/KH-UBND
|
*Đắk Lắk, ngày 21
tháng 11 năm 2025*
|


**KẾ HOẠCH**

KHẮC PHỤC MÔI TRƯỜNG VÀ PHÒNG, CHỐNG DỊCH BỆNH TRUYỀN NHIỄM
SAU LỤT BÃO TRÊN ĐỊA BÀN TỈNH ĐẮK LẮK

Do hậu quả mưa lớn kéo
dài, từ ngày 17 đến ngày 20 tháng 11 năm 2025 tỉnh Đắk Lắk đang phải hứng chịu
đợt mưa lớn lịch sử kéo dài nhiều ngày liên tục, tình hình hiện nay vẫn chưa có
dấu hiệu giảm sút.

**II. MỤC
ĐÍCH, YÊU CẦU**

- Chủ động triển khai các
biện pháp khắc phục hậu quả thiên tai, xử lý môi trường và phòng chống dịch bệnh,
không để bùng phát dịch sau lụt bão.

- Tăng cường phối hợp
liên ngành; kịp thời báo cáo, chia sẻ thông tin, xử lý dứt điểm các điểm nguy
cơ.

|
Nơi nhận:
- Như trên;
- Lưu: VT, KT.
|
**KT. CHỦ TỊCH **
PHÓ CHỦ TỊCH
**Trần Thị Diệu Thúy**
|
"""

WORD_TABLE_ROW = """ỦY BAN MTTQ VIỆT NAM XÃ LƯƠNG MINH BAN THƯỜNG TRỰC Số: 16/KH-MTTQ-BTT | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc Lương Minh, ngày 18 tháng 11 năm 2025

KẾ HOẠCH
Thực hiện công tác bầu cử đại biểu Quốc hội khóa XVI 
và bầu cử đại biểu Hội đồng nhân dân các cấp nhiệm kỳ 2026-2031

Căn cứ Luật Bầu cử đại biểu Quốc hội và đại biểu Hội đồng nhân dân số 85/2015/QH13, ngày 25/6/2015;
I. MỤC ĐÍCH, YÊU CẦU
1. Tổ chức thành công cuộc bầu cử trên địa bàn xã.
Nơi nhận: - BTT Ủy ban MTTQ Việt Nam tỉnh; - Lưu: MTTQ | TM. BAN THƯỜNG TRỰC CHỦ TỊCH Lan Thị Vân
"""

WORD_DRAFT_LETTER = """ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc
Số:             /UBND-NC | Lâm Đồng, ngày         tháng 4 năm 2026
V/v triển khai thực hiện Công văn số 3653/VPCP-CĐS của Văn phòng Chính phủ | 

                            Kính gửi: Sở Khoa học và Công nghệ.

Chủ tịch Ủy ban nhân dân tỉnh giao Sở Khoa học và Công nghệ chủ trì triển khai thực hiện theo thời gian quy định./.
Nơi nhận: - Như trên; - Lưu: VT, NC.Châu(04b) | TL. CHỦ TỊCH KT. CHÁNH VĂN PHÒNG PHÓ CHÁNH VĂN PHÒNG Trịnh Ngọc Duệ
"""

PDF_STACKED_DECISION = """ỦY BAN NHÂN DÂN
TỈNH LÀO CAI
Số:           /QĐ - UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
 Lào Cai, ngày       tháng 7 năm 2026
QUYẾT ĐỊNH CHẤP THUẬN CHỦ TRƯƠNG ĐẦU TƯ                                   
ĐỒNG THỜI CHẤP THUẬN NHÀ ĐẦU TƯ
(cấp lần đầu: ngày        tháng 7 năm 2026)
 ỦY BAN NHÂN DÂN TỈNH LÀO CAI
  Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16 
tháng 6 năm 2025; 
Căn cứ Luật Đầu tư số 143/2025/QH15 ngày 11 tháng 12 năm 2025;
Căn cứ Nghị định số 96/2026/NĐ-CP ngày 31 tháng 3 năm 2026 của Chính 
phủ quy định chi tiết và hướng dẫn thi hành một số điều của Luật Đầu tư;
Căn cứ Thông tư số 55/2026/TT-BTC ngày 15 tháng 5 năm 2026 của Bộ 
trưởng Bộ Tài chính quy định mẫu văn bản, báo cáo liên quan đến hoạt động đầu 
tư tại Việt Nam và xúc tiến đầu tư;
"""

PDF_TWO_COLUMN_LETTER = """UBND TỈNH LÀO CAI CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ CÔNG THƯƠNG Độc lập - Tự do - Hạnh phúc
Số:            /SCT - CN   Lào Cai, ngày         tháng 7 năm 2026
V/v hoàn thiện hồ sơ đề nghị 
cấp Giấy phép sử dụng vật 
liệu nổ công nghiệp tại mỏ 
đá vôi khu vực xã Văn Chấn
Kính gửi: Doanh nghiệp tư nhân Thành Hương Nghĩa Lộ
Ngày 14/7/2026, Sở Công Thương Lào Cai nhận được Giấy đề nghị số 
24/CV-TH ngày 09/7/2026 của Doanh nghiệp tư nhân (DNTN) Thành Hương 
Nghĩa Lộ kèm theo hồ sơ đề nghị cấp Giấy phép sử dụng vật liệu nổ công 
nghiệp (VLNCN) tại mỏ đá vôi khu vực xã Văn Chấn.
Đề nghị doanh nghiệp hoàn thiện hồ sơ theo quy định./.
- Như trên;
- Lưu: VT, BP1C, CN(Khôi).
KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC
             
             Hoàng Văn Thuân
"""

REAL_LAYOUT_CASES = [
    (LEGAL_DATABASE_CELLS, {
        "doc_type": "Kế hoạch", "number": "0130/KH-UBND", "issuer": "Ủy ban nhân dân tỉnh Đắk Lắk",
        "issuer_level": "tinh", "locality": "Đắk Lắk", "province": "Đắk Lắk", "province_at_issue": "Đắk Lắk",
        "issued_date": dt.date(2025, 11, 21),
        "title": "KHẮC PHỤC MÔI TRƯỜNG VÀ PHÒNG, CHỐNG DỊCH BỆNH TRUYỀN NHIỄM SAU LỤT BÃO TRÊN ĐỊA BÀN TỈNH ĐẮK LẮK",
        "signer": "Trần Thị Diệu Thúy", "signer_title": "Phó Chủ tịch"}),
    (WORD_TABLE_ROW, {
        "doc_type": "Kế hoạch", "number": "16/KH-MTTQ-BTT", "symbol": "KH-MTTQ-BTT",
        "issuer": "Ban thường trực Ủy ban mặt trận tổ quốc việt nam xã Lương Minh", "issuer_level": "xa",
        "locality": "Lương Minh", "province": "Quảng Ninh", "issued_date": dt.date(2025, 11, 18),
        "title": "Thực hiện công tác bầu cử đại biểu Quốc hội khóa XVI và bầu cử đại biểu Hội đồng nhân dân các cấp "
                 "nhiệm kỳ 2026-2031",
        "signer": "Lan Thị Vân", "signer_title": "Chủ tịch"}),
    (WORD_DRAFT_LETTER, {
        "doc_type": "Công văn", "number": None, "symbol": "UBND-NC", "issuer": "Ủy ban nhân dân tỉnh Lâm Đồng",
        "issued_date": None, "issued_date_text": "ngày         tháng 4 năm 2026",
        "title": "triển khai thực hiện Công văn số 3653/VPCP-CĐS của Văn phòng Chính phủ",
        "signer": "Trịnh Ngọc Duệ", "signer_title": "Phó Chánh văn phòng"}),
    (PDF_STACKED_DECISION, {
        "doc_type": "Quyết định", "number": None, "symbol": "QĐ-UBND", "issuer": "Ủy ban nhân dân tỉnh Lào Cai",
        "title": "CHẤP THUẬN CHỦ TRƯƠNG ĐẦU TƯ ĐỒNG THỜI CHẤP THUẬN NHÀ ĐẦU TƯ"}),
    (PDF_TWO_COLUMN_LETTER, {
        "doc_type": "Công văn", "symbol": "SCT-CN", "issuer": "Sở Công thương tỉnh Lào Cai", "issuer_level": "so",
        "parent_issuer": "Ủy ban nhân dân tỉnh Lào Cai", "province": "Lào Cai",
        "title": "hoàn thiện hồ sơ đề nghị cấp Giấy phép sử dụng vật liệu nổ công nghiệp tại mỏ đá vôi khu vực xã "
                 "Văn Chấn",
        "signer": "Hoàng Văn Thuân", "signer_title": "Phó Giám đốc"}),
]


@pytest.mark.parametrize("text, expected", REAL_LAYOUT_CASES,
                         ids=["legal-database", "word-row", "word-draft", "pdf-stacked", "pdf-two-columns"])
def test_real_header_layouts(text, expected):
    meta = process_text(text, "x.txt").document
    assert {k: getattr(meta, k) for k in expected} == expected
