"""Issuer locality -> official post-2025 unit (extractors/admin.py), on the real
seed texts and on real sentences from them, plus the cases where the text
cannot decide."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from extractors import admin
from extractors.admin import AdminUnit
from core.normalize import clean_text, match_form

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"


def seed_context(name: str) -> str:
    """What the header passes: the matching form of the stored text."""
    return match_form(clean_text((RAW / f"{name}.txt").read_text(encoding="utf-8"))[0])


# (seed, level, locality as written, expected unit). Vị Khê's province is
# said only by whom the plan reports to; Tân Hưng exists in six provinces.
SEEDS = [
    ("000_62f78ab9b2ca411b", "phuong", "Vị Khê", AdminUnit("Phường Vị Khê", "phuong", "Ninh Bình", "13972")),
    ("001_fe5e1bcee5aa1e50", "xa", "Phong Quang", AdminUnit("Xã Phong Quang", "xa", "Thái Nguyên", "01849")),
    ("002_0465d1eee385f037", "thanh_pho", "Hải Phòng", AdminUnit("Thành phố Hải Phòng", "thanh_pho", "Hải Phòng", "31")),
    ("003_25f2686c20bc1894", "tinh", "Lai Châu", AdminUnit("Tỉnh Lai Châu", "tinh", "Lai Châu", "12")),
    ("004_dfb0cfd4cd0e3ba5", "phuong", "Tân Hưng", AdminUnit("Phường Tân Hưng", "phuong", "Hải Phòng", "10537")),
]


@pytest.mark.parametrize("seed, level, locality, expected", SEEDS, ids=[s[0][:3] for s in SEEDS])
def test_seed_issuers_resolve_with_their_own_text(seed, level, locality, expected):
    assert admin.resolve(level, locality, seed_context(seed)) == expected


# Tân Hưng is a ward of Hải Phòng and of Hồ Chí Minh, and a commune of four provinces.
TAN_HUNG_HP = AdminUnit("Phường Tân Hưng", "phuong", "Hải Phòng", "10537")
TAN_HUNG_HCM = AdminUnit("Phường Tân Hưng", "phuong", "Hồ Chí Minh", "27475")
TAN_HUNG_UNDECIDED = AdminUnit("Phường Tân Hưng", "phuong", None, None)

CASES = [
    # No context: a name found in one province only needs none.
    ("phuong", "Vị Khê", "", AdminUnit("Phường Vị Khê", "phuong", "Ninh Bình", "13972")),
    # No context, name in several provinces: the province stays open.
    ("phuong", "Tân Hưng", "", TAN_HUNG_UNDECIDED),
    ("xa", "Tân Hưng", "", AdminUnit("Xã Tân Hưng", "xa", None, None)),
    # Real sentence from seed 004 (over its PDF line break) decides.
    ("phuong", "Tân Hưng", "hành Đảng bộ thành phố Hải Phòng và Đề án số 05 ngày 11/6/2025 của UBND \n"
                           "thành phố Hải Phòng về", TAN_HUNG_HP),
    ("phuong", "Tân Hưng", "- Công an Thành phố Hồ Chí Minh;", TAN_HUNG_HCM),
    # Contradictory: two candidate provinces named the same way.
    ("phuong", "Tân Hưng", "- UBND thành phố Hải Phòng;\n- UBND Thành phố Hồ Chí Minh;", TAN_HUNG_UNDECIDED),
    # The superior's mention outweighs two passing ones.
    ("phuong", "Tân Hưng", "Đoàn công tác thành phố Hồ Chí Minh làm việc tại thành phố Hồ Chí Minh "
                           "theo Kế hoạch của UBND thành phố Hải Phòng", TAN_HUNG_HP),
    # The text names only a province where no such ward exists.
    ("phuong", "Vị Khê", "- Công an tỉnh Lai Châu;", AdminUnit("Phường Vị Khê", "phuong", None, None)),
    ("xa", "Tân Hưng", "- UBND tỉnh Lai Châu;", AdminUnit("Xã Tân Hưng", "xa", None, None)),
    # A pre-2025 province named in the text counts for the province that absorbed it.
    ("xa", "Tân Hưng", "- UBND tỉnh Long An;", AdminUnit("Xã Tân Hưng", "xa", "Tây Ninh", "27721")),
    # Casing, old tone-mark placement, no diacritics, unit word kept, hyphen dropped.
    ("xa", "PHONG QUANG", "", AdminUnit("Xã Phong Quang", "xa", "Thái Nguyên", "01849")),
    ("tinh", "khánh hoà", "", AdminUnit("Tỉnh Khánh Hòa", "tinh", "Khánh Hòa", "56")),
    ("xa", "Thanh Thuỷ", "tỉnh Tuyên Quang", AdminUnit("Xã Thanh Thủy", "xa", "Tuyên Quang", "00928")),
    ("phuong", "Vi Khe", "", AdminUnit("Phường Vị Khê", "phuong", "Ninh Bình", "13972")),
    ("phuong", "phường Vị Khê", "", AdminUnit("Phường Vị Khê", "phuong", "Ninh Bình", "13972")),
    ("phuong", "Văn Miếu Quốc Tử Giám", "", AdminUnit("Phường Văn Miếu - Quốc Tử Giám", "phuong", "Hà Nội", "00226")),
    ("thanh_pho", "TP. HCM", "", AdminUnit("Thành phố Hồ Chí Minh", "thanh_pho", "Hồ Chí Minh", "79")),
    ("dac_khu", "Phú Quốc", "", AdminUnit("Đặc khu Phú Quốc", "dac_khu", "An Giang", "31078")),
    (None, "Hải Phòng", "", AdminUnit("Thành phố Hải Phòng", "thanh_pho", "Hải Phòng", "31")),
    # Units that no longer exist: the province that absorbed them, no code.
    ("tinh", "Hải Dương", "", AdminUnit("Tỉnh Hải Dương", "tinh", "Hải Phòng", None, "Hải Dương")),
    ("huyen", "Yên Mô", "", AdminUnit("Huyện Yên Mô", "huyen", "Ninh Bình", None, "Ninh Bình")),
    ("thanh_pho_thuoc_tinh", "Thái Bình", "", AdminUnit("Thành phố Thái Bình", "thanh_pho_thuoc_tinh", "Hưng Yên", None,
                                                           "Thái Bình")),
    # A bare province name is the province, not its namesake ward (Phường Hải Dương).
    (None, "Hải Dương", "", AdminUnit("Tỉnh Hải Dương", "tinh", "Hải Phòng", None, "Hải Dương")),
    # A body named after its territory: `Sở Y tế tỉnh Lai Châu`.
    ("so", "Lai Châu", "", AdminUnit("Tỉnh Lai Châu", "tinh", "Lai Châu", "12")),
    # Nothing territorial to resolve.
    ("bo", "Công an", "", None),
    ("chinh_phu", None, "", None),
    ("phuong", "Không Có Tên", "", None),
    ("xa", None, "", None),
]


@pytest.mark.parametrize("level, locality, context, expected", CASES)
def test_resolve(level, locality, context, expected):
    assert admin.resolve(level, locality, context) == expected


# Real lines of the seeds -> provinces they name, with weights
# (3: a superior body's mention, 2: the date line, 1: a plain mention).
MENTIONS = [
    ("- UBND tỉnh Ninh Bình;", {"Ninh Bình": 3}),
    ("- Công an tỉnh Ninh Bình;", {"Ninh Bình": 3}),
    ("Hải Phòng, ngày tháng năm 2026", {"Hải Phòng": 2}),
    ("Lai Châu, ngày 29 tháng 5 năm 2026", {"Lai Châu": 2}),
    ("trên địa bàn xã Phong Quang, tỉnh Thái Nguyên.", {"Thái Nguyên": 1}),
    ("Ban Chỉ huy Bộ đội Biên phòng thành phố Hải Phòng; Bộ Tư lệnh Vùng Cảnh sát biển 1", {"Hải Phòng": 3}),
    ("các chương trình, kế hoạch của Thành ủy, Ủy ban nhân dân thành phố", {}),
    ("- TT Tỉnh ủy (b/c);", {}),
    ("tổ chức tội phạm ma túy liên tỉnh, xuyên quốc gia", {}),
    ("Xây dựng Hải phòng trở thành thành phố không ma túy", {}),
]


@pytest.mark.parametrize("line, expected", MENTIONS)
def test_province_scores(line, expected):
    assert admin.province_scores(line) == expected


def test_the_34_provinces():
    names = admin.province_names()
    assert len(names) == len(set(names)) == 34
    assert names[:3] == ["Hà Nội", "Cao Bằng", "Tuyên Quang"]
    assert {"Ninh Bình", "Thái Nguyên", "Hải Phòng", "Lai Châu", "Hồ Chí Minh", "Huế"} <= set(names)


@pytest.mark.parametrize("name, expected", [
    ("Hải Phòng", True), ("thành phố Hải Phòng", True), ("HÀ NỘI", True), ("Đà Nẵng", True),
    ("Hồ Chí Minh", True), ("TP. HCM", True), ("Cần Thơ", True), ("Huế", True),
    ("Lai Châu", False), ("Thái Nguyên", False), ("Thừa Thiên Huế", False), ("Vị Khê", False),
])
def test_is_centrally_run_city(name, expected):
    assert admin.is_centrally_run_city(name) is expected


def test_lists_load_once_per_process():
    admin.resolve("phuong", "Vị Khê", "")
    admin.resolve("xa", "Tân Hưng", "")
    assert admin._division.cache_info().misses == 1


@pytest.mark.parametrize("seed", [s[0] for s in SEEDS], ids=[s[0][:3] for s in SEEDS])
def test_mention_scan_finds_what_a_plain_finditer_finds(seed):
    """`_mentions` tries the mention pattern only where one can open; on every
    seed it must find exactly what trying it at every position finds."""
    folded, div = seed_context(seed).casefold(), admin._division()
    assert [m.span() for m in admin._mentions(div, folded)] == [m.span() for m in div.mentions.finditer(folded)]


@pytest.mark.parametrize("seed", [s[0] for s in SEEDS], ids=[s[0][:3] for s in SEEDS])
def test_context_already_in_match_form_scores_the_same(seed):
    context = seed_context(seed)
    assert admin.province_scores(context, in_match_form=True) == admin.province_scores(context) != {}


# (level, locality, issued, province on that day, province today): the
# province of its day comes from the old division before the 2025 merger.
AT_ISSUE = [
    ("tinh", "Quảng Nam", dt.date(2023, 5, 4), "Quảng Nam", "Đà Nẵng"),
    ("tinh", "Quảng Nam", None, "Quảng Nam", "Đà Nẵng"),  # a unit of the old division only: from before the merger
    ("huyen", "Thăng Bình", dt.date(2023, 5, 4), "Quảng Nam", "Đà Nẵng"),
    ("tinh", "Lai Châu", dt.date(2024, 1, 9), "Lai Châu", "Lai Châu"),
    ("tinh", "Đắk Lắk", dt.date(2025, 11, 21), "Đắk Lắk", "Đắk Lắk"),
    ("tinh", "Phú Yên", dt.date(2025, 3, 1), "Phú Yên", "Đắk Lắk"),
]


@pytest.mark.parametrize("level, locality, issued, at_issue, today", AT_ISSUE)
def test_province_at_issue(level, locality, issued, at_issue, today):
    unit = admin.resolve(level, locality, "", issued=issued)
    assert (admin.province_at_issue(unit, issued), unit.province) == (at_issue, today)
