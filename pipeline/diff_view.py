"""`plans diff CHILD [PARENT]`: a child's passages labelled against its
parent's, as text or as an HTML page side by side with the changed words
marked inside each sentence. The labels come from `pipeline.diff`; here
only which documents are meant and how the result is shown."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
from rapidfuzz.distance import Levenshtein

from core.normalize import fold_key
from pipeline.diff import diff_pair
from pipeline.html import render
from pipeline.lookup import DocumentNotFound, resolve
from schemas.records import DiffSummary, PassageLink


class DiffError(ValueError):
    """The documents asked for cannot be compared; the message says why."""


def find_document(con: duckdb.DuckDBPyConnection, ref: str) -> str:
    """The doc_id `ref` names (pipeline/lookup.py reads it)."""
    try:
        return resolve(con, ref)
    except DocumentNotFound as exc:
        raise DiffError(str(exc)) from None


def default_parents(con: duckdb.DuckDBPyConnection, child: str) -> list[str]:
    """The stored documents `child` cites, itself aside."""
    return [r[0] for r in con.execute(
        "SELECT DISTINCT d.doc_id FROM citations c JOIN cited_documents d USING (cited_key) "
        "WHERE c.doc_id = ? AND d.doc_id IS NOT NULL AND d.doc_id <> ? ORDER BY 1", [child, child]).fetchall()]


@dataclass
class DiffResult:
    child: str
    parent: str
    child_name: str
    parent_name: str
    links: list[PassageLink]
    summary: DiffSummary
    texts: dict[str, str]  # doc_id -> stored text


def diff(con: duckdb.DuckDBPyConnection, child_ref: str, parent_ref: str | None = None) -> DiffResult:
    child = find_document(con, child_ref)
    if parent_ref:
        parent = find_document(con, parent_ref)
    else:
        parents = default_parents(con, child)
        if not parents:
            raise DiffError(f"{child_ref}: cites no document stored in the db; name a PARENT to compare with")
        if len(parents) > 1:
            raise DiffError(f"{child_ref}: cites {len(parents)} stored documents ({', '.join(parents)}); name one")
        parent = parents[0]
    note = "a document compared with itself" if child == parent else None
    links, summary = diff_pair(con, child, parent, note)
    rows = dict(con.execute("SELECT doc_id, text FROM documents WHERE doc_id IN (?, ?)", [child, parent]).fetchall())
    names = dict(con.execute("SELECT doc_id, coalesce(number, source_name) FROM documents WHERE doc_id IN (?, ?)",
                             [child, parent]).fetchall())
    return DiffResult(child, parent, names[child], names[parent], links, summary, rows)


def _span(result: DiffResult, doc: str, start: int | None, end: int | None) -> str:
    return result.texts[doc][start:end] if start is not None else ""


def render_text(result: DiffResult) -> str:
    s = result.summary
    out = [f"{result.child_name} against {result.parent_name}: "
           f"copied {s.copied:.0%}, adapted {s.adapted:.0%}, new {s.new:.0%} of {s.child_passages} passages; "
           f"dropped {s.dropped:.0%} of the parent's {s.parent_passages}"
           + (f"; issued {s.lag_days} days later" if s.lag_days is not None else "")]
    if s.note:
        out.append(f"note: {s.note}")
    for link in result.links:
        if link.label == "dropped":
            continue
        changed = f" ({link.changed})" if link.changed else ""
        out.append(f"[{link.label}{changed}] {one_line(_span(result, result.child, link.child_start, link.child_end))}")
        if link.label == "adapted":
            out.append(f"    parent: {one_line(_span(result, result.parent, link.parent_start, link.parent_end))}")
    dropped = [link for link in result.links if link.label == "dropped"]
    if dropped:
        out.append("dropped from the parent:")
        out += [f"[dropped] {one_line(_span(result, result.parent, link.parent_start, link.parent_end))}"
                for link in dropped]
    return "\n".join(out)


def one_line(text: str, width: int = 160) -> str:
    """`text` on one line, cut at `width` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width - 1] + "…"


def marked_words(child: str, parent: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Each side's words with whether they changed (compared case- and tone-mark-insensitively)."""
    a, b = child.split(), parent.split()
    ops = Levenshtein.opcodes([fold_key(w) for w in a], [fold_key(w) for w in b])
    child_marks, parent_marks = [False] * len(a), [False] * len(b)
    for tag, a0, a1, b0, b1 in ops.as_list():
        if tag != "equal":
            child_marks[a0:a1] = [True] * (a1 - a0)
            parent_marks[b0:b1] = [True] * (b1 - b0)
    return list(zip(a, child_marks)), list(zip(b, parent_marks))


def render_html(result: DiffResult) -> str:
    rows = []
    for link in result.links:
        child = _span(result, result.child, link.child_start, link.child_end)
        parent = _span(result, result.parent, link.parent_start, link.parent_end)
        if link.label == "adapted":
            child_words, parent_words = marked_words(child, parent)
        else:
            child_words = [(w, False) for w in child.split()]
            parent_words = [(w, False) for w in parent.split()]
        rows.append({"label": link.label, "changed": link.changed, "similarity": link.similarity,
                     "child": child_words, "parent": parent_words})
    return render("diff.html.j2", child=result.child_name, parent=result.parent_name,
                  summary=result.summary, rows=rows)
