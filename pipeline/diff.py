"""`plans diff`: what each plan copies, adapts, adds and drops from the plan
it carries out, and what plans citing the same directive share.

Computed from stored rows after a run, like the citation graph, and written
through `store.write_diff`; a run redoes only the pairs and keys its plans
changed (`plan_refresh`, from `diff_state`):

- parent pairs: a document citing another that is stored too (its
  `citations.cited_key` is a `cited_documents` row with a `doc_id`). Its
  passages are aligned to the parent's (`pipeline.align`) into
  `passage_links`, with the shares and the lag between issue dates in
  `diff_summary`. A document citing itself, two documents citing each other,
  a parent without passages and a child much longer than its parent each get
  a `note` on the summary row instead of failing;
- sibling groups: the passages of plans citing one document (numbered, cited
  by `MIN_SIBLINGS` to `MAX_SIBLINGS` stored plans) grouped by likeness into
  `passage_groups`: carried by every plan, some or one. Candidates are the
  pairs a MinHash LSH index (datasketch's bands) over word shingles returns,
  each checked with the same similarity as the parent diff.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache

import duckdb
import numpy as np
import pyarrow as pa
from datasketch import MinHash, MinHashLSH
from rapidfuzz import fuzz

from pipeline import store
from pipeline.align import ADAPTED_RATIO, Link, Parent, align, comparison_words, same_words, stated_values
from schemas.records import DiffSummary, PassageGroup, PassageLink

LONG_CHILD = 5  # a child with this many times its parent's passages gets a note
MIN_SIBLINGS, MAX_SIBLINGS = 2, 30
LSH_THRESHOLD, LSH_PERMUTATIONS, SHINGLE = 0.3, 64, 2
_NUMBERED = r"\d"  # a cited key with a number (a directive, a plan), not a law cited by name
WINDOW_DOCS = 1000  # plans whose passages are held at once: memory follows this, not the corpus
WRITE_ROWS = 50_000  # rows per insert: each insert has a fixed cost of milliseconds


@dataclass(frozen=True)
class StoredPassage:
    passage_id: str
    text: str
    start_char: int
    end_char: int


def passages_of(con: duckdb.DuckDBPyConnection, doc_id: str) -> list[StoredPassage]:
    return passages_of_many(con, [doc_id])[doc_id]


def passages_of_many(con: duckdb.DuckDBPyConnection, doc_ids: Iterable[str]) -> dict[str, list[StoredPassage]]:
    """doc_id -> its passages in text order, in one query (a query scans the
    passages table, whatever it asks for)."""
    out: dict[str, list[StoredPassage]] = {doc_id: [] for doc_id in doc_ids}
    for doc_id, *row in con.execute(
            "SELECT doc_id, passage_id, text, start_char, end_char FROM passages "
            "WHERE doc_id IN (SELECT unnest(?)) ORDER BY doc_id, start_char", [list(out)]).fetchall():
        out[doc_id].append(StoredPassage(*row))
    return out


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
    passages = passages_of_many(con, {child, parent})
    dates = dict(con.execute("SELECT doc_id, issued_date FROM documents WHERE doc_id IN (?, ?)",
                             [child, parent]).fetchall())
    return _diff(child, parent, note, passages[child], passages[parent], None, dates)


def _diff(child: str, parent: str, note: str | None, child_passages: list[StoredPassage],
          parent_passages: list[StoredPassage], prepared: Parent | None,
          dates: dict) -> tuple[list[PassageLink], DiffSummary]:
    """`diff_pair` on passages read already; `prepared`, the parent's
    passages read for alignment, when it has children besides this one."""
    if child == parent:
        links: list[Link] = []
    else:
        links = align([p.text for p in child_passages], prepared or [p.text for p in parent_passages])
    rows = [_link_row(child, parent, link, child_passages, parent_passages) for link in links]
    counts = defaultdict(int)
    for link in links:
        counts[link.label] += 1
    n_child, n_parent = len(child_passages), len(parent_passages)
    lag = (dates[child] - dates[parent]).days if dates.get(child) and dates.get(parent) else None
    summary = DiffSummary(
        child_doc=child, parent_doc=parent, child_passages=n_child, parent_passages=n_parent,
        copied=counts["copied"] / n_child if n_child else 0.0,
        adapted=counts["adapted"] / n_child if n_child else 0.0,
        new=counts["new"] / n_child if n_child else 0.0,
        dropped=counts["dropped"] / n_parent if n_parent else 0.0,
        lag_days=lag, note=summary_note(child, parent, note, n_child, n_parent))
    return rows, summary


def summary_note(child: str, parent: str, note: str | None, n_child: int, n_parent: int) -> str | None:
    """A pair's `diff_summary.note`: the pair's own (`parent_pairs`), then
    what the two plans' numbers of passages call for."""
    notes = [note] if note else []
    if child != parent:
        if not n_parent:
            notes.append("the parent has no passages: every passage of the child is new")
        if not n_child:
            notes.append("the child has no passages: every passage of the parent is dropped")
        if n_parent and n_child > LONG_CHILD * n_parent:
            notes.append(f"the child has {n_child} passages, its parent {n_parent}: most of the child is its own")
    return "; ".join(notes) or None


