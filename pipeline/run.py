"""One document through every step; many documents into the store."""

from __future__ import annotations

import ctypes
import hashlib
import os
import re
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import duckdb

from core.document import Document
from core.normalize import clean_text
from extractors import agencies, citations, dates, duties, header, passages, targets, task_tables, themes, topics
from extractors.learned import extract as with_learned_agencies, tagger
from extractors.sections import segment
from pipeline import citegraph, diff, store
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

# Seconds one document may take, reading and extraction together. The
# slowest real plan takes about a second, the largest text and .docx the
# limits accept under a minute (benchmarks/limits.md): beyond this a
# document is a runaway, recorded as failed (`timeout`) while the run goes on.
DOCUMENT_TIMEOUT = 600.0


@dataclass(frozen=True)
class Step:
    """One stage of `process_document`, declared the way spaCy declares a
    pipeline component: the named results it reads from earlier steps
    (`requires`) and the ones it adds (`assigns`). `run(doc, *required)`
    receives the required results in that order and returns the assigned ones
    in theirs, so a step cannot reach a result it does not declare.

    Two results are also set on the Document, because extractors read them
    from it rather than as arguments: `sections` (`doc.sections`, hence
    `doc.section_at` and `doc.span`'s section_id; the segmenter also sets
    `doc.body_end`) and `header` (`doc.meta`, the documents row as the header
    gives it; `document` is that row once the topic is added). A step that
    reads them through the Document requires them all the same.
    """

    name: str
    run: Callable[..., tuple]
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()


def _segment(doc: Document) -> tuple:
    headings, footnotes, issues = segment(doc)
    doc.sections = headings  # what task tables hang their group rows under
    return headings, footnotes, issues


def _table_groups(doc: Document, headings: list) -> tuple:
    # Group rows of task tables (`| I | Công tác tuyên truyền | |`) are sections too.
    doc.sections = headings + task_tables.group_sections(doc)
    return (doc.sections,)


def _header(doc: Document, sections: list) -> tuple:
    doc.meta, recipients = header.read_header(doc)
    return doc.meta, recipients


def _topic(doc: Document, meta, found_citations: list) -> tuple:
    """The documents row completed with its topic and the words that weighed most."""
    topic = topics.classify(doc, found_citations)
    meta.topic = topic.topic
    if topic.evidence:
        meta.topic_start, meta.topic_end = topic.evidence.start, topic.evidence.end
        meta.topic_evidence = doc.text[topic.evidence.start:topic.evidence.end]
    return (meta,)


def _duties(doc: Document, sections: list, meta, document, found_agencies: list, found_dates: list) -> tuple:
    # Tasks written as prose under a heading, then tasks laid out as table
    # rows; then their themes, the topic layer chosen by the document's topic.
    rows = (duties.extract(doc, agencies=found_agencies, dates=found_dates)
            + task_tables.extract(doc, found_agencies, found_dates))
    return rows, themes.tag(doc, rows, document.topic)


def _issues(doc: Document, sections: list, numbering_issues: list) -> tuple:
    return (numbering_issues + duties.missing_appendices(doc),)


def _partners(doc: Document, sections: list, found_duties: list, found_agencies: list) -> tuple:
    return (duties.partners(doc, found_duties, found_agencies)
            + task_tables.partners(doc, found_duties, found_agencies),)


def _passages(doc: Document, sections: list, meta, found_duties: list, found_targets: list) -> tuple:
    return (passages.extract(doc, sections, found_duties, found_targets),)


def _extractor(extract: Callable[[Document], list]) -> Callable[..., tuple]:
    """A step of one extractor that reads only the Document (and what is set on it)."""
    return lambda doc, *_: (extract(doc),)


def _learned_agencies(doc: Document, *_) -> tuple:
    # The CRF's subjects beside the vocabulary's mentions, for the duty rules.
    return (with_learned_agencies(doc, agencies.extract(doc)),)


_READ = ("sections", "header")  # what an extractor of the whole Document reads from it


