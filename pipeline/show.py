"""`plans show`: one stored document as an auditor reads it.

The stored text with every extracted span marked, one kind at a time
(section headings, citations, agencies, duties, dates, targets, and the
findings an auditor should look at), each mark carrying its record's
fields. Spans overlap (an agency inside a duty inside a section), so the
text is cut at every span boundary into segments, and each segment is
wrapped in the marks that cover it, largest outside: nesting stays valid
HTML and each kind keeps its own visual channel (pipeline/templates/show.html.j2).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb

from pipeline.html import render
from pipeline.labels import agency_type_label, theme_label

# Kinds in the order the page lists them; the rank also decides which of two
# marks of one span is outside.
KINDS = {
    "finding": "phát hiện (finding)",
    "section": "đề mục (section heading)",
    "duty": "nhiệm vụ (duty)",
    "citation": "trích dẫn (citation)",
    "target": "chỉ tiêu (target)",
    "date": "ngày (date)",
    "agency": "cơ quan (agency)",
}
_RANK = {kind: i for i, kind in enumerate(KINDS)}


@dataclass
class Mark:
    kind: str
    id: str  # the element id of its first piece in the text, e.g. `duty-3`
    start: int
    end: int
    text: str
    fields: list[tuple[str, str]]  # (name, value) shown on hover and in the record tables
    links: list[tuple[str, str | None]] = field(default_factory=list)  # (label, href or None): other documents
    row: dict = field(default_factory=dict)  # the db row, as stored

    @property
    def has_span(self) -> bool:
        """False for a record whose offsets hold no character (a few duties of the real corpus end
        before they start): it is listed, but has no place in the text to link to."""
        return self.end > self.start

    @property
    def anchor(self) -> str:
        """Where a link to this record goes: its place in the text, or its row when it has none."""
        return self.id if self.has_span else f"row-{self.id}"

    @property
    def tip(self) -> str:
        return "\n".join([KINDS[self.kind], *(f"{k}: {v}" for k, v in self.fields)])


@dataclass
class Segment:
    start: int
    text: str
    marks: list[Mark]  # outermost first


@dataclass
class View:
    doc: dict
    text: str
    marks: list[Mark]

    @property
    def title(self) -> str:
        d = self.doc
        return " ".join(str(x) for x in (d["doc_type"], d["number"] or d["symbol"], d["issuer"],
                                         d["issued_date"] and f"ngày {d['issued_date']}") if x)

    def of_kind(self, kind: str) -> list[Mark]:
        return [m for m in self.marks if m.kind == kind]

    @property
    def counts(self) -> dict[str, int]:
        return {kind: len(self.of_kind(kind)) for kind in KINDS}


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _value(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "có" if value else "không"
    return str(value)


def _fields(row: dict, names: list[str]) -> list[tuple[str, str]]:
    return [(name, _value(row[name])) for name in names if row.get(name) not in (None, "", [])]


def _citing_others(con: duckdb.DuckDBPyConnection, doc_id: str) -> dict[str, list[dict]]:
    """cited_key -> the other stored documents citing it, and the cited document itself when stored."""
    others: dict[str, list[dict]] = defaultdict(list)
    for row in _rows(con, """
            SELECT DISTINCT c.cited_key, c.doc_id, d.source_name, 'cites it too' AS how FROM citations c
            JOIN documents d USING (doc_id)
            WHERE c.cited_key IN (SELECT cited_key FROM citations WHERE doc_id = ?) AND c.doc_id <> ?
            UNION
            SELECT DISTINCT k.cited_key, k.doc_id, d.source_name, 'is the cited document' AS how FROM cited_documents k
            JOIN documents d USING (doc_id)
            WHERE k.cited_key IN (SELECT cited_key FROM citations WHERE doc_id = ?) AND k.doc_id <> ?
            ORDER BY 1, 4 DESC, 3""", [doc_id] * 4):
        others[row["cited_key"]].append(row)
    return others


def _typed(row: dict) -> dict:
    """`row` with its agency type shown as the vocabulary's label and code."""
    return {**row, "agency_type": f"{agency_type_label(row['agency_type'])} ({row['agency_type']})"}