def all_parent_diffs(con: duckdb.DuckDBPyConnection, pairs: list[tuple[str, str, str | None]]
                     ) -> Iterator[tuple[list[PassageLink], DiffSummary]]:
    """`diff_pair` of these parent pairs (`parent_pairs`, all or some), a
    parent at a time: its passages read for alignment once for all its
    children, and read with up to `WINDOW_DOCS` of them in one query."""
    dates = dict(con.execute("SELECT doc_id, issued_date FROM documents").fetchall())
    by_parent: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for child, parent, note in pairs:
        by_parent[parent].append((child, note))
    for parent, children in by_parent.items():
        prepared = None
        for start in range(0, len(children), WINDOW_DOCS):
            window = children[start:start + WINDOW_DOCS]
            passages = passages_of_many(con, {parent, *(child for child, _ in window)})
            if prepared is None and passages[parent]:
                prepared = Parent.read([p.text for p in passages[parent]])
            for child, note in window:
                yield _diff(child, parent, note, passages[child], passages[parent], prepared, dates)


# --- siblings ----------------------------------------------------------------
#
# A plan cites several keys, and plans copy passages, so one refresh meets
# the same passage under many keys and the same text in many plans. Grouping
# therefore works on comparison forms: each text is read and hashed once per
# window of keys, LSH bands are matched as numpy arrays (a datasketch index
# per key cost two thirds of a refresh in Python calls), two forms are judged
# alike once per window, and the passages follow their forms.



@dataclass
class PlanPassages:
    """A plan's passages in text order, as columns."""

    passage_ids: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    forms: list[int] = field(default_factory=list)  # rows of `Siblings.forms`
    values: list[int] = field(default_factory=list)  # the numbers each states, one id a distinct set


@cache
def _hasher() -> MinHash:
    """One MinHash, cleared for each form (one refresh at a time uses it):
    the hash permutations drawn once (datasketch's default seed and scheme),
    and the hash of a bigram kept (bounded) because forms share most of
    their bigrams. Making a MinHash per form cost a third of reading a form."""
    scheme = MinHash(num_perm=LSH_PERMUTATIONS)
    return MinHash(num_perm=LSH_PERMUTATIONS, permutations=scheme.permutations, scheme=scheme.scheme,
                   hashfunc=lru_cache(maxsize=1 << 16)(scheme.hashfunc))


@cache
def _bands() -> list[tuple[int, int]]:
    """The hash values each LSH band spans: datasketch's own choice for
    `LSH_THRESHOLD` (it integrates a false-positive curve, 45 ms, once)."""
    return MinHashLSH(threshold=LSH_THRESHOLD, num_perm=LSH_PERMUTATIONS).hashranges


