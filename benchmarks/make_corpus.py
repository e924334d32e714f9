"""Make N realistic plan documents out of the real ones in data/raw.

    python benchmarks/make_corpus.py OUT_DIR -n 10000 [--seed 7] [--raw data/raw]

Each document takes one real plan as its skeleton (header, heading tree,
signature block), swaps about half of its bullet paragraphs (`- ...;`) for
bullets of the other plans, moves it to another real commune, ward or
province (names from the official post-2025 list shipped with
`vietnamadminunits`), and redraws its number, counts, percentages and
dates. Dates that belong to a cited document (`Công văn số 573/TTg-KGVX
ngày 25/5/2026`) are kept, so every generated plan still cites the same
real documents the same way, as real plans do.

Document i depends only on (seed, i), so the first 1,000 documents of a
10,000 corpus are the 1,000 corpus.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import random
import re
import sqlite3
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import process_text  # noqa: E402

# A bullet paragraph that is a whole sentence or clause, not a PDF line fragment.
BULLET = re.compile(r"(?m)^[ \t]*[-+][ \t]+\S[^\n]*[.;][ \t]*$")

# Where the recipients and signature start: bullets there are not body text.
TAIL = re.compile(r"(?m)^[ \t]*Nơi[ \t]+nhận")

# The number in the header line, given or blank: `Số: 4290 /KH-UBND`, `Số: /KH-UBND`.
HEADER_NUMBER = re.compile(r"(?m)^(?P<lead>[ \t]*Số[ \t]*:[ \t]*)(?P<n>\d*)(?=[ \t]*/)")

REWRITE = re.compile(
    r"""
    (?P<slash>(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>(?:19|20)\d\d))       # 25/5/2026
    | (?P<long>ngày[ \t]+(?P<ld>\d{1,2})[ \t]+tháng[ \t]+(?P<lm>\d{1,2})
        [ \t]+năm[ \t]+(?P<ly>(?:19|20)\d\d))                           # ngày 29 tháng 5 năm 2026
    | (?P<pct>\d{1,3}(?:[.,]\d+)?)(?=[ \t]?%)                           # 100%
    | (?<![\w/.,%-])                                                     # a count: 02 buổi, 500 người
      (?<!tháng[ ])(?<!Tháng[ ])(?<!ngày[ ])(?<!năm[ ])(?<!số[ ])(?<!Số[ ])
      (?<!Điều[ ])(?<!khoản[ ])(?<!Khoản[ ])(?<!điểm[ ])(?<!quý[ ])(?<!Quý[ ])
      (?P<count>\d{1,3})(?=[ \t]+(?!tháng|năm|ngày|giờ)[^\W\d_])
    """,
    re.VERBOSE,
)

# A document number just before a date makes it the cited document's date.
CITED_NUMBER = re.compile(r"\d+[ \t]*/[ \t]*[A-ZĐ]|\d+-[A-ZĐ]{2}|số[ \t]+\d+")

PERCENTS = [50, 60, 70, 75, 80, 85, 90, 95, 100]


@dataclass(frozen=True)
class Seed:
    text: str
    locality: str | None
    level: str | None
    province: str | None
    bullets: tuple[str, ...]


@dataclass(frozen=True)
class Units:
    provinces: dict[str, list[str]]  # "Tỉnh" / "Thành phố" -> short names
    wards: dict[tuple[str, str], list[str]]  # (province short name, "Phường"/"Xã") -> ward short names


def _split_tail(text: str) -> tuple[str, str]:
    tail = TAIL.search(text)
    return (text[:tail.start()], text[tail.start():]) if tail else (text, "")


def load_seeds(raw_dir: Path) -> list[Seed]:
    seeds = []
    for path in sorted(raw_dir.glob("*.txt")):
        text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8-sig"))
        meta = process_text(text, path.name).document
        seeds.append(Seed(text, meta.locality, meta.issuer_level, meta.province,
                          tuple(m.group() for m in BULLET.finditer(_split_tail(text)[0]))))
    return seeds


def load_units() -> Units:
    spec = importlib.util.find_spec("vietnamadminunits")
    db = Path(spec.origin).parent / "data" / "dataset.db"
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT province, provinceShort, wardShort, wardType FROM admin_units").fetchall()
    provinces: dict[str, set[str]] = {}
    wards: dict[tuple[str, str], list[str]] = {}
    for province, short, ward, ward_type in sorted(rows):
        provinces.setdefault(province.split()[0] if province.startswith("Tỉnh") else "Thành phố", set()).add(short)
        wards.setdefault((short, ward_type), []).append(ward)
    return Units({k: sorted(v) for k, v in provinces.items()}, wards)


_WARD_TYPES = {"phuong": "Phường", "xa": "Xã"}


def _same_kind(units: Units, province: str, rng: random.Random) -> str:
    """Another province of the same kind (`tỉnh X` stays a tỉnh, `thành phố Y` a thành phố)."""
    kind = next((k for k, names in units.provinces.items() if province in names), "Tỉnh")
    return rng.choice(units.provinces[kind])


def _ward(units: Units, province: str, level: str, rng: random.Random) -> str:
    return rng.choice(units.wards.get((province, _WARD_TYPES[level])) or units.wards[(province, "Xã")])


def _place_map(seeds: list[Seed], template: Seed, units: Units, rng: random.Random) -> dict[str, str]:
    """Seed place name -> new place name; the template's own places decide the new home."""
    province = _same_kind(units, template.province or template.locality or "", rng)
    places: dict[str, str] = {}
    for seed in seeds:
        if seed.province and seed.province != template.province:
            places[seed.province] = _same_kind(units, seed.province, rng)
        if seed.level in _WARD_TYPES and seed.locality:
            places[seed.locality] = _ward(units, province, seed.level, rng)
    if template.province:
        places[template.province] = province
    if template.level in _WARD_TYPES and template.locality:
        places[template.locality] = _ward(units, province, template.level, rng)
    places = {old: new for old, new in places.items() if old != new}
    return {**places, **{old.upper(): new.upper() for old, new in places.items()}}


