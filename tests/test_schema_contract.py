"""schemas/records.py and schemas/schema.sql describe the same tables.

The store writes a record's fields to the columns of the same names and
leaves out a field its table lacks, so a field added to a record but not to
schema.sql would silently never reach the db. These tests make it fail."""

from typing import get_args

import duckdb
import pytest

from pipeline.store import schema_sql
from schemas.records import (CitationFinding, CitedDocument, DiffSummary, DocumentMeta, DocumentRecords, IngestError,
                             PassageGroup, PassageLink)

# The record each table's rows are made of: `documents` and one table per
# list field of DocumentRecords (pipeline/store.py), the citation graph's
# tables (pipeline/citegraph.py), the files that failed.
TABLE_RECORDS = {
    "documents": DocumentMeta,
    **{name: get_args(info.annotation)[0] for name, info in DocumentRecords.model_fields.items()
       if name != "document"},
    "cited_documents": CitedDocument,
    "citation_findings": CitationFinding,
    "ingest_errors": IngestError,
    # `plans diff`'s tables (pipeline/diff.py)
    "passage_links": PassageLink,
    "diff_summary": DiffSummary,
    "passage_groups": PassageGroup,
}
# Tables the store fills without a record (`sources`: the input files of
# `documents` rows; `citation_graph`: whether the graph follows them;
# `diff_state`: the documents the diff tables follow), and columns the db
# fills itself.
NO_RECORD = {"sources", "citation_graph", "diff_state"}
DB_ONLY_COLUMNS = {"ingest_errors": {"seen_at"}}


@pytest.fixture(scope="module")
def columns() -> dict[str, set[str]]:
    con = duckdb.connect(":memory:")
    con.execute(schema_sql())
    out: dict[str, set[str]] = {}
    for table, column in con.execute("SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal").fetchall():
        out.setdefault(table, set()).add(column)
    return out


def test_every_table_has_its_record(columns):
    assert set(columns) == set(TABLE_RECORDS) | NO_RECORD


@pytest.mark.parametrize("table", sorted(TABLE_RECORDS))
def test_every_record_field_is_a_column(columns, table):
    missing = set(TABLE_RECORDS[table].model_fields) - columns[table]
    assert not missing, f"{table}: fields with no column in schema.sql: {sorted(missing)}"


@pytest.mark.parametrize("table", sorted(TABLE_RECORDS))
def test_every_column_is_a_record_field(columns, table):
    extra = columns[table] - set(TABLE_RECORDS[table].model_fields) - DB_ONLY_COLUMNS.get(table, set())
    assert not extra, f"{table}: columns no record field fills: {sorted(extra)}"
