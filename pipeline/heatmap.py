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
    key: str  # the agency type or theme code
    label: str
    cells: list[Cell]


def _shade(count: int, most: int) -> str:
    return "transparent" if not count else f"rgba(25, 113, 194, {0.12 + 0.78 * count / most:.2f})"


def _rows(docs: list[tuple[str, str]], counts: dict[str, dict[str, int]], label: Callable[[str], str],
          themes: Callable[[str, str], list[str]], href: Callable[[str, str], str | None]) -> list[Row]:
    most = max((n for per_doc in counts.values() for n in per_doc.values()), default=1)
    out = [Row(key, label(key), [Cell(doc_id, per_doc.get(doc_id, 0), _shade(per_doc.get(doc_id, 0), most),
                                      themes(key, doc_id), href(key, doc_id) if per_doc.get(doc_id) else None)
                                 for doc_id, _ in docs])
           for key, per_doc in counts.items()]
    return sorted(out, key=lambda r: (-sum(c.count for c in r.cells), r.label))


def _nowhere(key: str, doc_id: str) -> None:
    return None


def rows(comparison, href: Callable[[str, str], str | None] = _nowhere) -> list[Row]:
    """One row per agency type a plan tasks, the most tasked first; `href(agency_type, doc_id)` links a
    non-empty cell, which also lists the themes of its tasks."""
    return _rows(comparison.docs, comparison.tasks, agency_type_label,
                 lambda t, d: [theme_label(x) for x in comparison.themes.get(t, {}).get(d, [])], href)


def theme_rows(docs: list[tuple[str, str]], counts: dict[str, dict[str, int]],
               href: Callable[[str, str], str | None] = _nowhere) -> list[Row]:
    """One row per theme (core/vocab/themes.toml) of `counts` (theme -> doc_id -> tasks)."""
    return _rows(docs, counts, theme_label, lambda t, d: [], href)


def only(comparison) -> list[tuple[str, str, list[str], list[str]]]:
    """(doc_id, plan label, agency types only it tasks, `type: theme` only it gives), labelled."""
    return [(doc_id, label, [agency_type_label(t) for t in comparison.only_types.get(doc_id, [])],
             [f"{agency_type_label(t)}: {theme_label(theme)}" for t, theme in comparison.only_themes.get(doc_id, [])])
            for doc_id, label in comparison.docs]
