"""`plans compare` over a db holding three real plans that cite 573/TTg-KGVX and one that does not."""

from pathlib import Path

import pytest

from pipeline import compare, store
from pipeline.run import process_text

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
SEEDS = ["000_62f78ab9b2ca411b.txt", "001_fe5e1bcee5aa1e50.txt", "002_0465d1eee385f037.txt",
         "003_25f2686c20bc1894.txt"]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = store.connect(tmp_path_factory.mktemp("db") / "plans.duckdb")
    for name in SEEDS:
        store.write_document(con, process_text((RAW / name).read_text(encoding="utf-8"), name))
    yield con
    con.close()


@pytest.fixture(scope="module")
def result(con):
    return compare.compare(con, cites="573/TTg-KGVX")


def label_of(result, place):
    return next(d for d, label in result.docs if place in label)


def test_the_three_plans_citing_the_directive(result):
    # Issuer's short form and number; a blank number shows its symbol.
    assert [label for _, label in result.docs] == ["Phường Vị Khê …/KH-UBND", "Hải Phòng …/KH-UBND",
                                                   "Lai Châu 4290/KH-UBND"]


@pytest.mark.parametrize("agency_type, counts", [
    ("cong_an", {"Vị Khê": 6, "Hải Phòng": 10, "Lai Châu": 2}),
    ("y_te", {"Vị Khê": 4, "Hải Phòng": 3}),
    ("quan_su", {"Vị Khê": 1}),
])
def test_task_counts(result, agency_type, counts):
    assert result.tasks[agency_type] == {label_of(result, p): n for p, n in counts.items()}


def test_what_only_one_plan_assigns(result):
    assert "quan_su" in result.only_types[label_of(result, "Vị Khê")]
    assert "hai_quan" in result.only_types[label_of(result, "Hải Phòng")]
    assert "cong_an" not in result.only_types[label_of(result, "Lai Châu")]


def test_doc_ids_add_to_the_citing_plans(con, result):
    commune = con.execute("SELECT doc_id FROM documents WHERE locality = 'Phong Quang'").fetchone()[0]
    both = compare.compare(con, cites="573/TTg-KGVX", doc_ids=[commune])
    assert len(both.docs) == 4
    assert both.tasks["an_ninh_co_so"] == {commune: 4}


def test_renderers(result):
    text = compare.render_text(result)
    assert text.splitlines()[1].split() == ["agency_type", "Phường", "Vị", "Khê", "…/KH-UBND", "Hải", "Phòng",
                                             "…/KH-UBND", "Lai", "Châu", "4290/KH-UBND"]
    # Themes by their Vietnamese labels, never their codes.
    assert "  y_te: 4 (Cai nghiện, quản lý sau cai; " in text and "cai_nghien" not in text
    csv_lines = compare.render_csv(result).splitlines()
    assert csv_lines[0].startswith("agency_type,label,Phường Vị Khê …/KH-UBND tasks,Hải Phòng …/KH-UBND tasks")
    assert any(line.startswith("cong_an,Công an,6,10,2,") for line in csv_lines)
    assert "Tuyên truyền, truyền thông" in compare.render_csv(result)
    html = compare.render_html(result)
    assert "<table class=\"heatmap\"" in html and "Hải Phòng" in html


def test_nothing_matches(con):
    assert compare.render_text(compare.compare(con, cites="999/XX")) == "no stored document matches"
