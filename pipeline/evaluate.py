"""Score a DuckDB db written by `plans run` against gold annotations.

The gold format is tests/gold/GOLD.md: one JSON file per document, written
by a person reading the text. Every field is compared on a normal form
(NFC, modern tone marks, case folded, white space and dashes unified), so
that only differences a reader would call errors count.

Two kinds of figure come out:
- precision / recall / F1 over items (sections, citations, duties per
  agency, periods, deadlines, targets, and each header field, where a
  value is an item and a blank is none);
- accuracy over pairs already matched (the date of a matched citation,
  the task count of a matched agency) and over header fields, where a
  blank in both gold and db agrees.

Counts are summed over documents (micro average). Every miss, false hit
and wrong value becomes a `Finding`, printed one per line, so a developer
sees what to fix.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import re
import tomllib
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import duckdb

from core.normalize import fold_key
from pipeline import theme_scores

HEADER_FIELDS = ["doc_type", "number", "symbol", "issuer", "issuer_level", "locality", "province", "province_at_issue",
                 "issued_date", "title", "signer", "signer_title", "topic"]

# Which figures each field reports: "prf" item scores, "acc" accuracy, or both.
FIELD_KINDS: dict[str, str] = {
    **{f"document.{name}": "both" for name in HEADER_FIELDS},
    "sections": "prf",
    "top_headings": "prf",
    "citations_numbered": "prf",
    "citations_named": "prf",
    "citation_dates": "acc",
    "citation_issuers": "acc",
    "citation_types": "acc",
    "duties": "prf",
    "duty_items": "acc",
    "duty_requested": "acc",
    **{name: "prf" for name in theme_scores.fields()},  # per layer of vocab/themes.toml
    "periods": "prf",
    "deadlines": "prf",
    "targets": "prf",
}

# Share of tokens two names must share to be the same named citation.
NAME_OVERLAP = 0.6

_DASHES = re.compile(r"\s*-+\s*")
_BLANKS = re.compile(r"\s+")
_OUTER_PUNCT = " .,;:\"'"
_TOKEN = re.compile(r"\w+")
# A lettered item (`a`, `đ`) as the last label of a path: not scored (GOLD.md).
_LETTER_LABEL = re.compile(r"(?:^|\.)[a-zđ]\)?$")


# --- normal forms ------------------------------------------------------------

def norm(value) -> str | None:
    """Comparison form of a gold or db value; None and blanks stay None."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    text = fold_key(unicodedata.normalize("NFC", str(value)))
    text = _DASHES.sub("-", text).strip(_OUTER_PUNCT)
    return text or None


def number_key(number: str | None) -> str | None:
    """Canonical document number: `01- CTTr/TU` -> `01-cttr/tu`."""
    key = norm(number)
    return _BLANKS.sub("", key) if key else None


def tokens(text: str | None) -> set[str]:
    return set(_TOKEN.findall(norm(text) or ""))


def name_similarity(gold_name: str, candidate: str | None) -> float:
    """1.0 when the gold name stands inside the candidate, else the share of
    tokens they have in common (over the longer of the two)."""
    g, c = norm(gold_name), norm(candidate)
    if not g or not c:
        return 0.0
    if g in c:
        return 1.0
    gt, ct = tokens(g), tokens(c)
    return len(gt & ct) / max(len(gt), len(ct))


