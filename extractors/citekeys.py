"""Identity of a cited document: `cited_key`, and the pieces it is made of.

A plan cites `195/KH-UBND`; every People's Committee numbers its own plans
from 1 each year, so that number alone names hundreds of documents. The key
therefore carries what the number leaves open:

- a symbol whose issuer code names one body (`TTg`, `QH15`, `BCA`, `TW`;
  see `issuers.toml [symbols]`) needs only the year: `573/TTg-KGVX:2026`;
  with the year inside the number the key is the number (`163/2024/QH15`);
- any other symbol (`KH-UBND`, `KH/TU`, `KHPH-CAT-SGDĐT`) needs issuer and
  year: `195/KH-UBND:2026:ủy ban nhân dân tỉnh ninh bình`, the issuer
  completed from the citing document where the text leaves the place out
  (`Ủy ban nhân dân tỉnh` in a Ninh Bình ward's plan);
- a number without symbol (`Đề án số 05`) keeps its type word:
  `Đề án 05:2025:ủy ban nhân dân thành phố hải phòng`;
- a reference by name is its folded name: `luật phòng chống ma túy`.

The same functions key the corpus's own documents (`document_key`), so a
cited document that is itself stored is found by key equality.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from core.vocab import load
from core.normalize import fold_key, match_form

UNKNOWN = "?"


@dataclass(frozen=True)
class Context:
    """What the citing document says about where it stands."""

    province: str | None = None
    locality: str | None = None
    level: str | None = None  # issuer_level of the citing document


@dataclass(frozen=True)
class Symbol:
    type_code: str | None
    issuer_codes: tuple[str, ...]
    year: int | None  # the year written inside the number (`163/2024/QH15`)


@cache
def _type_codes() -> dict[str, str]:
    """Symbol code -> base type (`KH` -> `Kế hoạch`, `CTTr` -> `Chương trình`)."""
    out = {}
    for entry in load("doc_types")["type"]:
        for code in entry["codes"]:
            out.setdefault(code, entry["name"])
    return out


def type_for_code(code: str | None) -> str | None:
    return _type_codes().get(code) if code else None


@cache
def _unique_issuers() -> list[tuple[re.Pattern, str]]:
    vocab = load("issuers")
    pairs = [(re.compile(re.escape(code) + r"$"), name) for code, name in vocab["symbols"].items()]
    pairs += [(re.compile(pattern + r"$"), name) for pattern, name in vocab["symbol_patterns"].items()]
    return pairs


def issuer_for_code(code: str) -> str | None:
    """The one body an issuer code names, or None when many bodies share it."""
    for pattern, name in _unique_issuers():
        if pattern.match(code):
            return name
    return None


_NORMATIVE = re.compile(r"\d+/((?:19|20)\d{2})/(.+)")  # 163/2024/QH15
_PARTY = re.compile(r"\d+-([^/]+)/(.+)")  # 132-KL/TW
_STATE = re.compile(r"\d+/(.+)")  # 573/TTg-KGVX


@lru_cache(maxsize=8192)  # a document names each number several times
def parse_symbol(number: str) -> Symbol | None:
    """Split a canonical number into type code, issuer codes and year."""
    normative = _NORMATIVE.fullmatch(number)
    if normative:
        codes = normative.group(2).split("-")
        year = int(normative.group(1))
    else:
        party = _PARTY.fullmatch(number)
        if party:
            return Symbol(party.group(1), tuple(party.group(2).split("-")), None)
        state = _STATE.fullmatch(number)
        if not state:
            return None
        codes, year = state.group(1).split("-"), None
    if codes[0] in _type_codes():
        return Symbol(codes[0], tuple(codes[1:]), year)
    return Symbol(None, tuple(codes), year)


@lru_cache(maxsize=8192)
def self_identifying(number: str) -> bool:
    """True when the number (plus its year) names one document whoever cites it:
    its issuer code names one body. A year inside the number is not enough:
    every provincial council numbers `15/2025/NQ-HĐND`."""
    symbol = parse_symbol(number)
    return bool(symbol and symbol.issuer_codes) and issuer_for_code(symbol.issuer_codes[0]) is not None


# --- issuers ----------------------------------------------------------------


@cache
def _abbreviations() -> list[tuple[re.Pattern, str]]:
    return [(re.compile(rf"(?<!\w){re.escape(abbr)}(?!\w)"), full) for abbr, full in load("issuers")["abbreviations"].items()]


@lru_cache(maxsize=8192)  # the same bodies recur in every document
def expand_abbreviations(text: str) -> str:
    """`UBND tỉnh Ninh Bình` -> `Ủy ban nhân dân tỉnh Ninh Bình`."""
    for pattern, full in _abbreviations():
        text = pattern.sub(full, text)
    return text


@cache
def _same_names() -> dict[str, str]:
    return {fold_key(a): fold_key(b) for a, b in load("issuers")["same"].items()}


# Level words at the end of an issuer that leave the place to the reader,
# and which part of the citing document's context fills it in.
_PROVINCE_ENDINGS = ("tỉnh", "thành phố", "cấp tỉnh", "tỉnh ủy", "thành ủy")
_LOCAL_ENDINGS = ("xã", "phường", "đặc khu", "huyện", "quận", "thị xã", "thị trấn", "cấp xã", "đảng ủy")


def issuer_key(bodies: list[str], context: Context | None = None) -> str:
    """Comparable form of an issuer (one or several joint bodies).

    Abbreviations expanded, case and spacing folded, the place completed from
    the citing document where the text stops at a level word.
    """
    return " và ".join(_body_key(b, context) for b in bodies)


@lru_cache(maxsize=8192)  # a corpus names the same few bodies over and over
def _body_key(body: str, context: Context | None) -> str:
    key = fold_key(expand_abbreviations(body))
    key = _same_names().get(key, key)
    if context is None:
        return key
    if key.endswith(_PROVINCE_ENDINGS) and context.province:
        return f"{key} {fold_key(context.province)}"
    ending = next((e for e in _LOCAL_ENDINGS if key.endswith(e)), None)
    if ending and context.locality and (ending in ("đảng ủy", "cấp xã") or ending == context.level):
        return f"{key} {fold_key(context.locality)}"
    return key


def issuers_compatible(a: str, b: str) -> bool:
    """Same body written more or less fully (`Thủ tướng` / `Thủ tướng Chính phủ`)."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return f" {short} " in f" {long} "


