"""`plans report`: the analyst's comparison as a small static site.

OUT_DIR/index.html holds the agency type x plan and theme x plan heatmaps
(pipeline/heatmap.py), a timeline of issue dates and deadlines per plan (SVG drawn by the template)
and the plans' targets side by side; OUT_DIR/duties.html lists the tasks
each heatmap cell counts; OUT_DIR/docs/<doc_id>.html is each plan's
auditor's view (pipeline/show.py). Relative links only and no script needed,
so the folder opens from the file system and can be sent as it is.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline import compare, heatmap, show
from pipeline.html import render
from pipeline.labels import theme_label

DOCS = "docs"


class NothingToReport(LookupError):
    """No stored document matches what the report was asked to compare."""


@dataclass
class Point:
    x: float
    kind: str  # issued | deadline
    day: datetime.date
    text: str
    href: str


@dataclass
class Lane:
    label: str
    href: str
    y: float
    points: list[Point]


@dataclass
class Timeline:
    width: int
    height: int
    left: int
    lanes: list[Lane]
    ticks: list[tuple[float, str]]


@dataclass
class Site:
    index: Path
    pages: list[Path]


def _page(doc_id: str) -> str:
    return f"{DOCS}/{doc_id}.html"


def _timeline(docs: list[tuple[str, str]], views: dict[str, show.View]) -> Timeline:
    width, left, right, lane_height, top = 960, 230, 30, 34, 30
    lanes = []
    for i, (doc_id, label) in enumerate(docs):
        view = views[doc_id]
        points = [Point(0, "deadline", m.row["value"], m.text, f"{_page(doc_id)}#{m.anchor}")
                  for m in view.of_kind("date") if m.row["kind"] == "deadline" and m.row["value"]]
        if view.doc["issued_date"]:
            points.insert(0, Point(0, "issued", view.doc["issued_date"], view.doc["issued_date_text"] or "",
                                   _page(doc_id)))
        lanes.append(Lane(label, _page(doc_id), top + lane_height * i + lane_height / 2, points))
    days = [p.day for lane in lanes for p in lane.points]
    first, last = (min(days), max(days)) if days else (datetime.date.today(), datetime.date.today())
    first, last = first.replace(day=1), (last.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    span = (last - first).days or 1

    def x(day: datetime.date) -> float:
        return round(left + (width - left - right) * (day - first).days / span, 1)

    for lane in lanes:
        for p in lane.points:
            p.x = x(p.day)
    months = []
    day = first
    while day <= last:
        months.append(day)
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    step = max(1, len(months) // 12)  # at most about a dozen labels
    ticks = [(x(m), f"{m.month:02d}/{m.year}") for m in months[::step]]
    return Timeline(width, top + lane_height * len(lanes) + 30, left, lanes, ticks)


def _duty_groups(views: dict[str, show.View]) -> dict[str, dict[tuple[str, str], list[show.Mark]]]:
    """The duties of each plan grouped by (agency type, doc_id) and by (theme, doc_id)."""
    groups: dict[str, dict[tuple[str, str], list[show.Mark]]] = {"type": defaultdict(list),
                                                                 "theme": defaultdict(list)}
    for doc_id, view in views.items():
        for m in view.of_kind("duty"):
            groups["type"][(m.row["agency_type"], doc_id)].append(m)
            for theme in m.row["themes"] or []:
                groups["theme"][(theme, doc_id)].append(m)
    return groups


def build_site(con: duckdb.DuckDBPyConnection, out_dir: Path, cites: str | None = None,
               doc_ids: list[str] | None = None) -> Site:
    """The site for the plans citing `cites` and/or `doc_ids`, written into `out_dir`."""
    comparison = compare.compare(con, cites=cites, doc_ids=doc_ids)
    if not comparison.docs:
        raise NothingToReport(f"no stored document cites '{cites}'" if cites else "no stored document is given")
    ids = {doc_id for doc_id, _ in comparison.docs}
    views = {doc_id: show.build(con, doc_id, page_for=lambda other: f"{other}.html" if other in ids else None)
             for doc_id, _ in comparison.docs}
    (out_dir / DOCS).mkdir(parents=True, exist_ok=True)
    pages = []
    for doc_id, view in views.items():
        page = out_dir / _page(doc_id)
        page.write_text(show.render_html(view, home=("báo cáo so sánh (the report)", "../index.html")),
                        encoding="utf-8")
        pages.append(page)

    title = f"Các kế hoạch thực hiện {cites}" if cites else "So sánh kế hoạch"
    groups = _duty_groups(views)
    theme_counts: dict[str, dict[str, int]] = defaultdict(dict)
    for (theme, doc_id), marks in groups["theme"].items():
        theme_counts[theme][doc_id] = len(marks)
    tables = {
        "type": heatmap.rows(comparison, href=lambda t, d: f"duties.html#type-{t}-{d}"),
        "theme": heatmap.theme_rows(comparison.docs, theme_counts, href=lambda t, d: f"duties.html#theme-{t}-{d}"),
    }
    context = dict(title=title, cites=cites, docs=comparison.docs, page=_page, theme_label=theme_label)
    labels = dict(comparison.docs)
    cells = [(kind, row.key, row.label, cell.doc_id, labels[cell.doc_id], groups[kind][(row.key, cell.doc_id)])
             for kind, rows in tables.items() for row in rows for cell in row.cells if cell.count]
    duties = out_dir / "duties.html"
    duties.write_text(render("report_duties.html.j2", cells=cells, **context), encoding="utf-8")
    index = out_dir / "index.html"
    index.write_text(render(
        "report.html.j2", rows=tables["type"], theme_rows=tables["theme"], only=heatmap.only(comparison),
        timeline=_timeline(comparison.docs, views),
        targets={doc_id: views[doc_id].of_kind("target") for doc_id in ids},
        views=views, **context), encoding="utf-8")
    return Site(index, [index, duties, *pages])
