"""Resolve an issuer's locality to the official post-2025 administrative division.

Since July 2025 Vietnam has 34 provinces and centrally run cities over some
3,300 communes (xã), wards (phường) and special zones (đặc khu), and no
districts. Ward and commune names repeat across provinces (six `Tân Hưng`),
so a name alone often cannot say where an issuer sits: the document's text
decides, through the provinces it names, and mentions that look like the
issuer's superior (`UBND tỉnh Ninh Bình`, `Tỉnh ủy Thái Nguyên`) count more
than passing ones. When the text does not settle it, the province stays
None rather than a guess.

Documents issued before the merger name units that no longer exist
(`UBND huyện ...`, a commune since merged, `tỉnh Hải Dương`); those resolve
to the province that absorbed them, without a code.

The lists come from the `vietnamadminunits` package (its sqlite dataset:
names, official codes, and the pre-2025 units with the merger map). It was
measured against `vietnam-provinces`: both hold the 34 provinces and 3,321
units, but 114 codes differ. On the 32 disputed codes of Hà Nội and Cao
Bằng, an independent list built from the 2025 decisions agrees with the
former every time (Phường Kim Liên 00229, Văn Miếu - Quốc Tử Giám 00226)
and with the latter never; the former also spells names in one tone style
and ships the pre-2025 units. The data is read straight from the package's files,
without importing the package (whose import loads geocoding libraries).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import sqlite3
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from core.phrases import AS_WRITTEN, BLANKS_OR_HYPHENS, LOWER, ONE_SPACE, phrase_alternatives
from core.scan import finditer_at
from core.normalize import fold_key, match_form
from core.vocab import load_file

# Context weights: a superior body's mention, the place of the date line, a plain mention.
_SUPERIOR, _PLACE, _PLAIN = 3, 2, 1

# Official unit types (as the package writes them) -> issuer level.
_WARD_LEVELS = {"Xã": "xa", "Phường": "phuong", "Đặc khu": "dac_khu", "Thị trấn": "thi_tran"}
_DISTRICT_LEVELS = {"Huyện": "huyen", "Quận": "quan", "Thị xã": "thi_xa", "Thành phố": "thanh_pho_thuoc_tinh"}

# Which lists a level is looked up in, in order: the current units first,
# then those that existed before the 2025 merger. Within a list, units of
# the stated level are preferred.
_PLANS = {
    "tinh": ("provinces", "old_provinces"),
    "thanh_pho": ("provinces", "old_provinces"),
    "thanh_pho_thuoc_tinh": ("old_districts",),
    "xa": ("wards", "old_wards"),
    "phuong": ("wards", "old_wards"),
    "dac_khu": ("wards", "old_districts"),
    "thi_tran": ("old_wards",),
    "huyen": ("old_districts",),
    "quan": ("old_districts",),
    "thi_xa": ("old_districts",),
    # No level, or a body named after its territory (`Sở Y tế tỉnh Lai Châu`):
    # a bare province name (`Hải Dương`) means the province, not its namesake ward.
    None: ("provinces", "old_provinces", "wards", "old_wards", "old_districts"),
}
# A province's name is unique, so only lower units need the context to decide.
_PROVINCE_LISTS = {"provinces", "old_provinces"}


@dataclass(frozen=True)
class AdminUnit:
    """An administrative unit. `name` is the official full name (`Phường Vị Khê`);
    `province` the post-2025 province or centrally run city it belongs to
    (`Ninh Bình`), None when the text does not allow deciding; `code` the
    official code of a current unit, None for units that no longer exist."""

    name: str
    level: str
    province: str | None
    code: str | None
    # The province the unit lay in before the 2025 merger, for units of the
    # old division (`Quảng Nam` for tỉnh Quảng Nam, now part of Đà Nẵng).
    old_province: str | None = None


_PUNCT = re.compile(r"[^\w ]+")
_LEADING_ZEROS = re.compile(r"^0+(?=\d)")


@lru_cache(maxsize=65536)  # the lists repeat each province and district name many times
def _name_key(name: str) -> str:
    """Lookup key: case, tone-mark placement, punctuation and zero padding ignored."""
    return " ".join(_LEADING_ZEROS.sub("", w) for w in _PUNCT.sub(" ", fold_key(name)).split())


def _loose_key(key: str) -> str:
    """`_name_key` without diacritics, for names typed without them (`Vi Khe`)."""
    bare = "".join(c for c in unicodedata.normalize("NFD", key) if not unicodedata.combining(c))
    return bare.replace("đ", "d")


class _Index:
    """Units by name; exact (diacritics kept) first, then without diacritics."""

    def __init__(self) -> None:
        self._exact: dict[str, list[AdminUnit]] = defaultdict(list)
        self._loose: dict[str, list[AdminUnit]] = defaultdict(list)

    def add(self, short_name: str, unit: AdminUnit) -> None:
        key = _name_key(short_name)
        if unit not in self._exact[key]:
            self._exact[key].append(unit)
            self._loose[_loose_key(key)].append(unit)

    def get(self, name: str) -> list[AdminUnit]:
        key = _name_key(name)
        return self._exact.get(key) or self._loose.get(_loose_key(key), [])


@dataclass(frozen=True)
class _Division:
    indexes: dict[str, _Index]
    provinces: list[AdminUnit]  # the 34, in code order
    mentions: re.Pattern[str]  # province mentions in a folded context
    openings: re.Pattern[str]  # what a mention opens with (see `_mentions`)
    province_of: dict[str, str]  # folded current/old/alias province name -> current short name


def _package_data() -> Path:
    # find_spec locates the package without running its __init__.
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the vietnamadminunits package is not installed")
    return Path(spec.submodule_search_locations[0]) / "data"


@cache
def _cues() -> dict:
    return load_file(Path(__file__).parent / "data" / "admin_context.toml")


def _alternatives(phrases) -> str:
    """Folded phrases whose words may be split by spaces, newlines or hyphens
    (`Bà Rịa - Vũng Tàu`, `Bà Rịa-Vũng Tàu`), for the folded context; bare
    branches, so that the openings pattern keeps its first letters in sight."""
    return phrase_alternatives(phrases, gap=BLANKS_OR_HYPHENS, comma=AS_WRITTEN, case=LOWER)


@lru_cache(maxsize=4096)
def _fold_province(name: str) -> str:
    """Key of a province name as written in a context (`Bà Rịa - Vũng Tàu`, over a line break)."""
    return re.sub(r"[\s-]+", " ", fold_key(name))


def _mention_patterns(names) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Province mentions, and what one opens with (see `_mentions`)."""
    cues = _cues()
    # `tỉnh`, `thành phố` are followed by blanks; `tp.` may touch the name (`Tp.Cần Thơ`).
    province_words = "|".join(
        phrase_alternatives([w], gap=ONE_SPACE, case=LOWER) + (r"\s+" if w[-1].isalnum() else r"\s*")
        for w in sorted(cues["province_words"], key=len, reverse=True)
    )
    superiors, parties = _alternatives(cues["superior_bodies"]), _alternatives(cues["party_committees"])
    name = rf"(?:{_alternatives(names)})(?!\w)"
    mentions = re.compile(
        rf"""
          (?<!\w)(?:(?P<superior>{superiors})\s+)?
          (?:{province_words})(?P<name>{name})          # `UBND tỉnh Ninh Bình`, `thành phố Hải Phòng`
        | (?<!\w)(?:{parties})\s+
          (?P<party>{name})                             # `Tỉnh ủy Thái Nguyên`
        | (?:^|\|)[ \t]*(?P<place>{name})[ \t]*,[ \t]*ngày   # the date line, `Lai Châu, ngày 29 ...`
        """,
        re.VERBOSE | re.MULTILINE,
    )
    return mentions, re.compile(rf"{superiors}|{province_words}|{parties}")


