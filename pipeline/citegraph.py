"""The citation graph over the whole db: cited documents, audit findings, trace.

`citations` holds one row per mention, written document by document. What
needs every document at once lives here, computed from the stored rows:

- `refresh(con)` rebuilds `cited_documents` (one row per `cited_key`, with
  the best-known description, the number of citing documents and the
  `doc_id` of the cited document when it is itself stored) and
  `citation_findings` (conflicting dates or issuers for one key, within a
  document or across documents; a citation without date; a key the text
  leaves ambiguous; a repaired number or date; a document cited before it
  was issued). `plans run` calls it after storing.
- `trace(con, number_or_key)` follows one cited document: who cites it, what
  those cite in turn, the chains up (what it cites, when stored) and down
  (who cites its citers), and its findings. `render_text` draws it as a
  tree; `render_json` serializes it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator

import duckdb

from extractors.citekeys import (
    UNKNOWN,
    canonical_number,
    issuers_compatible,
    name_key,
    self_identifying,
)
from pipeline import consensus, store

MAX_DEPTH = 4
# What an auditor must act on (`error`), should look at (`warning`), or may
# skip (`info`: what the text leaves open rather than gets wrong).
SEVERITY = {
    "date_conflict": "error",
    "issuer_conflict": "error",
    "date_conflict_in_plan": "error",
    "issuer_conflict_in_plan": "error",
    "impossible_date": "error",
    "cited_after_citing": "error",
    "possible_date_conflict": "warning",
    "possible_issuer_conflict": "warning",
    "malformed_number": "warning",
    "malformed_date": "warning",
    "malformed": "warning",
    "no_date": "info",
    "ambiguous_key": "info",
    "undated_joined": "info",
    "undated_apart": "info",
}
SEVERITIES = ("info", "warning", "error")


def findings_columns(con: duckdb.DuckDBPyConnection) -> str:
    """The columns of `citation_findings` as SQL, the same on a db written
    before severities and second spans (opened read-only, so not migrated):
    there the severity its kind has, and no second span."""
    present = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() "
                                         "WHERE table_name = 'citation_findings'").fetchall()}
    by_kind = "CASE kind " + " ".join(f"WHEN '{k}' THEN '{s}'" for k, s in SEVERITY.items()) + " ELSE 'warning' END"
    severity = f"coalesce(severity, {by_kind})" if "severity" in present else by_kind
    others = ", ".join(c if c in present else f"NULL AS {c}" for c in ("other_start_char", "other_end_char"))
    return f"doc_id, section_id, cited_key, kind, message, text, start_char, end_char, {severity} AS severity, {others}"


def dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


# --- refresh ------------------------------------------------------------------


def refresh(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Rebuild `cited_documents` and `citation_findings` (written by the
    store, in one transaction); returns their row counts. The rows are
    computed inside DuckDB (`consensus`) with its working memory bounded
    (`GRAPH_SETTINGS`; past it DuckDB spills to its temp directory), so the
    step's memory barely follows the number of mentions."""
    saved = {name: con.execute(f"SELECT current_setting('{name}')").fetchone()[0] for name in GRAPH_SETTINGS}
    try:
        for name, value in GRAPH_SETTINGS.items():
            con.execute(f"SET {name} = '{value}'")
        counts = store.write_graph(con, _graph_rows(con))
    finally:
        for name, value in saved.items():
            con.execute(f"SET {name} = '{value}'")
    return counts["cited_documents"], counts["citation_findings"]


# Without them the buffer pool keeps what it read up to the writer's limit
# (store.WRITER_MEMORY), two threads hold two sets of hash tables, and the
# INSERT keeps rows in order for nothing (the tables have no order).
# 64MB is too little for a share's statement (out of memory at 1,000 documents).
GRAPH_SETTINGS = {"memory_limit": "128MB", "threads": 1, "preserve_insertion_order": "false"}

# Mentions one statement of the graph step reads, about; a number cited more
# often than this is read by a statement of its own (consensus.make_shares).
REFRESH_ROWS = 20_000


def _graph_rows(con: duckdb.DuckDBPyConnection) -> Iterator[dict[str, list | str]]:
    consensus.register(con)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _own_keys AS {consensus.own_keys_sql()}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _stored AS {consensus.stored_sql()}")
    # Mentions cited without their year first: joining them changes the keys judged next.
    yield {"citation_findings": join_undated(con)}
    # DuckDB's working memory follows the mentions a statement reads: one share of them at a time.
    parts = consensus.make_shares(con, REFRESH_ROWS)
    for part in range(parts):
        yield {"cited_documents": consensus.cited_documents(part)}
        for findings in consensus.findings(SEVERITY, part):
            yield {"citation_findings": findings}


# --- one key per cited document: undated mentions ----------------------------