def _show(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "-" if value is None else str(value)


# --- tallies -----------------------------------------------------------------

@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    agree: int = 0
    cases: int = 0

    def __iadd__(self, other: Tally) -> Tally:
        for name in ("tp", "fp", "fn", "agree", "cases"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    # Nothing claimed is nothing wrong, nothing to find is nothing missed.
    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float | None:
        return self.agree / self.cases if self.cases else None

    def figures(self, kind: str) -> dict:
        out: dict = {}
        if kind in ("prf", "both"):
            out.update(precision=self.precision, recall=self.recall, f1=self.f1,
                       tp=self.tp, fp=self.fp, fn=self.fn)
        if kind in ("acc", "both"):
            out.update(accuracy=self.accuracy, agree=self.agree, cases=self.cases)
        return out


@dataclass
class Finding:
    kind: str  # MISS (gold not found) | FALSE (db row not in gold) | WRONG (matched, value differs)
    field: str
    doc: str
    value: str

    def line(self) -> str:
        return f"{self.kind} {self.field} {self.doc} {self.value}"


@dataclass
class Scorer:
    """Collects tallies and findings for one document."""

    doc: str
    tallies: dict[str, Tally] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def tally(self, name: str) -> Tally:
        return self.tallies.setdefault(name, Tally())

    def note(self, kind: str, name: str, value: str) -> None:
        self.findings.append(Finding(kind, name, self.doc, value))

    def items(self, name: str, gold: Counter, db: Counter, show: Callable = _show) -> None:
        """Compare two multisets of hashable items."""
        t = self.tally(name)
        t.tp += sum((gold & db).values())
        t.fn += sum((gold - db).values())
        t.fp += sum((db - gold).values())
        for kind, left in (("MISS", gold - db), ("FALSE", db - gold)):
            for item, n in sorted(left.items(), key=lambda kv: str(kv[0])):
                self.note(kind, name, show(item) + (f" (x{n})" if n > 1 else ""))

    def agreement(self, name: str, what: str, gold, db, same: Callable = operator.eq) -> None:
        """One accuracy case: `gold` and `db` already normalized."""
        t = self.tally(name)
        t.cases += 1
        if same(gold, db):
            t.agree += 1
        else:
            self.note("WRONG", name, f"{what}: gold {_show(gold)}, db {_show(db)}")


# --- reading the db ----------------------------------------------------------

DB_TABLES = ["documents", "sections", "citations", "agencies", "duties", "dates", "targets"]


def _rows(con: duckdb.DuckDBPyConnection, table: str, doc_ids: list[str]) -> list[dict]:
    cur = con.execute(f"SELECT * FROM {table} WHERE doc_id IN (SELECT unnest(?))", [doc_ids])
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r)) for r in cur.fetchall()]
    return sorted(rows, key=lambda r: r.get("start_char") or 0)


def read_db(con: duckdb.DuckDBPyConnection, source_names: Iterable[str]) -> dict[str, dict[str, list[dict]]]:
    """Rows of every scored table, per source name, for the given documents."""
    wanted = list(source_names)
    # Through `sources`: a text stored once may have come from several files.
    docs = con.execute(
        "SELECT DISTINCT doc_id, source_name FROM (SELECT doc_id, source_name FROM documents "
        "UNION ALL SELECT doc_id, source_name FROM sources) WHERE source_name IN (SELECT unnest(?))", [wanted]
    ).fetchall()
    names_of: dict[str, list[str]] = {}
    for doc_id, name in docs:
        names_of.setdefault(doc_id, []).append(name)
    out: dict[str, dict[str, list[dict]]] = {}
    for table in DB_TABLES:
        for row in _rows(con, table, list(names_of)):
            for name in names_of[row["doc_id"]]:
                out.setdefault(name, {t: [] for t in DB_TABLES})[table].append(row)
    return out


def date_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [name for name, kind, *_ in con.execute(f"DESCRIBE {table}").fetchall() if kind == "DATE"]


# --- one comparison per field ------------------------------------------------

def score_header(s: Scorer, gold: dict, db: dict | None) -> None:
    for name in HEADER_FIELDS:
        g, d = norm(gold.get(name)), norm((db or {}).get(name))
        t = s.tally(f"document.{name}")
        t.cases += 1
        t.agree += g == d
        if g == d:
            t.tp += g is not None
            continue
        t.fp += d is not None
        t.fn += g is not None
        kind = "MISS" if d is None else "FALSE" if g is None else "WRONG"
        s.note(kind, f"document.{name}", f"gold {_show(gold.get(name))}, db {_show((db or {}).get(name))}")


def score_sections(s: Scorer, gold: dict, rows: list[dict]) -> None:
    def scored(paths):
        return Counter(p for p in paths if not _LETTER_LABEL.search(p))

    s.items("sections", scored(gold.get("sections", [])), scored(r["path"] for r in rows))
    # A repeated top label is keyed `III#2` in the gold, as it is here.
    seen: Counter = Counter()
    db_top = Counter()
    for r in rows:
        if r["depth"] == 1 and r["path"] == r["label"]:
            seen[r["label"]] += 1
            key = r["label"] + (f"#{seen[r['label']]}" if seen[r["label"]] > 1 else "")
            db_top[(key, norm(r["heading"]))] += 1
    gold_top = Counter((k, norm(h)) for k, h in gold.get("top_headings", {}).items())
    s.items("top_headings", gold_top, db_top, show=lambda kv: f"{kv[0]}: {kv[1]}")


def _first(rows: list[dict], column: str):
    """First non-blank value of a column in document order."""
    return next((r[column] for r in rows if r.get(column) is not None), None)


