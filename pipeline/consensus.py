"""The citation graph's rows computed inside DuckDB: what every mention of a
cited document says, agreed or not, without loading the mentions into Python.

`cited_documents()` and `findings()` are SELECT statements over `citations`
and `documents`; `citegraph.refresh` has the store insert them. What needs
the vocabularies (the canonical form of a number, an issuer's key, whether
two issuers are one body) is registered on the connection as scalar
functions (`register`), whose Python sides cache what they compute.

A consensus is the value most often given, ties to the longest where asked
and then to the one met first in (doc_id, start_char) order. Findings:

- in one document, a cited document given two dates or two issuers
  (`*_in_plan`, with the span of the other mention);
- across documents, a document whose date or issuer disagrees with what the
  other documents give. A self-identifying number (`132-KL/TW`) is judged
  over its years: a date with the same day and month and another year is a
  misdated citation; another day in another year is another document
  (`23/CT-TTg` of 2021 and of 2025). A number that does not name its
  issuer, cited without one, may be two documents: `possible_*`;
- without date, ambiguous key, repairs the extractor made, a document
  cited before it was issued.
"""

from __future__ import annotations

import duckdb

from extractors.citekeys import (
    Context,
    canonical_number,
    document_key,
    issuer_key,
    issuers_compatible,
)

# Repairs the extractor made (Citation.anomalies) -> finding kind and message.
ANOMALY_KINDS = {
    "number_spaces": ("malformed_number", "number written with stray spaces"),
    "number_line_break": ("malformed_number", "number split over a line break"),
    "number_variant": ("malformed_number", "number written unlike its usual form"),
    "date_typo": ("malformed_date", "date written with a typo"),
    "date_invalid": ("impossible_date", "date that does not exist"),
}


def _document_key(number, doc_type, year, issuer, province, locality, level):
    return document_key(number, doc_type, year, issuer, Context(province, locality, level))


def number_key(number: str) -> str:
    """What two writings of one number share: `06/QĐ-TTG` in a capitals title is `06/QĐ-TTg`."""
    return canonical_number(number).casefold()


def _doc_issuer_key(issuer, province, locality, level):
    return issuer_key([issuer], Context(province, locality, level)) if issuer else None


_FUNCTIONS = {
    "vn_canonical_number": (canonical_number, ["VARCHAR"], "VARCHAR", "default"),
    "vn_issuers_compatible": (issuers_compatible, ["VARCHAR", "VARCHAR"], "BOOLEAN", "default"),
    # The issuer as written, keyed without the citing document's place: inside
    # one document `Đảng bộ tỉnh` and `Đảng bộ tỉnh Sóc Trăng` are one body.
    "vn_written_issuer_key": (lambda issuer: issuer_key([issuer]), ["VARCHAR"], "VARCHAR", "default"),
    "vn_document_key": (_document_key, ["VARCHAR"] * 2 + ["BIGINT"] + ["VARCHAR"] * 4, "VARCHAR", "special"),
    "vn_doc_issuer_key": (_doc_issuer_key, ["VARCHAR"] * 4, "VARCHAR", "special"),
    "vn_number_key": (number_key, ["VARCHAR"], "VARCHAR", "default"),
    "vn_repr": (repr, ["VARCHAR"], "VARCHAR", "default"),
}


def register(con: duckdb.DuckDBPyConnection) -> None:
    """The vocabulary functions the statements call, once per connection."""
    known = {r[0] for r in con.execute("SELECT function_name FROM duckdb_functions() WHERE function_name LIKE 'vn_%'").fetchall()}
    for name, (func, args, returns, nulls) in _FUNCTIONS.items():
        if name not in known:
            con.create_function(name, func, args, returns, null_handling=nulls, side_effects=False)


def own_keys_sql() -> str:
    """cited_key a stored document would have -> its doc_id (the last stored wins)."""
    return """SELECT key AS cited_key, arg_max(doc_id, rowid) AS doc_id FROM (
                  SELECT rowid, doc_id, vn_document_key(number, doc_type, year(issued_date), issuer,
                                                        province, locality, issuer_level) AS key
                  FROM documents) WHERE key IS NOT NULL GROUP BY key"""


