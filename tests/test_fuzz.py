"""Fuzzing: no input crashes or hangs an extractor or the pipeline, and every
row it returns keeps the offsets invariant of the contract.

Inputs: arbitrary Unicode, very long lines, deeply nested numbering, `|`
tables of random cells, and truncated or spliced seed documents. Each
property is time-bounded (hypothesis `deadline`) with a modest number of
examples so that the file runs in well under a minute on two cores.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors import agencies, citations, dates, duties, targets, task_tables
from extractors import header
from core.document import Document
from pipeline.ingest import READERS, IngestFailure
from core.normalize import clean_text
from pipeline.run import process_text
from extractors.sections import segment
from tests.conftest import RAW

SEEDS = [p.read_text(encoding="utf-8") for p in sorted(RAW.glob("*.txt"))]
SEED_LINES = [ln for text in SEEDS for ln in text.splitlines() if ln.strip()]
FUZZ = settings(max_examples=60, deadline=timedelta(seconds=10), derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Text that looks like plans in part: seed lines, numbering, table rows, noise.
LABELS = st.sampled_from(["I.", "II.", "IV.", "1.", "2.", "1.1.", "1.1.1.", "a)", "đ)", "-", "+", "Điều 1.",
                          "PHỤ LỤC", "Phụ lục 2", "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "¹", "|", "| I |"])
NOISE = st.text(alphabet=st.characters(codec="utf-8", categories=["L", "M", "N", "P", "S", "Z", "Cc"]), max_size=80)
LINE = st.one_of(st.sampled_from(SEED_LINES), NOISE, st.builds(lambda a, b: f"{a} {b}", LABELS, NOISE),
                 st.builds(lambda a, b: f"{a} {b}", LABELS, st.sampled_from(SEED_LINES)))
PLANLIKE = st.lists(LINE, max_size=60).map("\n".join)
TRUNCATED = st.builds(lambda text, cut: text[:cut], st.sampled_from(SEEDS), st.integers(0, 50000))
SPLICED = st.builds(lambda a, b, i, j: a[:i] + b[j:], st.sampled_from(SEEDS), st.sampled_from(SEEDS),
                    st.integers(0, 50000), st.integers(0, 50000))
LONG_LINE = st.builds(lambda line, n: " ".join([line] * n), st.sampled_from(SEED_LINES), st.integers(20, 120))
NESTED = st.builds(
    lambda depth, text: "\n".join(".".join(["1"] * d) + ". " + text for d in range(1, depth))
    + "\n" + "\n".join("(" * depth + text + ")" * depth for _ in range(3)),
    st.integers(2, 60), st.sampled_from(SEED_LINES))
TABLE = st.lists(st.lists(st.one_of(st.sampled_from(["Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp",
                                                     "Thời gian hoàn thành", "Quý II/2026", "Thường xuyên",
                                                     "Công an tỉnh", "I", "1", "<br>", ""]), NOISE),
                          min_size=1, max_size=7).map(lambda cells: "| " + " | ".join(cells) + " |"),
                 max_size=12).map(lambda rows: "PHỤ LỤC\n" + "\n".join(rows))
ANY_TEXT = st.one_of(st.text(max_size=3000), PLANLIKE, TRUNCATED, SPLICED, LONG_LINE, NESTED, TABLE,
                     st.builds(lambda a, b: a + "\n" + b, TRUNCATED, TABLE))


def assert_offsets(records) -> None:
    """The contract invariant on every row with a span."""
    text = records.document.text
    for field in type(records).model_fields:
        rows = getattr(records, field)
        for row in rows if isinstance(rows, list) else []:
            if hasattr(row, "heading_end"):  # a section: the line that heads it opens its span
                assert text[row.start_char:row.heading_end] == row.heading_line, (field, row)
                assert row.start_char <= row.heading_end <= row.end_char <= len(text), (field, row)
            elif getattr(row, "start_char", None) is not None and getattr(row, "text", None) is not None:
                assert text[row.start_char:row.end_char] == row.text, (field, row)


@FUZZ
@given(ANY_TEXT)
def test_pipeline_never_crashes_and_keeps_offsets(raw):
    assert_offsets(process_text(raw, "fuzz.txt"))


def _document(raw: str) -> Document:
    doc = Document(clean_text(raw)[0], "fuzz.txt")
    doc.sections = segment(doc)[0]
    doc.sections += task_tables.group_sections(doc)
    doc.meta, _ = header.read_header(doc)
    return doc


def _spans_hold(doc: Document, rows) -> None:
    for row in rows:
        assert doc.text[row.start_char:row.end_char] == row.text, row


@FUZZ
@given(ANY_TEXT)
def test_each_extractor_alone(raw):
    """Extractors called one by one, so a crash names its extractor."""
    doc = _document(raw)
    found_agencies = agencies.extract(doc)
    found_dates = dates.extract(doc)
    for rows in (found_agencies, found_dates, citations.extract(doc), targets.extract(doc),
                 duties.extract(doc, agencies=found_agencies, dates=found_dates),
                 task_tables.extract(doc, found_agencies, found_dates)):
        _spans_hold(doc, rows)


@FUZZ
@given(st.text(min_size=1, max_size=40))
def test_task_table_deadline_parser_takes_any_cell(cell):
    task_tables.deadline(cell, 2026)


@pytest.fixture(scope="module")
def good_files():
    """A real .docx and .pdf of a seed, to be cut short and corrupted."""
    from tests.fixtures.printed import build_pdf, font_path
    from tests.fixtures.word import build_docx

    plan = clean_text(SEEDS[3])[0]
    return {".docx": build_docx(plan), ".pdf": build_pdf(plan) if font_path() else b"%PDF-1.4\n", ".doc": b""}


@FUZZ
@given(suffix=st.sampled_from([".docx", ".pdf", ".doc"]), garbage=st.binary(max_size=2000),
       cut=st.floats(0, 1), flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=8))
def test_binary_readers_refuse_damaged_files_cleanly(tmp_path_factory, good_files, suffix, garbage, cut, flips):
    """A Word or PDF file cut short, with bytes flipped, or random: text or an IngestFailure, nothing else."""
    data = bytearray(good_files[suffix][: int(len(good_files[suffix]) * cut)] or garbage)
    for where, value in flips:
        if data:
            data[int(where * (len(data) - 1))] = value
    path = tmp_path_factory.mktemp("fuzz") / f"damaged{suffix}"
    path.write_bytes(bytes(data))
    try:
        text, _ = READERS[suffix](bytes(data), path)
    except IngestFailure:
        return
    assert isinstance(text, str)


@pytest.mark.parametrize("seed", range(len(SEEDS)))
def test_every_prefix_cut_at_a_line_break_of_a_seed(seed):
    """Truncation at each tenth of a seed (where uploads are cut short)."""
    text = SEEDS[seed]
    for tenth in range(1, 10):
        assert_offsets(process_text(text[: len(text) * tenth // 10], "cut.txt"))
