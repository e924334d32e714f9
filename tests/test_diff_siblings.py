"""Sibling grouping of `plans diff` (pipeline/diff.py) on real plans: the
fast path (distinct forms, LSH bands matched in numpy, one read per window
of keys) against the plain one it replaced (a datasketch MinHash LSH index
over every passage of a cited key, each candidate pair of different plans
checked, union-find over passages), and its parts on real sentences."""

from __future__ import annotations

from collections import defaultdict

import duckdb
import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH

from pipeline import diff
from pipeline.align import comparison_words, what_changed

# Headings of data/raw 000, 002 and 003 (plans carrying out 573/TTg-KGVX).
ALIKE = [
    ("1. Tăng cường sự lãnh đạo, chỉ đạo và tổ chức thực hiện công tác phòng, chống ma túy",
     "1.1. Tăng cường sự lãnh đạo, chỉ đạo và tổ chức thực hiện công tác phòng, chống ma túy", True),
    ("1. Tăng cường sự lãnh đạo, chỉ đạo và tổ chức thực hiện công tác phòng, chống ma túy",
     "1. Tăng cường lãnh đạo, chỉ đạo công tác phòng, chống ma túy", True),
    ("5. Triển khai hiệu quả công tác cai nghiện, quản lý sau cai và hỗ trợ tái hòa nhập cộng đồng",
     "5. Triển khai hiệu quả công tác cai nghiện và quản lý sau cai", True),
    ("2. Thời gian thực hiện: Từ ngày 01/6/2026 đến ngày 30/6/2026.",
     "2. Thời gian thực hiện: Bắt đầu từ 01/6/2026 đến hết ngày 30/6/2026.", True),
    ("4. Đẩy mạnh công tác tuyên truyền, giáo dục phòng, chống ma túy",
     "5. Triển khai hiệu quả công tác cai nghiện và quản lý sau cai", False),
    ("7. Ủy ban Mặt trận Tổ quốc Việt Nam phường và các đoàn thể",
     "2. Thời gian thực hiện: Từ ngày 01/6/2026 đến ngày 30/6/2026.", False),
]


@pytest.mark.parametrize("a, b, alike", ALIKE)
def test_alike_on_forms_is_the_parent_diffs_test(a, b, alike):
    form_a, form_b = " ".join(comparison_words(a)), " ".join(comparison_words(b))
    assert diff._alike(form_a, form_b) is alike
    assert diff._alike(form_b, form_a) is alike


# (a passage, another, whether they state different values) -- what
# `values_differ` reads, which must agree with the parent diff's `value`.
VALUES = [
    ("- Phấn đấu 100% xã, phường, đặc khu không có ma túy", "- Phấn đấu 95% xã, phường, đặc khu không có ma túy", True),
    ("2. Thời gian thực hiện: Từ ngày 01/6/2026 đến ngày 30/6/2026.",
     "2. Thời gian thực hiện: Bắt đầu từ 01/6/2026 đến hết ngày 30/6/2026.", False),
    ("2. Thời gian thực hiện: Từ ngày 01/6/2026 đến ngày 30/6/2026.",
     "2. Thời gian thực hiện: Từ ngày 01/7/2026 đến ngày 31/7/2026.", False),
    ("4. Đẩy mạnh công tác tuyên truyền, giáo dục phòng, chống ma túy",
     "1.4. Đẩy mạnh công tác tuyên truyền, giáo dục phòng, chống ma túy", False),
]


@pytest.mark.parametrize("a, b, differ", VALUES)
def test_stated_values_agree_with_what_changed(a, b, differ):
    from pipeline.align import stated_values

    assert (stated_values(a) != stated_values(b)) is differ
    assert ("value" in what_changed(a, b)) is differ


@pytest.mark.parametrize("text", [a for a, _, _ in ALIKE] + [""])
def test_signature_is_datasketchs_minhash(text):
    """The one cleared MinHash with a cached bigram hash gives the hash
    values of a fresh default MinHash, as the LSH index used to get them."""
    words = comparison_words(text)
    fresh = MinHash(num_perm=diff.LSH_PERMUTATIONS)
    shingles = {" ".join(words[i:i + diff.SHINGLE]) for i in range(max(1, len(words) - diff.SHINGLE + 1))}
    fresh.update_batch([s.encode("utf-8") for s in shingles])
    assert diff._signature(words).tolist() == fresh.hashvalues.tolist()


def _lsh_pairs(signatures: np.ndarray) -> set[tuple[int, int]]:
    lsh = MinHashLSH(threshold=diff.LSH_THRESHOLD, num_perm=diff.LSH_PERMUTATIONS)
    scheme = MinHash(num_perm=diff.LSH_PERMUTATIONS).scheme
    hashes = [MinHash(num_perm=diff.LSH_PERMUTATIONS, hashvalues=row.astype(np.uint32), scheme=scheme)
              for row in signatures]
    for i, m in enumerate(hashes):
        lsh.insert(i, m)
    return {(i, j) for i, m in enumerate(hashes) for j in lsh.query(m) if j > i}


def test_candidate_pairs_are_the_lsh_indexs(corpus_db):
    with duckdb.connect(str(corpus_db), read_only=True) as con:
        doc_ids = [d for (d,) in con.execute("SELECT doc_id FROM documents ORDER BY doc_id").fetchall()]
        siblings = diff.Siblings(con, doc_ids)
    pairs = diff._candidate_pairs(siblings.signatures)
    expected = _lsh_pairs(siblings.signatures)
    assert len(expected) > 100  # the five plans share headings and tasks
    assert {tuple(p) for p in pairs.tolist()} == expected
    assert pairs.tolist() == sorted(pairs.tolist())


