"""`plans diff` end to end: passages stored by a real run, parent pairs and
sibling groups computed after it, the command's text and HTML, and the odd
inputs (a document citing itself, two citing each other, a parent without
passages, a child much longer than its parent) that must give a note, not
a crash."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from click.testing import CliRunner

from browser import dump_dom, needs_chromium
from pipeline import diff
from pipeline.cli import main
from pipeline.run import PIPELINE_VERSION, run
from tests.conftest import seed_path

# The ward plan 000 made to carry out the province plan 003 (Số 4290/KH-UBND,
# 29/5/2026) instead of Ninh Bình's 195/KH-UBND, which is not in the corpus.
CITED_195 = "Kế hoạch số 195/KH-UBND ngày 03/6/2026 của UBND tỉnh Ninh Bình"
CITED_4290 = "Kế hoạch số 4290/KH-UBND ngày 29/5/2026 của UBND tỉnh Lai Châu"


@pytest.fixture(scope="module")
def pair_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pair") / "plans"
    folder.mkdir()
    shutil.copy(seed_path("003"), folder / "province.txt")
    ward = seed_path("000").read_text(encoding="utf-8")
    assert CITED_195 in ward
    (folder / "ward.txt").write_text(ward.replace(CITED_195, CITED_4290), encoding="utf-8")
    db = folder.parent / "plans.duckdb"
    assert not run([folder], db).failed
    return db


def _ids(con) -> dict[str, str]:
    return dict(con.execute("SELECT source_name, doc_id FROM documents").fetchall())


def test_passages_keep_their_offsets(corpus_db):
    with duckdb.connect(str(corpus_db), read_only=True) as con:
        bad = con.execute("SELECT count(*) FROM passages p JOIN documents d USING (doc_id) "
                          "WHERE substr(d.text, p.start_char + 1, p.end_char - p.start_char) <> p.text").fetchone()
        kinds = dict(con.execute("SELECT kind, count(*) FROM passages GROUP BY kind").fetchall())
    assert bad == (0,)
    assert {"item", "bullet", "paragraph"} <= set(kinds)


@pytest.mark.parametrize("opening, kind, path, has_duty", [
    ("- Mở đợt tấn công, trấn áp tội phạm về ma túy trên địa bàn phường Vị Khê", "bullet", "II.2", False),
    ("- Quản lý chặt chẽ việc phân phối, sử dụng chất gây nghiện", "bullet", "III.3", True),
    ("1. Phát huy vai trò lãnh đạo của Đảng ủy", "item", "I.1", False),
    ("Tiếp tục quán triệt, triển khai quyết liệt, hiệu quả", "paragraph", "II.1", False),
])
def test_passage_rows_of_000(seed_records, opening, kind, path, has_duty):
    found = [p for p in seed_records["000"].passages if p.text.startswith(opening)]
    assert [(p.kind, p.path, p.duty_id is not None) for p in found] == [(kind, path, has_duty)]


def test_siblings_citing_573(corpus_db):
    with duckdb.connect(str(corpus_db), read_only=True) as con:
        rows = con.execute(
            "SELECT DISTINCT g.group_id, g.spread, g.plans_citing FROM passage_groups g JOIN passages p "
            "USING (passage_id) WHERE g.cited_key = '573/TTg-KGVX:2026' AND p.text LIKE ?",
            ["%Triển khai quyết liệt, đồng bộ các giải pháp phòng, chống ma túy theo phương châm%"]).fetchall()
        unique = con.execute("SELECT count(*) FROM passage_groups g JOIN passages p USING (passage_id) "
                             "WHERE g.cited_key = '573/TTg-KGVX:2026' AND g.spread = 'one' "
                             "AND p.text LIKE '- Phân công bác sỹ tư vấn tâm lý%'").fetchone()
    assert [(spread, citing) for _, spread, citing in rows] == [("some", 3)]  # 000 and 003; 002 rewrote it
    assert unique == (1,)


def test_parent_pair_after_a_run(pair_db):
    with duckdb.connect(str(pair_db), read_only=True) as con:
        ids = _ids(con)
        summary = con.execute("SELECT child_doc, parent_doc, child_passages, parent_passages, lag_days, note "
                              "FROM diff_summary").fetchall()
        labels = dict(con.execute("SELECT label, count(*) FROM passage_links GROUP BY label").fetchall())
    assert summary == [(ids["ward.txt"], ids["province.txt"], 46, 27, None, None)]
    assert sum(labels.values()) - labels["dropped"] == 46 and labels["copied"] >= 5


def test_diff_command_text_and_html(pair_db, tmp_path):
    page = tmp_path / "diff.html"
    out = CliRunner().invoke(main, ["diff", "ward.txt", "--db", str(pair_db), "--html", str(page)])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0].startswith("ward.txt against 4290/KH-UBND: copied ")
    assert "[copied] 2. Triển khai quyết liệt, đồng bộ các giải pháp" in out.output
    assert "dropped from the parent:" in lines
    html = page.read_text(encoding="utf-8")
    assert "<ins>" in html and "<del>" in html


def test_diff_command_names_a_missing_parent(corpus_db):
    out = CliRunner().invoke(main, ["diff", "000_62f78ab9b2ca411b.txt", "--db", str(corpus_db)])
    assert out.exit_code == 1
    assert "cites no document stored in the db; name a PARENT" in out.output


@needs_chromium
def test_diff_page_in_chromium(pair_db, tmp_path):
    page = tmp_path / "diff.html"
    CliRunner().invoke(main, ["diff", "ward.txt", "province.txt", "--db", str(pair_db), "--html", str(page)])
    dom = dump_dom(page)
    assert "ward.txt against 4290/KH-UBND" in dom
    assert dom.count('<tr class="adapted">') >= 5 and "<del>" in dom


def _copy(db, tmp_path):
    target = tmp_path / "odd.duckdb"
    shutil.copy(db, target)
    return duckdb.connect(str(target))


def test_a_document_citing_itself_gets_a_note(pair_db, tmp_path):
    with _copy(pair_db, tmp_path) as con:
        ids = _ids(con)
        key = con.execute("SELECT cited_key FROM cited_documents WHERE doc_id = ?", [ids["province.txt"]]).fetchone()[0]
        con.execute("INSERT INTO citations (doc_id, cited_key, text, start_char, end_char) VALUES (?, ?, '', 0, 0)",
                    [ids["province.txt"], key])
        diff.refresh(con, PIPELINE_VERSION, full=True)  # rows edited behind the store: rebuild
        notes = con.execute("SELECT child_doc = parent_doc, note FROM diff_summary WHERE note IS NOT NULL").fetchall()
    assert notes == [(True, "cites itself; not compared")]


def test_two_documents_citing_each_other_get_a_note(pair_db, tmp_path):
    with _copy(pair_db, tmp_path) as con:
        ids = _ids(con)
        con.execute("INSERT INTO cited_documents (cited_key, doc_id) VALUES ('ward-plan', ?)", [ids["ward.txt"]])
        con.execute("INSERT INTO citations (doc_id, cited_key, text, start_char, end_char) "
                    "VALUES (?, 'ward-plan', '', 0, 0)", [ids["province.txt"]])
        diff.refresh(con, PIPELINE_VERSION, full=True)  # rows edited behind the store: rebuild
        rows = con.execute("SELECT note FROM diff_summary ORDER BY child_doc").fetchall()
    assert rows == [("the two cite each other and their order is unknown; compared both ways",)] * 2


def test_a_parent_without_passages_gets_a_note(pair_db, tmp_path):
    with _copy(pair_db, tmp_path) as con:
        con.execute("DELETE FROM passages WHERE doc_id = ?", [_ids(con)["province.txt"]])
        diff.refresh(con, PIPELINE_VERSION, full=True)  # rows edited behind the store: rebuild
        row = con.execute("SELECT new, dropped, note FROM diff_summary").fetchone()
    assert row == (1.0, 0.0, "the parent has no passages: every passage of the child is new")


def test_a_child_much_longer_than_its_parent_gets_a_note(pair_db, tmp_path):
    with _copy(pair_db, tmp_path) as con:
        parent = _ids(con)["province.txt"]
        con.execute("DELETE FROM passages WHERE doc_id = ? AND passage_id NOT IN "
                    "(SELECT passage_id FROM passages WHERE doc_id = ? ORDER BY start_char LIMIT 5)", [parent, parent])
        diff.refresh(con, PIPELINE_VERSION, full=True)  # rows edited behind the store: rebuild
        note = con.execute("SELECT note FROM diff_summary").fetchone()[0]
    assert note == "the child has 46 passages, its parent 5: most of the child is its own"


def test_compare_passage_view(corpus_db, tmp_path):
    out = CliRunner().invoke(main, ["compare", "--cites", "573/TTg-KGVX", "--passages", "--db", str(corpus_db),
                                    "--csv", str(tmp_path / "c.csv"), "--html", str(tmp_path / "c.html")])
    assert out.exit_code == 0, out.output
    assert "passages per plan: shared by all / partly shared / unique" in out.output
    assert "  Lai Châu 4290/KH-UBND: shared " in out.output
    rows = (tmp_path / "c.passages.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "group_id,spread,values_differ,doc_id,plan,start_char,end_char,text"
    assert any(',"\'- Phân công bác sỹ tư vấn tâm lý' in r for r in rows)  # a bullet's dash is not a formula
    assert (tmp_path / "c.passages.html").exists()


@needs_chromium
def test_passage_view_page_in_chromium(corpus_db, tmp_path):
    CliRunner().invoke(main, ["compare", "--cites", "573/TTg-KGVX", "--passages", "--db", str(corpus_db),
                              "--html", str(tmp_path / "c.html")])
    dom = dump_dom(tmp_path / "c.passages.html")
    assert "Passages the plans share" in dom and "Vị Khê" in dom and 'id="groups"' in dom


def test_links_carry_the_contract_names(corpus_db):
    """Each link also as (doc_id, passage_id) -> (other_doc_id, other_passage_id), similarity 0..1:
    000 (Vị Khê) against 003 (Lai Châu), its sibling citing 573/TTg-KGVX."""
    from pipeline.diff import diff_pair
    from pipeline.lookup import resolve

    with duckdb.connect(str(corpus_db), read_only=True) as con:
        child, parent = resolve(con, "000_62f78ab9b2ca411b.txt"), resolve(con, "003_25f2686c20bc1894.txt")
        links, _ = diff_pair(con, child, parent)
    assert {link.label for link in links} == {"copied", "adapted", "new", "dropped"}
    for link in links:
        assert (link.doc_id, link.passage_id, link.other_passage_id) == (child, link.child_passage, link.parent_passage)
        assert link.other_doc_id == (parent if link.parent_passage else None)
        assert link.similarity is None or 0 <= link.similarity <= 1
