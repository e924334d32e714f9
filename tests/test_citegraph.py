"""The citation graph on a real db: the seeds through the real pipeline,
plus one ward plan that cites the Lai Châu plan (003) so that a chain
ward plan -> province plan 4290/KH-UBND -> 573/TTg-KGVX exists, and
misdates 132-KL/TW (which its own body dates right) and 36-CT/TW (which
other plans date right) so that date conflicts exist within and across
documents."""

from __future__ import annotations

import json

import pytest

from pipeline import citegraph, consensus, store
from pipeline.run import process_text

from conftest import RAW, seed_path

# A ward plan built from 000's header, citing the province plan of 003.
WARD_PREAMBLE = (
    "Thực hiện Kế hoạch số 4290/KH-UBND ngày 29/5/2026 của UBND tỉnh Lai Châu về triển khai Tháng hành động phòng, "
    "chống ma túy năm 2026; Kết luận số 132-KL/TW ngày 18/3/2024 của Bộ Chính trị; Chỉ thị số 36-CT/TW ngày 16/8/2018 "
    "của Bộ Chính trị, Ủy ban nhân dân phường xây dựng Kế hoạch triển khai thực hiện như sau:\n"
)


def ward_plan(preamble: str = WARD_PREAMBLE) -> str:
    lines = seed_path("000").read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("Thực hiện Công văn"))
    return "\n".join(lines[:start]) + "\n" + preamble + "\n".join(lines[start + 1:])


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = store.connect(tmp_path_factory.mktemp("graph") / "plans.duckdb")
    for path in sorted(RAW.glob("*.txt")):
        store.write_document(con, process_text(path.read_text(encoding="utf-8"), path.name))
    store.write_document(con, process_text(ward_plan(), "ward_plan.txt"))
    citegraph.refresh(con)
    yield con
    con.close()


def test_one_row_per_key(con):
    keys = con.execute("SELECT count(DISTINCT cited_key), count(*) FROM citations").fetchone()[0]
    rows, distinct = con.execute("SELECT count(*), count(DISTINCT cited_key) FROM cited_documents").fetchone()
    assert rows == distinct == keys


@pytest.mark.parametrize("key, doc_type, number, issued, issuer, n_citing", [
    ("573/TTg-KGVX:2026", "Công văn", "573/TTg-KGVX", "2026-05-25", "Thủ tướng Chính phủ", 3),
    ("36-CT/TW:2019", "Chỉ thị", "36-CT/TW", "2019-08-16", "Bộ Chính trị", 2),
    ("36-CT/TW:2018", "Chỉ thị", "36-CT/TW", "2018-08-16", "Bộ Chính trị", 1),
    ("03/CTrPH-BCA-BGDĐT:2024", "Chương trình phối hợp", "03/CTrPH-BCA-BGDĐT", "2024-01-22",
     "Bộ Công an và Bộ Giáo dục và Đào tạo", 2),
])
def test_best_known_description(con, key, doc_type, number, issued, issuer, n_citing):
    row = con.execute("""SELECT doc_type, number, CAST(issued_date AS VARCHAR), issuer, n_citing_docs
                         FROM cited_documents WHERE cited_key = ?""", [key]).fetchone()
    assert row == (doc_type, number, issued, issuer, n_citing)


def test_cited_document_in_the_corpus_gets_its_doc_id(con):
    doc_id, stored = con.execute("""SELECT c.doc_id, d.source_name FROM cited_documents c
                                    JOIN documents d USING (doc_id) WHERE c.number = '4290/KH-UBND'""").fetchone()
    assert stored == seed_path("003").name
    assert con.execute("SELECT count(*) FROM cited_documents WHERE doc_id IS NOT NULL").fetchone()[0] == 1


