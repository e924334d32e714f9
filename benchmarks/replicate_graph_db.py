"""A large db for the citation graph step, made from one written by `plans run`.

    python -m benchmarks.replicate_graph_db SOURCE_DB OUT_DB --copies 100

Running `plans run` over 100,000 generated documents takes hours on this
machine; the cross-document refresh reads only `documents` and `citations`
(the graph step, `citegraph.refresh`) and `passages` (`diff.refresh`), and
`sources` is copied so the db stays consistent. This writes OUT_DB as
SOURCE_DB's rows of those four tables repeated `copies` times, in SQL, copy
0 being the source itself:

- each copy's documents get new doc_ids (`md5(doc_id:copy)`), their own
  number (`4399/KH-UBND` becomes `104399/KH-UBND` in copy 1,
  `9904399/KH-UBND` in copy 99) and the issuing locality of another
  document of the source (so each copy's own keys are new keys, spread
  over the source's localities and provinces);
- each copy's passages get their document's new doc_id, and passage and
  section ids under it (`<new doc_id>:p3`), with the source's texts;
- each copy's citations get their document's new doc_id; a citation of a
  local document (a key `number:year:issuer` naming its issuer) gets the
  copy's number too (in `number`, `text`, `cited_key` and `written_key`
  alike), so local keys grow with the corpus as in a real archive where each
  province's plans cite that province's documents, while the national ones
  (`57-NQ/TW`, `163/2024/QH15`, laws and programmes by name) stay shared
  and gather ever more mentions, as they do.

Why this is representative of the graph step: the mentions per document,
the mix of short and full forms, dates, issuers, repairs and conflicts are
the extractor's real output on generated plans; what changes with the
copies is how many rows there are and how many distinct keys they spread
over. Limits: the copies repeat the source's disagreements (each copy's
findings are the source's, once per copy of a local key), citations'
section_ids and the other tables (sections, agencies, ...) are not
copied, documents' and passages' texts are the source's, and a national
key's mentions grow exactly linearly (a real archive's mix of cited
documents changes over time).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

# A leading number, and the rest of it: `4399` and `/KH-UBND`.
_LEAD, _REST = r"'^(\d+)'", r"'^\d+'"


def _renumber(expr: str, copy: str) -> str:
    """`expr`'s leading number moved to the copy's own range (copy 0 keeps it)."""
    return (f"CASE WHEN {copy} = 0 OR NOT regexp_matches({expr}, {_LEAD}) THEN {expr} "
            f"ELSE CAST({copy} * 100000 + TRY_CAST(regexp_extract({expr}, {_LEAD}, 1) AS BIGINT) AS VARCHAR) "
            f"|| regexp_replace({expr}, {_REST}, '') END")


def _local(key: str) -> str:
    """A key naming its issuer (`117/KH-UBND:2025:ủy ban nhân dân tỉnh đắk lắk`)."""
    return f"(len(string_split({key}, ':')) = 3 AND split_part({key}, ':', 3) <> '?')"


def _key_renumbered(key: str, copy: str) -> str:
    number = f"split_part({key}, ':', 1)"
    return f"CASE WHEN {_local(key)} THEN {_renumber(number, copy)} || substr({key}, length({number}) + 1) ELSE {key} END"


def replicate(source: Path, out: Path, copies: int) -> dict[str, int]:
    from pipeline import store  # the schema of this checkout

    store.connect(out).close()
    con = duckdb.connect(str(out))
    con.execute(f"ATTACH '{source}' AS src (READ_ONLY)")
    con.execute(f"CREATE TEMP TABLE copies AS SELECT range AS k FROM range({copies})")
    # The locality a copy's document takes: the one of the document `k` places on in the source.
    con.execute("""CREATE TEMP TABLE places AS SELECT row_number() OVER (ORDER BY doc_id) - 1 AS i,
                       issuer, issuer_level, locality, province FROM src.documents""")
    con.execute("""CREATE TEMP TABLE ids AS
                   SELECT d.doc_id, k, CASE WHEN k = 0 THEN d.doc_id ELSE substr(md5(d.doc_id || ':' || k), 1, 16) END AS new_id,
                          (row_number() OVER (PARTITION BY k ORDER BY d.doc_id) - 1 + k) % (SELECT count(*) FROM places) AS place
                   FROM src.documents d, copies""")
    doc_cols = [r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'documents' "
                                          "AND database_name = 'src' ORDER BY column_index").fetchall()]
    moved = {"doc_id": "i.new_id",
             "number": _renumber("d.number", "i.k"),
             "issuer": "CASE WHEN i.k = 0 THEN d.issuer ELSE p.issuer END",
             "issuer_level": "CASE WHEN i.k = 0 THEN d.issuer_level ELSE p.issuer_level END",
             "locality": "CASE WHEN i.k = 0 THEN d.locality ELSE p.locality END",
             "province": "CASE WHEN i.k = 0 THEN d.province ELSE p.province END",
             "source_name": "CASE WHEN i.k = 0 THEN d.source_name ELSE i.k || '/' || d.source_name END",
             "source_path": "CASE WHEN i.k = 0 THEN d.source_path ELSE i.k || '/' || d.source_path END"}
    select = ", ".join(f"{moved.get(c, 'd.' + c)} AS {c}" for c in doc_cols)
    con.execute(f"""INSERT INTO documents ({', '.join(doc_cols)}) SELECT {select}
                    FROM src.documents d JOIN ids i USING (doc_id) JOIN places p ON p.i = i.place
                    ORDER BY i.k, d.doc_id""")
    cit_cols = [r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'citations' "
                                          "AND database_name = 'src' ORDER BY column_index").fetchall()]
    local = _local("c.written_key")
    moved = {"doc_id": "i.new_id",
             "number": f"CASE WHEN {local} THEN {_renumber('c.number', 'i.k')} ELSE c.number END",
             "text": f"CASE WHEN {local} AND c.number IS NOT NULL THEN replace(c.text, c.number, {_renumber('c.number', 'i.k')}) ELSE c.text END",
             "cited_key": _key_renumbered("c.cited_key", "i.k"),
             "written_key": _key_renumbered("c.written_key", "i.k")}
    select = ", ".join(f"{moved.get(c, 'c.' + c)} AS {c}" for c in cit_cols)
    con.execute(f"""INSERT INTO citations ({', '.join(cit_cols)}) SELECT {select}
                    FROM src.citations c JOIN ids i USING (doc_id) ORDER BY i.k, c.doc_id, c.start_char""")
    # A copy's passages are its source document's, under its own ids: what `diff.refresh` compares.
    pas_cols = [r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'passages' "
                                          "AND database_name = 'src' ORDER BY column_index").fetchall()]
    moved = {"doc_id": "i.new_id",
             "passage_id": "i.new_id || substr(p.passage_id, length(p.doc_id) + 1)",
             "section_id": "i.new_id || substr(p.section_id, length(p.doc_id) + 1)"}
    select = ", ".join(f"{moved.get(c, 'p.' + c)} AS {c}" for c in pas_cols)
    con.execute(f"""INSERT INTO passages ({', '.join(pas_cols)}) SELECT {select}
                    FROM src.passages p JOIN ids i USING (doc_id) ORDER BY i.k, p.doc_id, p.start_char""")
    con.execute("""INSERT INTO sources SELECT CASE WHEN i.k = 0 THEN s.path ELSE i.k || '/' || s.path END, i.new_id,
                          s.source_name, s.content_hash, s.pipeline_version
                   FROM src.sources s JOIN ids i USING (doc_id)""")
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("documents", "citations", "passages", "sources")}
    con.close()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a db written by `plans run`")
    parser.add_argument("out", type=Path, help="the db to write (must not exist)")
    parser.add_argument("--copies", type=int, required=True)
    args = parser.parse_args()
    if args.out.exists():
        parser.error(f"{args.out}: exists")
    print(replicate(args.source, args.out, args.copies))


if __name__ == "__main__":
    main()
