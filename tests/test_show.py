"""`plans show`: the auditor's page over a db written by the real `run` from
data/raw plus a copy of the Lai Châu plan with markup written into its title,
a heading, a citation and its file name; pages checked in headless Chromium."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from browser import dump_dom, needs_chromium
from conftest import RAW, seed_path
from pipeline import show, store
from pipeline.lookup import DocumentNotFound, resolve
from pipeline.cli import main
from pipeline.run import run

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HOSTILE_NAME = f"{IMG}.txt"
# (what the real plan says, what the hostile copy says instead)
INJECTIONS = [
    ("Triển khai Tháng hành động phòng, chống ma túy (tháng 6), Ngày Quốc tế",
     f"Triển khai {SCRIPT} Tháng hành động phòng, chống ma túy (tháng 6), {IMG} Ngày Quốc tế"),
    ("1.1. Tăng cường sự lãnh đạo, chỉ đạo", f"1.1. Tăng cường {SCRIPT} sự lãnh đạo, chỉ đạo"),
    ("của Thủ tướng Chính phủ về việc triển khai Tháng", f"của Thủ tướng Chính phủ về việc {IMG} triển khai Tháng"),
]
# Tables whose rows the page marks, by the kind of mark (findings: two tables).
TABLES = {"section": ["sections"], "citation": ["citations"], "agency": ["agencies"], "duty": ["duties"],
          "date": ["dates"], "target": ["targets"], "finding": ["document_issues", "citation_findings"]}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    text = seed_path("003").read_text(encoding="utf-8")
    for real, hostile in INJECTIONS:
        assert real in text
        text = text.replace(real, hostile, 1)
    (folder / HOSTILE_NAME).write_text(text, encoding="utf-8")
    path = tmp_path_factory.mktemp("db") / "plans.duckdb"
    assert not run([RAW, folder], path).failed
    return path


@pytest.fixture(scope="module")
def con(db):
    with store.connect(db, read_only=True) as con:
        yield con


def test_the_hostile_strings_went_through_the_pipeline(con):
    hostile = resolve(con, HOSTILE_NAME)
    assert con.execute("SELECT title FROM documents WHERE doc_id = ?", [hostile]).fetchone()[0].startswith(
        f"Triển khai {SCRIPT} Tháng")
    assert con.execute("SELECT heading FROM sections WHERE doc_id = ? AND path = 'II.1.1'",
                       [hostile]).fetchone()[0].startswith(f"Tăng cường {SCRIPT}")
    # the title of what a citation is about, its opening quote trimmed
    assert con.execute("SELECT title FROM citations WHERE doc_id = ? AND number = '573/TTg-KGVX'",
                       [hostile]).fetchone()[0].startswith(IMG[1:])


@pytest.mark.parametrize("query, source_name", [
    ("000_62f78ab9b2ca411b.txt", "000_62f78ab9b2ca411b.txt"),
    ("raw/002_0465d1eee385f037.txt", "002_0465d1eee385f037.txt"),
    ("959a5c84fa22c1a6", "003_25f2686c20bc1894.txt"),
    (HOSTILE_NAME, HOSTILE_NAME),
])
def test_resolve(con, query, source_name):
    doc_id = resolve(con, query)
    assert con.execute("SELECT source_name FROM documents WHERE doc_id = ?", [doc_id]).fetchone()[0] == source_name


@pytest.mark.parametrize("query, says, lists", [
    # the hostile copy keeps the plan's number: two documents
    ("4290/KH-UBND", "'4290/KH-UBND' names 2 stored documents", ["003_25f2686c20bc1894.txt", HOSTILE_NAME]),
    ("4290 / kh-ubnd", "'4290 / kh-ubnd' names 2 stored documents", ["003_25f2686c20bc1894.txt", HOSTILE_NAME]),
    ("Phong Quang", "no stored document is 'Phong Quang'; 1 contain it", ["001_fe5e1bcee5aa1e50.txt"]),
    ("597/KH-UBND", "no stored document is '597/KH-UBND'; the 6 stored documents",
     [p.name for p in sorted(RAW.glob("*.txt"))] + [HOSTILE_NAME]),
])
def test_resolve_refuses_naming_the_candidates(con, query, says, lists):
    with pytest.raises(DocumentNotFound) as caught:
        resolve(con, query)
    message = str(caught.value)
    assert message.startswith(says)
    assert sorted(line.split("  ")[2] for line in message.splitlines()[1:]) == sorted(lists)


def _db_counts(con, doc_id: str) -> dict[str, int]:
    return {kind: sum(con.execute(f"SELECT count(*) FROM {t} WHERE doc_id = ?", [doc_id]).fetchone()[0]
                      for t in tables) for kind, tables in TABLES.items()}


# Findings an auditor is shown at the top of each sample plan's page.
@pytest.mark.parametrize("name, findings", [
    ("000_62f78ab9b2ca411b.txt", []),
    ("001_fe5e1bcee5aa1e50.txt", ["skipped_label", "duplicate_label", "duplicate_label"]),
    ("002_0465d1eee385f037.txt", []),
    ("003_25f2686c20bc1894.txt", ["missing_appendix", "missing_appendix", "malformed_date", "malformed_number"]),
    ("004_dfb0cfd4cd0e3ba5.txt", ["skipped_label", "malformed_number", "malformed_number"]),
])
def test_findings_of_each_sample(con, name, findings):
    view = show.build(con, resolve(con, name))
    assert [dict(m.fields)["kind"] for m in view.of_kind("finding")] == findings
    assert view.counts == _db_counts(con, view.doc["doc_id"])
    for m in view.marks:  # each mark is its record's own words
        assert view.text[m.start:m.end] == m.text


def test_a_citation_names_what_else_cites_it(con):
    view = show.build(con, resolve(con, "000_62f78ab9b2ca411b.txt"), page_for=lambda d: f"{d}.html")
    directive = next(m for m in view.of_kind("citation") if dict(m.fields).get("number") == "573/TTg-KGVX")
    citing = [HOSTILE_NAME, "002_0465d1eee385f037.txt", "003_25f2686c20bc1894.txt"]  # by name
    assert [label for label, _ in directive.links] == [f"{n} (cites it too)" for n in citing]
    assert [href for _, href in directive.links] == [f"{resolve(con, n)}.html" for n in citing]


def test_a_duty_shows_agency_role_partners_and_themes(con):
    view = show.build(con, resolve(con, "000_62f78ab9b2ca411b.txt"))
    duty = next(dict(m.fields) for m in view.of_kind("duty") if m.id == "duty-3")
    assert duty["agency"] == "Công an phường Vị Khê" and duty["agency_type"] == "Công an (cong_an)"
    assert duty["role"] == "chu_tri"
    assert duty["partners"].startswith("Các ngành chức năng, Tòa án nhân dân khu vực 9, Viện Kiểm sát")
    assert "Quản lý nhà nước, kiểm soát tiền chất" in duty["themes"]


# Segments of a text with overlapping marks: largest outside, a mark that
# crosses another's end split into pieces that each nest.
def _mark(kind, start, end, n=1):
    return show.Mark(kind, f"{kind}-{n}", start, end, "", [])


@pytest.mark.parametrize("marks, expected", [
    ([_mark("duty", 0, 22), _mark("agency", 0, 14)],
     [("Công an phường", ["duty-1", "agency-1"]), (" tổ chức", ["duty-1"])]),
    ([_mark("agency", 0, 7), _mark("date", 4, 14)],
     [("Công", ["agency-1"]), (" an", ["date-1", "agency-1"]), (" phường", ["date-1"]), (" tổ chức", [])]),
    ([_mark("agency", 8, 14), _mark("section", 0, 22), _mark("finding", 0, 22)],
     [("Công an ", ["finding-1", "section-1"]), ("phường", ["finding-1", "section-1", "agency-1"]),
      (" tổ chức", ["finding-1", "section-1"])]),
])
def test_segments_nest(marks, expected):
    got = show.segments("Công an phường tổ chức", marks)
    assert [(s.text, [m.id for m in s.marks]) for s in got] == expected


def test_cli(db):
    runner = CliRunner()
    out = runner.invoke(main, ["show", "003_25f2686c20bc1894.txt", "--db", str(db)])
    assert out.exit_code == 0
    assert "phát hiện (finding): 4" in out.output and "trích dẫn (citation): 13" in out.output
    refused = runner.invoke(main, ["show", "4290/KH-UBND", "--db", str(db)])
    assert refused.exit_code == 1 and "names 2 stored documents" in refused.output


class _Elements(HTMLParser):
    """Every element of a DOM dump as (tag, attributes), and its text."""

    def __init__(self, dom: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(dom)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _page(con, tmp_path, name) -> tuple[show.View, _Elements]:
    view = show.build(con, resolve(con, name))
    page = tmp_path / "page.html"
    page.write_text(show.render_html(view), encoding="utf-8")
    return view, _Elements(dump_dom(page))


@needs_chromium
@pytest.mark.parametrize("name", [p.name for p in sorted(RAW.glob("*.txt"))] + [HOSTILE_NAME])
def test_every_record_is_marked_in_chromium(con, tmp_path, name):
    view, dom = _page(con, tmp_path, name)
    marks = [a for tag, a in dom.elements if tag == "mark"]
    for kind, n in _db_counts(con, view.doc["doc_id"]).items():
        assert len({a["data-rec"] for a in marks if a["class"] == f"k-{kind}"}) == n, kind
    ids = {a["id"] for _, a in dom.elements if "id" in a}
    assert {m.id for m in view.marks} <= ids  # each record's first piece is an anchor
    internal = [a["href"][1:] for tag, a in dom.elements if tag == "a" and a.get("href", "").startswith("#")]
    assert internal and set(internal) <= ids
    findings = [a["href"] for tag, a in dom.elements if tag == "a" and "finding-link" in a.get("class", "")]
    assert findings == [f"#finding-{i}" for i in range(1, view.counts["finding"] + 1)]


@needs_chromium
def test_hostile_strings_render_as_text_in_chromium(con, tmp_path):
    _, dom = _page(con, tmp_path, HOSTILE_NAME)
    assert [t for t, _ in dom.elements].count("script") == 1  # the page's own
    assert "img" not in [t for t, _ in dom.elements]
    text = "".join(dom.text)
    assert text.count(SCRIPT) >= 4 and text.count(IMG) >= 4  # title, heading, citation, file name: as words


def test_a_record_without_characters_is_linked_at_its_row():
    # as duties of a real plan (r031 of the real corpus) whose end precedes their start
    empty, kept = _mark("duty", 6, 4, 1), _mark("agency", 0, 7, 1)
    assert (empty.anchor, kept.anchor) == ("row-duty-1", "agency-1")
    assert [(s.text, [m.id for m in s.marks]) for s in show.segments("Công an phường", [empty, kept])] == [
        ("Công an", ["agency-1"]), (" phường", [])]


@pytest.mark.parametrize("query, source_name", [
    ("r012", None),  # no stored name holds it: refused below
    ("959a5c84", "003_25f2686c20bc1894.txt"),  # the start of a doc_id
    ("003_25f2", "003_25f2686c20bc1894.txt"),  # a piece of one file name
])
def test_the_commands_read_doc_alike(con, query, source_name):
    """`show`, `audit` and `diff` name a document the same way (pipeline/lookup.py)."""
    from pipeline import audit, diff_view

    if source_name is None:
        for find, error in ((resolve, DocumentNotFound), (audit.find_document, audit.AuditError),
                            (diff_view.find_document, diff_view.DiffError)):
            with pytest.raises(error):
                find(con, query)
        return
    doc_id = resolve(con, query)
    assert con.execute("SELECT source_name FROM documents WHERE doc_id = ?", [doc_id]).fetchone()[0] == source_name
    assert audit.find_document(con, query)["doc_id"] == doc_id == diff_view.find_document(con, query)
