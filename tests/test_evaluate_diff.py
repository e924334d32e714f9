"""`plans eval --gold tests/gold_diff`: the passage-alignment gold is scored
from its own texts, the real-corpus pairs found by file name in `--docs`."""

import json

import pytest
from click.testing import CliRunner

from benchmarks.real_corpus import REAL_CORPUS as REAL
from pipeline.cli import main

GOLD = "tests/gold_diff"


def _eval(*args):
    result = CliRunner().invoke(main, ["eval", "--gold", GOLD, "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_sample_pairs_are_scored_without_the_real_corpus():
    text = CliRunner().invoke(main, ["eval", "--gold", GOLD]).output
    # The two pairs of data/raw are scored; the two real pairs are named as skipped.
    assert text.splitlines()[0] == "passage labels over 2 gold pairs"
    assert "skipped r005_vs_r018.json: r005_thanhhoa_kh_quan-trac-moi-truong-thuy-san-2026.txt, " \
           "r018_daklak_kh_quan-trac-moi-truong-thuy-san-2026-2030.txt not found" in text


@pytest.mark.skipif(not REAL.is_dir(), reason=f"{REAL} is absent (the real corpus sits beside the checkout)")
def test_real_pairs_are_found_in_docs():
    scores = _eval("--docs", str(REAL))
    assert scores["accuracy"]["gold"] == 90  # every judgement of the four pairs
    assert scores["macro"]["f1"] >= 0.83
