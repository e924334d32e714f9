"""`plans report` and `plans compare --html` over the real pipeline's db of
data/raw plus the hostile copy of the Lai Châu plan (tests/test_show.py),
opened in headless Chromium: one heatmap cell per agency type x plan, every
link resolves, each cell's tasks listed, markup from documents shown as text."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from browser import dump_dom, needs_chromium
from pipeline import compare, report, store
from pipeline.cli import main
from test_show import HOSTILE_NAME, IMG, _Elements, db  # noqa: F401  (db: the fixture)

SAMPLES = ["000_62f78ab9b2ca411b.txt", "002_0465d1eee385f037.txt", "003_25f2686c20bc1894.txt", HOSTILE_NAME]


@pytest.fixture(scope="module")
def site(db, tmp_path_factory):  # noqa: F811
    out = tmp_path_factory.mktemp("site")
    result = CliRunner().invoke(main, ["report", "--cites", "573/TTg-KGVX", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def comparison(db):  # noqa: F811
    with store.connect(db, read_only=True) as con:
        return compare.compare(con, cites="573/TTg-KGVX")


@cache
def _ids(page: Path) -> set[str]:
    return {a["id"] for _, a in _Elements(page.read_text(encoding="utf-8")).elements if "id" in a}


def test_the_site_holds_every_citing_plan(site, db):  # noqa: F811
    with store.connect(db, read_only=True) as con:
        doc_ids = {con.execute("SELECT doc_id FROM documents WHERE source_name = ?", [n]).fetchone()[0]
                   for n in SAMPLES}
    assert {p.name for p in (site / "docs").iterdir()} == {f"{d}.html" for d in doc_ids}
    assert sorted(p.name for p in site.iterdir()) == ["docs", "duties.html", "index.html"]


def test_nothing_to_report(db, tmp_path):  # noqa: F811
    result = CliRunner().invoke(main, ["report", "--cites", "999/XX", str(tmp_path / "out"), "--db", str(db)])
    assert result.exit_code == 1 and "no stored document cites '999/XX'" in result.output


@pytest.fixture(scope="module")
def theme_counts(db, comparison):  # noqa: F811
    with store.connect(db, read_only=True) as con:
        rows = con.execute("SELECT theme, doc_id, count(*) FROM (SELECT unnest(themes) AS theme, doc_id FROM duties "
                           "WHERE doc_id IN (SELECT unnest(?))) GROUP BY ALL", [[d for d, _ in comparison.docs]])
        return {(theme, doc_id): n for theme, doc_id, n in rows.fetchall()}


def _cells(dom: _Elements) -> dict[str, dict[tuple[str, str], int]]:
    """table id -> (row key, doc_id) -> the count the cell shows."""
    tables: dict[str, dict[tuple[str, str], int]] = {}
    table = key = None
    for tag, a in dom.elements:
        if tag == "table":
            table = a.get("id")
            tables[table] = {}
        elif tag == "tr":  # the row's key: data-type or data-theme
            key = next((v for k, v in a.items() if k in ("data-type", "data-theme")), None)
        elif tag == "td" and "cell" in a.get("class", ""):
            tables[table][(key, a["data-doc"])] = int(a["data-count"])
    return tables


@needs_chromium
def test_heatmaps_one_cell_per_row_and_plan(site, comparison, theme_counts):
    tables = _cells(_Elements(dump_dom(site / "index.html")))
    assert len(comparison.docs) == 4
    assert tables["heatmap-type"] == {(t, d): comparison.tasks[t].get(d, 0)
                                      for t in comparison.tasks for d, _ in comparison.docs}
    themes = {t for t, _ in theme_counts}
    assert tables["heatmap-theme"] == {(t, d): theme_counts.get((t, d), 0) for t in themes for d, _ in comparison.docs}


@pytest.mark.parametrize("agency_type, counts", [  # as in tests/test_compare.py; the hostile copy as Lai Châu
    ("cong_an", {"000_62f78ab9b2ca411b.txt": 6, "002_0465d1eee385f037.txt": 10, "003_25f2686c20bc1894.txt": 2,
                 HOSTILE_NAME: 2}),
    ("y_te", {"000_62f78ab9b2ca411b.txt": 4, "002_0465d1eee385f037.txt": 3}),
    ("quan_su", {"000_62f78ab9b2ca411b.txt": 1}),
])
def test_cell_counts(db, comparison, agency_type, counts):  # noqa: F811
    with store.connect(db, read_only=True) as con:
        name = dict(con.execute("SELECT doc_id, source_name FROM documents").fetchall())
    assert {name[d]: n for d, n in comparison.tasks[agency_type].items()} == counts


@needs_chromium
def test_each_cell_lists_the_tasks_it_counts(site, comparison, theme_counts):
    dom = _Elements(dump_dom(site / "duties.html"))
    listed: dict[tuple[str, str, str], int] = {}
    current = None
    for tag, a in dom.elements:
        if tag == "section":
            current = (a["data-kind"], a["data-key"], a["data-doc"])
            listed[current] = 0
        elif tag == "li" and a.get("class") == "duty":
            listed[current] += 1
    assert listed == {**{("type", t, d): n for t, per_doc in comparison.tasks.items() for d, n in per_doc.items()},
                      **{("theme", t, d): n for (t, d), n in theme_counts.items()}}


def _links(page: Path, dom: _Elements) -> list[tuple[Path, str]]:
    out = []
    for tag, a in dom.elements:
        href = a.get("href") if tag == "a" else None
        if href is None:
            continue
        assert "://" not in href, href  # the site stands alone
        target, _, fragment = href.partition("#")
        out.append(((page.parent / unquote(target)).resolve() if target else page, fragment))
    return out


@needs_chromium
def test_every_link_resolves(site):
    pages = [site / "index.html", site / "duties.html", *sorted((site / "docs").iterdir())]
    for page in pages:  # the report's own pages as Chromium renders them, the plans' pages as written
        links = _links(page, _Elements(dump_dom(page) if page.parent == site else page.read_text(encoding="utf-8")))
        assert links, page
        for target, fragment in links:
            assert target.is_file(), (page.name, target)
            if fragment:
                assert fragment in _ids(target), (page.name, target.name, fragment)


@needs_chromium
def test_labels_and_escaping(site):
    dom = _Elements(dump_dom(site / "index.html"))
    text = "".join(dom.text)
    assert "Quản lý nhà nước, kiểm soát tiền chất" in text and "kiem_soat_tien_chat" not in text
    assert "Công an" in text and "cong_an" not in text
    assert IMG in text  # the hostile file's name, as words
    tags = [t for t, _ in dom.elements]
    assert "img" not in tags and "script" not in tags  # the report runs no script at all


@needs_chromium
def test_compare_html(db, tmp_path, comparison):  # noqa: F811
    page = tmp_path / "compare.html"
    result = CliRunner().invoke(main, ["compare", "--cites", "573/TTg-KGVX", "--html", str(page), "--db", str(db)])
    assert result.exit_code == 0
    dom = _Elements(dump_dom(page))
    assert _cells(dom) == {"heatmap-type": {(t, d): comparison.tasks[t].get(d, 0)
                                            for t in comparison.tasks for d, _ in comparison.docs}}
    assert "Tuyên truyền, truyền thông" in "".join(dom.text)  # tuyen_truyen, by its label
