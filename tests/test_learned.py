"""The learned agencies-with-duties benchmark (benchmarks/learned_agencies.py):
gold names located in real text, training spans, a CRF trained and run on a
small slice, and the learned spans given to the duty rules."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from benchmarks.learned_agencies import (learned_rows, lines_of, make_sample, occurrences, predict, score,
                                         train, with_learned)
from core.normalize import clean_text
from extractors import learned
from pipeline.run import process_text

# The assignment section of r005 (Thanh Hóa, quan trắc môi trường nuôi trồng thủy sản), shortened.
R005 = """**IV. TỔ CHỨC
THỰC HIỆN**

1. Sở Nông nghiệp và Môi trường
chỉ đạo Chi cục Biển đảo và Thủy sản thực hiện các nội dung sau:

- Lập dự toán kinh phí báo cáo
Sở Nông nghiệp và Môi trường trình cấp có thẩm quyền xem xét, phê duyệt.

- Tổ chức đánh giá kết quả thực
hiện; báo cáo UBND tỉnh trước ngày 15/12/2026.

2. Sở Tài chính: Căn cứ khả
năng cân đối ngân sách, trình cấp có thẩm quyền phê duyệt kinh phí thực hiện kế
hoạch trong dự toán đầu năm 2026 trên cơ sở đề nghị của Sở Nông nghiệp và Môi
trường.

3. UBND các xã, phường: Phối hợp
với Sở Nông nghiệp và Môi trường, đơn vị được lựa chọn quan trắc môi trường triển
khai Kế hoạch đã được phê duyệt.

4. Các cơ sở nuôi trồng thủy sản:
Theo dõi, giám sát môi trường tại cơ sở nuôi trồng thủy sản.
"""
R005_GOLD = {"document": {"locality": "Thanh Hóa"}, "duties": [
    {"agency": "Sở Nông nghiệp và Môi trường", "agency_type": "nong_nghiep", "section": "IV.1"},
    {"agency": "Sở Tài chính", "agency_type": "tai_chinh", "section": "IV.2"},
    {"agency": "Ủy ban nhân dân các xã, phường", "agency_type": "ubnd", "section": "IV.3"},
    {"agency": "Các cơ sở nuôi trồng thủy sản", "agency_type": "doanh_nghiep", "section": "IV.4"}]}

# The closing section of r012 (Cần Thơ, công tác dân số).
R012 = """**III. TỔ CHỨC
THỰC HIỆN**

**1. Sở Y tế**

Chủ trì phối hợp với các sở,
ban, ngành liên quan tổ chức, triển khai thực hiện, theo dõi, đôn đốc, kiểm
tra, giám sát việc thực hiện Kế hoạch này; định kỳ tổng hợp, báo cáo Ủy ban
nhân dân thành phố kết quả thực hiện theo quy định.

**2. Sở, ban, ngành thành phố
và Ủy ban nhân dân xã, phường**

