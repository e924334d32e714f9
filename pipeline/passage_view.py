"""The passage view of `plans compare`: which passages of the compared plans
say the same thing (groups from `pipeline.diff.sibling_groups`), per plan
the share it has in common with every other plan, with some, or alone, and
the groups whose plans state different numbers for the same measure."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass

import duckdb

from pipeline.diff import sibling_groups
from pipeline.diff_view import one_line
from pipeline.html import render
from schemas.records import PassageGroup

SPREADS = ("all", "some", "one")
SPREAD_NAMES = {"all": "shared", "some": "partly shared", "one": "unique"}


@dataclass
class PassageView:
    docs: list[tuple[str, str]]  # (doc_id, label)
    groups: list[PassageGroup]
    texts: dict[str, str]  # passage_id -> text

    def counts(self) -> dict[str, Counter]:
        out: dict[str, Counter] = defaultdict(Counter)
        for row in self.groups:
            out[row.doc_id][row.spread] += 1
        return out

    def differing(self) -> dict[int, list[PassageGroup]]:
        out: dict[int, list[PassageGroup]] = defaultdict(list)
        for row in self.groups:
            if row.values_differ:
                out[row.group_id].append(row)
        return dict(out)


def passage_view(con: duckdb.DuckDBPyConnection, cites: str, docs: list[tuple[str, str]]) -> PassageView:
    ids = [doc_id for doc_id, _ in docs]
    groups = sibling_groups(con, cites, ids) if len(ids) > 1 else []
    texts = dict(con.execute("SELECT passage_id, text FROM passages WHERE doc_id IN (SELECT unnest(?))",
                             [ids]).fetchall())
    return PassageView(docs, groups, texts)


def render_text(view: PassageView) -> str:
    if not view.groups:
        return "passages: fewer than two plans to compare"
    counts = view.counts()
    out = ["passages per plan: shared by all / partly shared / unique"]
    for doc_id, label in view.docs:
        c = counts.get(doc_id, Counter())
        total = sum(c.values()) or 1
        out.append(f"  {label}: " + ", ".join(f"{SPREAD_NAMES[s]} {c[s]} ({c[s] / total:.0%})" for s in SPREADS))
    labels = dict(view.docs)
    for group_id, rows in view.differing().items():
        out.append(f"different numbers for the same measure (group {group_id}):")
        out += [f"  {labels[r.doc_id]}: {one_line(view.texts.get(r.passage_id, ''), 140)}" for r in rows]
    return "\n".join(out)


def render_csv(view: PassageView) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["group_id", "spread", "values_differ", "doc_id", "plan", "start_char", "end_char", "text"])
    labels = dict(view.docs)
    for row in view.groups:
        text = view.texts.get(row.passage_id, "")
        # A cell opening like a formula gets a quote first, as `plans query --csv` does.
        safe = "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
        writer.writerow([row.group_id, SPREAD_NAMES[row.spread], row.values_differ, row.doc_id,
                         labels.get(row.doc_id, row.doc_id), row.start_char, row.end_char, safe])
    return buf.getvalue()


def render_html(view: PassageView) -> str:
    counts = view.counts()
    plans = [{"label": label, "counts": [counts.get(doc_id, Counter())[s] for s in SPREADS]}
             for doc_id, label in view.docs]
    labels = dict(view.docs)
    by_group: dict[int, list[PassageGroup]] = defaultdict(list)
    for row in view.groups:
        if row.spread != "one":
            by_group[row.group_id].append(row)
    groups = [{"id": gid, "spread": SPREAD_NAMES[rows[0].spread], "differ": rows[0].values_differ,
               "passages": [(labels.get(r.doc_id, r.doc_id), view.texts.get(r.passage_id, "")) for r in rows]}
              for gid, rows in by_group.items()]
    return render("passages.html.j2", plans=plans, spreads=[SPREAD_NAMES[s] for s in SPREADS], groups=groups)
