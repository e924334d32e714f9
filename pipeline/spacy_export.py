"""`plans export --format spacy`: the stored corpus as spaCy Docs in a DocBin.

Each document is a `Doc` of its stored text, tokenized by spaCy's
Vietnamese tokenizer (`spacy.blank("vi")`, word segmentation by pyvi; the
Doc's text is the stored text, character for character). Its records are
span groups, one per kind (`doc.spans["duty"]`, ...). A record's offsets
need not fall on token edges, so each span is the smallest run of tokens
covering them (as `char_span(alignment_mode="expand")` would); the record keeps its
exact offsets among its fields, and a record no token covers is listed in
`doc.user_data["misses"]`.

Fields are read from a span as `span._.record` (a dict of the row's
columns). Two records may share one token span (a task given to two
agencies), and spaCy keys span extension values by offsets, so the rows
live once in `doc.user_data["records"][kind]` and each span carries its
row's index in `span.id_` (`duty:3`); `load` registers the getter.
"""

from __future__ import annotations

import bisect
import datetime
from dataclasses import dataclass
from pathlib import Path

import duckdb
import spacy
from spacy.tokens import Doc, DocBin, Span

FILE_NAME = "plans.spacy"
# kind -> (table, column where the span ends): a section's span is its heading line.
KINDS = {
    "section": ("sections", "heading_end"),
    "citation": ("citations", "end_char"),
    "agency": ("agencies", "end_char"),
    "duty": ("duties", "end_char"),
    "partner": ("duty_partners", "end_char"),
    "date": ("dates", "end_char"),
    "target": ("targets", "end_char"),
    "issue": ("document_issues", "end_char"),
    "citation_finding": ("citation_findings", "end_char"),
}


class ExportError(RuntimeError):
    """The tokenizer did not give back a document's text (names the document)."""


@dataclass
class Exported:
    path: Path
    docs: int
    spans: int
    misses: int


def _plain(value):
    """A db value as msgpack stores it: dates as ISO text."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [{k: _plain(v) for k, v in zip(names, row)} for row in cur.fetchall()]


def _record_of(span: Span) -> dict | None:
    kind, _, index = span.id_.partition(":")
    records = span.doc.user_data.get("records", {}).get(kind)
    return records[int(index)] if records is not None and index.isdigit() else None


def register() -> None:
    """`span._.record`: the fields of the record a span marks."""
    if not Span.has_extension("record"):
        Span.set_extension("record", getter=_record_of)


def _covering(starts: list[int], ends: list[int], start: int, end: int) -> tuple[int, int]:
    """The tokens [first, last) that overlap the characters [start, end): what
    `char_span(alignment_mode="expand")` means, without its IndexError on a
    span that holds only blanks (it then gives first >= last: a miss)."""
    return bisect.bisect_right(ends, start), bisect.bisect_left(starts, end)


def to_doc(nlp, con: duckdb.DuckDBPyConnection, doc_id: str) -> Doc:
    meta = _rows(con, "SELECT * FROM documents WHERE doc_id = ?", [doc_id])[0]
    text = meta.pop("text")
    doc = nlp(text)
    if doc.text != text:
        raise ExportError(f"{meta['source_name']}: the Vietnamese tokenizer changed the text; not exported")
    starts = [t.idx for t in doc]
    ends = [t.idx + len(t) for t in doc]
    doc.user_data["document"] = meta
    doc.user_data["records"] = {}
    doc.user_data["misses"] = []
    for kind, (table, end_column) in KINDS.items():
        rows = _rows(con, f"SELECT * EXCLUDE (doc_id) FROM {table} WHERE doc_id = ? ORDER BY start_char", [doc_id])
        spans = []
        for i, row in enumerate(rows):
            first, last = _covering(starts, ends, row["start_char"], row[end_column])
            if first < last:
                spans.append(Span(doc, first, last, label=kind, span_id=f"{kind}:{i}"))
            else:
                doc.user_data["misses"].append([kind, i])
        doc.user_data["records"][kind] = rows
        doc.spans[kind] = spans
    return doc


def export(con: duckdb.DuckDBPyConnection, out_dir: Path) -> Exported:
    """Every stored document into `out_dir/plans.spacy`."""
    nlp = spacy.blank("vi")
    register()
    out_dir.mkdir(parents=True, exist_ok=True)
    bin_ = DocBin(store_user_data=True)
    spans = misses = 0
    doc_ids = [r[0] for r in con.execute("SELECT doc_id FROM documents ORDER BY source_name, doc_id").fetchall()]
    for doc_id in doc_ids:
        doc = to_doc(nlp, con, doc_id)
        spans += sum(len(group) for group in doc.spans.values())
        misses += len(doc.user_data["misses"])
        bin_.add(doc)
    path = out_dir / FILE_NAME
    bin_.to_disk(path)
    return Exported(path, len(doc_ids), spans, misses)


def load(path: Path) -> list[Doc]:
    """The Docs of an export, with `span._.record` ready: the one call a spaCy user makes."""
    register()
    return list(DocBin().from_disk(path).get_docs(spacy.blank("vi").vocab))