Căn cứ chức năng, nhiệm vụ, quyền
hạn được giao tổ chức triển khai thực hiện Kế hoạch theo quy định.
"""
R012_GOLD = {"document": {"locality": "Cần Thơ"}, "duties": [
    {"agency": "Sở Y tế", "agency_type": "y_te", "section": "III.1"},
    {"agency": "Sở, ban, ngành thành phố", "agency_type": "so_nganh", "section": "III.2"},
    {"agency": "Ủy ban nhân dân xã, phường", "agency_type": "ubnd", "section": "III.2"}]}


@pytest.fixture(scope="module")
def r005():
    return make_sample("r005", clean_text(R005)[0], R005_GOLD)


@pytest.fixture(scope="module")
def r012():
    return make_sample("r012", clean_text(R012)[0], R012_GOLD)


@pytest.mark.parametrize("name, found", [
    # Written as in the gold four times: the heading, and three times as the body reported to or
    # worked with, once across a line break that clean_text joined.
    ("Sở Nông nghiệp và Môi trường", ["Sở Nông nghiệp và Môi trường"] * 4),
    # Spelled out in the gold, abbreviated in the text.
    ("Ủy ban nhân dân các xã, phường", ["UBND các xã, phường"]),
    # Another case; another tone-mark placement.
    ("sở tài chính", ["Sở Tài chính"]),
    ("Các cơ sở nuôi trồng thuỷ sản", ["Các cơ sở nuôi trồng thủy sản"]),
    # No such name.
    ("Sở Y tế", []),
])
def test_gold_names_are_located_in_the_text(r005, name, found):
    assert [r005.doc.text[s:e] for s, e in occurrences(r005.doc, name)] == found


def test_positives_are_the_subjects_not_the_partners(r005, r012):
    assert [r005.doc.text[s:e] for s, e in r005.spans] == [
        "Sở Nông nghiệp và Môi trường", "Sở Tài chính", "UBND các xã, phường", "Các cơ sở nuôi trồng thủy sản"]
    # The heading's first name starts the body: the one below, `Sở Nông nghiệp ... trình`, is no subject.
    assert r005.located == 4 and not r005.unlocated
    assert [r012.doc.text[s:e] for s, e in r012.spans] == [
        "Sở Y tế", "Sở, ban, ngành thành phố", "Ủy ban nhân dân xã, phường"]
    tags = [t for ln in lines_of(r012, vocab=True) for t in ln.labels]
    assert tags.count("B-A") == 3


def test_crf_trained_on_a_slice_tags_its_subjects(r005, r012):
    crf = train([r005, r012], vocab=True)
    for sample in (r005, r012):
        assert predict(crf, sample, vocab=True) == sample.spans
    rows, aliases = learned_rows(r005, predict(crf, r005, vocab=True))
    assert [r["agency"] for r in rows] == [
        "Sở Nông nghiệp và Môi trường", "Sở Tài chính", "Ủy ban nhân dân các xã, phường",
        "Các cơ sở nuôi trồng thủy sản"]
    t = score(r005, rows, aliases, typed=False)
    assert (t.tp, t.fp, t.fn) == (4, 0, 0)


def test_learned_span_holding_a_mention_replaces_it(r005):
    text = r005.doc.text
    start = text.index("Các cơ sở nuôi trồng thủy sản")
    span = (start, start + len("Các cơ sở nuôi trồng thủy sản"))
    found = with_learned(r005, [span, (start + 4, start + 12)])
    at = [a for a in found if a.start_char < span[1] and span[0] < a.end_char]
    # The first span is new (or replaces what the vocabulary saw inside it);
    # the second crosses it and is dropped.
    assert [(a.text, a.source) for a in at] == [("Các cơ sở nuôi trồng thủy sản", "ner")]


# --- the shipped model (extractors/models/agencies.crfsuite) -----------------------------------

ROOT = Path(__file__).resolve().parent.parent


def _lines(path: str, first: int, last: int) -> str:
    """Lines first..last (1-based, inclusive) of a sample document the model never saw."""
    return "\n".join((ROOT / path).read_text(encoding="utf-8").splitlines()[first - 1:last]) + "\n"


# Real plans of data/raw (not in the model's training corpus): the vocabulary stops short of a
# body's full name; the model reads it whole, and agrees with the vocabulary on the others.
SHIPPED = [
    # 000: the vocabulary ends at `đoàn thể`; the heading's subject runs on to `của phường`.
    ("data/raw/000_62f78ab9b2ca411b.txt", 115, 119,
     ["Các phòng, ban, ngành, đoàn thể", "Công an phường", "Ban chỉ huy quân sự phường", "Công an phường"],
     [("Các phòng, ban, ngành, đoàn thể của phường", "ner", "so_nganh"), ("Công an phường", "vocab", "cong_an"),
      ("Ban chỉ huy quân sự phường", "both", "quan_su"), ("Công an phường", "both", "cong_an")]),
]


@pytest.mark.parametrize("path, first, last, vocab_only, merged", SHIPPED)
def test_shipped_model_reads_bodies_the_vocabulary_cuts(path, first, last, vocab_only, merged):
    text = _lines(path, first, last)
    assert [a.text for a in process_text(text, "x", learned=False).agencies] == vocab_only
    records = process_text(text, "x", learned=True)
    assert [(a.text, a.source, a.agency_type) for a in records.agencies] == merged
    stored = clean_text(text)[0]  # the text process_text stores and offsets index
    assert all(stored[a.start_char:a.end_char] == a.text for a in records.agencies)


def test_shipped_model_is_the_one_its_provenance_describes():
    info = json.loads(learned.MODEL.with_suffix(".json").read_text(encoding="utf-8"))
    data = learned.MODEL.read_bytes()
    assert hashlib.sha256(data).hexdigest() == info["sha256"] and len(data) == info["bytes"] < 500_000
    assert len(info["documents"]) == 48


def test_a_missing_model_is_an_installation_error(tmp_path, monkeypatch):
    monkeypatch.setattr(learned, "MODEL", tmp_path / "agencies.crfsuite")
    learned.tagger.cache_clear()
    try:
        with pytest.raises(learned.ModelError, match=r"agencies\.crfsuite: the learned agency model is missing"):
            learned.tagger()
        (tmp_path / "agencies.crfsuite").write_bytes(b"not a model")
        with pytest.raises(learned.ModelError, match="not a readable CRFsuite model"):
            learned.tagger()
    finally:
        learned.tagger.cache_clear()


def test_plans_run_learned_stores_the_learned_rows_and_reprocesses(tmp_path):
    import duckdb
    from click.testing import CliRunner

    from pipeline.cli import main

    db = tmp_path / "plans.duckdb"
    src = ROOT / "data/raw/000_62f78ab9b2ca411b.txt"
    runner = CliRunner()
    assert runner.invoke(main, ["run", str(src), "--db", str(db), "-q"]).exit_code == 0
    # The same bytes with the switch on are no longer `unchanged`: they were stored without it.
    result = runner.invoke(main, ["run", str(src), "--db", str(db), "-q", "--learned"])
    assert result.exit_code == 0 and "1 stored, 0 unchanged" in result.output
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("""SELECT a.text, substr(d.text, a.start_char + 1, a.end_char - a.start_char)
                              FROM agencies a JOIN documents d USING (doc_id) WHERE a.source = 'ner'""").fetchall()
    assert rows == [("Các phòng, ban, ngành, đoàn thể của phường",) * 2]
