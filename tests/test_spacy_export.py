"""`plans export --format spacy`: the sample corpus as spaCy Docs, written and read back."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pipeline import spacy_export, store
from pipeline.cli import main


@pytest.fixture(scope="module")
def exported(corpus_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("spacy")
    result = CliRunner().invoke(main, ["export", "--format", "spacy", str(out), "--db", str(corpus_db)])
    assert result.exit_code == 0, result.output
    return out / spacy_export.FILE_NAME, result.output


@pytest.fixture(scope="module")
def docs(exported):
    return {d.user_data["document"]["source_name"][:3]: d for d in spacy_export.load(exported[0])}


@pytest.fixture(scope="module")
def con(corpus_db):
    with store.connect(corpus_db, read_only=True) as con:
        yield con


def _listed(value):
    return [_listed(v) for v in value] if isinstance(value, (list, tuple)) else value


def test_every_document_and_record_round_trips(con, docs, exported):
    assert sorted(docs) == ["000", "001", "002", "003", "004"]
    total = 0
    for doc in docs.values():
        doc_id = doc.user_data["document"]["doc_id"]
        assert doc.text == con.execute("SELECT text FROM documents WHERE doc_id = ?", [doc_id]).fetchone()[0]
        assert list(doc.user_data["misses"]) == []
        for kind, (table, end_column) in spacy_export.KINDS.items():
            rows = con.execute(f"SELECT start_char, {end_column} FROM {table} WHERE doc_id = ? ORDER BY start_char",
                               [doc_id]).fetchall()
            spans = doc.spans[kind]
            assert len(spans) == len(rows), (doc_id, kind)
            for span, (start, end) in zip(spans, rows):
                record = span._.record
                assert (record["start_char"], record[end_column]) == (start, end)
                # the fewest tokens that cover the record's own offsets
                assert span.start_char <= start < span[0].idx + len(span[0]) + 1
                assert span[-1].idx <= end <= span.end_char
            total += len(spans)
    assert f"5 documents, {total} spans (0 records no token covers)" in exported[1]


# (sample, kind, index in its group, the span's words, a field, its value)
@pytest.mark.parametrize("sample, kind, index, words, name, value", [
    ("003", "citation", 0, "Công văn số 573/TTg-KGVX, ngày 25/5/2026 của Thủ tướng Chính phủ", "issued_date", "2026-05-25"),
    ("000", "duty", 2, None, "agency", "Công an phường Vị Khê"),
    ("000", "partner", 1, "Tòa án", "agency", "Tòa án nhân dân khu vực 9"),
    ("001", "issue", 0, None, "kind", "skipped_label"),
    ("003", "citation_finding", 0, "Chỉ thị số 36-CT/TW, ngày 16/8./2019 của Bộ Chính trị", "kind", "malformed_date"),
    ("001", "section", 0, "I. MỤC ĐÍCH, YÊU CẦU", "kind", "muc_dich_yeu_cau"),
])
def test_span_fields(docs, sample, kind, index, words, name, value):
    span = docs[sample].spans[kind][index]
    assert span.label_ == kind and span.id_ == f"{kind}:{index}"
    if words is not None:
        assert span.text == words
    assert _listed(span._.record[name]) == value


def test_a_duty_keeps_its_themes_list(docs):
    record = docs["000"].spans["duty"][0]._.record
    assert _listed(record["themes"]) == ["tuyen_truyen", "bao_cao_kiem_tra", "tan_cong_tran_ap", "quan_ly_doi_tuong"]
    assert record["role"] == "thuong_truc"