def _steps(learned: bool) -> tuple[Step, ...]:
    """In the order they run; the order is part of the behaviour (each step
    sees the Document as the steps before it left it). `learned` changes how
    agencies are found, not what any step requires or assigns."""
    return (
        Step("segment", _segment, assigns=("heading_sections", "footnotes", "numbering_issues")),
        Step("table_groups", _table_groups, requires=("heading_sections",), assigns=("sections",)),
        Step("header", _header, requires=("sections",), assigns=("header", "recipients")),
        Step("citations", _extractor(citations.extract), requires=_READ, assigns=("citations",)),
        Step("topic", _topic, requires=("header", "citations"), assigns=("document",)),
        Step("agencies", _learned_agencies if learned else _extractor(agencies.extract), requires=_READ,
             assigns=("agencies",)),
        Step("dates", _extractor(dates.extract), requires=_READ, assigns=("dates",)),
        Step("duties", _duties, requires=(*_READ, "document", "agencies", "dates"),
             assigns=("duties", "duty_themes")),
        Step("issues", _issues, requires=("sections", "numbering_issues"), assigns=("document_issues",)),
        Step("partners", _partners, requires=("sections", "duties", "agencies"), assigns=("duty_partners",)),
        Step("targets", _extractor(targets.extract), requires=_READ, assigns=("targets",)),
        Step("passages", _passages, requires=(*_READ, "duties", "targets"), assigns=("passages",)),
    )


STEPS = _steps(learned=False)
LEARNED_STEPS = _steps(learned=True)


def run_steps(doc: Document, steps: tuple[Step, ...] = STEPS) -> dict:
    """Every step in order over `doc`; their results by name."""
    results: dict = {}
    for step in steps:
        produced = step.run(doc, *(results[name] for name in step.requires))
        results.update(zip(step.assigns, produced, strict=True))
    return results


def process_document(doc: Document, extraction_method: str = "text", quality: str = "ok",
                     content_hash: str = "", source_path: str = "", learned: bool = LEARNED) -> DocumentRecords:
    """Run header, segmentation and every extractor over a built Document;
    `learned`: the duty rules also see the CRF's agencies."""
    results = run_steps(doc, LEARNED_STEPS if learned else STEPS)
    meta = results["document"]
    # Where the text came from: no extractor reads it, so it is stamped once all have run.
    meta.extraction_method = extraction_method
    meta.quality = quality
    meta.content_hash = content_hash
    meta.pipeline_version = pipeline_version(learned)
    meta.source_path = source_path or doc.source_name
    return DocumentRecords(**{name: results[name] for name in DocumentRecords.model_fields})


# A UTF-16 surrogate code point: in a str only when the text came from
# `surrogateescape`/`surrogatepass` decoding or a JSON `\ud800` escape.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(text: str) -> str:
    """A surrogate pair as the character it encodes, a lone surrogate as
    U+FFFD: neither can be written as UTF-8 (the document id, the store)."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def process_text(text: str, name: str = "<text>", learned: bool = LEARNED) -> DocumentRecords:
    """Records of one raw text, without touching any database."""
    cleaned, repaired = clean_text(_without_surrogates(text))
    return process_document(Document(cleaned, name), quality="repaired" if repaired else "ok", learned=learned)


def process_file(path: str | Path, source: str = "", learned: bool = LEARNED) -> DocumentRecords:
    """Records of one input file (any supported format); raises IngestFailure.
    `source` is the file's identity in the store (its path under the folder
    given, see `ingest.list_inputs`), by default its name."""
    raw = read_document(Path(path))
    return process_document(Document(raw.text, raw.path.name), raw.extraction_method, raw.quality,
                            raw.content_hash, source, learned)


class DocumentTimeout(BaseException):
    """A document's time budget ran out. A BaseException, like
    KeyboardInterrupt, so that no `except Exception` in a reader or an
    extractor takes it for that code's own failure and carries on."""


@contextmanager
def _time_budget(seconds: float | None) -> Iterator[None]:
    """Raise DocumentTimeout in this thread after `seconds` of wall time.
    In a main thread (the run's own, or a pool worker's) by SIGALRM; in any
    other (a dask worker runs its tasks in threads) by an exception a timer
    thread sets on this one. Either lands between two Python instructions,
    so a long call into C (one regex) ends before it does."""
    if not seconds:
        yield
    elif threading.current_thread() is threading.main_thread():
        with _alarm_budget(seconds):
            yield
    else:
        with _thread_budget(seconds):
            yield


