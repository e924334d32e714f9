"""`plans audit DOC`: one stored plan checked as an auditor reads it.

Every document the plan cites, as written (each mention, with its line) and
as resolved (the `cited_documents` row: key, type, number, date, issuer,
the stored copy), with the citation findings of its mentions; the plan's
tasks (agency, role, deadline, the line they stand on); and the plan's own
issues: `document_issues` (numbering, missing appendices) and the sections
headed by an agency that yield no task. `render_text` prints it,
`render_html` fills `templates/audit.html.j2`.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from pipeline import citegraph, html
from pipeline.lookup import DocumentNotFound, resolve


class AuditError(Exception):
    """DOC names no stored document, or several."""


def find_document(con: duckdb.DuckDBPyConnection, doc: str) -> dict:
    """The stored document DOC names (pipeline/lookup.py reads DOC)."""
    try:
        doc_id = resolve(con, doc)
    except DocumentNotFound as exc:
        raise AuditError(str(exc)) from None
    return citegraph.dicts(con, """
        SELECT doc_id, source_name, doc_type, number, issuer, issued_date, title, text FROM documents
        WHERE doc_id = $doc""", {"doc": doc_id})[0]


def _line(text: str, start: int) -> tuple[int, str]:
    """The line number (from 1) and the whole line an offset stands on."""
    begin = text.rfind("\n", 0, start) + 1
    end = text.find("\n", start)
    return text.count("\n", 0, start) + 1, text[begin:end if end >= 0 else len(text)].strip()


def audit(con: duckdb.DuckDBPyConnection, doc: str, min_severity: str = "warning") -> dict:
    document = find_document(con, doc)
    text = document.pop("text")
    doc_id = document["doc_id"]
    shown = citegraph.SEVERITIES[citegraph.SEVERITIES.index(min_severity):]
    findings = citegraph.dicts(con, f"""
        SELECT * FROM (SELECT {citegraph.findings_columns(con)} FROM citation_findings WHERE doc_id = ?)
        WHERE severity IN (SELECT unnest(?)) ORDER BY start_char, kind""", [doc_id, list(shown)])
    mentions = citegraph.dicts(con, """
        SELECT c.cited_key, c.text, c.start_char, c.end_char, c.is_short_form, s.path AS section_path
        FROM citations c LEFT JOIN sections s USING (section_id) WHERE c.doc_id = ? ORDER BY c.start_char""",
                                [doc_id])
    resolved = {r["cited_key"]: r for r in citegraph.dicts(con, """
        SELECT k.*, d.source_name AS stored_as FROM cited_documents k LEFT JOIN documents d USING (doc_id)
        WHERE k.cited_key IN (SELECT cited_key FROM citations WHERE doc_id = ?)""", [doc_id])}
    cited: dict[str, dict] = {}
    for m in mentions:
        entry = cited.setdefault(m["cited_key"], {"resolved": resolved.get(m["cited_key"], {}), "mentions": [],
                                                  "findings": []})
        m["line"], m["line_text"] = _line(text, m["start_char"])
        entry["mentions"].append(m)
    for f in findings:
        f["line"], _ = _line(text, f["start_char"])
        f["other_line"] = _line(text, f["other_start_char"])[0] if f["other_start_char"] is not None else None
        cited.setdefault(f["cited_key"], {"resolved": resolved.get(f["cited_key"], {}), "mentions": [],
                                          "findings": []})["findings"].append(f)
    tasks = citegraph.dicts(con, """
        SELECT d.agency, d.agency_type, d.role, d.deadline, d.text, d.start_char, d.end_char, s.path AS section_path
        FROM duties d LEFT JOIN sections s USING (section_id) WHERE d.doc_id = ? ORDER BY d.start_char, d.agency""",
                             [doc_id])
    for t in tasks:
        t["line"], t["line_text"] = _line(text, t["start_char"])
    issues = citegraph.dicts(con, """
        SELECT kind, message, text, start_char, end_char FROM document_issues WHERE doc_id = ?
        UNION ALL
        -- a section headed by an agency in which no task was read: a duty the rules missed, or an empty heading
        SELECT 'agency_heading_without_task', 'section headed by ' || any_value(a.canonical_name) ||
               ' yields no task', any_value(s.heading_line), s.start_char, s.heading_end
        FROM sections s JOIN agencies a ON a.doc_id = s.doc_id
             AND a.start_char >= s.start_char AND a.end_char <= s.heading_end
        WHERE s.doc_id = ? AND NOT EXISTS (SELECT 1 FROM duties d WHERE d.doc_id = s.doc_id
                                           AND d.start_char >= s.start_char AND d.start_char < s.end_char)
        GROUP BY s.section_id, s.start_char, s.heading_end
        ORDER BY start_char""", [doc_id, doc_id])
    for i in issues:
        i["line"], _ = _line(text, i["start_char"])
    return {"document": {k: _plain(v) for k, v in document.items()}, "min_severity": min_severity,
            "cited": list(cited.values()), "findings": findings, "tasks": tasks, "issues": issues}


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _resolved_label(r: dict) -> str:
    if not r:
        return "(not resolved)"
    label = citegraph.label(r)
    return label + (f" · in the corpus: {r['stored_as']}" if r.get("stored_as") else "")


def render_text(report: dict) -> str:
    d = report["document"]
    head = " ".join(str(x) for x in (d["doc_type"], d["number"] or "(no number)") if x)
    lines = [f"{d['source_name']}: {head} · {d['issued_date'] or 'no date'} · {d['issuer'] or 'no issuer'}",
             f"  {d['title']}" if d["title"] else "", ""]
    counts = {s: sum(f["severity"] == s for f in report["findings"]) for s in citegraph.SEVERITIES}
    lines.append(f"Citations: {len(report['cited'])} cited document(s); findings shown from "
                 f"{report['min_severity']}: " + ", ".join(f"{n} {s}" for s, n in reversed(counts.items())))
    for entry in report["cited"]:
        r = entry["resolved"]
        lines.append(f"- {r.get('cited_key', '?')}")
        lines.append(f"    resolved: {_resolved_label(r)}")
        for m in entry["mentions"]:
            short = " (short form)" if m["is_short_form"] else ""
            lines.append(f"    line {m['line']}: “{m['text']}”{short}")
        for f in entry["findings"]:
            other = f" (other mention line {f['other_line']})" if f["other_line"] else ""
            lines.append(f"    ! {f['severity']} {f['kind']} line {f['line']}{other}: {f['message']}")
    lines += ["", f"Tasks: {len(report['tasks'])}"]
    for t in report["tasks"]:
        deadline = f" by {t['deadline']}" if t["deadline"] else ""
        lines.append(f"- {t['agency']} [{t['role']}]{deadline}, line {t['line']}: {t['line_text']}")
    lines += ["", f"Document issues: {len(report['issues'])}"]
    for i in report["issues"]:
        lines.append(f"- {i['kind']} line {i['line']}: {i['message']}")
    return "\n".join(lines) + "\n"


def render_html(report: dict) -> str:
    return html.render("audit.html.j2", report=report, severities=citegraph.SEVERITIES,
                       resolved_label=_resolved_label)
