"""One document through every step; many documents into the store."""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from core.document import Document
from core.normalize import clean_text
from extractors import agencies, citations, dates, duties, header, targets, task_tables, topics
from extractors.learned import extract as with_learned_agencies, tagger
from extractors.sections import segment
from pipeline import citegraph, store
from pipeline.ingest import IngestFailure, Input, list_inputs, read_document
from schemas.records import DocumentRecords, IngestError


def _code_fingerprint() -> str:
    """Version of the extraction code and vocabularies: a file whose bytes
    are unchanged is re-processed anyway when this changes."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    for package in ("core", "extractors", "pipeline", "schemas"):
        for path in sorted((root / package).rglob("*")):
            if path.suffix in (".py", ".toml", ".sql", ".json", ".crfsuite") and path.is_file():
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


PIPELINE_VERSION = _code_fingerprint()

# Whether the duty rules also see the learned agencies (extractors/learned.py)
# when a caller does not say; a document stored without them carries another
# version, so a run with them re-processes it and the other way round.
LEARNED = False


def pipeline_version(learned: bool = LEARNED) -> str:
    return PIPELINE_VERSION if learned else PIPELINE_VERSION + "-rules"

# Documents written per transaction: one INSERT per table per batch.
WRITE_BATCH = 64


def process_document(doc: Document, extraction_method: str = "text", quality: str = "ok",
                     content_hash: str = "", source_path: str = "", learned: bool = LEARNED) -> DocumentRecords:
    """Run header, segmentation and every extractor over a built Document;
    `learned`: the duty rules also see the CRF's agencies."""
    sections, footnotes, issues = segment(doc)
    doc.sections = sections
    sections += task_tables.group_sections(doc)  # group rows of task tables: the sections of their rows
    doc.meta, recipients = header.read_header(doc)
    doc.meta.extraction_method = extraction_method
    doc.meta.quality = quality
    doc.meta.content_hash = content_hash
    doc.meta.pipeline_version = pipeline_version(learned)
    doc.meta.source_path = source_path or doc.source_name
    found_citations = citations.extract(doc)
    topic = topics.classify(doc, found_citations)
    doc.meta.topic = topic.topic
    if topic.evidence:
        doc.meta.topic_start, doc.meta.topic_end = topic.evidence.start, topic.evidence.end
        doc.meta.topic_evidence = doc.text[topic.evidence.start:topic.evidence.end]
    found_agencies = agencies.extract(doc)
    if learned:  # the CRF's subjects beside the vocabulary's mentions, for the duty rules
        found_agencies = with_learned_agencies(doc, found_agencies)
    found_dates = dates.extract(doc)
    found_duties = duties.extract(doc, agencies=found_agencies, dates=found_dates)
    found_duties += task_tables.extract(doc, found_agencies, found_dates)
    return DocumentRecords(
        document=doc.meta,
        sections=sections,
        footnotes=footnotes,
        recipients=recipients,
        document_issues=issues + duties.missing_appendices(doc),
        citations=found_citations,
        agencies=found_agencies,
        duties=found_duties,
        duty_partners=(duties.partners(doc, found_duties, found_agencies)
                       + task_tables.partners(doc, found_duties, found_agencies)),
        dates=found_dates,
        targets=targets.extract(doc),
    )


def process_text(text: str, name: str = "<text>", learned: bool = LEARNED) -> DocumentRecords:
    """Records of one raw text, without touching any database."""
    cleaned, repaired = clean_text(text)
    return process_document(Document(cleaned, name), quality="repaired" if repaired else "ok", learned=learned)


def process_file(path: str | Path, source: str = "", learned: bool = LEARNED) -> DocumentRecords:
    """Records of one input file (any supported format); raises IngestFailure.
    `source` is the file's identity in the store (its path under the folder
    given, see `ingest.list_inputs`), by default its name."""
    raw = read_document(Path(path))
    return process_document(Document(raw.text, raw.path.name), raw.extraction_method, raw.quality,
                            raw.content_hash, source, learned)


