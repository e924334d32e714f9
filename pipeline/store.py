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
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreLockedError(
                f"{path}: the database is in use by another process; close it (or pass --db) and retry"
            ) from exc
        raise
    if not read_only:
        con.execute(schema_sql())
    return con


def _frame(rows: list, table: str, con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    columns = [c[0] for c in con.execute(f"DESCRIBE {table}").fetchall()]
    data = [r.model_dump() for r in rows]
    frame = pd.DataFrame(data)
    return frame[[c for c in columns if c in frame.columns]]


def stored_hash(con: duckdb.DuckDBPyConnection, source_name: str) -> tuple[str, str] | None:
    """(content_hash, pipeline_version) last stored for a source file."""
    row = con.execute(
        "SELECT content_hash, pipeline_version FROM documents WHERE source_name = ? LIMIT 1", [source_name]
    ).fetchall()
    return (row[0][0], row[0][1]) if row else None


def delete_document(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> None:
    for table in ALL_TABLES:
        con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT unnest(?))", [doc_ids])


def write_document(con: duckdb.DuckDBPyConnection, records: DocumentRecords) -> None:
    """Replace everything stored for this document (and for an older version
    of the same source file) in one transaction."""
    doc = records.document
    con.execute("BEGIN TRANSACTION")
    try:
        old = con.execute(
            "SELECT doc_id FROM documents WHERE doc_id = ? OR source_name = ?", [doc.doc_id, doc.source_name]
        ).fetchall()
        delete_document(con, [r[0] for r in old] or [doc.doc_id])
        _insert(con, "documents", [doc])
        for table in CHILD_TABLES:
            _insert(con, table, getattr(records, table))
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list) -> None:
    if not rows:
        return
    frame = _frame(rows, table, con)
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
