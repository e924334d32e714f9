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
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_DB,
              show_default=True, help="DuckDB file written by `plans run`.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--floors", "floors_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="TOML of metric = minimum (e.g. eval_floors.toml); exit 1 naming every metric below.")
@click.option("--docs", "docs", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Passage-alignment gold only: a folder where texts named by file name are found "
                   "(the real corpus); repeatable.")
def eval_(gold_dir: Path, db_path: Path, fmt: str, floors_path: Path | None, docs: tuple[Path, ...]) -> None:
    """Precision, recall and F1 of a db against gold annotations (of `plans diff`'s
    labels for a folder of passage alignments, tests/gold_diff: no db needed)."""
    import json

    from pipeline import evaluate, evaluate_diff

    if evaluate_diff.is_diff_gold(gold_dir):
        report = evaluate_diff.evaluate(gold_dir, docs=docs)
        click.echo(json.dumps(report.scores(), indent=2) if fmt == "json" else evaluate_diff.render_text(report))
        return
    if not db_path.exists():
        raise click.ClickException(shown(f"{db_path}: no such database; `plans run` writes it"))

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
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv", "jsonl", "spacy"]), default="parquet",
              show_default=True, help="spacy: one DocBin, OUT_DIR/plans.spacy, records as span groups.")
@click.option("--db", "db_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_DB,
              show_default=True, help="DuckDB file written by `plans run` (opened read-only).")
@click.option("--bom/--no-bom", default=True, show_default=True,
              help="Open CSV files with a UTF-8 byte-order mark, so Excel reads their Vietnamese right.")
def export(out_dir: Path, fmt: str, db_path: Path, bom: bool) -> None:
    """Write every table of the database to OUT_DIR, one file per table
    (or, --format spacy, every document as a spaCy Doc)."""
    from pipeline.export import export_tables

    with _open_read_only(db_path) as con:
        if fmt == "spacy":
            from pipeline import spacy_export

            try:
                done = spacy_export.export(con, out_dir)
            except spacy_export.ExportError as exc:
                raise click.ClickException(shown(str(exc))) from None
            _echo(f"{done.docs} documents, {done.spans} spans ({done.misses} records no token covers) -> {done.path}")
            return
        for item in export_tables(con, out_dir, fmt, bom=bom):
            _echo(f"{item.table}: {item.rows} rows -> {item.path}")


@main.command()
@click.argument("sql")
@click.option("--db", "db_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_DB,
              show_default=True, help="DuckDB file written by `plans run` (opened read-only).")
@click.option("--csv", "as_csv", is_flag=True,
              help="CSV with a header instead of a table (a doc_id column gains source_name after it).")
@click.option("--bom/--no-bom", default=False, show_default=True,
              help="With --csv: open with a UTF-8 byte-order mark (for Excel; off so pipes get plain CSV).")
@click.option("--wide", is_flag=True, help="Show whole texts (the table cuts them at 60 characters).")
@click.option("--max-width", type=click.IntRange(min=2), default=None,
              help="Cut texts at this many characters instead of 60.")
def query(sql: str, db_path: Path, as_csv: bool, bom: bool, wide: bool, max_width: int | None) -> None:
    """Run one SQL statement against the database and print the result."""
    import duckdb

    from pipeline.export import MAX_CELL, QueryRefused, render_csv, render_table, run_query, with_source_names

    if wide and max_width:
        raise click.UsageError("give --wide or --max-width, not both")
    with _open_read_only(db_path, sandbox=True) as con:
        try:
            columns, rows = run_query(con, sql)
            if as_csv:
                columns, rows = with_source_names(con, columns, rows)
        except (duckdb.Error, QueryRefused) as exc:
            raise click.ClickException(shown(str(exc))) from None
    if as_csv:
        click.echo(render_csv(columns, rows, bom=bom), nl=False)
    else:
        click.echo(render_table(columns, rows, max_cell=None if wide else max_width or MAX_CELL))


@main.command()
@click.argument("number_or_key")
@click.option("--db", "db_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_DB,
              show_default=True, help="DuckDB file written by `plans run` (opened read-only).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--min-severity", type=click.Choice(["info", "warning", "error"]), default="warning", show_default=True,
              help="Show citation findings of this severity and above.")
def trace(number_or_key: str, db_path: Path, fmt: str, min_severity: str) -> None:
    """Follow a cited document (`573/TTg-KGVX`, a cited_key or a name): who
    cites it, what they cite in turn, the chains up and down, its findings."""
    from pipeline import citegraph

    with _open_read_only(db_path) as con:
        _warn_if_stale(con)
        result = citegraph.trace(con, number_or_key, min_severity)
        if not result["matches"]:
            from pipeline.suggest import near_matches, render

            result["suggestions"] = near_matches(con, number_or_key)
    click.echo(citegraph.render_json(result) if fmt == "json" else citegraph.render_text(result), nl=fmt == "json")
    if not result["matches"]:
        if fmt == "text":
            click.echo(render(result["suggestions"]), nl=False)
        sys.exit(1)


def _warn_if_stale(con) -> None:
    if not store.graph_is_fresh(con):
        _echo("warning: the last run was stopped before the citation graph followed its documents; "
              "`plans run` again rebuilds it", err=True)


@main.command()
@click.argument("doc")
@click.option("--db", "db_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_DB,
              show_default=True, help="DuckDB file written by `plans run` (opened read-only).")