def _process_or_fail(item: Input, learned: bool = LEARNED) -> DocumentRecords | IngestError:
    path, source = item
    try:
        return process_file(path, source, learned)
    except IngestFailure as exc:
        return IngestError(source_name=path.name, path=source, problem=exc.problem, message=str(exc))
    except Exception as exc:  # a bug on one file must not stop the run
        return IngestError(source_name=path.name, path=source, problem="internal_error",
                           message=f"{path}: internal_error: {type(exc).__name__}: {exc}")


@dataclass
class RunResult:
    stored: list[str]  # source names
    skipped: list[Path]
    failed: list[IngestError]


def _outcomes(paths: list[Input], workers: int, batch_size: int,
              learned: bool) -> Iterator[DocumentRecords | IngestError]:
    if workers <= 1:
        yield from (_process_or_fail(path, learned) for path in paths)
        return
    # Extraction in worker processes, at most `batch_size` documents in
    # flight so memory follows the batch size rather than the corpus; each
    # result taken in order makes room for the next file, so the workers
    # never wait for the writer to drain a whole batch. The caller stays the
    # one writer.
    with ProcessPoolExecutor(max_workers=workers) as pool:
        todo = iter(paths)
        in_flight = deque(pool.submit(_process_or_fail, path, learned) for path in islice(todo, batch_size))
        while in_flight:
            outcome = in_flight.popleft().result()
            if (path := next(todo, None)) is not None:
                in_flight.append(pool.submit(_process_or_fail, path, learned))
            yield outcome


def run(inputs: list[Path], db_path: Path, workers: int = 1, force: bool = False, batch_size: int = 256,
        on_document: Callable[[DocumentRecords | IngestError | Path], None] | None = None,
        learned: bool = LEARNED) -> RunResult:
    """Process every input file into the database at `db_path`.

    Unchanged files (same bytes, same pipeline version) are skipped unless
    `force`; a bad file is recorded in `ingest_errors` and the run goes on.
    A learned model that cannot be loaded stops the run before any file
    (`learned.ModelError`), rather than failing every file one by one.
    """
    if learned:
        tagger()
    result = RunResult([], [], [])
    con = store.connect(db_path)
    pending: list[DocumentRecords] = []

    def flush() -> None:
        failed = {id(records): exc for records, exc in store.write_documents(con, pending)}
        for records in pending:
            outcome: DocumentRecords | IngestError = records
            if id(records) in failed:
                meta = records.document
                outcome = IngestError(source_name=meta.source_name, path=meta.source_path, problem="store_error",
                                      message=f"{meta.source_path}: store_error: {failed[id(records)]}")
                store.record_error(con, outcome)
                result.failed.append(outcome)
            else:
                result.stored.append(records.document.source_name)
            if on_document:
                on_document(outcome)
        pending.clear()

    try:
        todo = []
        stored = {} if force else store.stored_hashes(con)
        for item in list_inputs(inputs):
            if _unchanged(stored.get(item.source), item.path, pipeline_version(learned)):
                result.skipped.append(item.path)
                if on_document:
                    on_document(item.path)
            else:
                todo.append(item)
        for outcome in _outcomes(todo, workers or os.cpu_count() or 1, batch_size, learned):
            if isinstance(outcome, IngestError):
                store.record_error(con, outcome)
                result.failed.append(outcome)
                if on_document:
                    on_document(outcome)
            else:
                pending.append(outcome)
                if len(pending) >= WRITE_BATCH:
                    flush()
        flush()
        # Cross-document tables (cited documents, citation findings) follow
        # whatever this run changed.
        citegraph.refresh(con)
    finally:
        con.close()
    return result


def _unchanged(stored: tuple[str, str] | None, path: Path, version: str) -> bool:
    if stored is None or stored[1] != version:
        return False
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == stored[0]
    except OSError:
        return False
