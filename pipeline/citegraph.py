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
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

import duckdb

from extractors.citekeys import (
    UNKNOWN,
    Context,
    canonical_number,
    document_key,
    issuer_key,
    issuers_compatible,
    name_key,
    self_identifying,
)
from pipeline import store
from schemas.records import CitationFinding, CitedDocument

MAX_DEPTH = 4
# Repairs the extractor made (Citation.anomalies) -> finding kind.
ANOMALY_KINDS = {
    "number_spaces": ("malformed_number", "number written with stray spaces"),
    "number_line_break": ("malformed_number", "number split over a line break"),
    "date_typo": ("malformed_date", "date written with a typo"),
    "date_invalid": ("malformed_date", "date that does not exist"),
}
# What an auditor must act on (`error`), should look at (`warning`), or may
# skip (`info`: what the text leaves open rather than gets wrong).
SEVERITY = {
    "date_conflict": "error",
    "issuer_conflict": "error",
    "date_conflict_in_plan": "error",
    "issuer_conflict_in_plan": "error",
    "cited_after_citing": "error",
    "malformed_number": "warning",
    "malformed_date": "warning",
    "malformed": "warning",
    "no_date": "info",
    "ambiguous_key": "info",
    "undated_joined": "info",
    "undated_apart": "info",
}
SEVERITIES = ("info", "warning", "error")


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _context(doc: dict) -> Context:
    return Context(doc.get("province"), doc.get("locality"), doc.get("issuer_level"))


# --- refresh ------------------------------------------------------------------


# Mentions held in memory at once while refreshing: keys are judged in
# chunks of about this many rows, so a run's memory does not grow with the
# corpus (a group of keys that must be judged together is never split).
REFRESH_ROWS = 20_000


@dataclass
class _Corpus:
    documents: dict[str, dict]  # doc_id -> documents row (without text)
    mentions: dict[str, list[dict]] = field(default_factory=dict)  # cited_key -> rows of this chunk, document order

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection) -> _Corpus:
        return cls({d["doc_id"]: d for d in _dicts(con, """
            SELECT doc_id, source_name, doc_type, number, symbol, issuer, issuer_level,
                   locality, province, issued_date, title FROM documents""")})

    def load_mentions(self, con: duckdb.DuckDBPyConnection, keys: list[str]) -> None:
        rows = _dicts(con, """SELECT doc_id, section_id, text, start_char, end_char, cited_key, doc_type, number,
                                     issued_date, issuer, issuer_key, title, name, is_short_form, anomalies
                              FROM citations WHERE cited_key IN (SELECT unnest(?))
                              ORDER BY doc_id, start_char""", [keys])
        self.mentions = defaultdict(list)
        for r in rows:
            self.mentions[r["cited_key"]].append(r)

    @cached_property
    def by_number(self) -> dict[str, list[dict]]:
        """Canonical number -> stored documents with it, in `documents` order."""
        out: dict[str, list[dict]] = defaultdict(list)
        for d in self.documents.values():
            if d["number"]:
                out[canonical_number(d["number"])].append(d)
        return out