def _plain_groups(con, cited_key: str, doc_ids: list[str]) -> set[tuple]:
    """The grouping the fast path replaced, passage by passage."""
    items = []
    for doc_id in doc_ids:
        for passage_id, start, end, text in con.execute(
                "SELECT passage_id, start_char, end_char, text FROM passages WHERE doc_id = ? ORDER BY start_char",
                [doc_id]).fetchall():
            words = comparison_words(text)
            m = MinHash(num_perm=diff.LSH_PERMUTATIONS)
            m.update_batch([s.encode("utf-8") for s in
                            {" ".join(words[i:i + diff.SHINGLE]) for i in range(max(1, len(words) - diff.SHINGLE + 1))}])
            items.append((doc_id, passage_id, start, end, text, " ".join(words), m))
    lsh = MinHashLSH(threshold=diff.LSH_THRESHOLD, num_perm=diff.LSH_PERMUTATIONS)
    for i, item in enumerate(items):
        lsh.insert(i, item[6])
    parent = list(range(len(items)))

    def root(i):
        while parent[i] != i:
            i = parent[i]
        return i

    for i, item in enumerate(items):
        for j in lsh.query(item[6]):
            if j > i and items[j][0] != item[0] and diff._alike(item[5], items[j][5]):
                parent[root(j)] = root(i)
    groups = defaultdict(list)
    for i in range(len(items)):
        groups[root(i)].append(i)
    rows = set()
    for group_id, members in enumerate(sorted(groups.values()), start=1):
        plans = {items[i][0] for i in members}
        differ = len(plans) > 1 and any("value" in what_changed(items[i][4], items[members[0]][4])
                                        for i in members[1:])
        spread = "all" if len(plans) == len(doc_ids) else "one" if len(plans) == 1 else "some"
        rows |= {(cited_key, group_id, items[i][0], items[i][1], items[i][2], items[i][3], len(plans),
                  len(doc_ids), spread, differ) for i in members}
    return rows


def test_groups_are_the_plain_groupings(corpus_db):
    with duckdb.connect(str(corpus_db), read_only=True) as con:
        keys = diff.sibling_keys(con)
        assert sorted(keys) == ["03/CTrPH-BCA-BGDĐT:2024", "132-KL/TW:2025", "36-CT/TW:2019", "573/TTg-KGVX:2026",
                                "chương trình mục tiêu quốc gia phòng chống ma túy đến năm 2030"]
        for key, doc_ids in keys.items():
            fast = {tuple(r.model_dump().values()) for r in diff.sibling_groups(con, key, doc_ids)}
            assert fast == _plain_groups(con, key, doc_ids), key


def test_windows_give_the_same_rows(corpus_db, tmp_path, monkeypatch):
    """Keys read in windows of two plans (each plan read again in each
    window that needs it) give the rows of one window."""
    with duckdb.connect(str(corpus_db), read_only=True) as con:
        whole = {tuple(r.values()) for t in diff.all_sibling_groups(con) for r in t.to_pylist()}
        monkeypatch.setattr(diff, "WINDOW_DOCS", 2)
        assert len(list(diff._windows(diff.sibling_keys(con)))) == 5
        windowed = {tuple(r.values()) for t in diff.all_sibling_groups(con) for r in t.to_pylist()}
    assert len(whole) == 956
    assert windowed == whole


def test_a_plan_without_passages_leaves_the_others_alone(corpus_db):
    """A citing plan with no stored passages (a scan without text) adds no
    row and joins no group: 000's passages are each a group of one."""
    with duckdb.connect(str(corpus_db), read_only=True) as con:
        ward = con.execute("SELECT doc_id FROM documents WHERE source_name LIKE '000%'").fetchone()[0]
        count = con.execute("SELECT count(*) FROM passages WHERE doc_id = ?", [ward]).fetchone()[0]
        rows = diff.sibling_groups(con, "573/TTg-KGVX:2026", [ward, "no-passages"])
    assert len(rows) == count == 46
    assert {(r.spread, r.plans_in_group, r.plans_citing) for r in rows} == {("one", 1, 2)}
    assert [r.group_id for r in rows] == list(range(1, 47))


@pytest.fixture(scope="module")
def family_db(tmp_path_factory):
    """data/raw/003 and three children citing it (benchmarks/make_children.py --write)."""
    from benchmarks.make_children import write_family
    from pipeline.run import run

    folder = tmp_path_factory.mktemp("family") / "plans"
    write_family(folder, 3, 13)
    db = folder.parent / "plans.duckdb"
    assert not run([folder], db).failed
    return db


def test_a_parent_read_once_links_as_one_read_per_child(family_db):
    """The refresh prepares 003 once for its three children; each child's
    links and summary are those of `diff_pair`, which prepares it afresh."""
    with duckdb.connect(str(family_db), read_only=True) as con:
        names = dict(con.execute("SELECT doc_id, source_name FROM documents").fetchall())
        stored = con.execute("SELECT * FROM passage_links").fetchall()
        summaries = con.execute("SELECT child_doc, parent_doc, copied, adapted, new, dropped FROM diff_summary "
                                "ORDER BY child_doc").fetchall()
        pairs = diff.parent_pairs(con)
        alone = []
        for child, parent, note in pairs:
            links, summary = diff.diff_pair(con, child, parent, note)
            alone += [tuple(link.model_dump().values()) for link in links]
    assert sorted(names[child] for child, _, _ in pairs) == ["child_00000.txt", "child_00001.txt", "child_00002.txt"]
    assert {names[parent] for _, parent, _ in pairs} == {"parent.txt"}
    assert sorted(stored, key=repr) == sorted(alone, key=repr)
    assert len(stored) > 60 and len(summaries) == 3
    assert all(copied > 0.3 and dropped < 0.5 for _, _, copied, _, _, dropped in summaries)
