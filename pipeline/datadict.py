"""The data dictionary `docs/tables.md`, written from what the code creates.

    python -m pipeline.datadict            # rewrite docs/tables.md
    python -m pipeline.datadict --check    # exit 1 when docs/tables.md is stale

Tables, columns and their types come from a freshly created database
(schemas/schema.sql through `store.connect`), so the page cannot list a
column the code no longer writes nor miss one it added. What each means is
the project's own words in `schemas/columns.toml` (one line per column); one
example value per column is read from the sample plans of `data/raw` run into
a temporary database. The vocabularies a user meets in the data (levels,
agency types, roles, section and date kinds, themes, topics) are listed with
their Vietnamese labels straight from `core/vocab/*.toml`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from core.vocab import load
from pipeline import store

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTIONS = ROOT / "schemas" / "columns.toml"
OUTPUT = ROOT / "docs" / "tables.md"
SAMPLES = ROOT / "data" / "raw"

# An example longer than this is cut with `…`: the page is a table, not a corpus.
MAX_EXAMPLE = 48


@dataclass(frozen=True)
class Column:
    table: str
    name: str
    type: str


class DescriptionsError(ValueError):
    """schemas/columns.toml does not have the shape this module reads."""


def fresh_columns() -> list[Column]:
    """Every column of a database just created by `store.connect`, tables in
    the order schema.sql creates them, columns in their table's order."""
    with tempfile.TemporaryDirectory() as tmp:
        con = store.connect(Path(tmp) / "fresh.duckdb")
        try:
            rows = con.execute(
                "SELECT c.table_name, c.column_name, c.data_type FROM duckdb_columns() c "
                "JOIN duckdb_tables() t ON t.table_oid = c.table_oid "
                "WHERE c.schema_name = 'main' ORDER BY t.table_oid, c.column_index").fetchall()
        finally:
            con.close()
    return [Column(*row) for row in rows]


def load_descriptions(path: Path = DESCRIPTIONS) -> dict:
    """`{"tables": {table: meaning}, "columns": {table: {column: meaning}},
    "varies": [table.column, ...]}` from the descriptions file."""
    with path.open("rb") as f:
        data = tomllib.load(f)
    unknown = set(data) - {"tables", "columns", "varies"}
    if unknown:
        raise DescriptionsError(f"{path}: unknown top-level keys {sorted(unknown)} (tables, columns, varies)")
    return {"tables": data.get("tables", {}), "columns": data.get("columns", {}),
            "varies": data.get("varies", {}).get("columns", [])}


def undescribed(columns: list[Column], descriptions: dict) -> list[str]:
    """`table` or `table.column` of every table or column without a meaning."""
    tables = dict.fromkeys(c.table for c in columns)
    missing = [t for t in tables if not descriptions["tables"].get(t)]
    missing += [f"{c.table}.{c.name}" for c in columns
                if not descriptions["columns"].get(c.table, {}).get(c.name)]
    return missing


def described_but_absent(columns: list[Column], descriptions: dict) -> list[str]:
    """Descriptions of tables or columns the database does not have (a typo, a removed column)."""
    have = {(c.table, c.name) for c in columns}
    tables = {c.table for c in columns}
    extra = [t for t in descriptions["tables"] if t not in tables]
    extra += [f"{t}.{name}" for t, cols in descriptions["columns"].items() for name in cols if (t, name) not in have]
    return extra


def sample_database(db_path: Path, samples: Path = SAMPLES) -> None:
    """The sample plans run into `db_path`, one process, so every run stores them alike."""
    from pipeline.run import run

    run([samples], db_path, workers=1)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def examples(con: duckdb.DuckDBPyConnection, columns: list[Column], varies: list[str]) -> dict[tuple[str, str], str]:
    """One value per column as the page shows it: the first non-null one in
    storage order, on one line, cut, with `|` escaped; none for the columns
    in `varies` (their value changes with the code or the clock)."""
    shown = {}
    for c in columns:
        if f"{c.table}.{c.name}" in varies:
            continue
        row = con.execute(f"SELECT {_quote(c.name)} FROM {_quote(c.table)} "
                          f"WHERE {_quote(c.name)} IS NOT NULL LIMIT 1").fetchone()
        if row is not None:
            shown[(c.table, c.name)] = cell(row[0])
    return shown


def cell(value) -> str:
    """A value as one short Markdown table cell."""
    if isinstance(value, list):
        text = "[" + ", ".join(str(v) for v in value) + "]"
    else:
        text = str(value)
    text = " ".join(text.split())
    if len(text) > MAX_EXAMPLE:
        text = text[: MAX_EXAMPLE - 1] + "…"
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