@click.option("--min-severity", type=click.Choice(["info", "warning", "error"]), default="warning", show_default=True,
              help="Show citation findings of this severity and above.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write an HTML report.")
def audit(doc: str, db_path: Path, min_severity: str, html_path: Path | None) -> None:
    """One plan checked (DOC: a doc_id, source name, number, or part of a source
    name): its citations as written and resolved with their findings, its
    tasks, its own issues."""
    from pipeline import audit as auditing

    with _open_read_only(db_path) as con:
        _warn_if_stale(con)
        try:
            report = auditing.audit(con, doc, min_severity)
        except auditing.AuditError as exc:
            _echo(f"error: {exc}", err=True)
            sys.exit(1)
    click.echo(auditing.render_text(report), nl=False)
    if html_path:
        html_path.write_text(auditing.render_html(report), encoding="utf-8")


@main.command("diff")
@click.argument("child")
@click.argument("parent", required=False)
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the two plans side by side, changes marked, as HTML.")
@click.option("--db", "db_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_DB,
              show_default=True, help="DuckDB file written by `plans run` (opened read-only).")
def diff_(child: str, parent: str | None, html_path: Path | None, db_path: Path) -> None:
    """What CHILD copies, adapts, adds and drops from PARENT (default: the stored document it cites)."""
    from pipeline import diff_view

    with _open_read_only(db_path) as con:
        try:
            result = diff_view.diff(con, child, parent)
        except diff_view.DiffError as exc:
            raise click.ClickException(shown(str(exc))) from None
    for line in diff_view.render_text(result).splitlines():
        _echo(line)
    if html_path:
        html_path.write_text(diff_view.render_html(result), encoding="utf-8")


@main.command()
@click.option("--cites", help="Compare the plans that cite this document (`573/TTg-KGVX` or a cited_key).")
@click.option("--doc", "doc_ids", multiple=True, help="A doc_id to include (repeatable).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write the matrix as CSV.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write an HTML report.")
@click.option("--db", "db_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_DB,
              show_default=True, help="DuckDB file written by `plans run` (opened read-only).")
@click.option("--passages", "passages_view", is_flag=True,
              help="Also the passages the plans share (all / some / one alone); with --csv/--html, "
                   "F.passages.csv / F.passages.html too.")
def compare(cites: str | None, doc_ids: tuple[str, ...], csv_path: Path | None, html_path: Path | None,
            db_path: Path, passages_view: bool) -> None:
    """Agency type x plan matrix of task counts and themes, and what each plan assigns that the others don't."""
    from pipeline import compare as comparing

    if not cites and not doc_ids:
        raise click.UsageError("give --cites or at least one --doc")
    with _open_read_only(db_path) as con:
        result = comparing.compare(con, cites=cites, doc_ids=list(doc_ids))
        view = comparing.passages(con, cites, result) if passages_view else None
    click.echo(comparing.render_text(result))
    if view is not None:
        comparing.write_passages(view, csv_path, html_path, _echo)
    if csv_path:
        csv_path.write_text(comparing.render_csv(result), encoding="utf-8")
    if html_path:
        html_path.write_text(comparing.render_html(result), encoding="utf-8")
    if not result.docs:
        sys.exit(1)


@main.command()
@click.argument("doc")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the annotated page here instead of printing the records.")
@click.option("--db", "db_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_DB,
              show_default=True, help="DuckDB file written by `plans run` (opened read-only).")
def show(doc: str, html_path: Path | None, db_path: Path) -> None:
    """One document (a doc_id, a source file name or a number such as 597/KH-UBND)
    with every extracted span and the findings an auditor should look at."""
    from pipeline import show as showing
    from pipeline.lookup import DocumentNotFound, resolve

    with _open_read_only(db_path) as con:
        try:
            view = showing.build(con, resolve(con, doc))
        except DocumentNotFound as exc:
            raise click.ClickException("\n".join(shown(line) for line in str(exc).splitlines())) from None
    if html_path:
        html_path.write_text(showing.render_html(view), encoding="utf-8")
        _echo(f"{view.doc['source_name']}: {sum(view.counts.values())} marks -> {html_path}")
    else:
        click.echo("\n".join(shown(line) for line in showing.render_text(view).splitlines()))


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--cites", help="Report on the plans that cite this document (`573/TTg-KGVX` or a cited_key).")
@click.option("--doc", "doc_ids", multiple=True, help="A doc_id to include (repeatable).")
@click.option("--db", "db_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_DB,
              show_default=True, help="DuckDB file written by `plans run` (opened read-only).")
def report(out_dir: Path, cites: str | None, doc_ids: tuple[str, ...], db_path: Path) -> None:
    """A static site in OUT_DIR comparing plans: agency type x plan heatmap with
    the tasks behind each cell, timeline, targets, each plan's annotated text."""
    from pipeline import report as reporting

    if not cites and not doc_ids:
        raise click.UsageError("give --cites or at least one --doc")
    with _open_read_only(db_path) as con:
        try:
            site = reporting.build_site(con, out_dir, cites=cites, doc_ids=list(doc_ids))
        except reporting.NothingToReport as exc:
            raise click.ClickException(shown(str(exc))) from None
    _echo(f"{len(site.pages)} pages -> {site.index}")
