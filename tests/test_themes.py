"""Themes of a duty from its own words, the topic layer chosen by the
document's topic, each with its evidence span (real sentences of the real corpus, benchmarks/real_corpus.py)."""

import pytest

from core.document import Document
from extractors.themes import tag
from schemas.records import Duty

R004_AGRICULTURE = ("Phối hợp chia sẻ dữ liệu đất đai, bản đồ địa chính, không gian xây dựng ngầm để tích hợp với "
                    "cơ sở dữ liệu hoạt động xây dựng và kết cấu hạ tầng giao thông.")
R019_POLICE = ("Bảo đảm an ninh, trật tự tại các điểm tập kết, cấp phát; điều tiết giao thông trên tuyến vận chuyển "
               "hàng cứu trợ, không để ùn tắc, chen lấn.")
R019_TELECOMS = ("Đảm bảo thông tin liên lạc ổn định; bố trí nguồn điện dự phòng cho các trạm phát sóng; hỗ trợ dịch "
                 "vụ phục vụ cứu trợ; nhắn tin miễn phí theo chỉ đạo của UBND tỉnh khi cần thiết.")
R013_POLICE = ("Chủ trì, phối hợp với các đơn vị liên quan tổ chức tập huấn nâng cao nâng lực hoạt động nghiệp vụ "
               "phòng, chống ma túy cho các lực lượng chuyên trách, thực hiện nhiệm vụ phòng, chống ma túy.")

# (sentence, the document's topic, [(theme, layer, evidence)])
CASES = [
    # A digital plan's data task; in an anti-drug plan the same words name no anti-drug work.
    (R004_AGRICULTURE, "chuyen_doi_so", [("cds_du_lieu", "chuyen_doi_so", "dữ liệu")]),
    (R004_AGRICULTURE, "ma_tuy", []),
    # One sentence, two topics: relief in a flood plan, order at the polls in an election plan.
    (R019_POLICE, "thien_tai", [("tt_cuu_tro", "moi_truong_thien_tai", "cấp phát")]),
    (R019_POLICE, "bau_cu", [("bc_an_ninh", "bau_cu", "an ninh, trật tự")]),
    # `theo chỉ đạo của` is another's direction, not a task of leadership.
    (R019_TELECOMS, "thien_tai", [("tt_cuu_tro", "moi_truong_thien_tai", "cứu trợ")]),
    (R019_TELECOMS, "chuyen_doi_so", [("cds_ha_tang", "chuyen_doi_so", "trạm phát sóng")]),
    # `Chủ trì, phối hợp với` is the role, not coordination; no topic: general themes only.
    (R013_POLICE, None, [("dao_tao_tap_huan", "general", "tập huấn")]),
]


@pytest.mark.parametrize("sentence, topic, expected", CASES)
def test_themes_with_evidence(sentence, topic, expected):
    doc = Document("III. TỔ CHỨC THỰC HIỆN\n\n1. Công an tỉnh\n\n" + sentence + "\n", "x.txt")
    at = doc.text.index(sentence)
    duty = Duty(doc_id=doc.doc_id, duty_id="d/1", agency="Công an tỉnh", agency_type="cong_an", role="thuc_hien",
                text=sentence, start_char=at, end_char=at + len(sentence))
    rows = tag(doc, [duty], topic)
    assert [(r.theme, r.layer, r.text) for r in rows] == expected
    assert all(doc.text[r.start_char:r.end_char] == r.text and r.duty_id == "d/1" for r in rows)
    assert duty.themes == [theme for theme, _, _ in expected]
