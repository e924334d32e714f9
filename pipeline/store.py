"""DuckDB storage. Knows the records' shapes, nothing of extraction.

Each list field of `DocumentRecords` is written to the table of the same
name (`citations` -> `citations`), columns named as the model's fields, so
adding a field to a record and a column to schemas/schema.sql is all a new
field takes. One transaction per document: a failure leaves that
document's old rows in place and touches no other document.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import duckdb
import pandas as pd

from schemas.records import DocumentRecords, IngestError

CHILD_TABLES = [name for name in DocumentRecords.model_fields if name != "document"]
ALL_TABLES = ["documents", *CHILD_TABLES]
WRITER_MEMORY = "256MB"


class StoreLockedError(RuntimeError):
    """The database file is held by another process."""


def schema_sql() -> str:
    return files("schemas").joinpath("schema.sql").read_text(encoding="utf-8")


def connect(db_path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and on first use create) the database with every table."""
    path = Path(db_path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # The writer's buffer pool would otherwise grow with the corpus (DuckDB
        # keeps written blocks cached up to 80% of RAM); beyond this it spills.
        config = {} if read_only else {"memory_limit": WRITER_MEMORY}
        con = duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreLockedError(
                f"{path}: the database is in use by another process; close it (or pass --db) and retry"
            ) from exc
        raise
    if not read_only:
        con.execute(schema_sql())
    return con


def _table_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """table -> its columns in order, read once per batch (a DESCRIBE per
    table and batch cost more than some inserts)."""
    columns: dict[str, list[str]] = {}
    for table, column in con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() "
            "WHERE schema_name = 'main' ORDER BY table_name, column_index").fetchall():
        columns.setdefault(table, []).append(column)
    return columns


def _frame(rows: list, columns: list[str]) -> pd.DataFrame:
    # Column by column from the attributes: `model_dump` per row was the
    # store's main cost, and the records hold only plain values.
    fields = type(rows[0]).model_fields
    return pd.DataFrame({c: [getattr(r, c) for r in rows] for c in columns if c in fields})


def stored_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """source_name -> (content_hash, pipeline_version) of every stored document,
    in one query (a query per file costs a table scan per file)."""
    rows = con.execute("SELECT source_name, content_hash, pipeline_version FROM documents").fetchall()
    return {name: (digest, version) for name, digest, version in rows}


def delete_document(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> None:
    for table in ALL_TABLES:
        con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT unnest(?))", [doc_ids])


def write_document(con: duckdb.DuckDBPyConnection, records: DocumentRecords) -> None:
    """Replace everything stored for this document (and for an older version
    of the same source file) in one transaction; raise if it cannot be written."""
    for _, exc in write_documents(con, [records]):
        raise exc


def write_documents(con: duckdb.DuckDBPyConnection,
                    batch: list[DocumentRecords]) -> list[tuple[DocumentRecords, Exception]]:
    """Replace everything stored for these documents in one transaction, with
    one INSERT per table for the whole batch (an INSERT per document and
    table was the run's main cost). If the batch fails, its documents are
    written one transaction each, so only a bad document fails: the
    documents that could not be written come back with their error, and
    their rows from earlier runs stay as they were."""
    if not batch:
        return []
    names = [r.document.source_name for r in batch]
    ids = [r.document.doc_id for r in batch]
    if len(batch) > 1 and (len(set(names)) < len(names) or len(set(ids)) < len(ids)):
        # a later copy must replace an earlier one, in order
        return [failure for records in batch for failure in write_documents(con, [records])]
    con.execute("BEGIN TRANSACTION")
    try:
        old = con.execute(
            "SELECT doc_id FROM documents WHERE doc_id IN (SELECT unnest(?)) OR source_name IN (SELECT unnest(?))",
            [ids, names],
        ).fetchall()
        if old:  # a fresh document has nothing to delete: skip scanning every table
            delete_document(con, [r[0] for r in old])
        columns = _table_columns(con)
        _insert(con, "documents", [r.document for r in batch], columns)
        for table in CHILD_TABLES:
            _insert(con, table, [row for r in batch for row in getattr(r, table)], columns)
        con.execute("COMMIT")
    except (duckdb.Error, ValueError, KeyError) as exc:
        con.execute("ROLLBACK")
        if len(batch) == 1:
            return [(batch[0], exc)]
        return [failure for records in batch for failure in write_documents(con, [records])]
    return []


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list, columns: dict[str, list[str]]) -> None:
    if not rows:
        return
    frame = _frame(rows, columns[table])
    cols = ", ".join(frame.columns)
    con.register("_rows", frame)
    try:
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _rows")
    finally:
        con.unregister("_rows")


def record_error(con: duckdb.DuckDBPyConnection, error: IngestError) -> None:
    con.execute(
        "INSERT INTO ingest_errors (source_name, path, problem, message) VALUES (?, ?, ?, ?)",
        [error.source_name, error.path, error.problem, error.message],
    )