@pytest.mark.parametrize("kind, number, source", [
    ("malformed_date", "36-CT/TW", "003"),
    ("malformed_number", "01-CTTr/TU", "003"),
    ("malformed_number", "10-NQ/ĐU", "004"),
    ("date_conflict_in_plan", "132-KL/TW", "ward_plan.txt"),  # its own body dates it right
    ("date_conflict", "36-CT/TW", "ward_plan.txt"),
])
def test_findings(con, kind, number, source):
    rows = con.execute("""SELECT d.source_name, f.text, f.start_char, f.end_char, d.text FROM citation_findings f
                          JOIN documents d USING (doc_id) JOIN cited_documents c USING (cited_key)
                          WHERE f.kind = ? AND c.number = ?""", [kind, number]).fetchall()
    # evidence: the misdated mention only, not the ones that agree
    assert [r[0] for r in rows] == [seed_path(source).name if source[0].isdigit() else source]
    name, text, start, end, doc_text = rows[0]
    assert doc_text[start:end] == text  # the evidence span


# The findings are judged in pieces, one statement each, whose kinds no other piece gives.
@pytest.mark.parametrize("piece, kinds", [
    (0, [("malformed_date", 1), ("malformed_number", 3)]),  # first mentions, late ones, repairs
    (1, [("date_conflict", 1), ("date_conflict_in_plan", 1)]),
    (2, []),  # issuers as written, inside one plan
    (3, []),  # issuers across plans
])
def test_findings_piece_by_piece(con, piece, kinds):
    sql = consensus.findings(citegraph.SEVERITY, 0)[piece]
    assert con.execute(f"SELECT kind, count(*) FROM ({sql}) GROUP BY kind ORDER BY kind").fetchall() == kinds


def test_shares_of_a_few_mentions_give_the_same_tables(con, monkeypatch):
    tables = ("cited_documents", "citation_findings")
    whole = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    monkeypatch.setattr(citegraph, "REFRESH_ROWS", 5)
    assert citegraph.refresh(con) == (36, 6)
    assert con.execute("SELECT count(DISTINCT share) FROM _shares").fetchone()[0] == 14
    assert {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables} == whole


def test_refresh_is_repeatable(con):
    before = con.execute("SELECT count(*) FROM cited_documents").fetchone()[0], \
        con.execute("SELECT count(*) FROM citation_findings").fetchone()[0]
    assert citegraph.refresh(con) == before


def test_trace_573_lists_the_three_seed_plans_and_the_chain_below(con):
    result = citegraph.trace(con, "573/TTg-KGVX")
    [match] = result["matches"]
    assert match["cited"]["cited_key"] == "573/TTg-KGVX:2026"
    assert match["in_corpus"] is None
    citers = {e["document"]["source_name"]: e for e in match["cited_by"]}
    assert set(citers) == {seed_path(p).name for p in ("000", "002", "003")}
    # the Lai Châu plan is itself cited by the ward plan: the chain goes down
    below = citers[seed_path("003").name]["cited_by"]
    assert [e["document"]["source_name"] for e in below] == ["ward_plan.txt"]
    # what a citer cites besides
    assert "195/KH-UBND" in {c["number"] for c in citers[seed_path("000").name]["also_cites"]}


def test_trace_up_from_a_stored_document(con):
    [match] = citegraph.trace(con, "4290/KH-UBND")["matches"]
    assert match["in_corpus"]["source_name"] == seed_path("003").name
    assert "573/TTg-KGVX:2026" in {e["cited"]["cited_key"] for e in match["cites"]}


@pytest.mark.parametrize("query", ["573/TTg-KGVX", "573 /TTg-KGVX", "573/ttg-kgvx", "573/TTg-KGVX:2026"])
def test_trace_accepts_number_or_key(con, query):
    assert [m["cited"]["cited_key"] for m in citegraph.trace(con, query)["matches"]] == ["573/TTg-KGVX:2026"]


def test_trace_by_name(con):
    [match] = citegraph.trace(con, "Luật Phòng, chống ma túy")["matches"]
    assert {e["document"]["source_name"] for e in match["cited_by"]} == {seed_path(p).name for p in ("002", "004")}


