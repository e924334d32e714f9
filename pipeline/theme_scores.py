"""The themes of duties against gold, per layer, for `plans eval`.

A gold duty entry may carry `themes` (tests/gold_real/NOTES.md). Themes
are compared per agency the duty scorer has matched (gold key -> db key):
the themes of all the agency's gold entries against those of all its db
rows, one item per (agency, theme), so a missed or false duty is counted
once, by the duty scores, not again here. A document none of whose duty
entries has `themes` is not scored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from functools import cache

from core.vocab import load

OVERALL = "duty_themes"


@cache
def _layer_of() -> dict[str, str]:
    return {t["name"]: t["layer"] for t in load("themes")["theme"]}


def fields() -> list[str]:
    """`duty_themes` over every layer, then `duty_themes.<layer>` per layer."""
    return [OVERALL, *(f"{OVERALL}.{layer}" for layer in load("themes")["layer"])]


def items(gold_duties: list[dict], rows: list[dict], key: Callable[[str], str],
          pairs: dict[str, str]) -> Iterator[tuple[str, Counter, Counter]]:
    """(field, gold items, db items) for each field of `fields()`; nothing
    when the gold has no themes. `key` turns an agency name into the key
    `pairs` (gold key -> db key) is written in."""
    if not any("themes" in d for d in gold_duties):
        return
    gold: set[tuple[str, str]] = {(key(d["agency"]), t) for d in gold_duties for t in d.get("themes", [])}
    to_gold = {dk: gk for gk, dk in pairs.items()}
    db: set[tuple[str, str]] = {(to_gold[k], t) for r in rows if r.get("agency") and (k := key(r["agency"])) in to_gold
                                for t in r.get("themes") or []}
    gold = {(a, t) for a, t in gold if a in pairs}
    layer = _layer_of()
    yield OVERALL, Counter(gold), Counter(db)
    for name in fields()[1:]:
        wanted = name.removeprefix(OVERALL + ".")
        yield (name, Counter(i for i in gold if layer.get(i[1]) == wanted),
               Counter(i for i in db if layer.get(i[1]) == wanted))
