"""Storage: one bad document fails alone; stored rows survive it."""

import duckdb

from pipeline import store
from pipeline.run import process_text
from tests.conftest import seed_path


def test_a_document_that_cannot_be_stored_fails_alone(tmp_path):
    con = store.connect(tmp_path / "plans.duckdb")
    good = process_text(seed_path("003").read_text(encoding="utf-8"), "good.txt")
    bad = process_text(seed_path("000").read_text(encoding="utf-8"), "bad.txt")
    # Two sections with one id break the sections primary key.
    bad.sections.append(bad.sections[0].model_copy())
    earlier = process_text(seed_path("000").read_text(encoding="utf-8").replace("2026", "2027"), "bad.txt")
    assert store.write_documents(con, [earlier]) == []

    failures = store.write_documents(con, [good, bad])

    assert [(records.document.source_name, isinstance(exc, duckdb.Error)) for records, exc in failures] == [
        ("bad.txt", True)]
    stored = con.execute("SELECT source_name, doc_id FROM documents ORDER BY source_name").fetchall()
    # the good document is in; the bad one's earlier version is untouched
    assert stored == [("bad.txt", earlier.document.doc_id), ("good.txt", good.document.doc_id)]
    assert con.execute("SELECT count(*) FROM sections WHERE doc_id = ?",
                       [earlier.document.doc_id]).fetchall() == [(len(earlier.sections),)]
