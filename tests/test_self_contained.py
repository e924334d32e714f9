"""A fresh clone refers to nothing outside itself: README, docs, code and
tests name no file beside or above the checkout, nor anybody's machine. The
one exception is declared in benchmarks/real_corpus.py (where the optional
real-corpus evaluation reads its documents)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The one place allowed to name a folder outside the checkout.
DECLARED = ROOT / "benchmarks" / "real_corpus.py"

OUTSIDE = re.compile(r"""
      \.\./                              # a relative path that climbs out of its folder
    | /(?:work|home|Users|mnt)/          # a folder of somebody's machine
    | CONTRACT\.md                       # the contract file that once lived beside the repo
    | \.parent\s*/\s*["']shared["']      # a path built beside the checkout
    | (?<![\w/])shared/(?:corpus|gold)   # that folder, named
""", re.VERBOSE)

# (file, the exact words) that look like a reference but are not one: hostile
# input a test feeds the code to check it stays inside its folder, and a link
# between two pages of a site the tool writes.
HOSTILE_INPUTS = {
    ("pipeline/export.py", "`../../x`"),
    ("tests/test_hostile_inputs.py", '"../../x"'),
    ("pipeline/report.py", '"../index.html"'),  # docs/<id>.html back to the report's index
}

# What a user reads or runs; `data/` (the input documents), the gold JSON and
# training data (texts of documents) and the kept first-run reports
# (benchmarks/*.txt, kept as written) are content, not references.
SUFFIXES = {".py", ".md", ".toml", ".sql", ".j2", ".ipynb", ".cfg", ".txt", ".json"}
FOLDERS = ["core", "extractors", "pipeline", "schemas", "tests", "benchmarks", "notebooks", "docs", ".ci"]


def _files() -> list[Path]:
    files = [p for p in ROOT.glob("*") if p.is_file() and p.suffix in {".md", ".toml"}]
    files.append(ROOT / ".ci" / "run")
    for folder in FOLDERS:
        for p in (ROOT / folder).rglob("*"):
            rel = p.relative_to(ROOT)
            if (not p.is_file() or p.suffix not in SUFFIXES or "__pycache__" in rel.parts
                    or (rel.parts[0] == "tests" and len(rel.parts) > 1 and rel.parts[1].startswith("gold")
                        and p.suffix == ".json")
                    or (rel.parts[0] == "benchmarks" and p.suffix == ".txt")):
                continue
            files.append(p)
    return sorted(set(files) - {DECLARED, Path(__file__).resolve()})


def references(rel: str, text: str) -> list[str]:
    """`file:line: words` of every reference outside the repo in the text of file `rel`."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if OUTSIDE.search(line) and not any(rel == f and words in line for f, words in HOSTILE_INPUTS):
            found.append(f"{rel}:{number}: {line.strip()[:120]}")
    return found


def test_nothing_refers_outside_the_repo():
    files = _files()
    assert len(files) > 100  # README, docs, the code and its tests were read
    assert [ref for path in files
            for ref in references(path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8"))] == []


@pytest.mark.parametrize("rel, line", [
    ("README.md", "[hợp đồng](../shared/CONTRACT.md)"),
    ("benchmarks/agency_ner.py", 'gold = load_gold(ROOT.parent / "shared" / "gold")'),
    ("tests/test_ingest.py", "corpus in /work/shared/corpus/real"),
    ("tests/gold_real/NOTES.md", "One JSON file per document of `shared/corpus/real`"),
    ("schemas/records.py", "One class per output table of CONTRACT.md"),
    # the hostile name is allowed only where it is test input
    ("pipeline/run.py", 'con.execute(\'CREATE TABLE "../../x" (text VARCHAR)\')'),
])
def test_each_kind_of_outside_reference_is_found(rel, line):
    assert references(rel, f"intro\n{line}\n") == [f"{rel}:2: {line}"]


def test_hostile_input_is_not_a_reference():
    assert references("tests/test_hostile_inputs.py", 'con.execute(\'CREATE TABLE "../../x" (n INTEGER)\')') == []


def test_the_real_corpus_is_declared_once_and_optional():
    from benchmarks import real_corpus

    text = DECLARED.read_text(encoding="utf-8")
    assert real_corpus.ENV == "PLANS_REAL_CORPUS" and "optional" in text
