"""`plans audit DOC` on real plans: the Cần Thơ plan 165/KH-UBND (r012) of
the real corpus (benchmarks/real_corpus.py), stored with the whole real corpus, reports its one real
error (Chỉ thị 27/CT-TTg dated 15/8/2024 and, in a footnote written
`27/CTTg`, 15/7/2024) and nothing else at `error`; the page shows it in
headless Chromium and escapes what a document says."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from benchmarks.real_corpus import REAL_CORPUS as REAL
from pipeline import citegraph, store
from pipeline.cli import main
from pipeline.run import process_text, run

from browser import dump_dom, needs_chromium
from test_citegraph import ward_plan

needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"{REAL} (the real corpus) is absent")


@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("real") / "plans.duckdb"
    run([REAL], db)
    return db


def _audit(db, *options: str) -> str:
    result = CliRunner().invoke(main, ["audit", "r012", "--db", str(db), *options])
    assert result.exit_code == 0, result.output
    return result.output


@needs_real
def test_r012_reports_the_27_ct_ttg_date_conflict_and_no_other_error(real_db):
    errors = [line.strip() for line in _audit(real_db).splitlines() if line.strip().startswith("! error")]
    assert errors == ["! error date_conflict_in_plan line 179 (other mention line 35): "
                      "27/CT-TTg: 2024-07-15 here, 2024-08-15 elsewhere in this document"]


@needs_real
@pytest.mark.parametrize("option, severities", [
    ([], {"error", "warning"}),  # info hidden by default
    (["--min-severity", "error"], {"error"}),
])
def test_min_severity(real_db, option, severities):
    shown = set(re.findall(r"^    ! (\w+) ", _audit(real_db, *option), re.M))
    assert shown == severities


@needs_real
@pytest.mark.parametrize("doc", ["r012", "r029"])
def test_counts_are_the_stored_findings(real_db, doc):
    with store.connect(real_db, read_only=True) as con:
        stored = dict(con.execute("""SELECT severity, count(*) FROM citation_findings JOIN documents USING (doc_id)
                                     WHERE starts_with(source_name, ?) GROUP BY severity""", [doc]).fetchall())
    result = CliRunner().invoke(main, ["audit", doc, "--db", str(real_db), "--min-severity", "info"])
    counts = re.search(r"findings shown from info: (\d+) error, (\d+) warning, (\d+) info", result.output).groups()
    assert tuple(int(n) for n in counts) == tuple(stored.get(s, 0) for s in ("error", "warning", "info"))
    assert result.output.count("\n    ! ") == sum(stored.values())


@needs_real
def test_report_sections(real_db):
    out = _audit(real_db)
    # one cited document for the three spellings, with every mention as written
    assert out.count("- 27/CT-TTg:2024\n") == 1
    assert "“Chỉ thị số 27/CTTg ngày 15/7/2024 của Thủ tướng Chính phủ”" in out
    assert "- Sở Tài chính [phoi_hop], line 81: a) Phối hợp với Sở Y tế" in out
    assert "Document issues: " in out


@needs_real
@needs_chromium
def test_r012_page_in_chromium(real_db, tmp_path):
    page = tmp_path / "r012.html"
    _audit(real_db, "--html", str(page))
    dom = dump_dom(page)
    finding = re.search(r'<div class="finding error">(.*?)</div>', dom, re.S).group(1)
    assert "27/CT-TTg: 2024-07-15 here, 2024-08-15 elsewhere in this document" in finding
    assert dom.count('<tr class="task">') == 23


HOSTILE = "<script>alert(1)</script>"


@needs_chromium
def test_page_escapes_document_text(tmp_path):
    plan = ward_plan().replace("Tổ chức các hoạt động hưởng ứng Tháng hành động phòng, chống ma túy năm 2026\n",
                               f"Tổ chức các hoạt động {HOSTILE} năm 2026\n", 1)
    db = tmp_path / "plans.duckdb"
    with store.connect(db) as con:
        store.write_document(con, process_text(plan, "hostile.txt"))
        citegraph.refresh(con)
    page = tmp_path / "hostile.html"
    assert CliRunner().invoke(main, ["audit", "hostile", "--db", str(db), "--html", str(page)]).exit_code == 0
    dom = dump_dom(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom and "<script>alert" not in dom


@pytest.mark.parametrize("doc, message", [
    ("nothing-like-this", "no stored document is 'nothing-like-this'"),
    ("0", "'0' names 5 stored documents"),
])
def test_unknown_or_ambiguous_document(corpus_db, doc, message):
    result = CliRunner().invoke(main, ["audit", doc, "--db", str(corpus_db)])
    assert result.exit_code == 1 and message in result.output
