"""The topic of a document (extractors/topics.py, core/vocab/topics.toml)."""

import duckdb
import pytest

from core.document import Document
from core.vocab import load
from extractors import topics
from pipeline.run import process_text, run
from schemas.records import DocumentMeta
from tests.conftest import seed_path

CODES = {t["code"] for t in load("topics")["topic"]}


def _title_only(title: str) -> topics.TopicResult:
    doc = Document(title)
    doc.meta = DocumentMeta(doc_id=doc.doc_id, source_name="<title>", text=title, title=title)
    return topics.classify(doc, [])


def test_codes_are_the_gold_codes():
    # The codes of the hand-made gold (tests/gold_real), and no other.
    assert CODES | {topics.OTHER} == {
        "ma_tuy", "chuyen_doi_so", "khoa_hoc_cong_nghe", "bau_cu", "thien_tai", "cai_cach_hanh_chinh", "giam_ngheo",
        "moi_truong", "y_te", "giao_duc", "dan_so", "lao_dong_viec_lam", "tai_chinh_ngan_sach", "tai_san_cong",
        "thi_dua", "cong_nghiep", "dau_tu", "to_chuc_bo_may", "an_ninh_trat_tu", "other"}


# Titles of real documents (the real corpus, data/blind2): what decides them.
TITLES = [
    # Two topics in the title: the one it names first is its head.
    ("Phát động phong trào thi đua thực hiện thành công cuộc bầu cử đại biểu Quốc hội khóa XVI", "thi_dua", "thi đua"),
    ("Kết quả triển khai thực hiện Tổ Công tác triển khai Đề án 06, cải cách thủ tục hành chính",
     "chuyen_doi_so", "Đề án 06"),
    # A weak shared word (`cơ sở dữ liệu`) loses to a strong one.
    ("khẩn trương hoàn thành cập nhật, đồng bộ cơ sở dữ liệu cán bộ, công chức, viên chức",
     "to_chuc_bo_may", "cán bộ, công chức"),
    # An agency's name is not a subject: r047 is about software, not science.
    ("Kết luận của đồng chí Nguyễn Ngọc Phúc - Phó Chủ tịch UBND tỉnh tại buổi làm việc với Sở Khoa học và "
     "Công nghệ về một số nhiệm vụ trọng tâm: Phần mềm chuyên ngành; dự án GIS; nhiệm vụ khoa học",
     "chuyen_doi_so", "Phần mềm"),
    # Nothing fits: tourism.
    ("Sơ kết 6 tháng đầu năm 2026 thực hiện Kế hoạch phát triển du lịch đặc khu Phú Quốc năm 2026", "other", None),
]


@pytest.mark.parametrize("title, code, evidence", TITLES)
def test_real_titles(title, code, evidence):
    result = _title_only(title)
    assert result.topic == code
    assert (title[result.evidence.start:result.evidence.end] if result.evidence else None) == evidence


@pytest.mark.parametrize("text, term_start, inside", [
    ("giao Sở Khoa học và Công nghệ chủ trì", "Khoa học", True),
    ("Sở Nông nghiệp và Môi trường phối hợp", "Môi trường", True),
    ("SỞ Y TẾ TỈNH LAI CHÂU", "Y TẾ", True),
    ("KẾ HOẠCH PHÒNG, CHỐNG MA TÚY NĂM 2026", "MA TÚY", False),
    ("Trung tâm Chuyển đổi số phối hợp", "Chuyển đổi số", True),
    ("phát triển khoa học và công nghệ của tỉnh", "khoa học", False),
])
def test_agency_names_are_not_subjects(text, term_start, inside):
    assert topics._in_agency_name(text, text.index(term_start)) is inside


# r038 (Lâm Đồng, 02/2026): the title names only a letter's number; the
# letter's subject, written in the body, is what the document is about.
R038 = """ỦY BAN NHÂN DÂN            CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH LÂM ĐỒNG                          Độc lập - Tự do - Hạnh phúc

Số:             /UBND-NC                       Lâm Đồng, ngày         tháng 02 năm 2026
V/v triển khai thực hiện
Công văn số 427/BCA-C04
của Bộ Công an

Kính gửi: Công an tỉnh

Ủy ban nhân dân tỉnh nhận được Công văn số 427/BCA-C04 ngày 02/02/2026 của Bộ Công an về việc Chương trình mục tiêu quốc gia phòng, chống ma túy đến năm 2030 (đính kèm Công văn số 427/BCA-C04).
Chủ tịch Ủy ban nhân dân tỉnh giao Công an tỉnh nghiên cứu, triển khai rà soát, đề xuất theo yêu cầu tại Công văn số 427/BCA-C04 ngày 02/02/2026 và gửi trực tiếp văn bản cho Bộ Công an theo thời gian quy định./.
"""


def test_the_subject_of_the_directive_a_title_names_decides():
    meta = process_text(R038, "r038").document
    assert (meta.topic, meta.topic_evidence) == ("ma_tuy", "ma túy")
    assert R038.index("phòng, chống ma túy đến năm 2030") + len("phòng, chống ") == meta.topic_start


def test_topic_is_stored_with_honest_offsets(tmp_path):
    db = tmp_path / "t.duckdb"
    run([seed_path("002")], db)
    con = duckdb.connect(str(db), read_only=True)
    row = con.execute("SELECT topic, topic_evidence, substr(text, topic_start + 1, topic_end - topic_start) "
                      "FROM documents").fetchone()
    assert row == ("ma_tuy", "ma túy", "ma túy")