def refresh(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Rebuild `cited_documents` and `citation_findings` (written by the
    store, in one transaction); returns their row counts."""
    counts = store.write_graph(con, _chunk_rows(con))
    return counts["cited_documents"], counts["citation_findings"]


def _chunk_rows(con: duckdb.DuckDBPyConnection) -> Iterator[dict[str, list]]:
    """The rows of both tables, one chunk of cited keys at a time."""
    corpus = _Corpus.load(con)
    own_keys = _document_keys(corpus.documents)
    # Mentions cited without their year first: joining them changes the keys the chunks judge.
    yield {"citation_findings": join_undated(con, own_keys)}
    for keys in _key_chunks(con):
        corpus.load_mentions(con, keys)
        cited = [_describe(key, rows, corpus, own_keys) for key, rows in corpus.mentions.items()]
        findings = [f for key, rows in corpus.mentions.items() for f in _audit(key, rows, corpus)]
        findings += [f for rows in _date_groups(corpus).values()
                     for f in _conflicts(rows, "issued_date", "date_conflict", lambda a, b: a == b,
                                         lambda r: r["issued_date"])]
        yield {"cited_documents": cited, "citation_findings": findings}


# --- one key per cited document: undated mentions ----------------------------


def join_undated(con: duckdb.DuckDBPyConnection, own_keys: dict[str, str]) -> list[CitationFinding]:
    """Give a mention cited without its year (`Nghị quyết số 57-NQ/TW`, key
    `57-NQ/TW:?`) the key of the one dated document with that number, type
    and a compatible issuer that the corpus holds (cited with its year, or
    stored); with several it keeps its own key. Judged afresh at each
    refresh from `written_key`, the key the text alone gives, so a document
    added later can split a join. Returns a finding per citing document
    saying what was joined, or why not."""
    store.keep_written_keys(con)
    keys = con.execute("""SELECT written_key, any_value(number), mode(doc_type), list(DISTINCT doc_id)
                          FROM citations WHERE number IS NOT NULL
                          GROUP BY written_key ORDER BY count(*) DESC, written_key""").fetchall()
    citers = {key: set(doc_ids) for key, _, _, doc_ids in keys}
    dated: dict[str, list[tuple[str, str | None]]] = defaultdict(list)  # number -> (dated key, type), most cited first
    for key, number, doc_type, _ in keys:
        if _key_year(key) != UNKNOWN:
            dated[_number_key(number)].append((key, doc_type))
    own_types = dict(con.execute("SELECT doc_id, doc_type FROM documents").fetchall())
    for key, doc_id in own_keys.items():
        if _key_year(key) != UNKNOWN and (number := key.split(":")[0]) and "/" in number:
            if key not in {k for k, _ in dated[_number_key(number)]}:
                dated[_number_key(number)].append((key, own_types.get(doc_id)))
                citers[key] = {doc_id}
    joins, apart = {}, {}
    for key, number, doc_type, _ in keys:
        if _key_year(key) != UNKNOWN:
            continue
        # Every province numbers a `1441/QĐ-UBND`: a number that does not name
        # its issuer, cited without one, joins only a key its own citers use.
        same_citers = not self_identifying(number) and _issuer_part(key) == UNKNOWN
        matches = [k for k, t in dated.get(_number_key(number), [])
                   if _types_compatible(doc_type, t) and _issuers_compatible(key, k)
                   and (not same_citers or citers[key] & citers[k])]
        # Keys of one year are one document keyed two ways (`06/QĐ-TTG:2025:?`
        # in a capitals title, `06/QĐ-TTg:2025`): the most cited stands for it.
        if len({_key_year(k) for k in matches}) == 1:
            joins[key] = matches[0]
        elif matches:
            apart[key] = sorted(matches)
    store.join_cited_keys(con, joins)
    firsts = _dicts(con, """SELECT * FROM citations WHERE written_key IN (SELECT unnest(?))
                            QUALIFY row_number() OVER (PARTITION BY doc_id, written_key ORDER BY start_char) = 1
                            ORDER BY doc_id, start_char""", [list(joins) + list(apart)])
    out = []
    for r in firsts:
        key = r["written_key"]
        if key in joins:
            out.append(_finding(r, "undated_joined", f"{r['number']} is cited without its year; joined to "
                                f"{joins[key]}, the one dated document with this number in the corpus"))
        else:
            out.append(_finding(r, "undated_apart", f"{r['number']} is cited without its year and the corpus "
                                f"holds {len(apart[key])} dated documents with this number ({', '.join(apart[key])}); "
                                "it keeps its own key"))
    return out


def _key_year(key: str) -> str | None:
    """The year part of a numbered key (`57-NQ/TW:2024` -> `2024`); None for a
    number that holds its year (`278/2025/NĐ-CP`)."""
    parts = key.split(":")
    return parts[1] if len(parts) > 1 else None


def _number_key(number: str) -> str:
    # `06/QĐ-TTG` in a capitals title is `06/QĐ-TTg`.
    return canonical_number(number).casefold()


def _types_compatible(a: str | None, b: str | None) -> bool:
    # `Văn bản` is what a citation says when it does not name the type.
    return a is None or b is None or a == b or "Văn bản" in (a, b)


def _issuer_part(key: str) -> str:
    """The issuer part of a numbered key; `?` when unknown or absent (a self-identifying number)."""
    return key.split(":")[2] if key.count(":") >= 2 else UNKNOWN


def _issuers_compatible(undated: str, dated: str) -> bool:
    a, b = _issuer_part(undated), _issuer_part(dated)
    return UNKNOWN in (a, b) or issuers_compatible(a, b)


def _key_chunks(con: duckdb.DuckDBPyConnection) -> list[list[str]]:
    """The cited keys in chunks of about REFRESH_ROWS mentions. Keys whose
    mentions share a self-identifying number are judged together (see
    `_date_groups`), so they always fall in one chunk."""
    counts = con.execute("SELECT cited_key, number, count(*) FROM citations GROUP BY ALL ORDER BY ALL").fetchall()
    group: dict[str, str] = {}  # key or `#number` -> a member standing for its group

    def root(node: str) -> str:
        while group.setdefault(node, node) != node:
            node = group[node]
        return node

    for key, number, _ in counts:
        if number and self_identifying(number):
            group[root(key)] = root("#" + number)
    rows: Counter[str] = Counter()
    members: dict[str, set[str]] = defaultdict(set)
    for key, _, n in counts:
        rows[root(key)] += n
        members[root(key)].add(key)
    chunks: list[list[str]] = [[]]
    size = 0
    for top in sorted(members):
        if chunks[-1] and size + rows[top] > REFRESH_ROWS:
            chunks.append([])
            size = 0
        chunks[-1] += sorted(members[top])
        size += rows[top]
    return chunks


def _document_keys(documents: dict[str, dict]) -> dict[str, str]:
    """cited_key a stored document would have -> its doc_id."""
    out = {}
    for doc in documents.values():
        year = doc["issued_date"].year if doc["issued_date"] else None
        key = document_key(doc["number"], doc["doc_type"], year, doc["issuer"], _context(doc))
        if key:
            out[key] = doc["doc_id"]
    return out


def _best(values: list, prefer_long: bool = False):
    """Most frequent non-blank value; ties go to the longest (or the first)."""
    counts = Counter(v for v in values if v is not None)
    if len(counts) < 2:  # most cited documents are written one way
        return next(iter(counts), None)
    order = {v: i for i, v in reversed(list(enumerate(values)))}
    return max(counts, key=lambda v: (counts[v], len(str(v)) if prefer_long else 0, -order[v]))


def _describe(key: str, rows: list[dict], corpus: _Corpus, own_keys: dict[str, str]) -> CitedDocument:
    full = [r for r in rows if not r["is_short_form"]] or rows
    number = _best([r["number"] for r in full])
    issuer = _best([r["issuer"] for r in full], prefer_long=True)
    return CitedDocument(
        cited_key=key,
        doc_type=_best([r["doc_type"] for r in full]),
        number=number,
        issued_date=_best([r["issued_date"] for r in full]),
        issuer=issuer,
        title=_best([r["title"] for r in full], prefer_long=True),
        name=_best([r["name"] for r in full], prefer_long=True),
        n_citing_docs=len({r["doc_id"] for r in rows}),
        n_mentions=len(rows),
        doc_id=own_keys.get(key) or _stored_by_number(number, issuer, full, corpus),
    )


def _stored_by_number(number: str | None, issuer: str | None, rows: list[dict], corpus: _Corpus) -> str | None:
    """A stored document with this number and a compatible issuer, when the
    key did not match (e.g. the stored copy leaves its date blank)."""
    if not number:
        return None
    # The issuer as keyed where it was read, in the first mention that writes it so.
    wanted = next(r["issuer_key"] for r in rows if r["issuer"] == issuer) if issuer else None
    hits = [d["doc_id"] for d in corpus.by_number.get(number, [])
            if wanted is None or (d["issuer"] and issuers_compatible(wanted, issuer_key([d["issuer"]], _context(d))))]
    return hits[0] if len(hits) == 1 else None


def _date_groups(corpus: _Corpus) -> dict[str, list[dict]]:
    """Mentions that should carry one date. A self-identifying number's key
    holds the year (`132-KL/TW:2025`), so a citation misdated by a year lands
    on another key: those are grouped by number, and the finding says it may
    also be two documents."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for key, rows in corpus.mentions.items():
        for r in rows:
            if r["number"]:
                groups[r["number"] if self_identifying(r["number"]) else key].append(r)
    return groups


def _finding(row: dict, kind: str, message: str) -> CitationFinding:
    return CitationFinding(doc_id=row["doc_id"], section_id=row["section_id"], cited_key=row["cited_key"], kind=kind,
                           message=message, text=row["text"], start_char=row["start_char"], end_char=row["end_char"])


def _audit(key: str, rows: list[dict], corpus: _Corpus) -> list[CitationFinding]:
    out = []
    numbered = [r for r in rows if r["number"]]
    # Keyed at extraction; a row stored before `issuer_key` existed has none
    # until its document is processed again, and is not judged meanwhile.
    stated = [r for r in numbered if r["issuer_key"]]
    out += _conflicts(stated, "issuer", "issuer_conflict", issuers_compatible, lambda r: r["issuer_key"])
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for r in numbered:
        by_doc[r["doc_id"]].append(r)
    for doc_rows in by_doc.values():
        first = doc_rows[0]
        if all(r["issued_date"] is None for r in doc_rows):
            out.append(_finding(first, "no_date", f"{first['number']} is cited without its date"))
        missing = [part for part, value in zip(("year", "issuer"), key.split(":")[1:]) if value == UNKNOWN]
        if missing:
            out.append(_finding(first, "ambiguous_key", f"{first['number']} is cited without {' or '.join(missing)}; "
                                "the key cannot tell it from other documents with this number"))
        citing_date = corpus.documents.get(first["doc_id"], {}).get("issued_date")
        late = next((r for r in doc_rows if r["issued_date"] and citing_date and r["issued_date"] > citing_date), None)
        if late:
            out.append(_finding(late, "cited_after_citing",
                                f"cited document dated {late['issued_date']} after the citing document ({citing_date})"))
    for r in rows:
        for anomaly in r["anomalies"] or []:
            kind, message = ANOMALY_KINDS.get(anomaly, ("malformed", anomaly))
            out.append(_finding(r, kind, f"{message}: {r['text']!r}"))
    return out


def _conflicts(rows: list[dict], column: str, kind: str, same, value) -> list[CitationFinding]:
    """Mentions whose value disagrees with the value most mentions give."""
    stated = [(r, value(r)) for r in rows if r[column] is not None]
    values = [v for _, v in stated]
    if len(set(values)) < 2:
        return []
    consensus = _best(values)
    written = {v: r[column] for r, v in stated}
    n = sum(1 for v in values if same(v, consensus))
    return [_finding(r, kind, f"{r['number']}: {r[column]} here, {written[consensus]} in {n} other mention(s)")
            for r, v in stated if not same(v, consensus)]


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


def trace(con: duckdb.DuckDBPyConnection, number_or_key: str) -> dict:
    """Everything known about the cited document(s) a number or key names."""
    documents = {d["doc_id"]: d for d in _dicts(con, """SELECT doc_id, source_name, doc_type, number, issuer,
                                                               issued_date, title FROM documents""")}
    citations = _dicts(con, """SELECT c.doc_id, c.cited_key, c.text, c.start_char, c.end_char, c.is_short_form,
                                      s.path AS section_path
                               FROM citations c LEFT JOIN sections s ON s.section_id = c.section_id
                               ORDER BY c.doc_id, c.start_char""")
    cited = {c["cited_key"]: c for c in _dicts(con, "SELECT * FROM cited_documents")}
    findings = _dicts(con, "SELECT * FROM citation_findings ORDER BY doc_id, start_char")
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


def _label(c: dict) -> str:
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
        lines.append(f"  {_label(c)}")
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
                lines.append(f"    ! {f['kind']} [{doc}@{f['start_char']}]: {f['message']}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _branches(items: list, prefix: str):
    for i, item in enumerate(items):
        last = i == len(items) - 1
        yield item, prefix + ("└── " if last else "├── "), prefix + ("    " if last else "│   ")


def _tree_up(entries: list[dict], prefix: str, lines: list[str]) -> None:
    for entry, head, more in _branches(entries, prefix):
        lines.append(f"{head}{_label(entry['cited'])}")
        _tree_up(entry["cites"], more, lines)


def _tree_down(entries: list[dict], prefix: str, lines: list[str]) -> None:
    for entry, head, more in _branches(entries, prefix):
        lines.append(f"{head}{_doc_label(entry['document'])}")
        for m in entry["mentions"]:
            where = f" [{m['section_path']}]" if m["section_path"] else ""
            lines.append(f"{more}  “{m['text']}”{where}{' (short form)' if m['is_short_form'] else ''}")
        if entry["also_cites"]:
            lines.append(f"{more}  also cites: " + "; ".join(_label(c) for c in entry["also_cites"]))
        if entry["cited_by"]:
            lines.append(f"{more}  cited by:")
            _tree_down(entry["cited_by"], more + "  ", lines)