def _same_type(g: str | None, d: str | None) -> bool:
    """`Kế hoạch phối hợp` is a `Kế hoạch`: a type agrees with its base type."""
    if g is None or d is None:
        return g == d
    return g == d or g.startswith(d + " ") or d.startswith(g + " ")


def score_citations(s: Scorer, gold: dict, rows: list[dict]) -> None:
    gold_numbered = {number_key(c["number"]): c for c in gold.get("citations", []) if c.get("number")}
    db_numbered: dict[str, list[dict]] = {}
    for r in rows:
        if r.get("number"):
            db_numbered.setdefault(number_key(r["number"]), []).append(r)
    as_written = {key: found[0]["number"] for key, found in db_numbered.items()}
    as_written.update({key: c["number"] for key, c in gold_numbered.items()})
    s.items("citations_numbered", Counter(gold_numbered.keys()), Counter(db_numbered.keys()), show=as_written.get)
    for key in sorted(gold_numbered.keys() & db_numbered.keys()):
        c, found = gold_numbered[key], db_numbered[key]
        s.agreement("citation_dates", c["number"], norm(c.get("issued_date")), norm(_first(found, "issued_date")))
        s.agreement("citation_issuers", c["number"], norm(c.get("issuer")), norm(_first(found, "issuer")))
        s.agreement("citation_types", c["number"], norm(c.get("doc_type")), norm(_first(found, "doc_type")),
                    same=_same_type)
    score_named_citations(s, [c["name"] for c in gold.get("citations", []) if not c.get("number")],
                          [r for r in rows if not r.get("number")])


def score_named_citations(s: Scorer, gold_names: list[str], rows: list[dict]) -> None:
    """Gold names against the db's cited documents without a number, one to
    one, best pairs first."""
    groups: dict[str, list[dict]] = {}
    for r in rows:
        key = r.get("cited_key") or norm(r.get("name") or r.get("text"))
        groups.setdefault(key, []).append(r)
    pairs = []
    for gi, name in enumerate(gold_names):
        for key, members in groups.items():
            best = max(name_similarity(name, m.get(col)) for m in members for col in ("name", "text"))
            if best >= NAME_OVERLAP:
                pairs.append((-best, gi, key))
    matched_gold, matched_db = set(), set()
    for _, gi, key in sorted(pairs):
        if gi not in matched_gold and key not in matched_db:
            matched_gold.add(gi)
            matched_db.add(key)
    t = s.tally("citations_named")
    t.tp += len(matched_gold)
    for gi, name in enumerate(gold_names):
        if gi not in matched_gold:
            t.fn += 1
            s.note("MISS", "citations_named", name)
    for key, members in groups.items():
        if key not in matched_db:
            t.fp += 1
            s.note("FALSE", "citations_named", members[0].get("name") or members[0]["text"])


@dataclass
class _Agency:
    name: str  # as first written
    agency_type: str | None
    tasks: int
    requested: bool


def agency_key(name: str, localities: Iterable[str | None]) -> str:
    """Name without a trailing locality: `Công an phường Vị Khê` ~ `Công an phường`."""
    key = norm(name) or ""
    for loc in filter(None, map(norm, localities)):
        if key.endswith(" " + loc):
            return key[: -len(loc) - 1]
    return key


def _agencies(entries: list[tuple[str, str | None, int, bool]], localities) -> dict[str, _Agency]:
    """Add up the entries of one agency: (name, type, tasks, requested)."""
    out: dict[str, _Agency] = {}
    types: dict[str, Counter] = {}
    for name, agency_type, tasks, requested in entries:
        key = agency_key(name, localities)
        a = out.setdefault(key, _Agency(name, None, 0, False))
        a.tasks += tasks
        a.requested |= bool(requested)
        types.setdefault(key, Counter())[agency_type] += 1
    for key, a in out.items():
        a.agency_type = types[key].most_common(1)[0][0]
    return out


def match_agencies(gold: dict[str, _Agency], db: dict[str, _Agency],
                   aliases: dict[str, set[str]]) -> dict[str, str]:
    """Gold key -> db key, one to one, agency types equal. A db agency is
    known by its name first, then by the names the text used for it (the
    `agencies` mentions it was resolved from: `Hội phụ nữ` for
    `Hội Liên hiệp Phụ nữ`), since the gold writes names as the text does."""
    pairs: dict[str, str] = {}
    for by_alias in (False, True):
        for gk, ga in gold.items():
            dk = next((dk for dk, da in db.items()
                       if gk not in pairs and dk not in pairs.values() and da.agency_type == ga.agency_type
                       and (gk in aliases.get(dk, ()) if by_alias else gk == dk)), None)
            if dk is not None:
                pairs[gk] = dk
    return pairs