def test_renderers(con):
    result = citegraph.trace(con, "132-KL/TW")
    text = citegraph.render_text(result)
    assert text.startswith("132-KL/TW:2025\n")
    # the number names two keys: the right year, and the ward plan's misdated one with its finding
    assert [m["cited"]["cited_key"] for m in result["matches"]] == ["132-KL/TW:2025", "132-KL/TW:2024"]
    assert "cited by 3 document(s)" in text and "! error date_conflict_in_plan" in text and "ward" not in text.split("\n")[0]
    assert json.loads(citegraph.render_json(result))["matches"][0]["cited"]["number"] == "132-KL/TW"
    assert "no cited document" in citegraph.render_text(citegraph.trace(con, "999/XX-YY"))


# Two Ninh Bình ward plans citing one joint plan of two provincial bodies, one
# leaving the province to the reader. Both bodies are keyed one by one at
# extraction; the graph must compare those keys, not re-key the joined
# `issuer` string (which would leave `công an tỉnh` without its province
# and see two issuers).
JOINT_NUMBER = "12/KHPH-CAT-SGDĐT"
JOINT_KEY = "công an tỉnh ninh bình và sở giáo dục và đào tạo"


def _joint_citation(issuer: str) -> str:
    return (f"Thực hiện Kế hoạch phối hợp số {JOINT_NUMBER} ngày 10/3/2026 của {issuer} về phòng, chống ma túy "
            "trong trường học, Ủy ban nhân dân phường xây dựng Kế hoạch triển khai thực hiện như sau:\n")


@pytest.fixture(scope="module")
def joint(tmp_path_factory):
    con = store.connect(tmp_path_factory.mktemp("joint") / "plans.duckdb")
    for name, issuer in (("short.txt", "Công an tỉnh và Sở Giáo dục và Đào tạo"),
                         ("full.txt", "Công an tỉnh Ninh Bình và Sở Giáo dục và Đào tạo")):
        store.write_document(con, process_text(ward_plan(_joint_citation(issuer)), name))
    citegraph.refresh(con)
    yield con
    con.close()


def test_joint_issuer_key_is_stored_at_extraction(joint):
    rows = joint.execute("SELECT issuer, issuer_key, cited_key FROM citations WHERE number = ? ORDER BY issuer",
                         [JOINT_NUMBER]).fetchall()
    assert rows == [
        ("Công an tỉnh Ninh Bình và Sở Giáo dục và Đào tạo", JOINT_KEY, f"{JOINT_NUMBER}:2026:{JOINT_KEY}"),
        ("Công an tỉnh và Sở Giáo dục và Đào tạo", JOINT_KEY, f"{JOINT_NUMBER}:2026:{JOINT_KEY}"),
    ]


def test_joint_issuer_keeps_its_key_in_the_graph(joint):
    [(n_citing,)] = joint.execute("SELECT n_citing_docs FROM cited_documents WHERE number = ?",
                                  [JOINT_NUMBER]).fetchall()
    assert n_citing == 2
    conflicts = joint.execute("SELECT message FROM citation_findings WHERE kind = 'issuer_conflict'").fetchall()
    assert conflicts == []


def test_rows_stored_before_issuer_key_existed_are_not_judged(tmp_path):
    """An old db's citations have no issuer_key until their documents are
    processed again; the graph still refreshes, judging the others."""
    con = store.connect(tmp_path / "plans.duckdb")
    for name, issuer in (("short.txt", "Công an tỉnh và Sở Giáo dục và Đào tạo"),
                         ("full.txt", "Công an tỉnh Ninh Bình và Sở Giáo dục và Đào tạo")):
        store.write_document(con, process_text(ward_plan(_joint_citation(issuer)), name))
    con.execute("UPDATE citations SET issuer_key = NULL WHERE issuer LIKE 'Công an tỉnh Ninh Bình%'")
    citegraph.refresh(con)
    assert con.execute("SELECT n_citing_docs FROM cited_documents WHERE number = ?", [JOINT_NUMBER]).fetchone() == (2,)
    assert con.execute("SELECT count(*) FROM citation_findings WHERE kind = 'issuer_conflict'").fetchone()[0] == 0