def join_undated(con: duckdb.DuckDBPyConnection) -> str:
    """Give a mention cited without its year (`Nghị quyết số 57-NQ/TW`, key
    `57-NQ/TW:?`) the key of the one dated document with that number, type
    and a compatible issuer that the corpus holds (cited with its year, or
    stored, in `_own_keys`); with several it keeps its own key. Judged afresh
    at each refresh from `written_key`, the key the text alone gives, so a
    document added later can split a join. Returns a SELECT of a finding
    per citing document saying what was joined, or why not. Python sees only
    the keys of numbers cited without their year, never a citing document."""
    store.keep_written_keys(con)
    # Only a number cited at least once without its year can join anything.
    con.execute("""CREATE OR REPLACE TEMP TABLE _undated_numbers AS
                   SELECT number, vn_number_key(number) AS number_key FROM (SELECT DISTINCT number FROM citations
                                                                            WHERE number IS NOT NULL)
                   WHERE number_key IN (SELECT vn_number_key(number) FROM citations
                                        WHERE number IS NOT NULL AND split_part(written_key, ':', 2) = '?')""")
    keys = con.execute("""SELECT written_key, any_value(number), mode(doc_type) FROM citations
                          WHERE number IN (SELECT number FROM _undated_numbers)
                          GROUP BY written_key ORDER BY count(*) DESC, written_key""").fetchall()
    dated: dict[str, list[tuple[str, str | None]]] = defaultdict(list)  # number -> (dated key, type), most cited first
    for key, number, doc_type in keys:
        if _key_year(key) != UNKNOWN:
            dated[consensus.number_key(number)].append((key, doc_type))
    own = {}  # a stored document's key no citation gives -> its doc_id (its one citer)
    for key, doc_id, doc_type in con.execute(
            """SELECT o.cited_key, o.doc_id, d.doc_type FROM _own_keys o JOIN documents d USING (doc_id)
               WHERE vn_number_key(split_part(o.cited_key, ':', 1)) IN (SELECT number_key FROM _undated_numbers)
               ORDER BY o.cited_key""").fetchall():
        if _key_year(key) != UNKNOWN and (number := key.split(":")[0]) and "/" in number:
            if key not in {k for k, _ in dated[consensus.number_key(number)]}:
                dated[consensus.number_key(number)].append((key, doc_type))
                own[key] = doc_id
    candidates, need_citers = {}, set()
    for key, number, doc_type in keys:
        if _key_year(key) != UNKNOWN:
            continue
        # Every province numbers a `1441/QĐ-UBND`: a number that does not name
        # its issuer, cited without one, joins only a key its own citers use.
        same_citers = not self_identifying(number) and _issuer_part(key) == UNKNOWN
        candidates[key] = [k for k, t in dated.get(consensus.number_key(number), [])
                           if _types_compatible(doc_type, t) and _issuers_compatible(key, k)]
        if same_citers:
            need_citers.update((key, k) for k in candidates[key])
    shared = _sharing_citers(con, need_citers, own)
    joins, apart = {}, {}
    for key, matches in candidates.items():
        matches = [k for k in matches if (key, k) not in need_citers or (key, k) in shared]
        # Keys of one year are one document keyed two ways (`06/QĐ-TTG:2025:?`
        # in a capitals title, `06/QĐ-TTg:2025`): the most cited stands for it.
        if len({_key_year(k) for k in matches}) == 1:
            joins[key] = matches[0]
        elif matches:
            apart[key] = sorted(matches)
    store.join_cited_keys(con, joins)
    outcomes = [(key, "undated_joined", f"; joined to {target}, the one dated document with this number in the corpus")
                for key, target in joins.items()]
    outcomes += [(key, "undated_apart", f" and the corpus holds {len(keys)} dated documents with this number "
                  f"({', '.join(keys)}); it keeps its own key") for key, keys in apart.items()]
    con.execute("CREATE OR REPLACE TEMP TABLE _undated_outcomes (written_key VARCHAR, kind VARCHAR, tail VARCHAR)")
    if outcomes:
        con.executemany("INSERT INTO _undated_outcomes VALUES (?, ?, ?)", outcomes)
    severity = "CASE o.kind " + " ".join(f"WHEN '{k}' THEN '{SEVERITY[k]}'" for k in ("undated_joined", "undated_apart")) + " END"
    return f"""SELECT c.doc_id, c.section_id, c.cited_key, o.kind,
                      c.number || ' is cited without its year' || o.tail AS message,
                      c.text, c.start_char, c.end_char, {severity} AS severity,
                      NULL AS other_start_char, NULL AS other_end_char
               FROM citations c JOIN _undated_outcomes o USING (written_key)
               QUALIFY row_number() OVER (PARTITION BY c.doc_id, c.written_key ORDER BY c.start_char) = 1"""


