"""benchmarks/replicate_graph_db.py on the seeds: what the 10k and 100k
scale figures are measured on. Each copy brings its documents' passages
under its own ids, so the whole cross-document refresh (graph and passage
diff) can run on a replicated db."""

from __future__ import annotations

import pytest

import shutil

from benchmarks.citegraph_memory import measure
from benchmarks.replicate_graph_db import replicate
from pipeline import citegraph, diff, store
from pipeline.run import PIPELINE_VERSION, process_text

from conftest import RAW


@pytest.fixture(scope="module")
def dbs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("replicate")
    con = store.connect(tmp / "seeds.duckdb")
    for path in sorted(RAW.glob("*.txt")):
        store.write_document(con, process_text(path.read_text(encoding="utf-8"), path.name))
    con.close()
    counts = replicate(tmp / "seeds.duckdb", tmp / "x3.duckdb", 3)
    return tmp / "seeds.duckdb", tmp / "x3.duckdb", counts


def test_every_table_the_refresh_reads_is_copied(dbs):
    source, _, counts = dbs
    con = store.connect(source, read_only=True)
    expected = {t: 3 * con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("documents", "citations", "passages", "sources")}
    con.close()
    assert counts == expected


@pytest.mark.parametrize("column, under", [("passage_id", ":p"), ("section_id", "/")])
def test_a_copy_s_passages_are_under_its_own_documents(dbs, column, under):
    source, out, _ = dbs
    con = store.connect(out, read_only=True)
    con.execute(f"ATTACH '{source}' AS src (READ_ONLY)")
    outside, distinct, in_source = con.execute(
        f"""SELECT count(*) FILTER (WHERE NOT starts_with({column}, doc_id || '{under}')), count(DISTINCT {column}),
                   (SELECT count(DISTINCT {column}) FROM src.passages) FROM passages""").fetchone()
    con.close()
    assert (outside, distinct) == (0, 3 * in_source)


def test_the_copies_passages_are_the_source_s_texts(dbs):
    source, out, _ = dbs
    con = store.connect(out, read_only=True)
    con.execute(f"ATTACH '{source}' AS src (READ_ONLY)")
    # the seed 000's first passage, once in each of the three copies
    first = con.execute("""SELECT p.text FROM src.passages p JOIN src.documents d USING (doc_id)
                           WHERE d.source_name LIKE '000_%' ORDER BY p.start_char LIMIT 1""").fetchone()[0]
    assert con.execute("SELECT count(*) FROM passages WHERE text = ?", [first]).fetchone()[0] == 3 * con.execute(
        "SELECT count(*) FROM src.passages WHERE text = ?", [first]).fetchone()[0]
    con.close()


def test_the_memory_benchmark_runs_both_phases_of_the_refresh(dbs, tmp_path):
    """benchmarks/citegraph_memory.py (the scale section of BENCHMARKS.md):
    each phase runs in a child process on a copy, and writes what the
    refresh itself writes on the same db."""
    _, out, _ = dbs
    figures = measure(out, phases=("graph", "diff"))
    shutil.copy(out, tmp_path / "same.duckdb")
    con = store.connect(tmp_path / "same.duckdb")
    graph, passage_diff = citegraph.refresh(con), diff.refresh(con, PIPELINE_VERSION, full=True)
    con.close()
    assert figures["documents"] == 15
    assert (tuple(figures["graph"]["rows"]), figures["diff"]["rows"]) == (graph, passage_diff)
    assert figures["diff"]["rows"]["passage_groups"] > 0
