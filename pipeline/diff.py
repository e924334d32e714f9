"""`plans diff`: what each plan copies, adapts, adds and drops from the plan
it carries out, and what plans citing the same directive share.

Computed from stored rows after a run, like the citation graph, and written
through `store.write_diff`:

- parent pairs: a document citing another that is stored too (its
  `citations.cited_key` is a `cited_documents` row with a `doc_id`). Its
  passages are aligned to the parent's (`pipeline.align`) into
  `passage_links`, with the shares and the lag between issue dates in
  `diff_summary`. A document citing itself, two documents citing each other,
  a parent without passages and a child much longer than its parent each get
  a `note` on the summary row instead of failing;
- sibling groups: the passages of plans citing one document (numbered, cited
  by `MIN_SIBLINGS` to `MAX_SIBLINGS` stored plans) grouped by likeness into
  `passage_groups`: carried by every plan, some or one. Candidates come from
  a MinHash LSH index (datasketch) over word shingles, each checked with the
  same similarity as the parent diff.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache

import duckdb
from datasketch import MinHash, MinHashLSH
from rapidfuzz import fuzz

from pipeline import store
from pipeline.align import ADAPTED_RATIO, Link, align, comparison_words, same_words, what_changed
from schemas.records import DiffSummary, PassageGroup, PassageLink

LONG_CHILD = 5  # a child with this many times its parent's passages gets a note
MIN_SIBLINGS, MAX_SIBLINGS = 2, 30
LSH_THRESHOLD, LSH_PERMUTATIONS, SHINGLE = 0.3, 64, 2
_NUMBERED = r"\d"  # a cited key with a number (a directive, a plan), not a law cited by name


@dataclass(frozen=True)
class StoredPassage:
    passage_id: str
    text: str
    start_char: int
    end_char: int


def passages_of(con: duckdb.DuckDBPyConnection, doc_id: str) -> list[StoredPassage]:
    return [StoredPassage(*row) for row in con.execute(
        "SELECT passage_id, text, start_char, end_char FROM passages WHERE doc_id = ? ORDER BY start_char",
        [doc_id]).fetchall()]


def parent_pairs(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str | None]]:
    """(child, parent, note) for every stored document citing another stored one."""
    cited = con.execute(
        "SELECT DISTINCT c.doc_id, d.doc_id FROM citations c JOIN cited_documents d USING (cited_key) "
        "WHERE d.doc_id IS NOT NULL ORDER BY ALL").fetchall()
    issued = dict(con.execute("SELECT doc_id, issued_date FROM documents").fetchall())
    edges = set(cited)
    out = []
    for child, parent in cited:
        if child == parent:
            out.append((child, parent, "cites itself; not compared"))
            continue
        if (parent, child) in edges:
            a, b = issued.get(child), issued.get(parent)
            if a and b and a != b:
                if a < b:
                    continue  # the later one is the child
                out.append((child, parent, "the two cite each other; the later issued is taken as the child"))
            else:
                out.append((child, parent, "the two cite each other and their order is unknown; compared both ways"))
            continue
        out.append((child, parent, None))
    return out


def _link_row(child: str, parent: str, link: Link, child_passages: list[StoredPassage],
              parent_passages: list[StoredPassage]) -> PassageLink:
    c = child_passages[link.child] if link.child is not None else None
    p = parent_passages[link.parent] if link.parent is not None else None
    return PassageLink(
        child_doc=child, parent_doc=parent,
        child_passage=c.passage_id if c else None, child_start=c.start_char if c else None,
        child_end=c.end_char if c else None,
        parent_passage=p.passage_id if p else None, parent_start=p.start_char if p else None,
        parent_end=p.end_char if p else None,
        similarity=round(link.similarity / 100, 3) if link.similarity is not None else None,
        label=link.label, changed=", ".join(link.changed) or None,
        doc_id=child, passage_id=c.passage_id if c else None,
        other_doc_id=parent if p else None, other_passage_id=p.passage_id if p else None)


def diff_pair(con: duckdb.DuckDBPyConnection, child: str, parent: str,
              note: str | None = None) -> tuple[list[PassageLink], DiffSummary]:
    """The links of `child`'s passages to `parent`'s and their summary."""
    child_passages, parent_passages = passages_of(con, child), passages_of(con, parent)
    notes = [note] if note else []
    if child == parent:
        links: list[Link] = []
    else:
        if not parent_passages:
            notes.append("the parent has no passages: every passage of the child is new")
        if not child_passages:
            notes.append("the child has no passages: every passage of the parent is dropped")
        if parent_passages and len(child_passages) > LONG_CHILD * len(parent_passages):
            notes.append(f"the child has {len(child_passages)} passages, its parent {len(parent_passages)}: "
                         "most of the child is its own")
        links = align([p.text for p in child_passages], [p.text for p in parent_passages])
    rows = [_link_row(child, parent, link, child_passages, parent_passages) for link in links]
    counts = defaultdict(int)
    for link in links:
        counts[link.label] += 1
    n_child, n_parent = len(child_passages), len(parent_passages)
    dates = dict(con.execute("SELECT doc_id, issued_date FROM documents WHERE doc_id IN (?, ?)",
                             [child, parent]).fetchall())
    lag = (dates[child] - dates[parent]).days if dates.get(child) and dates.get(parent) else None
    summary = DiffSummary(
        child_doc=child, parent_doc=parent, child_passages=n_child, parent_passages=n_parent,
        copied=counts["copied"] / n_child if n_child else 0.0,
        adapted=counts["adapted"] / n_child if n_child else 0.0,
        new=counts["new"] / n_child if n_child else 0.0,
        dropped=counts["dropped"] / n_parent if n_parent else 0.0,
        lag_days=lag, note="; ".join(notes) or None)
    return rows, summary


# --- siblings ----------------------------------------------------------------


@cache
def _template() -> MinHash:
    """The hash permutations every MinHash shares (datasketch's default seed
    and scheme): drawn once, not once per passage (that alone was a quarter
    of a refresh)."""
    return MinHash(num_perm=LSH_PERMUTATIONS)


@lru_cache(maxsize=16384)
def _words_and_hash(text: str) -> tuple[list[str], MinHash]:
    """A passage's comparison words and their MinHash, kept across the cited
    keys of one refresh: a plan's passages are grouped once per document it
    cites. Bounded: about 10 MB when full."""
    words = comparison_words(text)
    template = _template()
    m = MinHash(num_perm=LSH_PERMUTATIONS, permutations=template.permutations, scheme=template.scheme)
    shingles = {" ".join(words[i:i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
    m.update_batch([s.encode("utf-8") for s in shingles])
    return words, m


def _alike(a: list[str], b: list[str]) -> bool:
    return same_words(a, b) or fuzz.ratio(" ".join(a), " ".join(b)) >= ADAPTED_RATIO


def sibling_groups(con: duckdb.DuckDBPyConnection, cited_key: str, doc_ids: list[str]) -> list[PassageGroup]:
    """The passages of `doc_ids` (plans citing `cited_key`) in groups of
    alike passages of different plans; a passage alike to none is a group of
    one. `values_differ` marks a group whose passages state different numbers
    (not dates: a target re-set, `pipeline.align.what_changed`)."""
    found = [(doc_id, p, *_words_and_hash(p.text)) for doc_id in doc_ids for p in passages_of(con, doc_id)]
    items: list[tuple[str, StoredPassage, list[str]]] = [(doc_id, p, words) for doc_id, p, words, _ in found]
    hashes = [m for *_, m in found]
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=LSH_PERMUTATIONS)
    for index, m in enumerate(hashes):
        lsh.insert(index, m)
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for index, (doc_id, _, words) in enumerate(items):
        for other in lsh.query(hashes[index]):
            if other > index and items[other][0] != doc_id and _alike(words, items[other][2]):
                parent[root(other)] = root(index)
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(items)):
        groups[root(index)].append(index)
    rows = []
    for group_id, members in enumerate(sorted(groups.values(), key=lambda m: m[0]), start=1):
        plans = {items[i][0] for i in members}
        first = items[members[0]][1].text
        differ = len(plans) > 1 and any("value" in what_changed(items[i][1].text, first) for i in members[1:])
        spread = "all" if len(plans) == len(doc_ids) else "one" if len(plans) == 1 else "some"
        for i in members:
            doc_id, p, _ = items[i]
            rows.append(PassageGroup(cited_key=cited_key, group_id=group_id, doc_id=doc_id,
                                     passage_id=p.passage_id, start_char=p.start_char, end_char=p.end_char,
                                     plans_in_group=len(plans), plans_citing=len(doc_ids), spread=spread,
                                     values_differ=differ))
    return rows


def sibling_keys(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """cited_key -> the stored plans citing it, for numbered keys cited by
    `MIN_SIBLINGS` to `MAX_SIBLINGS` plans."""
    rows = con.execute(
        "SELECT cited_key, list(DISTINCT doc_id ORDER BY doc_id) FROM citations "
        "WHERE regexp_matches(cited_key, ?) GROUP BY cited_key "
        "HAVING count(DISTINCT doc_id) BETWEEN ? AND ? ORDER BY cited_key",
        [_NUMBERED, MIN_SIBLINGS, MAX_SIBLINGS]).fetchall()
    return dict(rows)


def refresh(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rebuild passage_links, diff_summary and passage_groups; rows per table."""
    def batches():
        for child, parent, note in parent_pairs(con):
            links, summary = diff_pair(con, child, parent, note)
            yield {"passage_links": links, "diff_summary": [summary]}
        for key, doc_ids in sibling_keys(con).items():
            yield {"passage_groups": sibling_groups(con, key, doc_ids)}
    return store.write_diff(con, batches())
