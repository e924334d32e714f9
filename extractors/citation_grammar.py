"""The grammar of a legal citation, built once from the vocabularies.

A citation reads, in this order, each part after the first optional:

    <type word> [số] <number> [, ngày <date>] [của|giữa <issuer> [và|với <issuer>]] [về|về việc <subject>]

Patterns run on `Document.match_text` (tone marks unified, curly quotes
straightened), so the vocabularies are put through the same `match_form`.
Each reader takes the text and a position and returns what it found there
(anchored: nothing is skipped), so `citations.py` reads a mention part by
part and the span ends where the last part ends.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from core.phrases import AS_WRITTEN, FIRST_LETTER, LINE_BLANKS, WRAPPED, phrase_alternatives
from core.dategrammar import ANY_YEAR, numeric, verbal
from core.vocab import load
from core.normalize import match_form

# Vietnamese capital letters: a place or a name starts with one.
UPPER = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_SP = r"[ \t]"


def _alternation(words: list[str], any_case: bool = False, wrapped: bool = False) -> str:
    """Vocabulary phrases as the citation grammar reads them (`core.phrases`),
    as bare branches for the grammar's own groups: on one line, a comma as written. `wrapped`: a line break may stand for a
    space inside a phrase, where a PDF wrapped a long name. `any_case`: the
    first letter in either case and the rest in any, grouped by first letter
    so that the regex engine jumps straight to those letters."""
    return phrase_alternatives(words, gap=WRAPPED if wrapped else LINE_BLANKS, comma=AS_WRITTEN,
                               case=FIRST_LETTER if any_case else AS_WRITTEN)


_WORD_CHAR = re.compile(r"\w")


def at_word_start(pattern: re.Pattern, text: str, before: re.Pattern = _WORD_CHAR,
                  overlapping: bool = False, start: int = 0, end: int | None = None) -> Iterator[re.Match]:
    r"""`pattern.finditer(text, start, end)` with the `(?<!\w)` the pattern leaves out.

    A pattern that opens with a lookbehind is tried at every position of the
    text; without it the engine skips to the letters a match can open with,
    and the few matches inside a word are dropped here, the scan going on one
    character later exactly as the lookbehind would have made it.
    `overlapping`: go on one character after each match, not after its end."""
    pos = start
    end = len(text) if end is None else end
    while match := pattern.search(text, pos, end):
        found = match.start()
        if found and before.match(text, found - 1):
            pos = found + 1
            continue
        yield match
        pos = found + 1 if overlapping else max(match.end(), found + 1)


@cache
def types() -> dict[str, dict]:
    """Type word (match form, casefolded) -> its vocabulary entry."""
    return {match_form(t["name"]).casefold(): t for t in load("doc_types")["type"]}


@cache
def type_entry(written: str) -> dict:
    return types()[re.sub(r"\s+", " ", written).casefold()]


def grammar() -> dict:
    return load("doc_types")["grammar"]


# --- numbers ------------------------------------------------------------------

# One code of a symbol: `TTg`, `KGVX`, `CTrPH`, `CTTr`, `QH15`, `C04`, `BGDĐT`;
# at least two capitals or a capital and a digit, so words (`Ban`, `Bộ`) are not codes.
_CODE = r"(?:[A-ZĐ]+[a-z]{0,2}[A-ZĐ0-9]+[A-Za-zĐ0-9]*|[A-ZĐ]{2,}[a-z]?)(?![\w])"
# Codes joined by hyphens; a hyphen may be followed by a line break or a stray
# space (`03/CTrPH-BCA-` / `BGDĐT`) but not preceded by one.
_SYMBOL = rf"{_CODE}(?:{_SP}*-\s*{_CODE})*"

NUMBER = re.compile(
    rf"""(?P<number>
        \d\d{{0,4}}                                                # a digit first: a scan can skip to digits
        (?:
            {_SP}*/{_SP}*(?:19|20)\d{{2}}{_SP}*/{_SP}*{_SYMBOL}   # normative, with year: 163/2024/QH15, 28/2025/QĐ-TTg
          | {_SP}*-{_SP}*{_CODE}{_SP}*/{_SP}*{_SYMBOL}            # Party: 132-KL/TW, `01- CTTr/TU`, `10 - NQ/ĐU`
          | {_SP}*/{_SP}*{_SYMBOL}                                # state: 573/TTg-KGVX, `4290 /KH-UBND`, 483/KH-BCA-C04
        )
    )""",
    re.VERBOSE,
)
# A number without a symbol, only after `số`: `Đề án số 05`.
BARE_NUMBER = re.compile(r"(?P<number>\d{1,4})(?![\d/.-]|\s*[/-]\s*\w)")


@cache
def typed_head() -> re.Pattern:
    """A type word in any case and `số`: what may open a numbered citation
    (the number is read next). Scan with `at_word_start`."""
    return re.compile(
        rf"(?P<type>{_alternation([t['name'] for t in load('doc_types')['type']], any_case=True)}){_SP}+(?P<so>(?i:số){_SP}*:?{_SP}*)?"
    )


# The citing document's own number line (`Số: 4290 /KH-UBND`) is no citation.
OWN_NUMBER_LINE = re.compile(r"Số\s*:\s*$", re.IGNORECASE)

# Where numbers are looked for. Scanning a whole plan with the type words or
# `\d` makes the regex engine test a class at every character; a literal
# (`/`, `ố`) it finds by a fast search. Every NUMBER holds a `/`, and a bare
# number follows `số`, so numbers are looked for only around those.

# Before its first `/` a number holds digits, codes, blanks and `-` (`01- CTTr/`);
# a typed head holds letters, blanks and `:` (`Kế hoạch số:`). Neither holds a
# line break or one of the cuts `,;.()/`, so what precedes the last cut (or line
# break) before a number belongs to neither.
_SLASH = re.compile("/")
_DIGITS = re.compile(r"\d+")
# `số` in any case before a digit, found by its second letter (`ố` or `Ố`).
_SO_LETTERS = (re.compile(rf"ố{_SP}*:?{_SP}*\d"), re.compile(rf"Ố{_SP}*:?{_SP}*\d"))
_SO_BEFORE_DIGIT = re.compile(rf"(?i:số){_SP}*:?{_SP}*(?=\d)")


_CUT_CHARS = ",;.()/"  # the cuts; the line break is looked for first


def _zone_start(text: str, pos: int) -> int:
    """Start of the stretch before `pos` that a number or typed head
    reaching `pos` may cover: after the last cut or line break. Looked for
    back from `pos` within its line, one `rfind` per cut character: lines
    are short, and a list of every cut of the text cost more than all the
    look-ups."""
    line = text.rfind("\n", 0, pos)
    lo = max(line, 0)
    return max(line, *(text.rfind(c, lo, pos) for c in _CUT_CHARS)) + 1


def number_starts(text: str) -> list[int]:
    """Sorted starts of the digit runs where a citation's number may open: in
    the stretch before each `/` (a NUMBER's first `/` is on its first line)
    and right after each `số`. Every start at which `NUMBER` matches, and
    every end of a `typed_head` with `số` followed by a digit, is among them."""
    starts = set()
    for slash in _SLASH.finditer(text):
        starts.update(m.start() for m in _DIGITS.finditer(text, _zone_start(text, slash.start()), slash.start()))
    for letters in _SO_LETTERS:
        for letter in letters.finditer(text):
            if letter.start() and (so := _SO_BEFORE_DIGIT.match(text, letter.start() - 1)):
                starts.add(so.end())
    return sorted(starts)


def typed_head_before(text: str, pos: int) -> re.Match | None:
    """The `typed_head` that ends at `pos`, as a scan of the whole text with
    `at_word_start` finds it, or None. The scan starts where `_zone_start`
    says: no head covers that point, so the scan is in step there; it stops
    at `pos`, a digit, which no head covers either."""
    head = None
    for head in at_word_start(typed_head(), text, start=_zone_start(text, pos), end=pos):
        pass
    return head if head and head.end() == pos else None


# --- dates --------------------------------------------------------------------

DATE = re.compile(
    rf"""{_SP}*,?{_SP}*(?:ban{_SP}+hành{_SP}+)?
    (?:
        ngày{_SP}+{numeric("n", gap=f"{_SP}*", year=ANY_YEAR, stray="[.,]")}  # 25/5/2026; typo 16/8./2019
      | {verbal("v", gap=f"{_SP}+", year=ANY_YEAR)}                        # ngày 25 tháng 5 năm 2026
    )""",
    re.VERBOSE | re.IGNORECASE,
)


@dataclass
class DateRead:
    end: int
    value: dt.date | None
    year: int  # kept when the day or month is impossible
    anomalies: list[str]


def read_date(text: str, pos: int) -> DateRead | None:
    m = DATE.match(text, pos)
    if not m:
        return None
    tag = "n" if m.group("ny") else "v"
    day, month, year = (int(m.group(tag + part)) for part in "dmy")
    anomalies = ["date_typo"] if m.group("nstray") else []
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return DateRead(m.end(), None, year, [*anomalies, "date_invalid"])
    return DateRead(m.end(), value, year, anomalies)


# --- issuers ------------------------------------------------------------------


def _with_abbreviations(names: list[str]) -> list[str]:
    """Each name, plus its forms with abbreviations (`UBND` for `Ủy ban nhân dân`)."""
    out = set(names)
    for abbr, full in load("issuers")["abbreviations"].items():
        out |= {n.replace(full, abbr) for n in out if full in n}
    return sorted(out)


# The term a Party committee or an assembly was elected for belongs to its name.
_TERM_OF_OFFICE = rf"(?:{_SP}+khóa{_SP}+[IVXLC]+(?!\w))?"


@cache
def _body_pattern() -> re.Pattern:
    vocab = load("issuers")
    openers = _alternation(grammar()["title_openers"])
    word = rf"(?!(?:{openers})(?!\w))[{UPPER}]\w*"
    place = rf"(?:(?:{_alternation(vocab['places']['provinces'])})(?!\w)|{word}(?:{_SP}+{word}){{0,3}}|\d{{1,2}}(?!\w))"
    heads = _with_abbreviations([entry["head"] for entry in vocab["local"]])
    return re.compile(
        rf"""(?:
            (?P<national>{_alternation(_with_abbreviations(vocab['national']), wrapped=True)})(?!\w)  # Thủ tướng Chính phủ, Bộ Chính trị
            {_TERM_OF_OFFICE}                                                # Ban Chấp hành Trung ương Đảng khóa XII
          | (?:{_alternation(vocab['ministry_heads'])}){_SP}+(?:{_alternation(_with_abbreviations(vocab['ministries']), wrapped=True)})(?!\w)  # Bộ trưởng Bộ Công an, Sở Y tế
            (?:{_SP}+(?i:{_alternation(vocab['department_levels'])})(?!\w)(?:{_SP}+{place})?)?  # a Sở's province: tỉnh An Giang
          | (?P<head>{_alternation(heads, wrapped=True)})                    # Ủy ban nhân dân / UBND, Đảng ủy, Công an
            (?P<qualifier>{_SP}+(?:{_alternation(vocab['qualifiers'])})(?!\w))?  # Ban Chỉ đạo liên ngành
            (?:{_SP}+(?i:{_alternation(vocab['levels'])})(?!\w))?           # tỉnh, thành phố, phường
            (?:{_SP}+{place})?                                               # Ninh Bình, Tân Hưng
            (?:{_SP}+lần{_SP}+thứ{_SP}+[IVXLC]+(?!\w))?                      # Đại hội ... lần thứ XV
            {_TERM_OF_OFFICE}                                                # Ban Chấp hành Đảng bộ tỉnh khóa XX
        )""",
        re.VERBOSE,
    )


_JOIN = re.compile(rf"{_SP}+(?:và|với){_SP}+")
ISSUER_LEAD = re.compile(rf"{_SP}*,?{_SP}*(?:của|giữa){_SP}+")


@cache
def _heads_with(flag: str) -> tuple[str, ...]:
    """Heads of local bodies whose vocabulary entry sets `flag`, in match form, longest first."""
    heads = [e["head"] for e in load("issuers")["local"] if e.get(flag)]
    return tuple(sorted({match_form(h) for h in _with_abbreviations(heads)}, key=len, reverse=True))


def names_its_acts(body: str) -> bool:
    """`Đại hội đại biểu Đảng bộ ...`: a body whose resolution is known by the
    body's name (`Nghị quyết Đại hội ... lần thứ I, nhiệm kỳ 2025 - 2030`)."""
    return match_form(body).startswith(_heads_with("names_its_acts"))


TERM = re.compile(rf",?{_SP}*nhiệm{_SP}+kỳ{_SP}+(?:19|20)\d\d{_SP}*-{_SP}*(?:19|20)\d\d(?!\d)")


@cache
def _domain() -> re.Pattern:
    """`về an toàn thực phẩm`, `về phòng, chống tham nhũng`: a domain runs to
    the next `về`, punctuation or a date."""
    comma_words = _alternation(grammar()["name_comma_words"])
    return re.compile(
        rf"{_SP}+về(?P<words>(?:(?:{_SP}+|,{_SP}+(?=(?:{comma_words})(?!\w)))(?!(?:về|ngày)(?!\w))\w+){{1,8}})(?!\w)")


_NEXT_SUBJECT = re.compile(rf"{_SP}*,?{_SP}*(?:về|V/v)(?!\w)")


def _domain_end(text: str, body: re.Match) -> int:
    """End of a body named by its domain. `về X` after the body is its domain,
    not the cited document's subject, when X does not open with a verb (`về
    tổ chức ...`) and the name says so: the body is `liên ngành` (an
    inter-sectoral committee is always named by its field) or another `về`
    follows with the subject."""
    if match_form(body.group("head")) not in _heads_with("named_by_domain"):
        return body.end()
    domain = _domain().match(text, body.end())
    if not domain or _opener(True).match(text, domain.start("words")) \
            or text.startswith("việc", domain.start("words") + 1):
        return body.end()
    if body.group("qualifier") or _NEXT_SUBJECT.match(text, domain.end()):
        return domain.end()
    return body.end()


def read_bodies(text: str, pos: int) -> tuple[list[tuple[int, int]], int]:
    """Spans of one or more joint issuing bodies starting at `pos` (`X và Y`)."""
    spans: list[tuple[int, int]] = []
    body = _body_pattern().match(text, pos)
    while body:
        spans.append((body.start(), _domain_end(text, body) if body.group("head") else body.end()))
        join = _JOIN.match(text, spans[-1][1])
        body = _body_pattern().match(text, join.end()) if join else None
    return spans, (spans[-1][1] if spans else pos)


def read_issuer(text: str, pos: int) -> tuple[list[tuple[int, int]], int]:
    """`của <bodies>` / `giữa <bodies>` at `pos`; ([], pos) when absent."""
    lead = ISSUER_LEAD.match(text, pos)
    if not lead:
        return [], pos
    spans, end = read_bodies(text, lead.end())
    return (spans, end) if spans else ([], pos)


_BLANKS = re.compile(rf"{_SP}+")


@cache
def _issued_before_verb() -> re.Pattern:
    return re.compile(rf"{_SP}+(?:{_alternation(grammar()['issued_before_verbs'])}){_SP}+")


def read_issued_before(text: str, start: int) -> tuple[DateRead, list[tuple[int, int]]] | None:
    """Date and issuer written in the clause before a citation's type word
    (`ngày 12/12/2025 Ủy ban nhân dân tỉnh đã ban hành Công văn số ...`), or None."""
    clause = max(text.rfind(c, 0, start) for c in ",;\n") + 1
    lead = text.rfind("ngày", clause, start)
    date = read_date(text, lead) if lead >= 0 else None
    gap = _BLANKS.match(text, date.end) if date else None
    if gap is None:
        return None
    spans, end = read_bodies(text, gap.end())
    verb = _issued_before_verb().match(text, end) if spans else None
    return (date, spans) if verb and verb.end() == start else None


@cache
def _authored_before() -> re.Pattern:
    return re.compile(rf"{_SP}+(?:{_alternation(grammar()['authored_before'])}){_SP}+")


_OF = re.compile(rf"(?<!\w)của{_SP}+")


def read_author_before(text: str, start: int) -> list[tuple[int, int]]:
    """The body a clause names as the cited document's author before its type
    word (`theo đề nghị của Sở Tài chính tại Công văn số ...`), or []."""
    clause = max(text.rfind(c, 0, start) for c in ",;\n") + 1
    for of in _OF.finditer(text, clause, start):
        spans, end = read_bodies(text, of.end())
        at = _authored_before().match(text, end) if spans else None
        if at and at.end() == start:
            return spans
    return []


# --- subjects -----------------------------------------------------------------

SUBJECT_LEAD = re.compile(rf"{_SP}*,?{_SP}*(?:về{_SP}+việc|về|V/v)[ \t:]+", re.IGNORECASE)


@cache
def _opener(any_case: bool) -> re.Pattern:
    """A subject opened by a verb (`Tổ chức ...`; after an issuer also `phê duyệt ...`)."""
    return re.compile(rf"{_SP}+(?=(?:{_alternation(grammar()['title_openers'])})(?!\w))",
                      re.IGNORECASE if any_case else 0)


@cache
def _subject_end() -> re.Pattern:
    type_words = _alternation([t["name"] for t in load("doc_types")["type"]])
    return re.compile(
        rf"""(?:
            [;\n]                                        # the next item of a list, the end of the paragraph
          | \.(?:\s|$)                                   # the end of the sentence
          | {_SP}*\((?:{type_words})                     # an alias in brackets: `(Nghị quyết số 163/2024/QH15)`
          | ,{_SP}+(?=(?:{_alternation(_with_abbreviations(['Ủy ban nhân dân']))})(?!\w))  # `..., Ủy ban nhân dân phường X xây dựng ...`
          | (?:,|{_SP}+và){_SP}+(?=(?:{type_words})(?!\w))  # the next document of a list: `... và Nghị quyết Đại hội ...`
        )""",
        re.VERBOSE,
    )


def read_subject(text: str, pos: int, after_issuer: bool) -> tuple[int, int] | None:
    """Span of the subject at `pos`: after `về` / `về việc`, a quoted title, or
    a title opened by a verb (capitalized, or any case right after the issuer:
    `của Thủ tướng Chính phủ phê duyệt ...`); or None."""
    lead = SUBJECT_LEAD.match(text, pos) or _opener(after_issuer).match(text, pos) or _QUOTE_START.match(text, pos)
    if not lead:
        return None
    start = lead.end()
    if text.startswith('"', start):
        close = text.find('"', start + 1)
        if close != -1 and "\n" not in text[start:close]:
            return start + 1, close
    stop = _subject_end().search(text, start)
    end = min(stop.start() if stop else len(text), start + 400)
    if amended := _amending_subject().match(text, start):  # `về sửa đổi, bổ sung một số điều của Luật A, Luật B`
        end = max(end, _read_law_list(text, amended.end()) or end)
    # `..., gắn với thực hiện Nghị quyết số 01-NQ/TU ...`: a clause after a comma that
    # cites another document is the citing text going on, not this subject.
    nested = next(at_word_start(_numbered_head(), text, start=start, end=end), None) \
        if text.find("số", start, end) != -1 else None  # most subjects hold no `số`: skip the scan
    if nested and text.rfind(",", start, nested.start()) > start:
        end = text.rfind(",", start, nested.start())
    return (start, end) if end > start else None


@cache
def _numbered_head() -> re.Pattern:
    """A type word, `số` and a digit. Scan with `at_word_start`."""
    return re.compile(rf"(?:{type_words_pattern()}){_SP}+số{_SP}*\d")


_QUOTE_START = re.compile(rf"{_SP}*(?=\")")


# --- names --------------------------------------------------------------------


NAMED_MODES = ("programme", "title", "quoted", "period")


@cache
def _programme_lead() -> str:
    """A national target programme, full or abbreviated."""
    expansions = grammar()["name_expansions"]
    return rf"Chương{_SP}+trình{_SP}+(?:mục{_SP}+tiêu{_SP}+quốc{_SP}+gia|{'|'.join(k for k in expansions if k != 'CTMTQG')})|CTMTQG"


@cache
def named_head(mode: str) -> re.Pattern:
    """Type words cited by name in `mode` (one of NAMED_MODES). Scan with `scan.finditer_at`."""
    if mode == "programme":
        return re.compile(rf"(?P<type>{_programme_lead()})(?!\w)")
    entries = [t["name"] for t in load("doc_types")["type"] if mode in t.get("named", [])]
    return re.compile(rf"(?P<type>{_alternation(entries)})(?!\w)")


@cache
def _any_head() -> re.Pattern:
    """What any of `named_head(...)` and `named_head_all` matches: all type words and the programme lead."""
    return re.compile(rf"(?:{type_words_pattern()}|{_programme_lead()})(?!\w)")


def head_starts(text: str) -> list[int]:
    """Every word start where a `named_head(...)` or `named_head_all` pattern
    matches (overlapping: a start inside another head's match counts too).
    One scan serves all of them (see `scan.finditer_at`)."""
    return [m.start() for m in at_word_start(_any_head(), text, overlapping=True)]


@cache
def type_words_pattern() -> str:
    """Every type word, as written (case-sensitive: `Kế hoạch`, not `kế hoạch`)."""
    return _alternation([t["name"] for t in load("doc_types")["type"]])


@cache
def named_head_all() -> re.Pattern:
    """A capitalized type word anywhere: the start of a reference without number.
    Scan with `scan.finditer_at`."""
    return re.compile(rf"(?P<type>{type_words_pattern()})(?!\w)")


@cache
def generic_before() -> re.Pattern:
    """What makes the type word after it a kind of document, not one. Search
    the text just before the type word."""
    return re.compile(
        rf"""(?:
            (?<!\w)(?i:{_alternation(grammar()['plural_markers'])}){_SP}+   # `các Nghị quyết`
          | (?:{type_words_pattern()}),{_SP}*                            # `Chỉ thị, Chương trình, Kế hoạch của ...`
        )$""",
        re.VERBOSE,
    )


@cache
def self_after() -> re.Pattern:
    """`Kế hoạch này`: the citing document itself."""
    return re.compile(rf"{_SP}+(?:{_alternation(grammar()['self_markers'])})(?!\w)")


# `(Ban hành) kèm theo Quyết định này`: what follows is carried by the citing document.
_ATTACHED_BY = rf"kèm{_SP}+theo{_SP}+\w+(?:{_SP}+\w+)?{_SP}+này"


@cache
def self_before() -> re.Pattern:
    """`... ban hành Kế hoạch ...`, `kèm theo Quyết định này Kế hoạch ...`:
    the document announcing itself or a document it carries."""
    return re.compile(rf"(?:(?<!\w)(?:{_alternation(grammar()['self_verbs'])})|{_ATTACHED_BY}){_SP}+$", re.IGNORECASE)


# `(Kèm theo Kế hoạch số 318/KH-SGDĐT ...)` alone on its line under an
# appendix's heading: the appendix belongs to the citing document itself.
_ATTACHED_LINE = re.compile(rf"[ \t(*_]*(?:ban{_SP}+hành{_SP}+)?kèm{_SP}+theo{_SP}+", re.IGNORECASE)


def attached_to_line(text: str, start: int) -> bool:
    """Does the line up to `start` read `(Kèm theo` / `(Ban hành kèm theo`?"""
    return bool(_ATTACHED_LINE.fullmatch(text, text.rfind("\n", 0, start) + 1, start))


@cache
def _carried_by() -> re.Pattern:
    return re.compile(rf"{_SP}*,?{_SP}*\(?(?:được{_SP}+)?(?:ban{_SP}+hành{_SP}+)?kèm{_SP}+theo{_SP}+"
                      rf"(?:{type_words_pattern()}){_SP}+số(?!\w)", re.IGNORECASE)


def carried_by_numbered(text: str, pos: int) -> bool:
    """`Chiến lược Dân số Việt Nam đến năm 2030 ban hành kèm theo Quyết định
    số 1679/QĐ-TTg`: does a name ending at `pos` say it is carried by the
    numbered document cited next (that document's content)?"""
    return bool(_carried_by().match(text, pos))


@cache
def _carried() -> re.Pattern:
    return re.compile(rf"{_ATTACHED_BY}{_SP}+(?P<type>{type_words_pattern()})(?!\w)")


@cache
def _capital_type_line() -> re.Pattern:
    """A line holding only a type word in capitals (`KẾ HOẠCH`). It opens with
    the line break before it, a literal the regex engine jumps to."""
    capitals = _alternation([t["name"].upper() for t in load("doc_types")["type"]])
    return re.compile(rf"\n[^\S\n]*(?P<type>{capitals})[ \t]*(?=\n|$)")


@cache
def _issues_in_title() -> re.Pattern:
    """A title `Ban hành Kế hoạch ...`, `Phê duyệt Đề án ...`."""
    return re.compile(rf"(?i:{_alternation(grammar()['issuing_verbs'])}){_SP}+(?P<type>{type_words_pattern()})(?!\w)")


def issued_types(text: str, title: str | None) -> set[str]:
    """Type words (as in the vocabulary, casefolded) of the documents the
    citing document issues or carries with it, which it calls by the bare
    type word: a title `Ban hành Kế hoạch ...`, `kèm theo Quyết định này Kế
    hoạch ...`, a `KẾ HOẠCH` alone on its line (the attached plan's own
    heading after the decision's signature)."""
    found = [m.group("type") for m in _carried().finditer(text)]
    # A newline before the text lets its first line be read like the others.
    found += [m.group("type") for m in _capital_type_line().finditer("\n" + text)]
    if title and (m := _issues_in_title().match(match_form(title))):
        found.append(m.group("type"))
    return {re.sub(r"\s+", " ", t).casefold() for t in found}


_A_WORD = r"[\w][\w/-]*"
_WORD = re.compile(rf"{_SP}+(?P<word>{_A_WORD})")
_PERIOD_END = re.compile(rf"{_SP}+(?:đến{_SP}+năm{_SP}+\d{{4}}|giai{_SP}+đoạn{_SP}+\d{{4}}{_SP}*-{_SP}*\d{{4}})(?!\w)")


@cache
def _name_stop() -> re.Pattern:
    return re.compile(rf"{_SP}+(?:{_alternation(grammar()['name_stops'])})(?!\w)")


@cache
def _comma_word() -> re.Pattern:
    return re.compile(rf",(?:{_SP}+|{_SP}*\n{_SP}*)(?:{_alternation(grammar()['name_comma_words'])})(?!\w)")


@cache
def _name_step() -> str:
    """A word of a name: a comma kept before the words of `name_comma_words`,
    or blanks and a word. Atomic (`(?>...)`): taken whole or not at all, like
    one step of a loop, so the patterns below never try a shorter word."""
    return rf"(?>{_comma_word().pattern}|{_SP}+{_A_WORD})"


@cache
def _name() -> re.Pattern:
    """Up to 14 words of a name written without quotes: before each word a
    period closes the name (and is taken with it) and a stop word ends it.
    Possessive (`{0,13}+`): the words go as far as they can, as a loop would;
    the 14th place takes a period or one last word."""
    step, period, stop = _name_step(), _PERIOD_END.pattern, _name_stop().pattern
    return re.compile(rf"(?:(?!{period}|{stop}){step}){{0,13}}+(?:{period}|(?!{period}|{stop}){step})?")


def read_name(text: str, pos: int) -> int:
    """End of a name written without quotes, from `pos` (after the type word).

    Words run until a stop word or punctuation; a comma stays inside the
    idioms `phòng, chống` and `thanh, thiếu niên`; `đến năm 2030` or
    `giai đoạn 2021 - 2025` closes the name.
    """
    return _name().match(text, pos).end()


# A law is named with a capital (`Luật Phòng, chống ma túy`), not `Luật này`.
_CAPITAL_NEXT = re.compile(rf"{_SP}+[{UPPER}]")
# What joins the items of a name (`Phòng cháy, chữa cháy và cứu nạn, cứu hộ`).
_ITEM_JOIN = re.compile(rf",|{_SP}+và(?!\w)")


def amends(text: str, pos: int) -> bool:
    """Does the subject at `pos` amend laws (`sửa đổi, bổ sung một số điều của Luật ...`)?"""
    return _amending_subject().match(text, pos) is not None


@cache
def _amending_subject() -> re.Pattern:
    """A subject that amends laws, which it then lists."""
    return re.compile(rf"(?i:{_alternation(grammar()['amending_leads'])}){_SP}+(?=[{UPPER}])")


@cache
def _amending() -> re.Pattern:
    """`Luật sửa đổi, bổ sung một số điều của ...`: a law named by the laws it amends."""
    return re.compile(rf"{_SP}+(?:{_alternation(grammar()['amending_leads'])}){_SP}+(?=[{UPPER}])")


@cache
def _name_end() -> re.Pattern:
    """Where a law's name can end: a date, a number, punctuation, the line end,
    or the next document of a list (`và các văn bản`, `, Luật ...`)."""
    return re.compile(
        rf"""(?:
            [ \t]*(?:[;.:()\n]|$)                                        # punctuation, the line end
          | ,?{_SP}+(?:ngày|số)(?!\w)                                    # `ngày 29/11/2024`, `số 73/2021/QH14`
          | (?:,|{_SP}+và){_SP}+(?:các|những|{type_words_pattern()})(?!\w)  # the next document of a list
        )""",
        re.VERBOSE,
    )


def read_title_name(text: str, pos: int) -> int | None:
    """End of a law's name from `pos` (after the type word), or None.

    The name opens with a capital and runs like `read_name`; then items
    joined by commas and `và` (`Luật Phòng cháy, chữa cháy và cứu nạn, cứu
    hộ`, `Luật Bảo vệ, chăm sóc và giáo dục trẻ em`) are kept only when the
    run of items stops where a name can end (`_name_end`). A run that goes on
    into `của ...`, a clause or a long phrase (`Luật Phòng, chống ma túy,
    tác hại và hệ lụy của ma túy`) is the citing text, and the name ends
    before it. An amending law is named with the laws it amends, in full.
    """
    amending = _amending().match(text, pos)
    if amending:
        return _read_law_list(text, amending.end())
    if not _CAPITAL_NEXT.match(text, pos):
        return None
    end = read_name(text, pos)
    items_end = end
    while (join := _ITEM_JOIN.match(text, items_end)) and (item := _read_item(text, join.end())):
        items_end = item
    return items_end if items_end > end and _name_end().match(text, items_end) else end


def _read_law_list(text: str, pos: int) -> int | None:
    """End of `Luật A[, Luật B] [và Luật C]` from `pos`, or None."""
    end = None
    while head := named_head("title").match(text, pos):
        name_end = read_title_name(text, head.end())
        if name_end is None or name_end == head.end():
            break
        end = name_end
        join = _LAW_JOIN.match(text, end)
        if not join:
            break
        pos = join.end()
    return end


# Between a law's name and its number: `Luật Quản lý thuế số 38/2019/QH14`.
_NAME_TO_NUMBER = re.compile(rf",?{_SP}+số{_SP}*:?{_SP}*")


def law_before_number(text: str, pos: int) -> tuple[re.Match, int] | None:
    """`Luật Quản lý thuế số 38/2019/QH14`: a law named, then numbered. The
    head of the name whose end leads by `số` to the number at `pos`, and the
    name's end; or None. The first head of the line that does is taken, so an
    amending law keeps the laws it amends."""
    so = text.rfind("số", max(0, pos - 8), pos)
    if so == -1:  # most numbers read alone have no `số` before them
        return None
    line = text.rfind("\n", 0, so) + 1
    for head in at_word_start(named_head("title"), text, start=line, end=so):
        end = read_title_name(text, head.end())
        if end and _NAME_TO_NUMBER.fullmatch(text, end, pos):
            return head, end
    return None


_LAW_JOIN = re.compile(rf",?{_SP}+(?:và{_SP}+)?|,")
# An item of a name is short: `chữa cháy`, `cứu nạn`, `sử dụng tài sản công`.
_ITEM_WORDS = 6


def _read_item(text: str, pos: int) -> int | None:
    """End of one lower-case item of a name at `pos`, or None when none is
    there (a capital, a stop word, a verb opening a clause, a long phrase)."""
    first = _WORD.match(text, pos)
    if not first or not first.group("word")[0].islower() or _name_stop().match(text, pos) \
            or _opener(True).match(text, pos):
        return None
    end = first.end()
    for _ in range(_ITEM_WORDS - 1):
        if _name_stop().match(text, end) or not (step := _WORD.match(text, end)):
            return end
        end = step.end()
    return None if _WORD.match(text, end) and not _name_stop().match(text, end) else end


@cache
def _period_name() -> re.Pattern:
    """Up to 21 words, none of them where a period could close the name, then the period."""
    return re.compile(rf"(?:(?!{_PERIOD_END.pattern}){_name_step()}){{0,21}}+{_PERIOD_END.pattern}")


def read_period_name(text: str, pos: int) -> int | None:
    """End of a name that closes with a period (`... đến năm 2030`), or None.
    Stop words may stand inside such a name (`phòng, chống ma túy trong thanh, thiếu niên`)."""
    name = _period_name().match(text, pos)
    return name.end() if name else None


@cache
def scope_pattern() -> re.Pattern:
    """`trên địa bàn phường`, `trên địa bàn tỉnh Lai Châu`: part of a local plan's name."""
    vocab = load("issuers")
    word = rf"[{UPPER}]\w*"
    return re.compile(
        rf"{_SP}+trên{_SP}+địa{_SP}+bàn{_SP}+(?:{_alternation(vocab['levels'])})(?!\w)(?:{_SP}+{word}(?:{_SP}+{word}){{0,3}})?"
    )


QUOTED = re.compile(rf"{_SP}+\"(?P<name>[^\"\n]{{3,200}})\"")