# --- names ------------------------------------------------------------------


@cache
def _name_expansions() -> list[tuple[re.Pattern, str]]:
    table = load("doc_types")["grammar"]["name_expansions"]
    return [(re.compile(rf"(?<!\w){re.escape(a)}(?!\w)"), full) for a, full in table.items()]


def expand_name(name: str) -> str:
    """`Chương trình MTQG ...` -> `Chương trình mục tiêu quốc gia ...`."""
    for pattern, full in _name_expansions():
        name = pattern.sub(full, name)
    return name


@lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """Folded name without punctuation or the filler `về`: equal for the
    ways one programme or law is written."""
    folded = fold_key(expand_name(name))
    words = re.sub(r"[^\w\s]", " ", folded).split()
    return " ".join(w for w in words if w != "về")


# --- keys -------------------------------------------------------------------


def cited_key(number: str | None, doc_type: str | None, year: int | None, issuer: str,
              name: str | None = None) -> str:
    """The identity of a cited document (see module doc).

    `issuer` is an `issuer_key` (already completed from context) or "".
    """
    if number is None:
        return name_key(name or doc_type or UNKNOWN)
    symbol = parse_symbol(number)
    year_part = str(symbol.year if symbol and symbol.year else year or UNKNOWN)
    if symbol is None:  # a bare number: `Đề án số 05`
        return f"{doc_type} {number}:{year_part}:{issuer or UNKNOWN}"
    if self_identifying(number):
        return number if symbol.year else f"{number}:{year_part}"
    return f"{number}:{year_part}:{issuer or UNKNOWN}"


@cache
def _codes() -> dict[str, str]:
    """Folded code -> the code as the vocabularies write it (`ttg` -> `TTg`)."""
    return {code.casefold(): code for code in [*_type_codes(), *load("issuers")["symbols"]]}


@cache
def _issuer_codes() -> dict[str, str]:
    return {code.casefold(): code for code in load("issuers")["symbols"]}


# The letter runs of a number's symbol, each one code (`CT`, `TTg`, `QĐ`).
_CODE = re.compile(r"[^\W\d_]+\d*")


def _spelled(code: str, whole: bool) -> str:
    """A code as the vocabularies spell it: case (`TTG` -> `TTg`) and, when
    it is the whole symbol, a type code run into the issuer's without the
    hyphen (`CTTg`, `NQCP` -> `CT-TTg`, `NQ-CP`; the two may share the
    letter where they meet)."""
    folded = code.casefold()
    if folded in _codes():
        return _codes()[folded]
    if not whole:
        return code
    for type_code in sorted(_type_codes(), key=len, reverse=True):
        n = len(type_code)
        if not folded.startswith(type_code.casefold()):
            continue
        for rest in (folded[n:], folded[n - 1:]):
            if rest in _issuer_codes():
                return f"{type_code}-{_issuer_codes()[rest]}"
    return code


@lru_cache(maxsize=8192)
def canonical_number(written: str) -> str:
    """One form for the ways one number is written: spaces and line breaks
    out (`01- CTTr/TU` -> `01-CTTr/TU`), codes spelled as the vocabularies
    do (`27/CT-TTG`, `27/CTTg` -> `27/CT-TTg`)."""
    number = re.sub(r"\s+", "", match_form(written))
    digits, slash, symbol = number.partition("/")
    if not slash:
        return number
    codes = list(_CODE.finditer(symbol))
    whole = len(codes) == 1 and codes[0].group() == symbol
    spelled = _CODE.sub(lambda m: _spelled(m.group(), whole), symbol)
    head = _CODE.sub(lambda m: _spelled(m.group(), False), digits)  # `132-KL` of a party number
    return f"{head}/{spelled}"


def document_key(number: str | None, doc_type: str | None, issued_year: int | None, issuer: str | None,
                 context: Context | None = None) -> str | None:
    """The key a stored document would have if cited; None without a number."""
    if not number:
        return None
    number = canonical_number(number)
    return cited_key(number, doc_type, issued_year, issuer_key([issuer], context) if issuer else "")