def score_duties(s: Scorer, gold: dict, rows: list[dict], mentions: list[dict],
                 localities: list[str | None]) -> None:
    g = _agencies([(d["agency"], d.get("agency_type"), d.get("items", 1), d.get("requested", False))
                   for d in gold.get("duties", [])], localities)
    d = _agencies([(r["agency"], r.get("agency_type"), 1, r.get("requested")) for r in rows if r.get("agency")],
                  localities)
    aliases: dict[str, set[str]] = {}
    for m in mentions:
        aliases.setdefault(agency_key(m["canonical_name"], localities), set()).add(agency_key(m["text"], localities))
    pairs = match_agencies(g, d, aliases)
    t = s.tally("duties")
    t.tp += len(pairs)
    for key in sorted(g.keys() - pairs.keys()):
        t.fn += 1
        s.note("MISS", "duties", f"{g[key].name} [{g[key].agency_type}]")
    for key in sorted(d.keys() - set(pairs.values())):
        t.fp += 1
        s.note("FALSE", "duties", f"{d[key].name} [{d[key].agency_type}]")
    for gk, dk in sorted(pairs.items()):
        s.agreement("duty_items", g[gk].name, g[gk].tasks, d[dk].tasks)
        s.agreement("duty_requested", g[gk].name, g[gk].requested, d[dk].requested)
    for name, gold_themes, db_themes in theme_scores.items(gold.get("duties", []), rows,
                                                            lambda a: agency_key(a, localities), pairs):
        s.items(name, gold_themes, db_themes, show=lambda item: f"{g[item[0]].name}: {item[1]}")


def db_periods(rows: list[dict], end_columns: list[str]) -> Counter:
    """Distinct (start, end) spans from the dates rows.

    A row may carry its own end in an extra DATE column (`range_end`);
    otherwise a `period_start` pairs with the next `period_end` in the text.
    An end with no start (`đến hết năm 2035`) is a span with start None.
    """
    spans: set[tuple] = set()
    start: dict | None = None  # a period_start row waiting for its end

    def close(end) -> None:
        nonlocal start
        span = (norm(start["value"]) if start else None, norm(end))
        if span != (None, None):
            spans.add(span)
        start = None

    for r in rows:
        own_end = next((r[c] for c in end_columns if r.get(c) is not None), None)
        if r["kind"] == "period_start" or (r["kind"].startswith("period") and own_end is not None):
            if start:
                close(None)
            start = r
            if own_end is not None:
                close(own_end)
        elif r["kind"] == "period_end":
            close(r["value"])
    if start:
        close(None)
    return Counter(spans)


def _show_span(span: tuple) -> str:
    return f"{_show(span[0])}..{_show(span[1])}"


def score_dates(s: Scorer, gold: dict, rows: list[dict], end_columns: list[str]) -> None:
    gold_periods = Counter({(norm(p.get("start")), norm(p.get("end"))) for p in gold.get("periods", [])})
    s.items("periods", gold_periods, db_periods(rows, end_columns), show=_show_span)
    s.items("deadlines", Counter(set(map(norm, gold.get("deadlines", [])))),
            Counter({norm(r["value"]) for r in rows if r["kind"] == "deadline" and r.get("value")}))


def _target(value, unit, year) -> tuple:
    return (None if value is None else round(float(value), 6), norm(unit), None if year is None else int(year))


def score_targets(s: Scorer, gold: dict, rows: list[dict]) -> None:
    s.items("targets",
            Counter(_target(t.get("value"), t.get("unit"), t.get("target_year")) for t in gold.get("targets", [])),
            Counter(_target(r.get("value"), r.get("unit"), r.get("target_year")) for r in rows),
            show=lambda t: f"{_show(t[0])} {_show(t[1])} {_show(t[2])}")


def score_document(label: str, gold: dict, db: dict[str, list[dict]] | None, end_columns: list[str]) -> Scorer:
    s = Scorer(label)
    db = db or {t: [] for t in DB_TABLES}
    head = db["documents"][0] if db["documents"] else None
    if head is None:
        s.note("MISS", "document", f"{gold['source_name']} is not in the db")
    score_header(s, gold["document"], head)
    score_sections(s, gold, db["sections"])
    score_citations(s, gold, db["citations"])
    localities = [gold["document"].get("locality"), (head or {}).get("locality")]
    score_duties(s, gold, db["duties"], db["agencies"], localities)
    score_dates(s, gold, db["dates"], end_columns)
    score_targets(s, gold, db["targets"])
    return s