@contextmanager
def _alarm_budget(seconds: float) -> Iterator[None]:
    expired = False

    def expire(signum, frame):
        nonlocal expired
        expired = True
        raise DocumentTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    # Fired again every `seconds` until the document ends: a raise that lands
    # in a garbage-collector callback or a __del__ is printed and dropped by
    # Python, and the document would run on unbounded.
    signal.setitimer(signal.ITIMER_REAL, seconds, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if expired:  # every raise was dropped, but the budget did run out
        raise DocumentTimeout


@contextmanager
def _thread_budget(seconds: float) -> Iterator[None]:
    target = ctypes.c_ulong(threading.get_ident())
    lock = threading.Lock()
    state = {"inside": True, "expired": False}

    def expire() -> None:
        with lock:
            if state["inside"]:
                state["expired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(target, ctypes.py_object(DocumentTimeout))

    # Fired once, not repeated like the alarm: a repeat could land after the
    # document, in the next one. A raise Python drops (in a __del__) still
    # counts, by `expired`, when the document ends.
    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["inside"] = False
            # A raise set but not yet delivered must not reach the caller's next statement.
            ctypes.pythonapi.PyThreadState_SetAsyncExc(target, None)
    if state["expired"]:
        raise DocumentTimeout


def process_or_fail(item: Input, timeout: float | None = None, learned: bool = LEARNED) -> DocumentRecords | IngestError:
    """The records of one input file, or the error that names why it has none."""
    path, source = item
    try:
        with _time_budget(timeout):
            return process_file(path, source, learned)
    except DocumentTimeout:
        return IngestError(source_name=path.name, path=source, problem="timeout",
                           message=f"{path}: timeout: not read and extracted within {timeout:g} s; "
                                   "the file is left out (a longer budget: --timeout)")
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


Outcome = DocumentRecords | IngestError


def _outcomes(items: list[Input], workers: int, batch_size: int,
              timeout: float | None = None, learned: bool = LEARNED) -> Iterator[Outcome]:
    if workers <= 1:
        yield from (process_or_fail(item, timeout, learned) for item in items)
        return
    # A worker that dies (killed for memory, a crash in a reader's C code)
    # takes the pool down with every document in flight. Those documents are
    # read again one at a time, each alone in a process, so the one that
    # kills its process again is the one recorded; then the run goes on in
    # a new pool with the documents not yet started.
    todo = iter(items)
    while True:
        lost: list[Input] = []
        for item, outcome in _pooled(todo, workers, batch_size, timeout, learned):
            if outcome is None:
                lost.append(item)
            else:
                yield outcome
        if not lost:
            return
        yield from _one_by_one(lost, timeout, learned)


def _pooled(todo: Iterator[Input], workers: int, batch_size: int,
            timeout: float | None, learned: bool) -> Iterator[tuple[Input, Outcome | None]]:
    """(item, outcome) in order, taking items from `todo` as room frees; when
    the pool breaks, the items in flight come back with None and the rest
    stay in `todo`.

    Extraction in worker processes, at most `batch_size` documents in flight
    so memory follows the batch size rather than the corpus; each result
    taken in order makes room for the next file, so the workers never wait
    for the writer to drain a whole batch. The caller stays the one writer."""
    with ProcessPoolExecutor(max_workers=workers) as pool:
        in_flight = deque((item, pool.submit(process_or_fail, item, timeout, learned)) for item in islice(todo, batch_size))
        while in_flight:
            item, future = in_flight.popleft()
            try:
                outcome = future.result()
            except BrokenProcessPool:
                yield item, None
                for item, _ in in_flight:
                    yield item, None
                return
            if (nxt := next(todo, None)) is not None:
                in_flight.append((nxt, pool.submit(process_or_fail, nxt, timeout, learned)))
            yield item, outcome


def worker_died(item: Input) -> IngestError:
    """The error of a file whose worker process died while reading it alone."""
    return IngestError(source_name=item.path.name, path=item.source, problem="worker_died",
                       message=f"{item.path}: worker_died: the process reading this file stopped "
                               "abruptly (killed for memory, or a crash in a reader); the other "
                               "files were processed")


def _one_by_one(items: Iterable[Input], timeout: float | None, learned: bool) -> Iterator[Outcome]:
    """Each item alone in a worker process; one whose worker dies is recorded as `worker_died`."""
    pool = None
    try:
        for item in items:
            pool = pool or ProcessPoolExecutor(max_workers=1)
            try:
                yield pool.submit(process_or_fail, item, timeout, learned).result()
            except BrokenProcessPool:
                pool.shutdown()
                pool = None
                yield worker_died(item)
    finally:
        if pool is not None:
            pool.shutdown()


def run(inputs: list[Path], db_path: Path, workers: int = 1, force: bool = False, batch_size: int = 256,
        on_document: Callable[[DocumentRecords | IngestError | Path], None] | None = None,
        timeout: float | None = DOCUMENT_TIMEOUT, learned: bool = LEARNED) -> RunResult:
    """Process every input file into the database at `db_path`.

    Unchanged files (same bytes, same pipeline version) are skipped unless
    `force`; a bad file, one that takes more than `timeout` seconds, or one
    whose worker process dies is recorded in `ingest_errors` and the run
    goes on. A learned model that cannot be loaded stops the run before any
    file (`learned.ModelError`), rather than failing every file one by one.
    """
    if learned:
        tagger()
    result = RunResult([], [], [])
    con = store.connect(db_path)
    try:
        todo = start_run(con, inputs, force, learned, result, on_document)
        for outcome in store_outcomes(con, _outcomes(todo, workers or os.cpu_count() or 1, batch_size,
                                                     timeout, learned)):
            if isinstance(outcome, IngestError):
                result.failed.append(outcome)
            else:
                result.stored.append(outcome.document.source_name)
            if on_document:
                on_document(outcome)
        refresh_cross_document(con, full=force)
    finally:
        con.close()
    return result


def refresh_cross_document(con: duckdb.DuckDBPyConnection, full: bool = False) -> None:
    """The tables computed across documents (cited documents, citation
    findings, passage links and groups) made to follow the stored ones; what
    every engine does after storing its documents. The passage diff redoes
    only what changed since its last refresh, unless `full` (`--force`)."""
    citegraph.refresh(con)
    diff.refresh(con, PIPELINE_VERSION, full)  # passage links and groups read the graph just rebuilt


def start_run(con: duckdb.DuckDBPyConnection, inputs: list[Path], force: bool, learned: bool,
              result: RunResult, on_document: Callable[[Path], None] | None = None) -> list[Input]:
    """What a run does before its documents: the citation graph brought up to
    date if the last run was stopped before it was, and the input files listed;
    those unchanged (same bytes, same pipeline version, unless `force`) go to
    `result.skipped`, the others are returned to be processed."""
    if not store.graph_is_fresh(con):
        # The last run was killed after writing documents, before the
        # cross-document tables followed them: they do first, so a run
        # killed again leaves them right.
        refresh_cross_document(con)
    todo: list[Input] = []
    stored = {} if force else store.stored_hashes(con)
    for item in list_inputs(inputs):
        if _unchanged(stored.get(item.source), item.path, pipeline_version(learned)):
            result.skipped.append(item.path)
            if on_document:
                on_document(item.path)
        else:
            todo.append(item)
    return todo


def store_outcomes(con: duckdb.DuckDBPyConnection, outcomes: Iterable[Outcome]) -> Iterator[Outcome]:
    """Write outcomes as they come: an error to `ingest_errors` at once,
    records in transactions of WRITE_BATCH documents. Each comes back once
    written: the error, the records, or the `store_error` recorded instead
    of records that could not be written."""
    pending: list[DocumentRecords] = []
    for outcome in outcomes:
        if isinstance(outcome, IngestError):
            store.record_error(con, outcome)
            yield outcome
        else:
            pending.append(outcome)
            if len(pending) >= WRITE_BATCH:
                yield from _write_batch(con, pending)
                pending = []
    yield from _write_batch(con, pending)


def _write_batch(con: duckdb.DuckDBPyConnection, batch: list[DocumentRecords]) -> list[Outcome]:
    """Store a batch of documents (`store.write_documents`); each comes back
    as itself, or as the `store_error` recorded for it when it could not be written."""
    failed = {id(records): exc for records, exc in store.write_documents(con, batch)}
    outcomes: list[Outcome] = []
    for records in batch:
        if id(records) in failed:
            meta = records.document
            error = IngestError(source_name=meta.source_name, path=meta.source_path, problem="store_error",
                                message=f"{meta.source_path}: store_error: {failed[id(records)]}")
            store.record_error(con, error)
            outcomes.append(error)
        else:
            outcomes.append(records)
    return outcomes


def _unchanged(stored: tuple[str, str] | None, path: Path, version: str) -> bool:
    if stored is None or stored[1] != version:
        return False
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == stored[0]
    except OSError:
        return False