def _signature(words: list[str]) -> np.ndarray:
    """The MinHash hash values of `words`' bigrams."""
    m = _hasher()
    m.clear()
    shingles = {" ".join(words[i:i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
    m.update_batch([s.encode("utf-8") for s in shingles])
    return m.hashvalues.astype(np.uint64)


def _alike(a: str, b: str) -> bool:
    """Word for word but for typos, or `ADAPTED_RATIO` alike (the parent diff's tests)."""
    return a == b or (fuzz.ratio(a, b, score_cutoff=ADAPTED_RATIO) >= ADAPTED_RATIO
                      or same_words(a.split(" "), b.split(" ")))


class Siblings:
    """The passages of some plans, read in one query, with their distinct
    comparison forms, the forms' MinHashes, the distinct sets of numbers
    they state, and the verdicts of `_alike` on pairs of forms met so far."""

    def __init__(self, con: duckdb.DuckDBPyConnection, doc_ids: Iterable[str]) -> None:
        self.passages: dict[str, PlanPassages] = {doc_id: PlanPassages() for doc_id in doc_ids}
        self.forms: list[str] = []
        form_ids: dict[str, int] = {}
        value_ids: dict[frozenset[str], int] = {}
        seen: dict[str, tuple[int, int]] = {}  # text -> (form, values): plans copy passages
        signatures = []
        rows = con.execute(
            "SELECT doc_id, passage_id, start_char, end_char, text FROM passages "
            "WHERE doc_id IN (SELECT unnest(?)) ORDER BY doc_id, start_char", [list(self.passages)]).fetchall()
        for doc_id, passage_id, start, end, text in rows:
            if text not in seen:
                words = comparison_words(text)
                form = " ".join(words)
                if form not in form_ids:
                    form_ids[form] = len(self.forms)
                    self.forms.append(form)
                    signatures.append(_signature(words))
                seen[text] = (form_ids[form], value_ids.setdefault(stated_values(text), len(value_ids)))
            plan = self.passages[doc_id]
            plan.passage_ids.append(passage_id)
            plan.starts.append(start)
            plan.ends.append(end)
            plan.forms.append(seen[text][0])
            plan.values.append(seen[text][1])
        self.signatures = np.array(signatures, dtype=np.uint64).reshape(len(self.forms), LSH_PERMUTATIONS)
        self._verdicts: dict[tuple[int, int], bool] = {}

    def alike(self, a: int, b: int) -> bool:
        if (a, b) not in self._verdicts:
            self._verdicts[(a, b)] = _alike(self.forms[a], self.forms[b])
        return self._verdicts[(a, b)]


def _candidate_pairs(signatures: np.ndarray) -> np.ndarray:
    """(i, j), i < j, of the rows of `signatures` that agree on all the hash
    values of at least one band: the pairs a datasketch `MinHashLSH` holding
    them returns, sorted. All bands at once: rows keyed by (band, its values),
    sorted, a bucket starting where the key changes."""
    n = len(signatures)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    bands = _bands()
    width = max(end - start for start, end in bands)
    keys = np.zeros((len(bands) * n, width + 1), dtype=np.uint64)
    for b, (start, end) in enumerate(bands):
        keys[b * n:(b + 1) * n, 0] = b
        keys[b * n:(b + 1) * n, 1:1 + end - start] = signatures[:, start:end]
    order = np.lexsort(keys.T[::-1])  # stable: rows of one bucket stay in row order
    ordered = keys[order]
    starts = np.concatenate([[True], np.any(ordered[1:] != ordered[:-1], axis=1)])
    bucket = np.cumsum(starts) - 1
    rows = order % n
    sizes = np.bincount(bucket)[bucket]
    found = [np.zeros(0, dtype=np.int64)]
    for size in np.unique(sizes[sizes > 1]):
        members = rows[sizes == size].reshape(-1, size)  # one bucket a row
        first, second = np.triu_indices(int(size), 1)
        found.append((members[:, first] * n + members[:, second]).ravel())
    codes = np.unique(np.concatenate(found))  # a pair in several bands counts once
    return np.stack([codes // n, codes % n], axis=1)


def group_passages(cited_key: str, doc_ids: list[str], siblings: Siblings) -> pa.Table:
    """The passages of `doc_ids` (plans citing `cited_key`) in groups of
    alike passages of different plans, as `PassageGroup` columns; a passage
    alike to none is a group of one.

    Worked on the plans' distinct forms: passages of the same form are alike
    and hash alike, so two forms that are candidates and alike join all
    their passages, unless every one of them is in the same plan (a plan's
    passages are never compared with each other); a form of one plan alike
    to no other form leaves its passages in groups of one."""
    plans = [siblings.passages[doc_id] for doc_id in doc_ids]
    item_plan = np.repeat(np.arange(len(plans)), [len(p.forms) for p in plans])
    forms, item_form = np.unique(np.array([f for p in plans for f in p.forms], dtype=np.int64),
                                 return_inverse=True)
    low = np.full(len(forms), len(plans))
    high = np.full(len(forms), -1)
    np.minimum.at(low, item_form, item_plan)
    np.maximum.at(high, item_form, item_plan)
    shared = low != high  # a form in two plans or more: its passages are one group
    parent = list(range(len(forms)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    joined = shared.copy()
    for i, j in _candidate_pairs(siblings.signatures[forms]).tolist():
        one_plan = not shared[i] and not shared[j] and low[i] == low[j]
        if not one_plan and siblings.alike(int(forms[i]), int(forms[j])):
            parent[root(j)] = root(i)
            joined[i] = joined[j] = True
    # A passage's group: its form's, when that form joins others; else its own.
    label = np.array([root(f) if joined[f] else len(forms) + i for i, f in enumerate(item_form.tolist())],
                     dtype=np.int64)
    return _group_table(cited_key, doc_ids, plans, item_plan, label)


def _group_table(cited_key: str, doc_ids: list[str], plans: list[PlanPassages], item_plan: np.ndarray,
                 label: np.ndarray) -> pa.Table:
    """The rows of the groups `label` draws (a label a passage): numbered by
    their first passage, each passage in order. `values_differ` marks a
    group whose passages state numbers other than its first passage's (not
    dates: a target re-set, `pipeline.align.stated_values`)."""
    _, first, group = np.unique(label, return_index=True, return_inverse=True)
    group = group.ravel()
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first)] = np.arange(1, len(first) + 1)
    in_group = np.bincount(np.unique(group * len(plans) + item_plan) // len(plans), minlength=len(first))
    values = np.array([v for p in plans for v in p.values], dtype=np.int64)
    other_values = np.bincount(group, weights=values != values[first][group], minlength=len(first)) > 0
    order = np.lexsort((np.arange(len(label)), rank[group]))
    plans_in_group = in_group[group][order]
    columns = {
        "cited_key": pa.array([cited_key] * len(order), pa.string()),
        "group_id": rank[group][order],
        "doc_id": pa.array(np.array(doc_ids, dtype=object)[item_plan][order], pa.string()),
        "passage_id": pa.array(np.array([i for p in plans for i in p.passage_ids], dtype=object)[order], pa.string()),
        "start_char": np.array([i for p in plans for i in p.starts], dtype=np.int64)[order],
        "end_char": np.array([i for p in plans for i in p.ends], dtype=np.int64)[order],
        "plans_in_group": plans_in_group,
        "plans_citing": np.full(len(order), len(plans), dtype=np.int64),
        "spread": pa.array(np.where(plans_in_group == len(plans), "all",
                                    np.where(plans_in_group == 1, "one", "some")).astype(object), pa.string()),
        "values_differ": (other_values[group] & (in_group[group] > 1))[order],
    }
    return pa.table({name: columns[name] for name in PassageGroup.model_fields})


def sibling_groups(con: duckdb.DuckDBPyConnection, cited_key: str, doc_ids: list[str]) -> list[PassageGroup]:
    """The groups of one cited key's plans (`group_passages`), read from the database."""
    table = group_passages(cited_key, doc_ids, Siblings(con, doc_ids))
    return [PassageGroup(**row) for row in table.to_pylist()]


def sibling_keys(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """cited_key -> the stored plans citing it, for numbered keys cited by
    `MIN_SIBLINGS` to `MAX_SIBLINGS` plans."""
    rows = con.execute(
        "SELECT cited_key, list(DISTINCT doc_id ORDER BY doc_id) FROM citations "
        "WHERE regexp_matches(cited_key, ?) GROUP BY cited_key "
        "HAVING count(DISTINCT doc_id) BETWEEN ? AND ? ORDER BY cited_key",
        [_NUMBERED, MIN_SIBLINGS, MAX_SIBLINGS]).fetchall()
    return dict(rows)


def _windows(keys: dict[str, list[str]]) -> Iterator[list[str]]:
    """The keys in runs citing at most `WINDOW_DOCS` plans between them."""
    run: list[str] = []
    plans: set[str] = set()
    for key, doc_ids in keys.items():
        if run and len(plans.union(doc_ids)) > WINDOW_DOCS:
            yield run
            run, plans = [], set()
        run.append(key)
        plans.update(doc_ids)
    if run:
        yield run


def all_sibling_groups(con: duckdb.DuckDBPyConnection, keys: dict[str, list[str]] | None = None
                       ) -> Iterator[pa.Table]:
    """The groups of every sibling key (or of `keys`, some of them: key ->
    its plans), in tables of about `WRITE_ROWS` rows. Keys go by windows, a
    window's plans read once."""
    keys = sibling_keys(con) if keys is None else keys
    batch: list[pa.Table] = []
    rows = 0
    for window in _windows(keys):
        siblings = Siblings(con, sorted({doc_id for key in window for doc_id in keys[key]}))
        for key in window:
            batch.append(group_passages(key, keys[key], siblings))
            rows += batch[-1].num_rows
            if rows >= WRITE_ROWS:
                yield pa.concat_tables(batch)
                batch, rows = [], 0
    if batch:
        yield pa.concat_tables(batch)


@dataclass(frozen=True)
class RefreshPlan:
    """What a refresh recomputes: the parent pairs and sibling keys whose
    rows it writes anew, and the pairs and keys whose stored rows it deletes
    first; `whole`: every row deleted, the tables rebuilt."""

    pairs: list[tuple[str, str, str | None]]
    keys: dict[str, list[str]]
    drop_pairs: list[tuple[str, str]] = field(default_factory=list)
    drop_keys: list[str] = field(default_factory=list)
    whole: bool = False


def plan_refresh(con: duckdb.DuckDBPyConnection, code_version: str, full: bool = False) -> RefreshPlan:
    """The rows a refresh must redo, from `diff_state` (the documents the
    tables reflect, and the code that wrote them). Everything when `full`,
    when nothing is known (a database without the state, or one never
    refreshed) or when the code differs. Else a pair is kept when both its
    plans are the ones diffed last time (same doc_id, same extraction
    version) and its stored summary is the one its note and passage counts
    give now (a reverse citation appearing changes the note); a key is kept
    when its plans are unchanged and the same plans have rows in it, out of
    as many citing it. Passage-less plans add no row to a key's groups, so
    only their number is compared."""
    version, diffed = store.diff_state(con)
    if full or version != code_version or not diffed:
        return RefreshPlan(parent_pairs(con), sibling_keys(con), whole=True)
    current = dict(con.execute("SELECT doc_id, pipeline_version FROM documents").fetchall())
    same = {doc_id for doc_id, v in current.items() if doc_id in diffed and diffed[doc_id] == v}

    stored_pairs = {(c, p): (n_child, n_parent, note) for c, p, n_child, n_parent, note in con.execute(
        "SELECT child_doc, parent_doc, child_passages, parent_passages, note FROM diff_summary").fetchall()}
    pairs, kept_pairs = [], set()
    for child, parent, note in parent_pairs(con):
        stored = stored_pairs.get((child, parent))
        if (child in same and parent in same and stored is not None
                and stored[2] == summary_note(child, parent, note, stored[0], stored[1])):
            kept_pairs.add((child, parent))
        else:
            pairs.append((child, parent, note))

    with_passages = {row[0] for row in con.execute("SELECT DISTINCT doc_id FROM passages").fetchall()}
    stored_keys = {key: (list(doc_ids), n) for key, doc_ids, n in con.execute(
        "SELECT cited_key, list(DISTINCT doc_id ORDER BY doc_id), max(plans_citing) FROM passage_groups "
        "GROUP BY cited_key").fetchall()}
    keys, kept_keys = {}, set()
    for key, doc_ids in sibling_keys(con).items():
        shown = [d for d in doc_ids if d in with_passages]
        rows_now = (shown, len(doc_ids)) if shown else None
        if all(d in same for d in doc_ids) and stored_keys.get(key) == rows_now:
            kept_keys.add(key)
        else:
            keys[key] = doc_ids
    return RefreshPlan(pairs, keys, sorted(set(stored_pairs) - kept_pairs), sorted(set(stored_keys) - kept_keys))


def refresh(con: duckdb.DuckDBPyConnection, code_version: str, full: bool = False) -> dict[str, int]:
    """Bring passage_links, diff_summary and passage_groups up to the stored
    documents: only the pairs and keys `plan_refresh` finds changed, or all
    of them. Returns rows written per table, the parent pairs and sibling
    keys recomputed (`pairs`, `keys`), and `full` (1 for a whole rebuild)."""
    plan = plan_refresh(con, code_version, full)

    def batches():
        links: list[PassageLink] = []
        summaries: list[DiffSummary] = []
        for pair_links, summary in all_parent_diffs(con, plan.pairs):
            links += pair_links
            summaries.append(summary)
            if len(links) >= WRITE_ROWS:
                yield {"passage_links": links, "diff_summary": summaries}
                links, summaries = [], []
        yield {"passage_links": links, "diff_summary": summaries}
        for rows in all_sibling_groups(con, plan.keys):
            yield {"passage_groups": rows}

    counts = store.write_diff(con, batches(), code_version,
                              None if plan.whole else (plan.drop_pairs, plan.drop_keys))
    return {**counts, "pairs": len(plan.pairs), "keys": len(plan.keys), "full": int(plan.whole)}
