"""The agency type x plan matrix of a comparison (pipeline/compare.py) as
the cells of an HTML heatmap: one per agency type and plan, zero included,
shaded by its task count, with the Vietnamese labels of the vocabulary
files. Shared by `plans compare --html` and `plans report`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline.labels import agency_type_label, theme_label


@dataclass
class Cell:
    doc_id: str
    count: int
    shade: str  # a CSS colour, darker for more tasks
    themes: list[str]  # Vietnamese labels
    href: str | None  # the page listing the tasks it counts


@dataclass
class Row:
    agency_type: str
    label: str
    cells: list[Cell]


def _shade(count: int, most: int) -> str:
    return "transparent" if not count else f"rgba(25, 113, 194, {0.12 + 0.78 * count / most:.2f})"


def rows(comparison, href: Callable[[str, str], str | None] = lambda agency_type, doc_id: None) -> list[Row]:
    """One row per agency type a plan tasks, by label; `href(agency_type, doc_id)` links a non-empty cell."""
    most = max((n for per_doc in comparison.tasks.values() for n in per_doc.values()), default=1)
    out = []
    for agency_type, per_doc in comparison.tasks.items():
        cells = []
        for doc_id, _ in comparison.docs:
            n = per_doc.get(doc_id, 0)
            themes = comparison.themes.get(agency_type, {}).get(doc_id, [])
            cells.append(Cell(doc_id, n, _shade(n, most), [theme_label(t) for t in themes],
                              href(agency_type, doc_id) if n else None))
        out.append(Row(agency_type, agency_type_label(agency_type), cells))
    return sorted(out, key=lambda r: (-sum(c.count for c in r.cells), r.label))


def only(comparison) -> list[tuple[str, str, list[str], list[str]]]:
    """(doc_id, plan label, agency types only it tasks, `type: theme` only it gives), labelled."""
    return [(doc_id, label, [agency_type_label(t) for t in comparison.only_types.get(doc_id, [])],
             [f"{agency_type_label(t)}: {theme_label(theme)}" for t, theme in comparison.only_themes.get(doc_id, [])])
            for doc_id, label in comparison.docs]