def _sharing_citers(con: duckdb.DuckDBPyConnection, pairs: set[tuple[str, str]],
                    own: dict[str, str]) -> set[tuple[str, str]]:
    """The (undated key, dated key) pairs that one document cites both of (a
    stored document's own key counts as cited by itself)."""
    if not pairs:
        return set()
    a, b = zip(*sorted(pairs))
    return set(con.execute(
        """WITH pairs AS (SELECT unnest(?) AS a, unnest(?) AS b),
                citers AS (SELECT written_key AS key, doc_id FROM citations
                           WHERE written_key IN (SELECT a FROM pairs UNION SELECT b FROM pairs)
                           UNION SELECT unnest(?), unnest(?))
           SELECT DISTINCT p.a, p.b FROM pairs p JOIN citers x ON x.key = p.a JOIN citers y ON y.key = p.b
           WHERE x.doc_id = y.doc_id""", [list(a), list(b), list(own), list(own.values())]).fetchall())


def _key_year(key: str) -> str | None:
    """The year part of a numbered key (`57-NQ/TW:2024` -> `2024`); None for a
    number that holds its year (`278/2025/NĐ-CP`)."""
    parts = key.split(":")
    return parts[1] if len(parts) > 1 else None


def _types_compatible(a: str | None, b: str | None) -> bool:
    # `Văn bản` is what a citation says when it does not name the type.
    return a is None or b is None or a == b or "Văn bản" in (a, b)


def _issuer_part(key: str) -> str:
    """The issuer part of a numbered key; `?` when unknown or absent (a self-identifying number)."""
    return key.split(":")[2] if key.count(":") >= 2 else UNKNOWN


def _issuers_compatible(undated: str, dated: str) -> bool:
    a, b = _issuer_part(undated), _issuer_part(dated)
    return UNKNOWN in (a, b) or issuers_compatible(a, b)


# --- trace --------------------------------------------------------------------


def find_keys(con: duckdb.DuckDBPyConnection, query: str) -> list[str]:
    """Keys a user's query names: the key itself, a number (`573/TTg-KGVX`,
    spaces ignored), or a name (`Luật Phòng, chống ma túy`)."""
    number = canonical_number(query).casefold()
    rows = con.execute(
        """SELECT cited_key FROM cited_documents
           WHERE cited_key = ? OR lower(number) = ? OR lower(cited_key) LIKE ? || ':%' OR cited_key = ?
           ORDER BY n_citing_docs DESC, cited_key""",
        [query, number, number, name_key(query)],
    ).fetchall()
    return [r[0] for r in rows]


def trace(con: duckdb.DuckDBPyConnection, number_or_key: str, min_severity: str = "warning") -> dict:
    """Everything known about the cited document(s) a number or key names,
    with its findings of `min_severity` and above."""
    documents = {d["doc_id"]: d for d in dicts(con, """SELECT doc_id, source_name, doc_type, number, issuer,
                                                               issued_date, title FROM documents""")}
    citations = dicts(con, """SELECT c.doc_id, c.cited_key, c.text, c.start_char, c.end_char, c.is_short_form,
                                      s.path AS section_path
                               FROM citations c LEFT JOIN sections s ON s.section_id = c.section_id
                               ORDER BY c.doc_id, c.start_char""")
    cited = {c["cited_key"]: c for c in dicts(con, "SELECT * FROM cited_documents")}
    findings = dicts(con, f"""SELECT * FROM (SELECT {findings_columns(con)} FROM citation_findings)
                               WHERE severity IN (SELECT unnest(?)) ORDER BY doc_id, start_char""",
                     [list(SEVERITIES[SEVERITIES.index(min_severity):])])
    graph = _Graph(documents, citations, cited, findings)
    return {"query": number_or_key,
            "matches": [graph.node(key) for key in find_keys(con, number_or_key)]}


