"""What pages and reports print for what the db stores: a plan's name (its
issuer's short form and its number, `Đồng Tháp 597/KH-UBND`, `MTTQ xã Lương
Minh 16/KH-MTTQ-BTT`, from the stored header; `vocab/labels.toml` holds the
short forms) and the Vietnamese labels of codes (agency types, themes)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from core.normalize import match_form
from core.phrases import phrases_regex
from core.vocab import load
from extractors.themes import labels as _theme_labels

_BLANKS = re.compile(r"\s+")


@dataclass(frozen=True)
class Plan:
    """The header fields a label is made of (a `documents` row)."""

    issuer: str | None
    locality: str | None
    province: str | None
    number: str | None
    symbol: str | None
    issued_date: dt.date | None
    source_name: str


@cache
def _short_forms() -> list[tuple[re.Pattern, str]]:
    return [(re.compile(rf"(?<!\w){phrases_regex([e['long']])}(?!\w)", re.IGNORECASE), e["short"])
            for e in load("labels")["short"]]


def short_issuer(issuer: str, places: tuple[str | None, ...] = ()) -> str:
    """`Ủy ban nhân dân tỉnh Đồng Tháp` -> `Đồng Tháp`; `places` are the
    locality and province, before whose names the province words go."""
    vocab = load("labels")
    form = match_form(issuer)  # same length: spans found on it cut `issuer`
    hits = sorted((hit.start(), -len(hit.group()), hit.end(), short)
                  for pattern, short in _short_forms() for hit in pattern.finditer(form))
    out, at = [], 0
    for start, _, end, short in hits:
        if start >= at:  # a long form inside one already replaced is gone with it
            out.append(issuer[at:start] + short)
            at = end
    name = _BLANKS.sub(" ", "".join(out) + issuer[at:]).strip(" ,")
    province_words = "|".join(re.escape(w) for w in vocab["province_words"])
    for place in filter(None, places):
        name = re.sub(rf"(?:^|\s)(?:{province_words})\s+(?={re.escape(place)}$)", " ", name, flags=re.IGNORECASE).strip()
    body, place = _split_place(name, places)
    words = body.split()
    if len(words) > vocab["max_words"]:
        body = " ".join(words[:vocab["max_words"]]) + " …"
    name = f"{body} {place}".strip()
    return name[:1].upper() + name[1:]


def _split_place(name: str, places: tuple[str | None, ...]) -> tuple[str, str]:
    """(the body's words, its place with its level word) of a short name."""
    for place in filter(None, places):
        hit = re.search(rf"(?:(?:xã|phường|đặc khu|thị trấn)\s+)?{re.escape(place)}$", name, re.IGNORECASE)
        if hit:
            return name[:hit.start()].strip(), hit.group()
    return name, ""


def label(plan: Plan) -> str:
    """Short issuer and number; a working copy with its number left blank
    shows the symbol after `…/`."""
    who = short_issuer(plan.issuer, (plan.locality, plan.province)) if plan.issuer else (plan.locality or "")
    number = plan.number or (f"…/{plan.symbol}" if plan.symbol else "")
    return f"{who} {number}".strip() or plan.source_name


def labels(plans: list[Plan]) -> list[str]:
    """`label` of each plan, made unique: the issue date, then the file name,
    added where two plans would read the same."""
    out = [label(p) for p in plans]
    for extra in (lambda p: p.issued_date.strftime("%d/%m/%Y") if p.issued_date else None,
                  lambda p: Path(p.source_name).stem):
        seen = Counter(out)
        out = [f"{text} ({extra(p)})" if seen[text] > 1 and extra(p) else text for text, p in zip(out, plans)]
    return out


def agency_type_label(agency_type: str | None) -> str:
    """`cong_an` -> `Công an` (core/vocab/agency_types.toml); an unknown code as it is."""
    if not agency_type:
        return ""
    return load("agency_types")["type"].get(agency_type, {}).get("label", agency_type)


def theme_label(theme: str) -> str:
    """`kiem_soat_tien_chat` -> `Quản lý nhà nước, kiểm soát tiền chất` (core/vocab/themes.toml)."""
    return _theme_labels().get(theme, theme)
