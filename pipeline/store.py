"""DuckDB storage. Knows the records' shapes, nothing of extraction.

Each list field of `DocumentRecords` is written to the table of the same
name (`citations` -> `citations`), columns named as the model's fields, so
adding a field to a record and a column to schemas/schema.sql is all a new
field takes (tests/test_schema_contract.py fails when the column is
missing). One transaction per document: a failure leaves that document's
old rows in place and touches no other document. The cross-document tables
that pipeline.citegraph computes are written here too (`write_graph`,
and the keys it joins, `join_cited_keys`): this module is the one writer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib.resources import files
from operator import attrgetter
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from schemas.records import DocumentRecords, IngestError, Record

CHILD_TABLES = [name for name in DocumentRecords.model_fields if name != "document"]
ALL_TABLES = ["documents", *CHILD_TABLES]
WRITER_MEMORY = "256MB"


class StoreError(RuntimeError):
    """The database cannot be opened; the message names the file and why."""


class StoreLockedError(StoreError):
    """The database file is held by another process."""


def schema_sql() -> str:
    return files("schemas").joinpath("schema.sql").read_text(encoding="utf-8")


# A connection for other people's SQL: it can read this database and nothing
# else (no files, no ATTACH, no COPY/EXPORT, no extensions), and the SQL
# cannot switch that back on.
SANDBOX = {"enable_external_access": False, "lock_configuration": True, "memory_limit": "2GB"}


def connect(db_path: str | Path, read_only: bool = False, sandbox: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and on first use create) the database with every table;
    `sandbox` opens it read-only for SQL typed by a user."""
    read_only = read_only or sandbox
    path = Path(db_path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # The writer's buffer pool would otherwise grow with the corpus (DuckDB
        # keeps written blocks cached up to 80% of RAM); beyond this it spills.
        config = SANDBOX if sandbox else {} if read_only else {"memory_limit": WRITER_MEMORY}
        con = duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.Error as exc:
        if isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower():
            raise StoreLockedError(
                f"{path}: the database is in use by another process; close it (or pass --db) and retry"
            ) from exc
        # e.g. a file that is not a DuckDB database
        raise StoreError(f"{path}: cannot open as a DuckDB database: {exc}") from exc
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


def _columns(rows: list, columns: list[str]) -> pa.Table:
    """The rows as an Arrow table of the table's columns that are the rows'
    fields. Column batches, not rows: one C-level attribute fetch per row,
    one Arrow array per column, which DuckDB reads without a copy.
    Measured on 320 generated plans, CPU per document with the INSERT:
    pandas frame 3.7 ms, Arrow 1.8 ms, `unnest` of list parameters 5.9 ms,
    `executemany` 384 ms."""
    fields = type(rows[0]).model_fields
    names = [c for c in columns if c in fields]
    get = attrgetter(*names)
    values = zip(*map(get, rows)) if len(names) > 1 else [list(map(get, rows))]
    return pa.Table.from_arrays([pa.array(list(v)) for v in values], names=names)


def stored_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """source path -> (content_hash, pipeline_version) of every stored input
    file, in one query (a query per file costs a table scan per file)."""
    rows = con.execute("SELECT path, content_hash, pipeline_version FROM sources").fetchall()
    return {path: (digest, version) for path, digest, version in rows}


def delete_document(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> None:
    if not doc_ids:
        return
    for table in ALL_TABLES:
        con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT unnest(?))", [doc_ids])


def write_document(con: duckdb.DuckDBPyConnection, records: DocumentRecords) -> None:
    """Store one document (see `write_documents`); raise if it cannot be written."""
    for _, exc in write_documents(con, [records]):
        raise exc


def write_documents(con: duckdb.DuckDBPyConnection,
                    batch: list[DocumentRecords]) -> list[tuple[DocumentRecords, Exception]]:
    """Store these documents and the input files they came from, in one
    transaction with one INSERT per table for the whole batch (an INSERT per
    document and table was the run's main cost).

    A document is its text: records whose text is already stored by the same
    pipeline version only add their file to `sources`, so the same text under
    two names is one document and nothing alternates between runs. A file
    whose content changed drops the document it held before, unless another
    file still holds that text. If the batch fails, its documents are written
    one transaction each, so only a bad document fails: the documents that
    could not be written come back with their error, and their rows from
    earlier runs stay as they were."""
    if not batch:
        return []
    con.execute("BEGIN TRANSACTION")
    try:
        _write(con, batch)
        con.execute("COMMIT")
    except (duckdb.Error, ValueError, KeyError) as exc:
        con.execute("ROLLBACK")
        if len(batch) == 1:
            return [(batch[0], exc)]
        return [failure for records in batch for failure in write_documents(con, [records])]
    return []


def _write(con: duckdb.DuckDBPyConnection, batch: list[DocumentRecords]) -> None:
    metas = [r.document for r in batch]
    paths = [m.source_path or m.source_name for m in metas]
    ids = list(dict.fromkeys(m.doc_id for m in metas))
    before = dict(con.execute("SELECT path, doc_id FROM sources WHERE path IN (SELECT unnest(?))",
                              [paths]).fetchall())
    stored = dict(con.execute("SELECT doc_id, pipeline_version FROM documents WHERE doc_id IN (SELECT unnest(?))",
                              [ids]).fetchall())
    current = {doc_id for doc_id, version in stored.items() if version == metas[0].pipeline_version}
    fresh = {}  # doc_id -> records, the first copy of each text not stored by this code yet
    for records in batch:
        if records.document.doc_id not in current:
            fresh.setdefault(records.document.doc_id, records)
    con.execute("DELETE FROM sources WHERE path IN (SELECT unnest(?))", [paths])
    if fresh:
        # Only texts stored before have rows to drop: a DELETE scans every table.
        delete_document(con, [doc_id for doc_id in fresh if doc_id in stored])
        columns = _table_columns(con)
        _insert(con, "documents", [r.document for r in fresh.values()], columns)
        for table in CHILD_TABLES:
            _insert(con, table, [row for r in fresh.values() for row in getattr(r, table)], columns)
    con.execute("INSERT INTO sources (path, doc_id, source_name, content_hash, pipeline_version) "
                "SELECT * FROM (SELECT unnest(?), unnest(?), unnest(?), unnest(?), unnest(?))",
                [paths, [m.doc_id for m in metas], [m.source_name for m in metas],
                 [m.content_hash for m in metas], [m.pipeline_version for m in metas]])
    orphans = [doc_id for doc_id in set(before.values()) - set(ids)
               if not con.execute("SELECT 1 FROM sources WHERE doc_id = ? LIMIT 1", [doc_id]).fetchone()]
    if orphans:
        delete_document(con, orphans)
    con.execute(_NAME_DOCUMENTS.format(ids="SELECT unnest(?)"), [ids])
    con.execute("DELETE FROM ingest_errors WHERE path IN (SELECT unnest(?))", [paths])
    mark_graph(con, fresh=False)


# A document's own name is its first source in sorted order, whatever order
# the files came in; `ids` is a query of the doc_ids to name.
_NAME_DOCUMENTS = """
    UPDATE documents SET source_path = first.path, source_name = first.source_name
    FROM (SELECT doc_id, min(path) AS path, arg_min(source_name, path) AS source_name
          FROM sources WHERE doc_id IN ({ids}) GROUP BY doc_id) AS first
    WHERE documents.doc_id = first.doc_id"""


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list | pa.Table,
            columns: dict[str, list[str]]) -> None:
    """Records, or an Arrow table of a record's columns (built as columns
    where making a record a row costs more than the rest of the work)."""
    if len(rows) == 0:
        return
    frame = rows if isinstance(rows, pa.Table) else _columns(rows, columns[table])
    cols = ", ".join(frame.column_names)
    con.register("_rows", frame)
    try:
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _rows")
    finally:
        con.unregister("_rows")