class _Graph:
    def __init__(self, documents, citations, cited, findings):
        self.documents, self.cited = documents, cited
        self.citers: dict[str, list[str]] = defaultdict(list)  # key -> doc_ids, document order
        self.cites: dict[str, list[str]] = defaultdict(list)  # doc_id -> keys, first mention order
        self.mentions: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for c in citations:
            pair = (c["cited_key"], c["doc_id"])
            if not self.mentions[pair]:
                self.citers[c["cited_key"]].append(c["doc_id"])
                self.cites[c["doc_id"]].append(c["cited_key"])
            self.mentions[pair].append(c)
        self.own_key = {row["doc_id"]: key for key, row in cited.items() if row["doc_id"]}
        self.findings: dict[str, list[dict]] = defaultdict(list)
        for f in findings:
            self.findings[f["cited_key"]].append(_jsonable(f))

    def describe(self, key: str) -> dict:
        row = self.cited.get(key, {"cited_key": key})
        return {k: _jsonable(v) for k, v in row.items()}

    def node(self, key: str) -> dict:
        in_corpus = self.cited.get(key, {}).get("doc_id")
        return {
            "cited": self.describe(key),
            "in_corpus": self.document(in_corpus) if in_corpus else None,
            "cites": self.up(in_corpus, {key}, MAX_DEPTH) if in_corpus else [],
            "cited_by": self.down(key, {key}, MAX_DEPTH),
            "conflicts": self.findings.get(key, []),
        }

    def document(self, doc_id: str) -> dict:
        d = self.documents[doc_id]
        return {k: _jsonable(d[k]) for k in ("doc_id", "source_name", "doc_type", "number", "issuer", "issued_date")}

    def up(self, doc_id: str, seen: set[str], depth: int) -> list[dict]:
        """What a stored document cites, and on up while the cited one is stored too."""
        out = []
        for key in self.cites.get(doc_id, []):
            stored = self.cited.get(key, {}).get("doc_id")
            entry = {"cited": self.describe(key), "cites": []}
            if stored and key not in seen and depth > 1:
                entry["cites"] = self.up(stored, seen | {key}, depth - 1)
            out.append(entry)
        return out

    def down(self, key: str, seen: set[str], depth: int) -> list[dict]:
        """Documents citing `key`, each with what it cites besides, and who cites it in turn."""
        out = []
        for doc_id in self.citers.get(key, []):
            own = self.own_key.get(doc_id)
            entry = {
                "document": self.document(doc_id),
                "mentions": [{k: m[k] for k in ("text", "start_char", "end_char", "section_path", "is_short_form")}
                             for m in self.mentions[(key, doc_id)]],
                "also_cites": [self.describe(k) for k in self.cites[doc_id] if k != key],
                "cited_by": self.down(own, seen | {own}, depth - 1) if own and own not in seen and depth > 1 else [],
            }
            out.append(entry)
        return out


def _jsonable(value):
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


# --- rendering ----------------------------------------------------------------


def render_json(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2)


def label(c: dict) -> str:
    """`Công văn 573/TTg-KGVX · 2026-05-25 · Thủ tướng Chính phủ`."""
    what = " ".join(x for x in (c.get("doc_type"), c.get("number")) if x) if c.get("number") else (
        c.get("name") or c.get("doc_type") or c["cited_key"])
    return " · ".join(str(x) for x in (what, c.get("issued_date"), c.get("issuer")) if x)


def _doc_label(d: dict) -> str:
    head = " ".join(x for x in (d["doc_type"], d["number"] or "(no number)") if x)
    return " · ".join(str(x) for x in (d["source_name"], head, d["issued_date"], d["issuer"]) if x)


def render_text(result: dict) -> str:
    """A tree for the terminal."""
    if not result["matches"]:
        return f"{result['query']}: no cited document with this number or key\n"
    lines: list[str] = []
    for match in result["matches"]:
        c = match["cited"]
        lines.append(f"{c['cited_key']}")
        lines.append(f"  {label(c)}")
        if c.get("title"):
            lines.append(f"  subject: {c['title']}")
        stored = match["in_corpus"]
        lines.append(f"  in the corpus: {_doc_label(stored)}" if stored else "  not in the corpus")
        if match["cites"]:
            lines.append("  cites (up):")
            _tree_up(match["cites"], "    ", lines)
        lines.append(f"  cited by {c.get('n_citing_docs', len(match['cited_by']))} document(s) (down):")
        _tree_down(match["cited_by"], "    ", lines)
        if match["conflicts"]:
            lines.append("  findings:")
            for f in match["conflicts"]:
                doc = f["doc_id"]
                lines.append(f"    ! {f['severity']} {f['kind']} [{doc}@{f['start_char']}]: {f['message']}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _branches(items: list, prefix: str):
    for i, item in enumerate(items):
        last = i == len(items) - 1
        yield item, prefix + ("└── " if last else "├── "), prefix + ("    " if last else "│   ")


def _tree_up(entries: list[dict], prefix: str, lines: list[str]) -> None:
    for entry, head, more in _branches(entries, prefix):
        lines.append(f"{head}{label(entry['cited'])}")
        _tree_up(entry["cites"], more, lines)


def _tree_down(entries: list[dict], prefix: str, lines: list[str]) -> None:
    for entry, head, more in _branches(entries, prefix):
        lines.append(f"{head}{_doc_label(entry['document'])}")
        for m in entry["mentions"]:
            where = f" [{m['section_path']}]" if m["section_path"] else ""
            lines.append(f"{more}  “{m['text']}”{where}{' (short form)' if m['is_short_form'] else ''}")
        if entry["also_cites"]:
            lines.append(f"{more}  also cites: " + "; ".join(label(c) for c in entry["also_cites"]))
        if entry["cited_by"]:
            lines.append(f"{more}  cited by:")
            _tree_down(entry["cited_by"], more + "  ", lines)
