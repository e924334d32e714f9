"""`plans` command line. Thin: parse options, call the pipeline, print."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline import store
from schemas.records import DocumentRecords, IngestError

DEFAULT_DB = Path("data/out/plans.duckdb")
DEFAULT_INPUT = Path("data/raw")


@click.group()
def main() -> None:
    """Structured records from Vietnamese government plan documents."""


def _summary(records: DocumentRecords) -> str:
    d = records.document
    head = " ".join(str(x) for x in (d.doc_type, d.number or (f"(số trống)/{d.symbol}" if d.symbol else None),
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
def run(inputs: tuple[Path, ...], db_path: Path, workers: int, force: bool, quiet: bool) -> None:
    """Process plan files (default: data/raw/) into the database."""
    from pipeline.run import run as run_pipeline

    paths = list(inputs) or [DEFAULT_INPUT]
    missing = [p for p in paths if not p.exists()]
    for p in missing:
        click.echo(f"error: {p}: no such file or folder", err=True)
    paths = [p for p in paths if p.exists()]
    show_bar = sys.stderr.isatty() and not quiet

    def report(outcome) -> None:
        if isinstance(outcome, IngestError):
            click.echo(f"error: {outcome.message}", err=True)
        elif isinstance(outcome, Path):
            if not quiet and not show_bar:
                click.echo(f"{outcome.name}: unchanged, skipped")
        elif not quiet and not show_bar:
            click.echo(_summary(outcome))

    try:
        if show_bar:
            from pipeline.ingest import list_inputs

            with click.progressbar(length=len(list_inputs(paths)), label="plans", file=sys.stderr) as bar:
                result = run_pipeline(paths, db_path, workers=workers, force=force,
                                      on_document=lambda o: (report(o), bar.update(1)))
        else:
            result = run_pipeline(paths, db_path, workers=workers, force=force, on_document=report)
    except store.StoreLockedError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{len(result.stored)} stored, {len(result.skipped)} unchanged, "
               f"{len(result.failed) + len(missing)} failed -> {db_path}")
    if result.failed or missing:
        sys.exit(1)
