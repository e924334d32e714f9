"""Issue 19: variants of one number are one cited document, conflicts inside
one plan are findings with both spans, each finding once with a severity.
Sentences are from real plans of the real corpus (named per case)."""

from __future__ import annotations

import pytest

from extractors.citekeys import canonical_number
from pipeline import citegraph, store
from pipeline.run import process_text

from test_citegraph import ward_plan


@pytest.mark.parametrize("written, canonical", [
    ("27/CT-TTG", "27/CT-TTg"),  # r012, the capitals title
    ("27/CTTg", "27/CT-TTg"),  # r012, footnote [2]: hyphen dropped, the T shared
    ("06/QĐ-TTG", "06/QĐ-TTg"),  # r032, the capitals title
    ("01- CTTr/TU", "01-CTTr/TU"),  # data/raw 003
    ("71/NQ -CP", "71/NQ-CP"),  # r025
    ("75/KH- UBND", "75/KH-UBND"),  # r012
    ("163/2024/QH15", "163/2024/QH15"),
    ("573/TTg-KGVX", "573/TTg-KGVX"),
    ("4255/QĐ-BNN-KHCN", "4255/QĐ-BNN-KHCN"),  # r018: a code the vocabularies do not know stays as written
    ("1234/TTCP", "1234/TTCP"),  # Thanh tra Chính phủ, not a type code run into `CP`
])
def test_canonical_number(written, canonical):
    assert canonical_number(written) == canonical


R012_MENTIONS = [
    # (sentence of r012, key, anomalies)
    ("KẾ HOẠCH THỰC HIỆN CHỈ THỊ SỐ 27/CT-TTG NGÀY 15 THÁNG 8 NĂM 2024 CỦA THỦ TƯỚNG CHÍNH PHỦ", "27/CT-TTg:2024", []),
    ("Thực hiện Chỉ thị số 27/CT-TTg ngày 15 tháng 8 năm 2024 của Thủ tướng Chính phủ về việc tăng cường "
     "thực hiện công tác dân số trong tình hình mới.", "27/CT-TTg:2024", []),
    ("[2] Chỉ thị số 27/CTTg ngày 15/7/2024 của Thủ tướng Chính phủ về tăng cường thực hiện công tác dân số.",
     "27/CT-TTg:2024", ["number_variant"]),
]


@pytest.mark.parametrize("sentence, key, anomalies", R012_MENTIONS)
def test_variants_resolve_to_one_key(sentence, key, anomalies):
    citations = process_text(ward_plan(sentence + "\n"), "plan.txt").citations
    found = [(c.cited_key, c.anomalies) for c in citations if c.number and c.number.startswith("27/")]
    assert found == [(key, anomalies)]


# r042 and r031: two directives of the Prime Minister numbered 23/CT-TTg.
TWO_DIRECTIVES = ("Thực hiện Chỉ thị số 23/CT-TTg ngày 02/9/2021 của Thủ tướng Chính phủ về đẩy mạnh thực hiện "
                  "Chương trình tổng thể cải cách hành chính; Chỉ thị số 23/CT-TTg ngày 26/8/2025 của Thủ tướng "
                  "Chính phủ về việc phát huy kết quả, Ủy ban nhân dân phường xây dựng Kế hoạch như sau:\n")


def test_same_number_other_year_is_another_document():
    keys = [c.cited_key for c in process_text(ward_plan(TWO_DIRECTIVES), "plan.txt").citations
            if c.number == "23/CT-TTg"]
    assert keys == ["23/CT-TTg:2021", "23/CT-TTg:2025"]