def mark_graph(con: duckdb.DuckDBPyConnection, fresh: bool) -> None:
    """Say whether the cross-document tables follow the documents (in the caller's transaction)."""
    con.execute("DELETE FROM citation_graph")
    con.execute("INSERT INTO citation_graph VALUES (?)", [fresh])


def graph_is_fresh(con: duckdb.DuckDBPyConnection) -> bool:
    """False once documents were written after the last `citegraph.refresh`
    (a run killed in between). A database written before this mark existed
    (opened read-only, so without the table) says nothing: taken as fresh."""
    if not con.execute("SELECT 1 FROM duckdb_tables() WHERE schema_name = 'main' "
                       "AND table_name = 'citation_graph'").fetchone():
        return True
    row = con.execute("SELECT fresh FROM citation_graph").fetchone()
    return bool(row and row[0])


GRAPH_TABLES = ["cited_documents", "citation_findings"]


def write_graph(con: duckdb.DuckDBPyConnection, batches: Iterable[dict[str, list[Record] | str]]) -> dict[str, int]:
    """Replace the citation graph's tables with the rows of `batches` (table
    -> records, or a SELECT statement whose columns are named as the table's,
    run inside DuckDB) and mark them fresh, in one transaction: on failure
    they stay as they were, and so does whatever the batches' producer wrote
    through this module while they were drawn (citegraph's joined keys). The
    batches are drawn one at a time. Returns rows per table."""
    return _replace_tables(con, GRAPH_TABLES, batches, lambda: mark_graph(con, fresh=True))