def _escape(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


# --- vocabularies ------------------------------------------------------------

@dataclass(frozen=True)
class Vocabulary:
    title: str
    where: str          # the columns that hold these values
    source: str         # the data file they come from
    values: list[tuple[str, str]]  # (code, Vietnamese label)


def vocabularies() -> list[Vocabulary]:
    """The code lists a user meets in the data, each value with its label."""
    header = load("header")
    levels = header["level_labels"]
    agency_types = load("agency_types")["type"]
    roles = load("roles")
    kinds = load("section_kinds")
    dates = load("date_cues")
    themes = load("themes")["theme"]
    topics = load("topics")
    return [
        Vocabulary("Levels", "`documents.issuer_level`, `agencies.level`", "core/vocab/header.toml [level_labels]",
                   list(levels.items())),
        Vocabulary("Agency types", "`agencies.agency_type`, `duties.agency_type`, `duty_partners.agency_type`",
                   "core/vocab/agency_types.toml", [(k, v["label"]) for k, v in agency_types.items()]),
        Vocabulary("Roles in a task", "`duties.role`", "core/vocab/roles.toml",
                   [(r["name"], r["label"]) for r in roles["role"]] + [(roles["default"], roles["default_label"])]),
        Vocabulary("Section kinds", "`sections.kind`", "core/vocab/section_kinds.toml",
                   [(k["name"], k["label"]) for k in kinds["kind"]] + [("other", kinds["other_label"])]),
        Vocabulary("Date kinds", "`dates.kind`", "core/vocab/date_cues.toml [kinds]", list(dates["kinds"].items())),
        Vocabulary("Themes of a task", "`duties.themes`", "core/vocab/themes.toml",
                   [(t["name"], t["label"]) for t in themes]),
        Vocabulary("Topics of a document", "`documents.topic`", "core/vocab/topics.toml",
                   [(t["code"], t["label"]) for t in topics["topic"]] + [("other", topics["other_label"])]),
    ]


# --- the page ----------------------------------------------------------------

INTRO = """\
# Data dictionary

Every table and column `plans run` writes into its DuckDB file, with its
type, what it means, and one value taken from the sample plans of
`data/raw`. Generated by `python -m pipeline.datadict` from
`schemas/schema.sql` (the types), `schemas/columns.toml` (the meanings) and
`core/vocab/*.toml` (the vocabularies); do not edit by hand.

Every row with `doc_id`, `start_char`, `end_char` points into
`documents.text` (0-based, end-exclusive):

```sql
substr(d.text, start_char + 1, end_char - start_char) = row.text
```
"""


def render(columns: list[Column], descriptions: dict, shown: dict[tuple[str, str], str],
           vocabs: list[Vocabulary]) -> str:
    out = [INTRO]
    tables = list(dict.fromkeys(c.table for c in columns))
    out.append("## Tables\n")
    out += [f"- `{t}`: {_escape(descriptions['tables'].get(t, ''))}" for t in tables]
    out.append("")
    for t in tables:
        out.append(f"## `{t}`\n")
        out.append(_escape(descriptions["tables"].get(t, "")) + "\n")
        out.append("| column | type | meaning | example |")
        out.append("|---|---|---|---|")
        meanings = descriptions["columns"].get(t, {})
        for c in (c for c in columns if c.table == t):
            out.append(f"| `{c.name}` | {c.type} | {_escape(meanings.get(c.name, ''))} | {shown.get((t, c.name), '')} |")
        out.append("")
    out.append("## Vocabularies\n")
    out.append("The codes stored in these columns, with the Vietnamese label each stands for.\n")
    for v in vocabs:
        out.append(f"### {v.title}\n")
        out.append(f"In {v.where}; from `{v.source}`.\n")
        out.append("| code | label |")
        out.append("|---|---|")
        out += [f"| `{code}` | {_escape(label)} |" for code, label in v.values]
        out.append("")
    return "\n".join(out)


def page(samples: duckdb.DuckDBPyConnection) -> str:
    """The page's text: columns of a fresh database, examples from `samples`
    (a database the sample plans were run into)."""
    columns = fresh_columns()
    descriptions = load_descriptions()
    return render(columns, descriptions, examples(samples, columns, descriptions["varies"]), vocabularies())


def generate(samples: Path = SAMPLES) -> str:
    """The page's text, the sample plans run into a temporary database."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "samples.duckdb"
        sample_database(db, samples)
        with duckdb.connect(str(db), read_only=True) as con:
            return page(con)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pipeline.datadict", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/tables.md differs from the generator")
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    missing = undescribed(fresh_columns(), load_descriptions())
    if missing:
        sys.exit(f"{DESCRIPTIONS}: no meaning for {', '.join(missing)} (one line each, see the file's top)")
    text = generate()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            sys.exit(f"{args.out} is stale: run `python -m pipeline.datadict`")
        return
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
