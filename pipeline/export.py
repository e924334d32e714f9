"""Take the data anywhere: every table to files, any SQL to a readable table.

Both work on a connection the caller opened read-only, so an export or an
analyst's query can never change the database. Files are written by
DuckDB's own COPY (no pandas round trip): types survive in Parquet, dates
are ISO strings in CSV and JSON Lines, lists stay lists in Parquet and JSON.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import duckdb

# --format value -> (file suffix, COPY options).
FORMATS = {
    "parquet": ("parquet", "FORMAT parquet"),
    "csv": ("csv", "FORMAT csv, HEADER true"),
    # DuckDB's JSON COPY writes one object per line unless ARRAY is set.
    "jsonl": ("jsonl", "FORMAT json"),
}

# A cell longer than this is cut in the terminal table (never in --csv;
# `plans query --wide` or `--max-width N` shows more).
MAX_CELL = 60

# Excel reads a CSV file as the machine's legacy code page unless it opens
# with a byte-order mark, and then shows `Kế hoạch` as `Káº¿ hoáº¡ch`.
BOM = "\ufeff"


@dataclass(frozen=True)
class Exported:
    table: str
    path: Path
    rows: int


def table_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table and view of the main schema, by name."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name"
    ).fetchall()
    return [r[0] for r in rows]


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def file_name(table: str) -> str:
    """A table's name as one file name: any character but a letter, a digit
    or `_.-~` percent-encoded, so no name (`../../x`, `/etc/x`) leaves the
    folder, and two names never share a file."""
    return quote(table, safe="")


# A spreadsheet runs a cell that opens with one of these as a formula
# (`=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)`); a leading `'` makes it text.
FORMULA_OPENERS = ("=", "+", "-", "@", "\t", "\r")


def _csv_select(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """SELECT of the table for a CSV file: text that opens like a formula
    behind a `'`, and, in a table keyed by doc_id without a file name, the
    document's `source_name` right after `doc_id` (a spreadsheet has no join)."""
    columns = con.execute("SELECT column_name, data_type FROM duckdb_columns() "
                          "WHERE schema_name = 'main' AND table_name = ? ORDER BY column_index", [table]).fetchall()
    names = [name for name, _ in columns]
    joined = "doc_id" in names and "source_name" not in names and "documents" in table_names(con)
    if joined:
        at = names.index("doc_id") + 1
        columns = [*columns[:at], ("source_name", "VARCHAR"), *columns[at:]]
    openers = ", ".join(_quote_literal(c) for c in FORMULA_OPENERS)
    quote_mark = _quote_literal("'")

    def column(name: str, kind: str) -> str:
        source = "d.source_name" if joined and name == "source_name" else f"t.{_quote_ident(name)}"
        if kind != "VARCHAR":
            return f"{source} AS {_quote_ident(name)}"
        return (f"CASE WHEN left({source}, 1) IN ({openers}) THEN {quote_mark} || {source} "
                f"ELSE {source} END AS {_quote_ident(name)}")

    select = ", ".join(column(name, kind) for name, kind in columns)
    join = " LEFT JOIN documents d ON d.doc_id = t.doc_id" if joined else ""
    return f"SELECT {select} FROM {_quote_ident(table)} t{join}"


def _prepend_bom(path: Path) -> None:
    """Put the byte-order mark before the CSV file DuckDB wrote, streaming
    (a table's file can be larger than memory)."""
    marked = path.with_name(path.name + ".bom")
    with marked.open("wb") as out, path.open("rb") as src:
        out.write(BOM.encode("utf-8"))
        shutil.copyfileobj(src, out)
    marked.replace(path)