def _replace_tables(con: duckdb.DuckDBPyConnection, tables: list[str],
                    batches: Iterable[dict[str, list[Record] | pa.Table | str]],
                    before_commit: Callable[[], None] | None = None,
                    delete: Callable[[], None] | None = None, counted: list[str] | None = None) -> dict[str, int]:
    """Empty `tables` (or run `delete`), then insert the rows of each batch,
    in one transaction. Returns rows inserted per table of `tables` (or `counted`)."""
    counts = dict.fromkeys(counted or tables, 0)
    con.execute("BEGIN TRANSACTION")
    try:
        for table in tables:
            con.execute(f"DELETE FROM {table}")
        if delete:
            delete()
        columns = _table_columns(con)
        for batch in batches:
            for table, rows in batch.items():
                if isinstance(rows, str):
                    cols = ", ".join(columns[table])
                    counts[table] += con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM ({rows})").fetchone()[0]
                    continue
                _insert(con, table, rows, columns)
                counts[table] += len(rows)
        if before_commit:
            before_commit()
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return counts


DIFF_TABLES = ["passage_links", "diff_summary", "passage_groups"]


def write_diff(con: duckdb.DuckDBPyConnection, batches: Iterable[dict[str, list[Record] | pa.Table]],
               code_version: str,
               changed: tuple[list[tuple[str, str]], list[str]] | None = None) -> dict[str, int]:
    """Write `plans diff`'s tables (pipeline.diff): replace them with the
    rows of `batches` (table -> records or an Arrow table of their columns),
    or, given `changed` (the (child, parent) pairs and the cited keys whose
    rows are redone or gone), delete those rows and add the batches'. The
    batches are drawn one at a time, in one transaction with `diff_state`
    set to the stored documents and `code_version`: on failure all stay as
    they were. Returns rows written per table."""
    def record_state() -> None:
        con.execute("DELETE FROM diff_state")
        con.execute("INSERT INTO diff_state (doc_id, pipeline_version, code_version) "
                    "SELECT doc_id, pipeline_version, ? FROM documents", [code_version])

    if changed is None:
        return _replace_tables(con, DIFF_TABLES, batches, record_state)
    pairs, keys = changed

    def delete_changed() -> None:
        children, parents = [c for c, _ in pairs], [p for _, p in pairs]
        for table in ("passage_links", "diff_summary"):
            con.execute(f"DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM (SELECT unnest(?) AS c, unnest(?) AS p) x "
                        "WHERE x.c = t.child_doc AND x.p = t.parent_doc)", [children, parents])
        con.execute("DELETE FROM passage_groups WHERE cited_key IN (SELECT unnest(?))", [keys])

    return _replace_tables(con, [], batches, record_state, delete_changed, DIFF_TABLES)


def diff_state(con: duckdb.DuckDBPyConnection) -> tuple[str | None, dict[str, str]]:
    """The code version that last wrote `plans diff`'s tables and doc_id ->
    pipeline_version of the documents they reflect; (None, {}) when unknown."""
    rows = con.execute("SELECT doc_id, pipeline_version, code_version FROM diff_state").fetchall()
    versions = {code for _, _, code in rows}
    if len(versions) != 1:
        return None, {}
    return versions.pop(), {doc_id: version for doc_id, version, _ in rows}


