"""`plans compare`: how plans that answer one directive split the work.

Over the stored db: the plans citing a document (`--cites 573/TTg-KGVX`,
matched on `citations.number` or `cited_key`) and/or a list of doc ids, an
agency_type x document matrix of task counts and themes, and for each plan
what it assigns that none of the others do (agency types, and themes of an
agency type the others leave out). Renderers: terminal text, CSV, HTML.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import duckdb

from pipeline import heatmap
from pipeline.html import render
from pipeline.labels import Plan, agency_type_label, labels, theme_label


@dataclass
class Comparison:
    docs: list[tuple[str, str]]  # (doc_id, label), in a stable order
    tasks: dict[str, dict[str, int]] = field(default_factory=dict)  # agency_type -> doc_id -> count
    themes: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # agency_type -> doc_id -> themes
    only_types: dict[str, list[str]] = field(default_factory=dict)  # doc_id -> agency types no other plan tasks
    only_themes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # doc_id -> (type, theme)


def _number_key(number: str) -> str:
    return re.sub(r"\s+", "", number).casefold()


def citing_docs(con: duckdb.DuckDBPyConnection, cites: str) -> list[str]:
    key = _number_key(cites)
    rows = con.execute(
        "SELECT DISTINCT doc_id FROM citations "
        "WHERE lower(replace(number, ' ', '')) = ? OR lower(cited_key) = ? ORDER BY doc_id",
        [key, cites.casefold()],
    ).fetchall()
    return [r[0] for r in rows]


def _labels(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> list[tuple[str, str]]:
    """(doc_id, `Đồng Tháp 597/KH-UBND`): each plan by its issuer's short form and number."""
    rows = con.execute(
        "SELECT doc_id, issuer, locality, province, number, symbol, issued_date, source_name FROM documents "
        "WHERE doc_id IN (SELECT unnest(?)) ORDER BY source_name",
        [doc_ids],
    ).fetchall()
    return list(zip([r[0] for r in rows], labels([Plan(*r[1:]) for r in rows])))


def compare(con: duckdb.DuckDBPyConnection, cites: str | None = None,
            doc_ids: list[str] | None = None) -> Comparison:
    chosen = list(doc_ids or [])
    if cites:
        chosen += [d for d in citing_docs(con, cites) if d not in chosen]
    result = Comparison(docs=_labels(con, chosen))
    ids = [d for d, _ in result.docs]
    for agency_type, doc_id, n in con.execute(
        "SELECT agency_type, doc_id, count(*) FROM duties WHERE doc_id IN (SELECT unnest(?)) "
        "GROUP BY ALL ORDER BY agency_type", [ids]
    ).fetchall():
        result.tasks.setdefault(agency_type, {})[doc_id] = n
    for agency_type, doc_id, theme in con.execute(
        "SELECT DISTINCT agency_type, doc_id, unnest(themes) AS theme FROM duties "
        "WHERE doc_id IN (SELECT unnest(?)) ORDER BY ALL", [ids]
    ).fetchall():
        result.themes.setdefault(agency_type, {}).setdefault(doc_id, []).append(theme)
    if len(ids) > 1:
        for doc_id in ids:
            result.only_types[doc_id] = [t for t, per_doc in result.tasks.items() if set(per_doc) == {doc_id}]
            result.only_themes[doc_id] = [
                (t, theme)
                for t, per_doc in result.themes.items() if t not in result.only_types[doc_id]
                for theme in per_doc.get(doc_id, [])
                if not any(theme in themes for other, themes in per_doc.items() if other != doc_id)
            ]
    return result


def _theme_names(codes: list[str]) -> str:
    """Themes by their Vietnamese labels (`Lãnh đạo, chỉ đạo; Kinh phí, ...`): a label may hold a comma."""
    return "; ".join(theme_label(code) for code in codes)


def _cell(c: Comparison, agency_type: str, doc_id: str) -> str:
    n = c.tasks.get(agency_type, {}).get(doc_id, 0)
    return f"{n} ({_theme_names(c.themes.get(agency_type, {}).get(doc_id, []))})" if n else "-"


def render_text(c: Comparison) -> str:
    if not c.docs:
        return "no stored document matches"
    header = ["agency_type", *(label for _, label in c.docs)]
    rows = [[t, *(str(c.tasks[t].get(d, 0) or "-") for d, _ in c.docs)] for t in sorted(c.tasks)]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    out = ["tasks per agency type", *("  ".join(v.ljust(w) for v, w in zip(r, widths)) for r in [header, *rows])]
    for doc_id, label in c.docs:
        out.append(f"\n{label}")
        for t in sorted(c.tasks):
            if doc_id in c.tasks[t]:
                out.append(f"  {t}: {_cell(c, t, doc_id)}")
        if c.only_types.get(doc_id):
            out.append(f"  only this plan tasks: {', '.join(c.only_types[doc_id])}")
        if c.only_themes.get(doc_id):
            out.append("  only this plan gives: " + "; ".join(f"{agency_type_label(t)}: {_theme_names([theme])}"
                                                               for t, theme in c.only_themes[doc_id]))
    return "\n".join(out)


def render_csv(c: Comparison) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["agency_type", "label", *(f"{label} tasks" for _, label in c.docs),
                *(f"{label} themes" for _, label in c.docs)])
    for t in sorted(c.tasks):
        w.writerow([t, agency_type_label(t), *(c.tasks[t].get(d, 0) for d, _ in c.docs),
                    *(_theme_names(c.themes.get(t, {}).get(d, [])) for d, _ in c.docs)])
    return buf.getvalue()


def render_html(c: Comparison) -> str:
    return render("compare.html.j2", docs=c.docs, rows=heatmap.rows(c), only=heatmap.only(c))


def passages(con: duckdb.DuckDBPyConnection, cites: str | None, result: Comparison):
    """The passage view of the compared plans (pipeline/passage_view.py)."""
    from pipeline.passage_view import passage_view

    return passage_view(con, cites or "", result.docs)


def write_passages(view, csv_path, html_path, echo) -> None:
    """Print the passage view, and write it beside --csv / --html."""
    from pipeline import passage_view

    for line in passage_view.render_text(view).splitlines():
        echo(line)
    if csv_path:
        csv_path.with_suffix(".passages.csv").write_text(passage_view.render_csv(view), encoding="utf-8")
    if html_path:
        html_path.with_suffix(".passages.html").write_text(passage_view.render_html(view), encoding="utf-8")
