"""`plans` command line. Thin: parse options, call the pipeline, print."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from pipeline import store
from schemas.records import DocumentRecords, IngestError

DEFAULT_DB = Path("data/out/plans.duckdb")
DEFAULT_INPUT = Path("data/raw")

# Characters a terminal acts on rather than shows: line breaks, escape codes
# (colours, cursor moves, a title), Unicode line separators and direction
# overrides. A file named `a\n3 stored, 0 failed` must not print a fake line.
_UNSHOWABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """`text` with every character a terminal would act on written as its escape (`\\n`, `\\x1b`)."""
    return _UNSHOWABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _echo(line: str, err: bool = False) -> None:
    click.echo(shown(line), err=err)


@click.group()
def main() -> None:
    """Structured records from Vietnamese government plan documents."""


def _summary(records: DocumentRecords) -> str:
    d = records.document
    head = " ".join(str(x) for x in (d.doc_type, d.number or (f"(no number) {d.symbol}" if d.symbol else None),
                                    d.issuer) if x)
    counts = ", ".join(f"{len(getattr(records, t))} {t}" for t in
                       ("sections", "citations", "agencies", "duties", "dates", "targets", "document_issues"))
    return f"{d.source_name}: {head or '(no header found)'} | {counts}"


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=DEFAULT_DB, show_default=True,
              help="DuckDB file to write.")
@click.option("--workers", type=int, default=1, show_default=True,
              help="Processes for extraction (0 = one per core); one writer.")
@click.option("--force", is_flag=True, help="Re-process files whose content is unchanged.")
@click.option("--quiet", "-q", is_flag=True, help="No per-document lines.")
@click.option("--timeout", type=click.FloatRange(min=0), default=None,
              help="Seconds one file may take before it is recorded as failed (0 = no limit)  [default: 600]")
@click.option("--learned", is_flag=True,
              help="Also give the duty rules the agencies a CRF trained on the real corpus finds (see README).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="dask: extract on a dask.distributed cluster into a Parquet dataset, then load it (see README).")
@click.option("--scheduler", metavar="ADDRESS",
              help="With --engine dask: the scheduler of a running cluster (default: a local one of --workers processes).")
@click.option("--parquet", "parquet_dir", type=click.Path(file_okay=False, path_type=Path),
              help="With --engine dask: the dataset folder, DIR/<table>/part-<k>.parquet  [default: DB with .parquet]")
def run(inputs: tuple[Path, ...], db_path: Path, workers: int, force: bool, quiet: bool,
        timeout: float | None, learned: bool, engine: str, scheduler: str | None, parquet_dir: Path | None) -> None:
    """Process plan files (default: data/raw/) into the database."""
    from extractors.learned import ModelError
    from pipeline.run import DOCUMENT_TIMEOUT, run as run_pipeline

    timeout = DOCUMENT_TIMEOUT if timeout is None else timeout or None
    if engine == "dask":
        from functools import partial

        from pipeline.engines import dask_engine

        run_pipeline = partial(dask_engine.run, scheduler=scheduler, parquet_dir=parquet_dir)
    elif scheduler or parquet_dir:
        raise click.UsageError("--scheduler and --parquet go with --engine dask")

    paths = list(inputs) or [DEFAULT_INPUT]
    missing = [p for p in paths if not p.exists()]
    for p in missing:
        _echo(f"error: {p}: no such file or folder", err=True)
    paths = [p for p in paths if p.exists()]
    show_bar = sys.stderr.isatty() and not quiet

    def report(outcome) -> None:
        if isinstance(outcome, IngestError):
            _echo(f"error: {outcome.message}", err=True)
        elif isinstance(outcome, Path):
            if not quiet and not show_bar:
                _echo(f"{outcome.name}: unchanged, skipped")
        elif not quiet and not show_bar:
            _echo(_summary(outcome))

    try:
        if show_bar:
            from pipeline.ingest import list_inputs

            with click.progressbar(length=len(list_inputs(paths)), label="plans", file=sys.stderr) as bar:
                result = run_pipeline(paths, db_path, workers=workers, force=force, timeout=timeout,
                                      learned=learned, on_document=lambda o: (report(o), bar.update(1)))
        else:
            result = run_pipeline(paths, db_path, workers=workers, force=force, timeout=timeout,
                                  learned=learned, on_document=report)
    except (store.StoreError, ModelError) as exc:
        raise click.ClickException(shown(str(exc))) from None
    _echo(f"{len(result.stored)} stored, {len(result.skipped)} unchanged, "
          f"{len(result.failed) + len(missing)} failed -> {db_path}")
    if result.failed or missing:
        sys.exit(1)


@main.command("eval")
@click.option("--gold", "gold_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of gold *.json files (format: tests/gold/GOLD.md).")
@click.option("--db", "db_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_DB,
              show_default=True, help="DuckDB file written by `plans run`.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--floors", "floors_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="TOML of metric = minimum (e.g. eval_floors.toml); exit 1 naming every metric below.")
def eval_(gold_dir: Path, db_path: Path, fmt: str, floors_path: Path | None) -> None:
    """Precision, recall and F1 of a db against gold annotations."""
    import json

    from pipeline import evaluate

    try:
        con = store.connect(db_path, read_only=True)
    except store.StoreError as exc:
        raise click.ClickException(shown(str(exc))) from None
    with con:
        report = evaluate.evaluate(con, gold_dir)
    failures = evaluate.below_floors(report, evaluate.load_floors(floors_path)) if floors_path else []
    if fmt == "json":
        click.echo(json.dumps({**report.to_json(), "below_floor": failures}, ensure_ascii=False, indent=2))
    else:
        click.echo(evaluate.render_text(report))
    for line in failures:
        click.echo(f"below floor: {line}", err=True)
    if failures:
        sys.exit(1)


def _open_read_only(db_path: Path, sandbox: bool = False):
    try:
        return store.connect(db_path, read_only=True, sandbox=sandbox)
    except store.StoreError as exc:
        raise click.ClickException(shown(str(exc))) from None


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv", "jsonl"]), default="parquet",
              show_default=True)
@click.option("--db", "db_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_DB,
              show_default=True, help="DuckDB file written by `plans run` (opened read-only).")
def export(out_dir: Path, fmt: str, db_path: Path) -> None:
    """Write every table of the database to OUT_DIR, one file per table."""
    from pipeline.export import export_tables

    with _open_read_only(db_path) as con:
        for item in export_tables(con, out_dir, fmt):
            _echo(f"{item.table}: {item.rows} rows -> {item.path}")


@main.command()
@click.argument("sql")
@click.option("--db", "db_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_DB,
              show_default=True, help="DuckDB file written by `plans run` (opened read-only).")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header instead of a table.")
def query(sql: str, db_path: Path, as_csv: bool) -> None:
    """Run one SQL statement against the database and print the result."""
    import duckdb

    from pipeline.export import QueryRefused, render_csv, render_table, run_query

    with _open_read_only(db_path, sandbox=True) as con:
        try:
            columns, rows = run_query(con, sql)
        except (duckdb.Error, QueryRefused) as exc:
            raise click.ClickException(shown(str(exc))) from None
    click.echo(render_csv(columns, rows) if as_csv else render_table(columns, rows), nl=not as_csv)


@main.command()
@click.argument("number_or_key")
@click.option("--db", "db_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_DB,
              show_default=True, help="DuckDB file written by `plans run` (opened read-only).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def trace(number_or_key: str, db_path: Path, fmt: str) -> None:
    """Follow a cited document (`573/TTg-KGVX`, a cited_key or a name): who
    cites it, what they cite in turn, the chains up and down, its findings."""
    from pipeline import citegraph

    with _open_read_only(db_path) as con:
        if not store.graph_is_fresh(con):
            _echo("warning: the last run was stopped before the citation graph followed its documents; "
                  "`plans run` again rebuilds it", err=True)
        result = citegraph.trace(con, number_or_key)
    click.echo(citegraph.render_json(result) if fmt == "json" else citegraph.render_text(result), nl=fmt == "json")
    if not result["matches"]:
        sys.exit(1)


@main.command()
@click.option("--cites", help="Compare the plans that cite this document (`573/TTg-KGVX` or a cited_key).")
@click.option("--doc", "doc_ids", multiple=True, help="A doc_id to include (repeatable).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write the matrix as CSV.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write an HTML report.")
@click.option("--db", "db_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_DB,
              show_default=True, help="DuckDB file written by `plans run` (opened read-only).")
def compare(cites: str | None, doc_ids: tuple[str, ...], csv_path: Path | None, html_path: Path | None,
            db_path: Path) -> None:
    """Agency type x plan matrix of task counts and themes, and what each plan assigns that the others don't."""
    from pipeline import compare as comparing

    if not cites and not doc_ids:
        raise click.UsageError("give --cites or at least one --doc")
    with _open_read_only(db_path) as con:
        result = comparing.compare(con, cites=cites, doc_ids=list(doc_ids))
    click.echo(comparing.render_text(result))
    if csv_path:
        csv_path.write_text(comparing.render_csv(result), encoding="utf-8")
    if html_path:
        html_path.write_text(comparing.render_html(result), encoding="utf-8")
    if not result.docs:
        sys.exit(1)
