"""`plans compare --cites 57-NQ/TW` on the real corpus (benchmarks/real_corpus.py):
every plan citing the Politburo's resolution, named by issuer and number,
with themes of its own topic only (issue 16)."""

import pytest

from benchmarks.real_corpus import REAL_CORPUS as REAL
from core.vocab import load
from pipeline import compare, store
from pipeline.run import run

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason=f"{REAL} is absent (the real corpus sits beside the checkout)")

# The files whose text cites `57-NQ/TW` (grep), each by its issuer's short
# form and number as the header reads; a blank number shows its symbol.
CITING = [
    "Đồng Tháp 597/KH-UBND",           # r004
    "Nghệ An 987/KH-UBND",             # r007
    "Đồng Tháp 617/KH-UBND",           # r009
    "Bắc Ninh 144/KH-UBND",            # r017
    "Đồng Tháp 552/KH-UBND",           # r021
    "Hà Nội 310/KH-UBND",              # r025
    "Đồng Nai 179/KH-UBND",            # r029
    "Hồ Chí Minh 2820/QĐ-UBND",        # r032
    "Lâm Đồng …/BC-UBND",              # r042
    "BCĐ phát triển khoa học, Công nghệ, Đổi mới sáng … Lâm Đồng …/BC-BCĐ",  # r043: a long name cut
    "Lâm Đồng …/TB-UBND",              # r047
]


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    db = tmp_path_factory.mktemp("real") / "plans.duckdb"
    run([REAL], db)
    con = store.connect(db)
    yield compare.compare(con, cites="57-NQ/TW")
    con.close()


def test_every_citing_plan_by_issuer_and_number(result):
    assert [label for _, label in result.docs] == CITING


def test_themes_belong_to_the_topic(result):
    """Digital-transformation plans get general and digital themes, never
    the anti-drug `quan_ly_doi_tuong` the issue found on Đồng Tháp's agriculture tasks."""
    allowed = {t["name"] for t in load("themes")["theme"] if t["layer"] in ("general", "chuyen_doi_so")}
    found = {theme for per_doc in result.themes.values() for themes in per_doc.values() for theme in themes}
    assert found and found <= allowed
    dong_thap = next(d for d, label in result.docs if label == "Đồng Tháp 597/KH-UBND")
    assert "cds_du_lieu" in result.themes["nong_nghiep"][dong_thap]


def test_text_names_columns_and_themes_for_people(result):
    text = compare.render_text(result)
    assert text.splitlines()[1].startswith("agency_type   Đồng Tháp 597/KH-UBND  Nghệ An 987/KH-UBND")
    assert "Dữ liệu, cơ sở dữ liệu" in text and "cds_du_lieu" not in text