# r012's preamble and footnote in one plan: the one real error of that plan.
IN_PLAN = ("Thực hiện Chỉ thị số 27/CT-TTg ngày 15 tháng 8 năm 2024 của Thủ tướng Chính phủ về việc tăng cường "
           "thực hiện công tác dân số trong tình hình mới; Chỉ thị số 27/CTTg ngày 15/7/2024 của Thủ tướng Chính "
           "phủ về tăng cường thực hiện công tác dân số, Ủy ban nhân dân phường xây dựng Kế hoạch như sau:\n")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    con = store.connect(tmp_path_factory.mktemp("findings") / "plans.duckdb")
    store.write_document(con, process_text(ward_plan(IN_PLAN), "in_plan.txt"))
    store.write_document(con, process_text(ward_plan(TWO_DIRECTIVES), "two_directives.txt"))
    citegraph.refresh(con)
    yield con
    con.close()


def test_conflict_inside_one_plan_has_both_spans(db):
    rows = db.execute("""SELECT f.kind, f.severity, f.message, f.start_char, f.end_char, f.other_start_char,
                                f.other_end_char, d.text
                         FROM citation_findings f JOIN documents d USING (doc_id)
                         WHERE f.severity = 'error'""").fetchall()
    assert len(rows) == 1
    kind, severity, message, start, end, other_start, other_end, text = rows[0]
    assert (kind, message) == ("date_conflict_in_plan",
                               "27/CT-TTg: 2024-07-15 here, 2024-08-15 elsewhere in this document")
    assert text[start:end] == "Chỉ thị số 27/CTTg ngày 15/7/2024 của Thủ tướng Chính phủ"
    assert text[other_start:other_end] == "Chỉ thị số 27/CT-TTg ngày 15 tháng 8 năm 2024 của Thủ tướng Chính phủ"


@pytest.mark.parametrize("kind, severity", [
    ("date_conflict_in_plan", "error"),
    ("malformed_number", "warning"),
])
def test_severity(db, kind, severity):
    assert db.execute("SELECT DISTINCT severity FROM citation_findings WHERE kind = ?", [kind]).fetchall() == \
        [(severity,)]


def test_each_finding_once(db):
    total, distinct = db.execute("""SELECT count(*), count(DISTINCT (doc_id, cited_key, kind, start_char))
                                    FROM citation_findings""").fetchone()
    assert total == distinct


def test_distinct_documents_sharing_a_number_are_no_conflict(db):
    assert db.execute("""SELECT count(*) FROM citation_findings
                         WHERE cited_key LIKE '23/CT-TTg%' AND severity <> 'info'""").fetchone()[0] == 0


@pytest.mark.parametrize("min_severity, kinds", [
    ("error", ["date_conflict_in_plan"]),
    ("warning", ["date_conflict_in_plan", "malformed_number"]),
])
def test_trace_min_severity(db, min_severity, kinds):
    result = citegraph.trace(db, "27/CT-TTg", min_severity)
    assert sorted(f["kind"] for m in result["matches"] for f in m["conflicts"]) == kinds


# r012's footnote [1]: the second mention leaves the province to the reader.
ONE_ISSUER = ("Thực hiện Chương trình số 27-CTr/TU ngày 12/3/2018 của Ban Chấp hành Đảng bộ tỉnh Sóc Trăng; Kế hoạch "
              "số 75/KH- UBND ngày 09/7/2018 của UBND tỉnh Sóc Trăng về việc thực hiện Nghị quyết số 137/NQ-CP ngày "
              "31/12/2017 của Chính phủ và Chương trình số 27-CTr/TU ngày 12/3/2018 của Ban Chấp hành Đảng bộ tỉnh "
              "thực hiện Nghị quyết số 21-NQ/TW, Ủy ban nhân dân phường xây dựng Kế hoạch như sau:\n")


def test_one_body_written_more_or_less_fully_is_no_issuer_conflict(tmp_path):
    with store.connect(tmp_path / "plans.duckdb") as con:
        store.write_document(con, process_text(ward_plan(ONE_ISSUER), "one_issuer.txt"))
        citegraph.refresh(con)
        kinds = con.execute("SELECT kind, severity FROM citation_findings WHERE severity <> 'info' "
                            "ORDER BY kind").fetchall()
    assert kinds == [("malformed_number", "warning")]  # `75/KH- UBND`