def export_tables(con: duckdb.DuckDBPyConnection, out_dir: Path, fmt: str, bom: bool = True) -> list[Exported]:
    """Write each table to `out_dir/<table>.<suffix>` (the name made safe by
    `file_name`); one file per table. In CSV a text cell that opens like a
    spreadsheet formula gets a `'` first, tables keyed by doc_id gain the
    document's `source_name`, and `bom` opens the file with a UTF-8
    byte-order mark (so Excel reads it as UTF-8)."""
    suffix, options = FORMATS[fmt]
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for table in table_names(con):
        path = out_dir / f"{file_name(table)}.{suffix}"
        select = _csv_select(con, table) if fmt == "csv" else f"SELECT * FROM {_quote_ident(table)}"
        con.execute(f"COPY ({select}) TO {_quote_literal(str(path))} ({options})")
        if fmt == "csv" and bom:
            _prepend_bom(path)
        rows = con.execute(f"SELECT count(*) FROM {_quote_ident(table)}").fetchone()[0]
        written.append(Exported(table, path, rows))
    return written


class QueryRefused(ValueError):
    """SQL that `plans query` will not run: it says why."""


# Statement kinds that only read (DuckDB's own parse decides, not a regex).
READ_STATEMENTS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}


def run_query(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple]]:
    """Column names and rows of one SQL statement that only reads."""
    statements = con.extract_statements(sql)
    if len(statements) != 1:
        raise QueryRefused(f"give exactly one SQL statement ({len(statements)} given)")
    kind = statements[0].type
    if kind not in READ_STATEMENTS:
        raise QueryRefused(f"only SELECT queries are run; this is a {kind.name} statement")
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description or []]
    return columns, cursor.fetchall() if columns else []


def _cell(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (dt.date, dt.datetime, Decimal)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_cell(v) for v in value) + "]"
    # One line per row: line breaks inside a text cell would break the grid.
    return " ".join(str(value).split())


def _is_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def render_table(columns: list[str], rows: list[tuple], max_cell: int | None = MAX_CELL) -> str:
    """A plain-text grid: numbers right-aligned, text longer than `max_cell`
    cut with `…` (None: whole)."""
    cells = [[_cell(v) for v in row] for row in rows]
    if max_cell is not None:
        cells = [[c if len(c) <= max_cell else c[: max_cell - 1] + "…" for c in row] for row in cells]
    widths = [max([len(name), *(len(row[i]) for row in cells)]) for i, name in enumerate(columns)]
    numeric = [bool(rows) and all(_is_number(r[i]) or r[i] is None for r in rows) for i in range(len(columns))]

    def line(values: list[str]) -> str:
        parts = (v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric))
        return " | ".join(parts).rstrip()

    out = [line(columns), "-+-".join("-" * w for w in widths)]
    out += [line(row) for row in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def _csv_cell(value):
    text = "" if value is None else _cell(value) if isinstance(value, list) else value
    return "'" + text if isinstance(text, str) and text.startswith(FORMULA_OPENERS) else text


def with_source_names(con: duckdb.DuckDBPyConnection, columns: list[str],
                      rows: list[tuple]) -> tuple[list[str], list[tuple]]:
    """A result with a `doc_id` column and no `source_name` gains the
    document's file name right after it, as the CSV export's tables do."""
    if "doc_id" not in columns or "source_name" in columns:
        return columns, rows
    names = dict(con.execute("SELECT doc_id, source_name FROM documents").fetchall())
    at = columns.index("doc_id") + 1
    return ([*columns[:at], "source_name", *columns[at:]],
            [(*row[:at], names.get(row[at - 1]), *row[at:]) for row in rows])


def render_csv(columns: list[str], rows: list[tuple], bom: bool = False) -> str:
    """RFC 4180 CSV with a header; NULL is an empty field, text is kept
    whole but for a `'` before text that opens like a spreadsheet formula;
    `bom` opens it with the byte-order mark Excel needs to read UTF-8."""
    buffer = io.StringIO()
    if bom:
        buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_csv_cell(c) for c in columns)
    for row in rows:
        writer.writerow(_csv_cell(v) for v in row)
    return buffer.getvalue()
