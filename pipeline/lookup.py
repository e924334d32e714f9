"""Which stored document a user means: `plans show`, `audit` and `diff` take
a DOC as people write it (a doc_id or its start, a file name or path, a
document number, a piece of a file name) and all read it the same way."""

from __future__ import annotations

import re

import duckdb


class DocumentNotFound(LookupError):
    """DOC names no stored document, or more than one (the message lists them)."""


def _compact(number: str) -> str:
    return re.sub(r"\s+", "", number).casefold()


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def resolve(con: duckdb.DuckDBPyConnection, query: str) -> str:
    """The doc_id that `query` names. Tried from the most specific reading to
    the loosest, the first that names anything decides: a doc_id, a source
    path, a file name, a document number (`597/KH-UBND`), the start of a
    doc_id (6 characters or more), a piece of one file name (`r012`).
    DocumentNotFound lists the candidates."""
    docs = _rows(con, "SELECT d.doc_id, d.source_name, d.number, d.issuer, list(s.path ORDER BY s.path) AS paths "
                      "FROM documents d LEFT JOIN sources s USING (doc_id) GROUP BY ALL ORDER BY d.source_name")
    wanted = query.strip()
    tests = [  # a doc_id or a path is never ambiguous with a number
        lambda d: d["doc_id"] == wanted,
        lambda d: wanted in d["paths"] or any(p.endswith("/" + wanted) for p in d["paths"] if p),
        lambda d: d["source_name"] == wanted,
        lambda d: d["number"] is not None and _compact(d["number"]) == _compact(wanted),
        lambda d: len(wanted) >= 6 and d["doc_id"].startswith(wanted),
        lambda d: wanted.casefold() in d["source_name"].casefold(),
    ]
    for test in tests:
        found = [d for d in docs if test(d)]
        if len(found) == 1:
            return found[0]["doc_id"]
        if found:
            raise DocumentNotFound(f"'{query}' names {len(found)} stored documents; give one doc_id:\n"
                                   + "\n".join(_describe(d) for d in found))
    near = [d for d in docs if _compact(wanted) in _compact(" ".join(str(v) for v in d.values() if v))]
    listed = near or docs
    raise DocumentNotFound(f"no stored document is '{query}'; "
                           + (f"{len(near)} contain it:\n" if near else f"the {len(docs)} stored documents:\n")
                           + "\n".join(_describe(d) for d in listed[:30])
                           + (f"\n... and {len(listed) - 30} more" if len(listed) > 30 else ""))


def _describe(doc: dict) -> str:
    return f"  {doc['doc_id']}  {doc['source_name']}" + (f"  {doc['number']}" if doc["number"] else "") + (
        f"  {doc['issuer']}" if doc["issuer"] else "")