@cache
def _division() -> _Division:
    """Read the official lists once per process and index them by name."""
    data = _package_data()
    db = sqlite3.connect(f"file:{data / 'dataset.db'}?mode=ro", uri=True)
    try:
        current = db.execute(
            "SELECT province, provinceShort, provinceCode, provinceKey, ward, wardShort, wardType, wardCode"
            " FROM admin_units ORDER BY provinceCode, wardCode").fetchall()
        old_provinces = db.execute(
            "SELECT DISTINCT province, provinceShort, provinceKey FROM admin_units_legacy").fetchall()
        old_districts = db.execute(
            "SELECT DISTINCT district, districtShort, districtType, provinceKey FROM admin_units_legacy").fetchall()
        old_wards = db.execute(
            "SELECT ward, wardShort, wardType, provinceKey FROM admin_units_legacy WHERE ward IS NOT NULL").fetchall()
    finally:
        db.close()
    # Whole provinces merged in 2025, so each old province has one successor.
    merged = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))["DICT_PROVINCE"]

    indexes = {name: _Index() for name in ("provinces", "wards", "old_provinces", "old_wards", "old_districts")}
    short_by_key: dict[str, str] = {}
    provinces: dict[str, AdminUnit] = {}
    for prov, prov_short, prov_code, prov_key, ward, ward_short, ward_type, ward_code in current:
        short_by_key[prov_key] = prov_short
        if prov_short not in provinces:
            level = "thanh_pho" if prov.startswith("Thành phố") else "tinh"
            provinces[prov_short] = AdminUnit(prov, level, prov_short, prov_code)
            indexes["provinces"].add(prov_short, provinces[prov_short])
        indexes["wards"].add(ward_short, AdminUnit(ward, _WARD_LEVELS[ward_type], prov_short, ward_code))
    for alias, prov_short in _cues()["aliases"].items():
        indexes["provinces"].add(alias, provinces[prov_short])
    successor = {old_key: short_by_key[new_key] for new_key, olds in merged.items() for old_key in olds}

    old_short = {prov_key: prov_short for _, prov_short, prov_key in old_provinces}
    for prov, prov_short, prov_key in old_provinces:
        prov_level = "tinh" if prov.startswith("Tỉnh") else "thanh_pho"
        indexes["old_provinces"].add(prov_short, AdminUnit(prov, prov_level, successor[prov_key], None, prov_short))
    for district, district_short, district_type, prov_key in old_districts:
        unit = AdminUnit(district, _DISTRICT_LEVELS[district_type], successor[prov_key], None, old_short[prov_key])
        indexes["old_districts"].add(district_short, unit)
    for ward, ward_short, ward_type, prov_key in old_wards:
        unit = AdminUnit(ward, _WARD_LEVELS[ward_type], successor[prov_key], None, old_short[prov_key])
        indexes["old_wards"].add(ward_short, unit)

    province_of = {_fold_province(short): short for short in provinces}
    province_of |= {_fold_province(short): successor[key] for _, short, key in old_provinces}
    province_of |= {_fold_province(alias): short for alias, short in _cues()["aliases"].items()}
    return _Division(indexes, list(provinces.values()), *_mention_patterns(province_of), province_of)


