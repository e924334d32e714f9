"""What users hit reading the output (issue 19, item 6): whole texts with
`plans query --wide` / `--max-width N`; CSV with the file name of each
document and a byte-order mark Excel needs; near matches when `plans trace`
finds no number. (One ingest_errors row per failing file, however often it
is run: tests/test_identity.py.)"""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from pipeline.cli import main

TITLE_003 = ("Triển khai Tháng hành động phòng, chống ma túy (tháng 6), Ngày Quốc tế và Ngày toàn dân phòng, "
             "chống ma túy (26/6) năm 2026")
TITLE_SQL = "SELECT title FROM documents WHERE number = '4290/KH-UBND'"


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize("options, shown", [
    ([], TITLE_003[:59] + "…"),
    (["--wide"], TITLE_003),
    (["--max-width", "20"], TITLE_003[:19] + "…"),
    (["--max-width", "200"], TITLE_003),
])
def test_query_shows_as_much_text_as_asked(corpus_db, options, shown):
    result = invoke("query", TITLE_SQL, "--db", str(corpus_db), *options)
    assert result.exit_code == 0
    assert result.output.splitlines()[2] == shown


def test_wide_and_max_width_together_are_refused(corpus_db):
    result = CliRunner().invoke(main, ["query", TITLE_SQL, "--db", str(corpus_db), "--wide", "--max-width", "9"])
    assert result.exit_code == 2 and "give --wide or --max-width, not both" in result.output


def _csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_exported_csv_names_the_file_of_each_row_and_opens_with_a_bom(corpus_db, tmp_path):
    assert invoke("export", "--format", "csv", str(tmp_path), "--db", str(corpus_db)).exit_code == 0
    assert (tmp_path / "citations.csv").read_bytes().startswith(b"\xef\xbb\xbfdoc_id,source_name,section_id,")
    rows = _csv(tmp_path / "citations.csv")
    header = rows[0]
    cited = sorted((r[header.index("doc_id")], r[header.index("source_name")]) for r in rows[1:]
                   if r[header.index("number")] == "573/TTg-KGVX")
    assert cited == [("268bf1357515d4ae", "000_62f78ab9b2ca411b.txt"), ("959a5c84fa22c1a6", "003_25f2686c20bc1894.txt"),
                     ("ee6a9d04e5332215", "002_0465d1eee385f037.txt")]
    # tables that already name the file, or have no doc_id, keep their own columns
    assert _csv(tmp_path / "documents.csv")[0][:3] == ["doc_id", "source_name", "text"]
    assert _csv(tmp_path / "ingest_errors.csv")[0] == ["source_name", "path", "problem", "message", "seen_at"]
    # a cited document stored in the corpus too: the file it was read from
    assert _csv(tmp_path / "cited_documents.csv")[0][-2:] == ["doc_id", "source_name"]


def test_export_without_bom(corpus_db, tmp_path):
    assert invoke("export", "--format", "csv", str(tmp_path), "--no-bom", "--db", str(corpus_db)).exit_code == 0
    assert (tmp_path / "duties.csv").read_bytes().startswith(b"doc_id,source_name,section_id,duty_id,")


SQL_573 = "SELECT doc_id, number FROM citations WHERE number = '573/TTg-KGVX' ORDER BY doc_id"


@pytest.mark.parametrize("options, expected", [
    (["--csv"], "doc_id,source_name,number\n"
                "268bf1357515d4ae,000_62f78ab9b2ca411b.txt,573/TTg-KGVX\n"
                "959a5c84fa22c1a6,003_25f2686c20bc1894.txt,573/TTg-KGVX\n"
                "ee6a9d04e5332215,002_0465d1eee385f037.txt,573/TTg-KGVX\n"),
    (["--csv", "--bom"], "\ufeffdoc_id,source_name,number\n"
                         "268bf1357515d4ae,000_62f78ab9b2ca411b.txt,573/TTg-KGVX\n"
                         "959a5c84fa22c1a6,003_25f2686c20bc1894.txt,573/TTg-KGVX\n"
                         "ee6a9d04e5332215,002_0465d1eee385f037.txt,573/TTg-KGVX\n"),
])
def test_query_csv_names_the_file_of_a_doc_id(corpus_db, options, expected):
    assert invoke("query", SQL_573, "--db", str(corpus_db), *options).output == expected


@pytest.mark.parametrize("typed, suggested", [
    ("537/TTg-KGVX", ["573/TTg-KGVX"]),     # two digits swapped
    ("36/CT-TW", ["36-CT/TW"]),             # separators swapped
    ("4209/KH-UBND", ["4290/KH-UBND"]),     # a stored plan's own number
    ("999/XX-YY", []),                      # nothing near
])
def test_trace_suggests_near_numbers(corpus_db, typed, suggested):
    result = CliRunner().invoke(main, ["trace", typed, "--db", str(corpus_db)])
    assert result.exit_code == 1
    expected = ("did you mean:\n" + "".join(f"  {s}\n" for s in suggested) if suggested
                else "no stored number or name is close to it\n")
    assert result.output == f"{typed}: no cited document with this number or key\n" + expected


def test_trace_json_carries_the_suggestions(corpus_db):
    result = CliRunner().invoke(main, ["trace", "537/TTg-KGVX", "--format", "json", "--db", str(corpus_db)])
    assert result.exit_code == 1
    assert json.loads(result.output) == {"query": "537/TTg-KGVX", "matches": [], "suggestions": ["573/TTg-KGVX"]}