def keep_written_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Citations stored since the last refresh keep the key their text gives
    (`written_key`) before the citation graph may join it to another."""
    con.execute("UPDATE citations SET written_key = cited_key WHERE written_key IS NULL")


def join_cited_keys(con: duckdb.DuckDBPyConnection, joins: dict[str, str]) -> None:
    """Every citation's `cited_key` back to its `written_key`, then the
    written keys in `joins` set to the key they join (judged afresh each time)."""
    con.execute("UPDATE citations SET cited_key = written_key WHERE cited_key IS DISTINCT FROM written_key")
    if not joins:
        return
    con.register("_joins", pd.DataFrame(list(joins.items()), columns=["written_key", "joined"]))
    try:
        con.execute("UPDATE citations SET cited_key = j.joined FROM _joins j WHERE citations.written_key = j.written_key")
    finally:
        con.unregister("_joins")


def record_error(con: duckdb.DuckDBPyConnection, error: IngestError) -> None:
    """One row per failing file, however often it is re-run."""
    con.execute("DELETE FROM ingest_errors WHERE path = ?", [error.path])
    con.execute(
        "INSERT INTO ingest_errors (source_name, path, problem, message) VALUES (?, ?, ?, ?)",
        [error.source_name, error.path, error.problem, error.message],
    )


def sql_literal(text: str) -> str:
    """`text` as a SQL string literal (for a file name where DuckDB takes no parameter)."""
    return "'" + text.replace("'", "''") + "'"


def load_parquet(con: duckdb.DuckDBPyConnection, files: dict[str, str]) -> None:
    """Bulk-load the tables of a partitioned Parquet dataset (table -> the
    glob of its files, see pipeline/parquet.py: `sources`, `ingest_errors`
    and every table of `DocumentRecords`, each partition written like a run
    of its files) in one transaction, by the rules of `write_documents`
    across all partitions: one copy of each text (its first partition's)
    replaces that document's rows, its files' `sources` rows replace theirs,
    a document no file holds any more is dropped, each document is named
    after its first source, and a file's error replaces the one it had. The
    rows never pass through Python: DuckDB reads the files itself."""

    def scan(table: str) -> str:
        return f"read_parquet({sql_literal(files[table])}, filename = true)"

    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"CREATE TEMP TABLE _loaded AS SELECT path, doc_id FROM {scan('sources')}")
        # Same text in two partitions: the rows of one copy are kept, that of
        # the first part (a part has one file name in every table's folder).
        con.execute(f"CREATE TEMP TABLE _kept AS SELECT doc_id, min(parse_filename(filename)) AS part "
                    f"FROM {scan('documents')} GROUP BY doc_id")
        con.execute("CREATE TEMP TABLE _before AS SELECT DISTINCT doc_id FROM sources "
                    "WHERE path IN (SELECT path FROM _loaded)")
        con.execute("DELETE FROM sources WHERE path IN (SELECT path FROM _loaded)")
        for table in ALL_TABLES:
            con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM _kept)")
            con.execute(f"INSERT INTO {table} BY NAME SELECT t.* EXCLUDE (filename) FROM {scan(table)} t "
                        "SEMI JOIN _kept k ON t.doc_id = k.doc_id AND parse_filename(t.filename) = k.part")
        con.execute(f"INSERT INTO sources BY NAME SELECT * EXCLUDE (filename) FROM {scan('sources')}")
        for table in ALL_TABLES:  # documents whose files now hold another text
            con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM _before) "
                        "AND doc_id NOT IN (SELECT doc_id FROM sources)")
        con.execute(_NAME_DOCUMENTS.format(ids="SELECT doc_id FROM _loaded"))
        con.execute(f"DELETE FROM ingest_errors WHERE path IN (SELECT path FROM _loaded) "
                    f"OR path IN (SELECT path FROM {scan('ingest_errors')})")
        con.execute(f"INSERT INTO ingest_errors BY NAME SELECT * EXCLUDE (filename) FROM {scan('ingest_errors')}")
        mark_graph(con, fresh=False)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in ("_loaded", "_kept", "_before"):
            con.execute(f"DROP TABLE IF EXISTS temp.{name}")
