"""docs/tables.md describes every column a fresh database has, is what the
generator writes today, and every code the sample data holds has a label."""

from __future__ import annotations

import re

import duckdb
import pytest

from core.vocab import load
from pipeline import datadict


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    db = tmp_path_factory.mktemp("datadict") / "samples.duckdb"
    datadict.sample_database(db)
    with duckdb.connect(str(db), read_only=True) as con:
        yield con


def _page_columns(text: str) -> set[tuple[str, str]]:
    """(table, column) of every row of the page's column tables."""
    found, table = set(), None
    for line in text.splitlines():
        if m := re.match(r"## `(\w+)`$", line):
            table = m.group(1)
        elif line.startswith("## "):
            table = None
        elif table and (m := re.match(r"\| `(\w+)` \|", line)):
            found.add((table, m.group(1)))
    return found


def test_every_column_of_a_fresh_database_has_a_meaning():
    columns = datadict.fresh_columns()
    descriptions = datadict.load_descriptions()
    assert datadict.undescribed(columns, descriptions) == []
    assert datadict.described_but_absent(columns, descriptions) == []


@pytest.mark.parametrize("table, column", [("documents", "issuer_level"), ("citations", "written_key"),
                                           ("citation_graph", "fresh")])
def test_a_column_without_a_meaning_is_named(table, column):
    descriptions = datadict.load_descriptions()
    del descriptions["columns"][table][column]
    assert datadict.undescribed(datadict.fresh_columns(), descriptions) == [f"{table}.{column}"]


def test_every_column_of_a_fresh_database_is_on_the_page():
    page = datadict.OUTPUT.read_text(encoding="utf-8")
    assert {(c.table, c.name) for c in datadict.fresh_columns()} == _page_columns(page)


def test_the_page_is_what_the_generator_writes(samples):
    assert datadict.OUTPUT.read_text(encoding="utf-8") == datadict.page(samples), \
        "docs/tables.md is stale: run `python -m pipeline.datadict`"


@pytest.mark.parametrize("value, shown", [
    ("a | b", r"`a \| b`"),
    ("Kế hoạch\nsố 12", "`Kế hoạch số 12`"),
    (["tuyen_truyen", "lanh_dao"], "`[tuyen_truyen, lanh_dao]`"),
    ("Tổ chức các hoạt động hưởng ứng Tháng hành động phòng, chống ma túy",
     "`Tổ chức các hoạt động hưởng ứng Tháng hành động…`"),
])
def test_an_example_is_one_short_cell(value, shown):
    assert datadict.cell(value) == shown


# Each vocabulary of the page and the SQL that lists the codes the sample data holds.
STORED_CODES = {
    "Levels": "SELECT issuer_level FROM documents UNION SELECT level FROM agencies",
    "Agency types": "SELECT agency_type FROM agencies UNION SELECT agency_type FROM duties "
                    "UNION SELECT agency_type FROM duty_partners",
    "Roles in a task": "SELECT role FROM duties",
    "Section kinds": "SELECT kind FROM sections",
    "Date kinds": "SELECT kind FROM dates",
    "Themes of a task": "SELECT unnest(themes) FROM duties",
    "Topics of a document": "SELECT topic FROM documents",
}


@pytest.mark.parametrize("title", sorted(STORED_CODES))
def test_every_code_the_samples_hold_has_a_label(samples, title):
    vocab = {v.title: v for v in datadict.vocabularies()}[title]
    stored = {r[0] for r in samples.execute(STORED_CODES[title]).fetchall() if r[0] is not None}
    assert stored, "the samples should exercise this vocabulary"
    assert stored - {code for code, _ in vocab.values} == set()


def test_every_level_code_the_vocabularies_give_has_a_label():
    header, agencies = load("header"), load("agencies")
    given = {*header["levels"].values(), *header["body_levels"].values(), *header["party_committees"].values(),
             *agencies["levels"], "thanh_pho_thuoc_tinh"}
    # `issuer` and `province` are resolved to a level by extractors/agencies.py.
    given |= {e["level"] for e in agencies["agency"] if e.get("level") not in (None, "issuer", "province")}
    assert given - set(header["level_labels"]) == set()