# --- the whole run -----------------------------------------------------------

def load_gold(gold_dir: str | Path) -> list[dict]:
    files = sorted(Path(gold_dir).glob("*.json"))
    if not files:
        raise FileNotFoundError(f"{gold_dir}: no gold *.json files")
    return [json.loads(f.read_text(encoding="utf-8")) for f in files]


def short_labels(source_names: list[str]) -> dict[str, str]:
    """`003_25f2686c20bc1894.txt` -> `003` when that prefix is unique, else the stem."""
    stems = {n: Path(n).stem for n in source_names}
    prefixes = {n: s.split("_")[0] for n, s in stems.items()}
    unique = len(set(prefixes.values())) == len(prefixes)
    return prefixes if unique else stems


@dataclass
class Report:
    documents: list[str]
    per_document: dict[str, dict[str, Tally]]
    overall: dict[str, Tally]
    findings: list[Finding]

    def figures(self) -> dict[str, dict]:
        return {name: t.figures(FIELD_KINDS[name]) for name, t in self.overall.items()}

    def metric(self, name: str) -> float | None:
        """`duties.f1`, `citation_dates.accuracy`, `document.title.precision`."""
        fld, _, stat = name.rpartition(".")
        figures = self.overall[fld].figures(FIELD_KINDS[fld]) if fld in self.overall else {}
        if stat not in figures:
            raise KeyError(name)
        return figures[stat]

    def to_json(self) -> dict:
        return {
            "documents": self.documents,
            "overall": self.figures(),
            "per_document": {doc: {n: t.figures(FIELD_KINDS[n]) for n, t in tallies.items()}
                             for doc, tallies in self.per_document.items()},
            "findings": [asdict(f) for f in self.findings],
        }


def evaluate(con: duckdb.DuckDBPyConnection, gold_dir: str | Path) -> Report:
    golds = load_gold(gold_dir)
    labels = short_labels([g["source_name"] for g in golds])
    db = read_db(con, list(labels))
    end_columns = [c for c in date_columns(con, "dates") if c != "value"]
    overall = {name: Tally() for name in FIELD_KINDS}
    per_document, findings = {}, []
    for g in golds:
        s = score_document(labels[g["source_name"]], g, db.get(g["source_name"]), end_columns)
        per_document[s.doc] = s.tallies
        findings += s.findings
        for name, t in s.tallies.items():
            overall[name] += t
    return Report(list(labels.values()), per_document, overall, findings)


def load_floors(path: str | Path) -> dict[str, float]:
    with open(path, "rb") as fh:
        return {k: float(v) for k, v in tomllib.load(fh).items()}


def below_floors(report: Report, floors: dict[str, float]) -> list[str]:
    """One line per metric under its floor (or unknown to the scorer)."""
    out = []
    for name, floor in floors.items():
        try:
            value = report.metric(name)
        except KeyError:
            out.append(f"{name}: no such metric")
            continue
        # No case to judge (`None`) holds a zero floor only.
        if (0.0 if value is None else value) < floor:
            out.append(f"{name}: {_show(value) if value is None else f'{value:.3f}'} < floor {floor:.3f}")
    return out


def render_text(report: Report) -> str:
    """Overall figures with each document's F1 (or accuracy), then findings."""
    docs = report.documents
    head = f"{'metric':<32} {'P':>6} {'R':>6} {'F1':>6} {'acc':>6}   " + " ".join(f"{d[:6]:>6}" for d in docs)
    lines = [f"{len(docs)} documents, micro average; per document: F1, or accuracy", head, "-" * len(head)]

    def fmt(x):
        return f"{x:6.3f}" if x is not None else f"{'':>6}"

    for name, kind in FIELD_KINDS.items():
        fig = report.overall[name].figures(kind)
        main = "f1" if kind != "acc" else "accuracy"
        per_doc = []
        for d in docs:
            t = report.per_document[d].get(name)
            per_doc.append(fmt(t.figures(kind).get(main)) if t else f"{'':>6}")
        lines.append(f"{name:<32} {fmt(fig.get('precision'))} {fmt(fig.get('recall'))} {fmt(fig.get('f1'))} "
                     f"{fmt(fig.get('accuracy'))}   " + " ".join(per_doc))
    if report.findings:
        lines += ["", *(f.line() for f in report.findings)]
    return "\n".join(lines)
