"""One key per cited document: a mention without its year joins the one
dated document of that number in the corpus, or stays apart saying why
(pipeline/citegraph.py `join_undated`), on a real db of plans built from
seed 000 with the preambles of real plans citing Politburo resolutions."""

from __future__ import annotations

import pytest

from pipeline import citegraph, store
from pipeline.run import process_text

from conftest import seed_path

# Real citations: 57-NQ/TW (2024, science and digital transformation) with and
# without its date (h05, r047), and the two Politburo resolutions numbered
# 20-NQ/TW, on health (2017) and on the collective economy (2022).
PREAMBLES = {
    "dated_57": "Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học, "
                "công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia;",
    "undated_57": "Căn cứ Nghị quyết số 57-NQ/TW của Bộ Chính trị về đột phá phát triển khoa học, công nghệ;",
    "health_20": "Thực hiện Nghị quyết số 20-NQ/TW ngày 25/10/2017 của Ban Chấp hành Trung ương về tăng cường công "
                 "tác bảo vệ, chăm sóc và nâng cao sức khỏe Nhân dân trong tình hình mới;",
    "economy_20": "Thực hiện Nghị quyết số 20-NQ/TW ngày 16/6/2022 của Ban Chấp hành Trung ương về tiếp tục đổi mới, "
                  "phát triển và nâng cao hiệu quả kinh tế tập thể trong giai đoạn mới;",
    "undated_20": "Căn cứ Nghị quyết số 20-NQ/TW của Ban Chấp hành Trung ương;",
}


def plan(preamble: str) -> str:
    lines = seed_path("000").read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("Thực hiện Công văn"))
    return "\n".join(lines[:start] + [preamble] + lines[start:])


def build(tmp_path, names: list[str]):
    con = store.connect(tmp_path / "plans.duckdb")
    for name in names:
        store.write_document(con, process_text(plan(PREAMBLES[name]), f"{name}.txt"))
    citegraph.refresh(con)
    return con


def keys_of(con, number: str) -> list[tuple[str, str]]:
    return con.execute("""SELECT DISTINCT written_key, cited_key FROM citations WHERE number = ?
                          ORDER BY ALL""", [number]).fetchall()


def test_undated_mention_joins_the_one_dated_document(tmp_path):
    con = build(tmp_path, ["dated_57", "undated_57"])
    assert keys_of(con, "57-NQ/TW") == [("57-NQ/TW:2024", "57-NQ/TW:2024"), ("57-NQ/TW:?", "57-NQ/TW:2024")]
    assert con.execute("SELECT cited_key, n_citing_docs FROM cited_documents WHERE number = '57-NQ/TW'").fetchall() \
        == [("57-NQ/TW:2024", 2)]
    finding = con.execute("""SELECT f.kind, f.message, f.text FROM citation_findings f JOIN documents d USING (doc_id)
                             WHERE f.kind LIKE 'undated%'""").fetchall()
    assert finding == [("undated_joined", "57-NQ/TW is cited without its year; joined to 57-NQ/TW:2024, the one "
                        "dated document with this number in the corpus", "Nghị quyết số 57-NQ/TW của Bộ Chính trị")]
    assert [m["cited"]["cited_key"] for m in citegraph.trace(con, "57-NQ/TW")["matches"]] == ["57-NQ/TW:2024"]


def test_undated_mention_stays_apart_when_the_corpus_holds_several(tmp_path):
    con = build(tmp_path, ["health_20", "economy_20", "undated_20"])
    assert ("20-NQ/TW:?", "20-NQ/TW:?") in keys_of(con, "20-NQ/TW")
    assert con.execute("SELECT kind, message FROM citation_findings WHERE kind LIKE 'undated%'").fetchall() == [
        ("undated_apart", "20-NQ/TW is cited without its year and the corpus holds 2 dated documents with this "
                          "number (20-NQ/TW:2017, 20-NQ/TW:2022); it keeps its own key")]


def test_a_later_document_splits_a_join(tmp_path):
    con = build(tmp_path, ["health_20", "undated_20"])
    assert ("20-NQ/TW:?", "20-NQ/TW:2017") in keys_of(con, "20-NQ/TW")
    store.write_document(con, process_text(plan(PREAMBLES["economy_20"]), "economy_20.txt"))
    citegraph.refresh(con)
    assert ("20-NQ/TW:?", "20-NQ/TW:?") in keys_of(con, "20-NQ/TW")


@pytest.mark.parametrize("names", [["dated_57", "undated_57"], ["health_20", "economy_20", "undated_20"]])
def test_refresh_is_repeatable(tmp_path, names):
    con = build(tmp_path, names)
    first = con.execute("SELECT * FROM citation_findings ORDER BY ALL").fetchall()
    citegraph.refresh(con)
    assert con.execute("SELECT * FROM citation_findings ORDER BY ALL").fetchall() == first