# Where a date line names its place: `Lai Châu, ngày 29 ...`.
_PLACE_DATE = re.compile(r",[ \t]*ngày")


def _starts(div: _Division, folded: str) -> list[int]:
    """Where a mention may start, in order: an opening word, and the start
    of a line or table cell that holds `, ngày` (a date line's place)."""
    starts = {0}
    pos = 0
    while opening := div.openings.search(folded, pos):
        starts.add(opening.start())
        pos = opening.start() + 1
    for m in _PLACE_DATE.finditer(folded):
        line_start = folded.rfind("\n", 0, m.start()) + 1
        starts.add(line_start)
        bar = folded.find("|", line_start, m.start())
        while bar >= 0:
            starts.add(bar)
            bar = folded.find("|", bar + 1, m.start())
    return sorted(starts)


def _mentions(div: _Division, folded: str) -> Iterator[re.Match[str]]:
    """`div.mentions.finditer(folded)`, tried only where a mention can start.

    The mention pattern opens with lookbehinds and `^`, so a plain scan tries
    it at every position. The openings pattern has branches that each start
    with a plain character, which the engine skips to; the mention pattern is
    then tried at those places in order, past what the last match took, as
    `finditer` would."""
    return finditer_at(div.mentions, folded, _starts(div, folded))