def _best(column: str, source: str, prefer_long: bool = False, first_of: str | None = None) -> str:
    """The value of `column` most mentions of a key give (ties to the longer
    when `prefer_long`, then to the first mentioned), with `first_of`: that
    column in the first mention giving the value (NULL-free, NULL when none)."""
    length = f"length(CAST({column} AS VARCHAR))" if prefer_long else "0"
    also = f", arg_min({first_of}, ord) AS also" if first_of else ", NULL AS also"
    shown = f", best.also AS {first_of}" if first_of else ""
    return f"""(SELECT cited_key, best.v AS {column}{shown} FROM (
                   SELECT cited_key, arg_min({{'v': v, 'also': also}}, (-n, -l, first)) AS best FROM (
                       SELECT cited_key, {column} AS v, count(*) AS n, {length} AS l, min(ord) AS first{also}
                       FROM {source} WHERE {column} IS NOT NULL GROUP BY cited_key, {column})
                   GROUP BY cited_key)) AS best_{column} USING (cited_key)"""


def make_shares(con: duckdb.DuckDBPyConnection, rows: int) -> int:
    """Cut the cited documents into shares of about `rows` mentions, in
    order of their number (`_shares`: number part of the key -> share), and
    return how many: a range of the cumulative mention counts, so shares are
    even but for a number cited more than `rows` times, which is a share of
    its own. Every key of one number (`132-KL/TW:2024`, `132-KL/TW:2025`)
    falls in the same share, so a number's years are judged together."""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _shares AS
        SELECT number_part, CAST(dense_rank() OVER (ORDER BY bucket) - 1 AS INTEGER) AS share FROM (
            SELECT number_part, (sum(n) OVER (ORDER BY number_part) - n) // {rows} AS bucket FROM (
                SELECT lower(split_part(cited_key, ':', 1)) AS number_part, count(*) AS n
                FROM citations GROUP BY number_part))""")
    return con.execute("SELECT coalesce(max(share) + 1, 1) FROM _shares").fetchone()[0]


def _part(part: int) -> str:
    """The mentions of one share of the cited documents (make_shares)."""
    return f"""part AS NOT MATERIALIZED (SELECT c.* FROM citations c JOIN _shares s ON s.number_part = lower(split_part(c.cited_key, ':', 1))
                        WHERE s.share = {part})"""


def stored_sql() -> str:
    """Each stored document's number and issuer, as a citation's are compared to them."""
    return """SELECT doc_id, vn_canonical_number(number) AS number,
                     vn_doc_issuer_key(issuer, province, locality, issuer_level) AS issuer_key
              FROM documents WHERE number IS NOT NULL"""


def cited_documents(part: int = 0) -> str:
    """One row per cited_key: the best-known description from its full-form
    mentions (all of them when it has none), citing documents and mentions,
    and the stored document it is (by key, else the one stored document with
    its number and a compatible issuer). Needs `_own_keys` (own_keys_sql),
    `_stored` (stored_sql) and `_shares` (make_shares)."""
    return f"""
    WITH {_part(part)},
    counts AS (SELECT cited_key, count(DISTINCT doc_id) AS n_citing_docs, count(*) AS n_mentions,
                      bool_and(is_short_form) AS all_short
               FROM part GROUP BY cited_key),
    full_form AS NOT MATERIALIZED (
        SELECT p.cited_key, doc_type, number, issued_date, issuer, issuer_key, title, name, (doc_id, start_char) AS ord
        FROM part p JOIN counts c USING (cited_key) WHERE NOT is_short_form OR all_short),
    described AS (  -- with the issuer as keyed where it was read, in the first mention that writes it so
        SELECT cited_key, n_citing_docs, n_mentions, doc_type, number, issued_date, issuer, issuer_key, title, name
        FROM counts
        LEFT JOIN {_best("doc_type", "full_form")}
        LEFT JOIN {_best("number", "full_form")}
        LEFT JOIN {_best("issued_date", "full_form")}
        LEFT JOIN {_best("issuer", "full_form", prefer_long=True, first_of="issuer_key")}
        LEFT JOIN {_best("title", "full_form", prefer_long=True)}
        LEFT JOIN {_best("name", "full_form", prefer_long=True)}),
    by_number AS (
        SELECT d.cited_key, CASE WHEN count(*) = 1 THEN any_value(s.doc_id) END AS doc_id
        FROM described d JOIN _stored s ON s.number = d.number
        WHERE d.issuer IS NULL OR d.issuer_key IS NULL
           OR (s.issuer_key IS NOT NULL AND vn_issuers_compatible(d.issuer_key, s.issuer_key))
        GROUP BY d.cited_key)
    SELECT d.cited_key, d.doc_type, d.number, d.issued_date, d.issuer, d.title, d.name,
           d.n_citing_docs, d.n_mentions, coalesce(o.doc_id, b.doc_id) AS doc_id
    FROM described d LEFT JOIN _own_keys o USING (cited_key) LEFT JOIN by_number b USING (cited_key)
    ORDER BY d.cited_key"""


_MENTION = "doc_id, section_id, cited_key, text, start_char, end_char"


def _conflicts(field: str, value: str, shown: str, kind: str, same: str, source: str, group: str) -> str:
    """Mentions of one cited document that disagree on `value` (an SQL
    expression; `shown` is what the message prints), inside one document
    (`{kind}_in_plan`, one finding per minority value, with the span of the
    majority's first mention) and across documents (`{kind}`, one finding per
    document whose value differs from the other documents' consensus, for
    documents that agree with themselves). `same(a, b)` is an SQL predicate
    template: the two values are one. Across documents, mentions are judged
    by `group` (an SQL expression over `source`)."""
    same_ab = same.format(a="a.v", b="b.v")
    return f"""
    {field}_m AS (SELECT {_MENTION}, number, {value} AS v, {shown} AS shown, {group} AS group_key
                  FROM {source} WHERE {value} IS NOT NULL),
    {field}_values AS (  -- per document and cited document: each value, how often, its first mention
        SELECT doc_id, cited_key, group_key, v, count(*) AS n, arg_min(shown, start_char) AS shown,
               min(start_char) AS first, arg_min(end_char, start_char) AS first_end,
               count(*) OVER (PARTITION BY group_key, v) AS n_corpus  -- documents giving it
        FROM {field}_m GROUP BY doc_id, cited_key, group_key, v),
    {field}_main AS (  -- a document's own value: most of its mentions, ties to what the corpus says
        SELECT doc_id, cited_key, arg_max(v, (n, n_corpus, -first)) AS v, count(*) AS n_values
        FROM {field}_values GROUP BY doc_id, cited_key),
    {field}_in_plan AS (
        SELECT m.doc_id, m.section_id, m.cited_key, '{kind}_in_plan' AS kind,
               m.number || ': ' || a.shown || ' here, ' || b.shown || ' elsewhere in this document' AS message,
               m.text, m.start_char, m.end_char, b.first AS other_start_char, b.first_end AS other_end_char
        FROM {field}_main x
        JOIN {field}_values b ON b.doc_id = x.doc_id AND b.cited_key = x.cited_key AND b.v = x.v
        JOIN {field}_values a ON a.doc_id = x.doc_id AND a.cited_key = x.cited_key AND a.v <> x.v
        JOIN {field}_m m ON m.doc_id = a.doc_id AND m.cited_key = a.cited_key AND m.start_char = a.first
        WHERE NOT ({same_ab})),
    {field}_docs AS (  -- each document's own value, for documents that agree with themselves
        SELECT v.* FROM {field}_values v JOIN {field}_main x USING (doc_id, cited_key)
        WHERE x.n_values = 1 OR NOT EXISTS (SELECT 1 FROM {field}_in_plan p
                                           WHERE p.doc_id = v.doc_id AND p.cited_key = v.cited_key)
        QUALIFY row_number() OVER (PARTITION BY doc_id, cited_key ORDER BY n DESC, n_corpus DESC, first) = 1),
    {field}_consensus AS (  -- the value most documents give; ties to the first document
        SELECT group_key, v, shown, n_docs FROM (
            SELECT group_key, v, min(shown) AS shown, count(*) AS n_docs, min(doc_id) AS first_doc
            FROM {field}_docs GROUP BY group_key, v)
        QUALIFY row_number() OVER (PARTITION BY group_key ORDER BY n_docs DESC, first_doc) = 1),
    {field}_across AS (
        SELECT m.doc_id, m.section_id, m.cited_key,
               -- a number every body of its kind uses, cited without its issuer (`16/KH-MTTQ-BTT:2025:?`):
               -- one document misdated, or two documents
               CASE WHEN a.group_key LIKE '%:?' THEN 'possible_{kind}' ELSE '{kind}' END AS kind,
               m.number || ': ' || a.shown || ' here, ' || b.shown || ' in ' || b.n_docs || ' other document(s)' AS message,
               m.text, m.start_char, m.end_char, NULL AS other_start_char, NULL AS other_end_char
        FROM {field}_docs a JOIN {field}_consensus b USING (group_key)
        JOIN {field}_m m ON m.doc_id = a.doc_id AND m.cited_key = a.cited_key AND m.start_char = a.first
        WHERE NOT ({same_ab}))"""


# Dates of one self-identifying number in different years are one document
# misdated only when day and month agree.
_SAME_DATE = "{a} = {b} OR (year({a}) <> year({b}) AND (month({a}), day({a})) <> (month({b}), day({b})))"
_SAME_ISSUER = "vn_issuers_compatible({a}, {b})"


def findings(severity: dict[str, str], part: int = 0) -> list[str]:
    """Every finding once, with its severity (kinds missing from `severity`
    are warnings): SELECT statements whose rows together are the findings."""
    anomalies = ", ".join(f"('{a}', '{kind}', '{message}')" for a, (kind, message) in ANOMALY_KINDS.items())
    severities = ", ".join(f"('{kind}', '{level}')" for kind, level in severity.items())
    ctes = f"""
    WITH {_part(part)},
    judged AS (
        SELECT c.doc_id, c.section_id, c.cited_key, c.text, c.start_char, c.end_char, c.number, c.issued_date,
               c.issuer, c.issuer_key, d.issued_date AS citing_date,
               -- a self-identifying number (no issuer part in its key) is judged over its years
               CASE WHEN c.cited_key LIKE '%:%:%' THEN c.cited_key ELSE c.number END AS group_key
        FROM part c JOIN documents d USING (doc_id) WHERE c.number IS NOT NULL),
    firsts AS (
        SELECT *, bool_and(issued_date IS NULL) OVER (PARTITION BY doc_id, cited_key) AS undated,
               concat_ws(' or ', CASE WHEN split_part(cited_key, ':', 2) = '?' THEN 'year' END,
                                 CASE WHEN split_part(cited_key, ':', 3) = '?' THEN 'issuer' END) AS missing
        FROM judged QUALIFY row_number() OVER (PARTITION BY doc_id, cited_key ORDER BY start_char) = 1),
    late AS (
        SELECT * FROM judged WHERE issued_date > citing_date
        QUALIFY row_number() OVER (PARTITION BY doc_id, cited_key ORDER BY start_char) = 1),
    anomaly_kinds(anomaly, kind, message) AS (VALUES {anomalies}),
    written_issuers AS (  -- inside one document: the issuer as written, without the citing document's place
        SELECT * REPLACE (vn_written_issuer_key(issuer) AS issuer_key) FROM judged WHERE issuer_key IS NOT NULL),
    {_conflicts("dates", "issued_date", "CAST(issued_date AS VARCHAR)", "date_conflict", _SAME_DATE,
                "judged", "group_key")},
    {_conflicts("issuers", "issuer_key", "issuer", "issuer_conflict", _SAME_ISSUER, "judged", "cited_key")},
    {_conflicts("written_issuers", "issuer_key", "issuer", "issuer_conflict", _SAME_ISSUER,
                "written_issuers", "cited_key")},
    severities(kind, severity) AS (VALUES {severities})"""
    # Kinds of one piece are no other piece's, so each piece's rows are distinct from the others'.
    return [f"""{ctes},
    all_findings AS ({piece})
    SELECT DISTINCT f.doc_id, f.section_id, f.cited_key, f.kind, f.message, f.text, f.start_char, f.end_char,
           coalesce(s.severity, 'warning') AS severity, f.other_start_char, f.other_end_char
    FROM all_findings f LEFT JOIN severities s USING (kind)
    ORDER BY f.doc_id, f.start_char, f.kind, f.message""" for piece in _FINDING_PIECES]


# The findings, in pieces judged by statements of their own: one statement
# holds every materialized part of its plan at once (the share's mentions
# judged, each conflict's values), which past about 64MB spills or fails.
_FINDING_PIECES = [
    f"""SELECT {_MENTION}, 'no_date' AS kind, number || ' is cited without its date' AS message,
               NULL AS other_start_char, NULL AS other_end_char
        FROM firsts WHERE undated
        UNION ALL
        SELECT {_MENTION}, 'ambiguous_key', number || ' is cited without ' || missing ||
               '; the key cannot tell it from other documents with this number', NULL, NULL
        FROM firsts WHERE missing <> ''
        UNION ALL
        SELECT {_MENTION}, 'cited_after_citing', 'cited document dated ' || CAST(issued_date AS VARCHAR) ||
               ' after the citing document (' || CAST(citing_date AS VARCHAR) || ')', NULL, NULL
        FROM late
        UNION ALL
        SELECT c.doc_id, c.section_id, c.cited_key, c.text, c.start_char, c.end_char,
               coalesce(k.kind, 'malformed'), coalesce(k.message, c.anomaly) || ': ' || vn_repr(c.text), NULL, NULL
        FROM (SELECT *, unnest(anomalies) AS anomaly FROM part) c LEFT JOIN anomaly_kinds k USING (anomaly)""",
    f"""SELECT {_MENTION}, kind, message, other_start_char, other_end_char FROM dates_in_plan
        UNION ALL SELECT {_MENTION}, kind, message, other_start_char, other_end_char FROM dates_across""",
    f"SELECT {_MENTION}, kind, message, other_start_char, other_end_char FROM written_issuers_in_plan",
    f"SELECT {_MENTION}, kind, message, other_start_char, other_end_char FROM issuers_across",
]