def build(con: duckdb.DuckDBPyConnection, doc_id: str,
          page_for: Callable[[str], str | None] = lambda doc_id: None) -> View:
    """The view of stored document `doc_id`; `page_for(doc_id)` is the href of another
    document's view (None: named, not linked)."""
    doc = _rows(con, "SELECT * EXCLUDE (text) FROM documents WHERE doc_id = ?", [doc_id])[0]
    text = con.execute("SELECT text FROM documents WHERE doc_id = ?", [doc_id]).fetchone()[0]
    found: list[tuple[str, dict, int, list[tuple[str, str]], list]] = []  # (kind, row, end, fields, links)

    for r in _rows(con, "SELECT * FROM document_issues WHERE doc_id = ? ORDER BY start_char, kind", [doc_id]):
        found.append(("finding", r, r["end_char"],
                      [("table", "document_issues"), *_fields(r, ["kind", "message", "section_id"])], []))
    for r in _rows(con, "SELECT * FROM citation_findings WHERE doc_id = ? ORDER BY start_char, kind", [doc_id]):
        found.append(("finding", r, r["end_char"],
                      [("table", "citation_findings"), *_fields(r, ["kind", "message", "cited_key"])], []))
    for r in _rows(con, "SELECT * FROM sections WHERE doc_id = ? ORDER BY start_char", [doc_id]):
        found.append(("section", r, r["heading_end"],
                      _fields(r, ["path", "label", "heading", "kind", "style", "appendix"]), []))

    others = _citing_others(con, doc_id)
    for r in _rows(con, "SELECT * FROM citations WHERE doc_id = ? ORDER BY start_char", [doc_id]):
        links = [(f"{o['source_name']} ({o['how']})", page_for(o["doc_id"])) for o in others.get(r["cited_key"], [])]
        found.append(("citation", r, r["end_char"],
                      _fields(r, ["doc_type", "number", "issued_date", "issuer", "cited_key", "name", "title",
                                  "anomalies"]), links))

    for r in _rows(con, "SELECT * FROM agencies WHERE doc_id = ? ORDER BY start_char", [doc_id]):
        found.append(("agency", r, r["end_char"],
                      _fields(_typed(r), ["canonical_name", "agency_type", "level", "source"]), []))

    partners: dict[str, list[str]] = defaultdict(list)
    for duty_id, agency in con.execute("SELECT duty_id, agency FROM duty_partners WHERE doc_id = ? "
                                       "ORDER BY start_char", [doc_id]).fetchall():
        partners[duty_id].append(agency)
    for r in _rows(con, "SELECT * FROM duties WHERE doc_id = ? ORDER BY start_char, duty_id", [doc_id]):
        display = {**_typed(r), "themes": [theme_label(t) for t in r["themes"] or []],
                   "partners": partners.get(r["duty_id"], []),
                   "requested": r["requested"] or None}  # `Đề nghị` shown only where it is said
        found.append(("duty", r, r["end_char"],
                      _fields(display, ["agency", "agency_type", "role", "requested", "deadline", "partners", "themes",
                                  "duty_id"]), []))

    for r in _rows(con, "SELECT * FROM dates WHERE doc_id = ? ORDER BY start_char", [doc_id]):
        found.append(("date", r, r["end_char"],
                      _fields(r, ["kind", "value", "granularity", "range_end", "recurrence", "event"]), []))
    for r in _rows(con, "SELECT * FROM targets WHERE doc_id = ? ORDER BY start_char", [doc_id]):
        found.append(("target", r, r["end_char"],
                      _fields(r, ["value", "unit", "target_year", "subject", "direction", "comparator", "cue"]), []))

    numbered: dict[str, int] = defaultdict(int)
    marks = []
    for kind, row, end, fields, links in found:
        numbered[kind] += 1
        start = row["start_char"]
        marks.append(Mark(kind, f"{kind}-{numbered[kind]}", start, end, text[start:end], fields, links, row))
    return View(doc=doc, text=text, marks=marks)


def segments(text: str, marks: list[Mark]) -> list[Segment]:
    """`text` cut at every mark boundary, each piece with the marks covering it, largest outside."""
    marks = [m for m in marks if m.has_span]
    starts: dict[int, list[Mark]] = defaultdict(list)
    for m in marks:
        starts[m.start].append(m)
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    active: list[Mark] = []
    out = []
    for a, b in zip(cuts, cuts[1:]):
        active = [m for m in active if m.end > a] + starts.get(a, [])
        active.sort(key=lambda m: (m.start - m.end, _RANK[m.kind], m.start))
        out.append(Segment(a, text[a:b], list(active)))
    return out


def render_html(view: View, home: tuple[str, str] | None = None) -> str:
    """The auditor's page; `home` = (label, href) of the report it belongs to."""
    return render("show.html.j2", view=view, kinds=KINDS, segments=segments(view.text, view.marks), home=home)


def render_text(view: View) -> str:
    lines = [f"{view.doc['source_name']}  ({view.doc['doc_id']})", view.title or "(no header found)", ""]
    for kind, label in KINDS.items():
        marks = view.of_kind(kind)
        lines.append(f"{label}: {len(marks)}")
        for m in marks:
            shown = re.sub(r"\s+", " ", m.text)
            lines.append(f"  [{m.start}-{m.end}] {shown[:100]}{'...' if len(shown) > 100 else ''}")
            lines.append("      " + "; ".join(f"{k}: {v}" for k, v in m.fields))
            lines += [f"      also: {label}" for label, _ in m.links]
        lines.append("")
    return "\n".join(lines)