def province_scores(context: str, *, in_match_form: bool = False) -> dict[str, int]:
    """Post-2025 provinces named in `context`, weighted by how they are named.
    `in_match_form`: the context is already `match_form` text (`Document.match_text`)."""
    div = _division()
    scores: dict[str, int] = defaultdict(int)
    for m in _mentions(div, (context if in_match_form else match_form(context)).casefold()):
        if m.group("name"):
            name, weight = m.group("name"), _SUPERIOR if m.group("superior") else _PLAIN
        elif m.group("party"):
            name, weight = m.group("party"), _SUPERIOR
        else:
            name, weight = m.group("place"), _PLACE
        scores[div.province_of[_fold_province(name)]] += weight
    return dict(scores)


def _decide(candidates: list[AdminUnit], scores: dict[str, int]) -> AdminUnit | None:
    """The candidate the context points to, or None when it does not decide.

    A lone candidate needs no context, unless the text names another province
    more than the candidate's: then the name likely refers to a unit elsewhere
    (an older one, before the merger).
    """
    ranked = sorted(candidates, key=lambda u: scores.get(u.province, 0), reverse=True)
    best = scores.get(ranked[0].province, 0)
    if len(ranked) > 1 and (best == 0 or best == scores.get(ranked[1].province, 0)):
        return None
    if best < max(scores.values(), default=0):
        return None
    return ranked[0]


def _undecided(candidates: list[AdminUnit], locality: str) -> AdminUnit:
    """A unit whose province the text leaves open: its official name where all agree."""
    names = {u.name for u in candidates}
    levels = {u.level for u in candidates}
    return AdminUnit(names.pop() if len(names) == 1 else locality.strip(),
                     levels.pop() if len(levels) == 1 else candidates[0].level, None, None)


@cache
def _unit_word() -> re.Pattern[str]:
    words = [*_WARD_LEVELS, *_DISTRICT_LEVELS, "Tỉnh", "TP."]
    return re.compile(rf"^(?:{_alternatives(words)})\s*(?=\w)")


def _bare_name(locality: str) -> str:
    """`phường Tân Hưng` -> `tân hưng`; the level comes separately."""
    return _unit_word().sub("", fold_key(locality))


def resolve(level: str | None, locality: str | None, context: str, *, in_match_form: bool = False,
            issued: dt.date | None = None) -> AdminUnit | None:
    """The official unit an issuer of `level` in `locality` is, as far as `context` tells.

    A document `issued` before the 2025 merger is read in the old division
    first, so its unit carries the province of its day (`old_province`).

    A body that is not itself a territorial unit (a `so` named after its
    province) resolves to the unit its locality names. Returns None without
    a locality or for an unknown name; a unit with `province` None when the
    name exists in several provinces and the text does not single one out.
    `in_match_form`: `context` is `Document.match_text`, not to be normalized again.
    """
    if not locality:
        return None
    name = _bare_name(locality)
    div = _division()
    scores = province_scores(context, in_match_form=in_match_form)
    undecided: AdminUnit | None = None
    plan = _PLANS.get(level, _PLANS[None])
    if issued and issued < merger_date():  # the old lists first, in the same order
        plan = sorted(plan, key=lambda index: not index.startswith("old_"))
    for index in plan:
        found = div.indexes[index].get(name)
        if not found:
            continue
        candidates = [u for u in found if u.level == level] or found
        unit = _decide(candidates, {} if index in _PROVINCE_LISTS else scores)
        if unit:
            return unit
        undecided = undecided or _undecided(candidates, locality)
    return undecided


def merger_date() -> dt.date:
    return _cues()["merger_date"]


def province_at_issue(unit: AdminUnit | None, issued: dt.date | None) -> str | None:
    """The province a unit lay in on the day a document was issued: its old
    province before the merger, its current one after. An undated document
    naming a unit of the old division only is from before the merger."""
    if unit is None:
        return None
    if unit.old_province and (issued is None or issued < merger_date()):
        return unit.old_province
    return unit.province


def province_names() -> list[str]:
    """The 34 post-2025 provinces and centrally run cities, in official code order."""
    return [u.province for u in _division().provinces]


def is_centrally_run_city(name: str) -> bool:
    """Whether `name` (`Hải Phòng`, `thành phố Huế`, `TP. HCM`) is one of the six centrally run cities."""
    return any(u.level == "thanh_pho" for u in _division().indexes["provinces"].get(_bare_name(name)))