def _replace_places(text: str, places: dict[str, str]) -> str:
    if not places:
        return text
    names = sorted(places, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, names)) + r")(?!\w)")
    return pattern.sub(lambda m: places[m.group()], text)


def _shift(day: str, month: str, year: str, days: int) -> tuple[str, str, str] | None:
    try:
        moved = dt.date(int(year), int(month), int(day)) + dt.timedelta(days=days)
    except ValueError:
        return None
    return str(moved.day).zfill(len(day)), str(moved.month).zfill(len(month)), str(moved.year)


def _rewrite(text: str, rng: random.Random) -> str:
    """New counts, percentages and the plan's own dates; cited dates kept."""
    days = rng.randint(-45, 45)

    def new(m: re.Match) -> str:
        if m["pct"]:
            return str(rng.choice(PERCENTS))
        if m["count"]:
            value = max(1, int(m["count"]) * rng.randint(1, 8) // 4)
            return str(value).zfill(len(m["count"]))
        if CITED_NUMBER.search(text, max(0, m.start() - 60), m.start()):
            return m.group()
        if m["slash"]:
            moved = _shift(m["d"], m["m"], m["y"], days)
            return "/".join(moved) if moved else m.group()
        moved = _shift(m["ld"], m["lm"], m["ly"], days)
        return f"ngày {moved[0]} tháng {moved[1]} năm {moved[2]}" if moved else m.group()

    return REWRITE.sub(new, text)


def _swap_bullets(text: str, pool: list[str], rng: random.Random) -> str:
    body, tail = _split_tail(text)
    return BULLET.sub(lambda m: rng.choice(pool) if rng.random() < 0.5 else m.group(), body) + tail


def _renumber(text: str, rng: random.Random) -> str:
    if rng.random() < 0.35:  # many real plans leave the number blank for the clerk
        return HEADER_NUMBER.sub(lambda m: m["lead"], text, count=1)
    return HEADER_NUMBER.sub(lambda m: m["lead"] + str(rng.randint(1, 9999)), text, count=1)


def generate(seeds: list[Seed], units: Units, pool: list[str], seed: int, index: int) -> str:
    rng = random.Random(f"{seed}:{index}")
    template = rng.choice(seeds)
    text = _swap_bullets(template.text, pool, rng)
    text = _replace_places(text, _place_map(seeds, template, units, rng))
    return _renumber(_rewrite(text, rng), rng)


def make_corpus(out_dir: Path, n: int, seed: int = 7, raw_dir: Path = ROOT / "data" / "raw") -> list[Path]:
    """Write n documents to out_dir (gen_000000.txt ...); returns their paths."""
    seeds = load_seeds(raw_dir)
    units = load_units()
    pool = [b for s in seeds for b in s.bullets]
    out_dir.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    paths = []
    for i in range(n):
        attempt = 0
        text = generate(seeds, units, pool, seed, i)
        # Same text, same doc_id: a duplicate would silently replace a document.
        while (digest := hashlib.sha256(text.encode()).hexdigest()) in seen:
            attempt += 1
            text = generate(seeds, units, pool, seed, i + attempt * 1_000_003)
        seen.add(digest)
        path = out_dir / f"gen_{i:06d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("-n", type=int, default=1000, help="number of documents (default 1000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--raw", type=Path, default=ROOT / "data" / "raw", help="real plans to recombine")
    args = parser.parse_args(argv)
    paths = make_corpus(args.out_dir, args.n, args.seed, args.raw)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} documents, {size / 1e6:.1f} MB -> {args.out_dir}")


if __name__ == "__main__":
    main()
