"""Legal citations: every mention of another document, identified.

Mentions are found in four passes over `Document.match_text`, each pass
skipping text an earlier one claimed:

1. numbered: `<type> [số] <number> [ngày ...] [của ...] [về ...]`, and a
   number with symbol and no type word (`... và số 1234/UBND-VX`);
2. by name: `Luật Phòng, chống ma túy`, `Chương trình MTQG ...`,
   `Đề án "..."`, `Kế hoạch triển khai ... đến năm 2030 trên địa bàn phường`;
3. a type word with an issuer and no number (`Nghị quyết Đại hội đại biểu
   Đảng bộ tỉnh ...`), kept only as the short form of the one cited
   document of that type and issuer, except a congress's resolution, which
   is known by that name when no numbered one of that congress is cited;
4. a bare type word (`thực hiện Đề án`), kept only when the document cites
   exactly one document of that type and is neither of that type itself nor
   issues or carries one (a decision `Ban hành Kế hoạch ...`).

Then mentions of one document are grouped (same number; a name that starts
another name; passes 3-4 as said), a name met only inside the title of a
numbered citation is dropped, short forms inherit date, issuer and subject
from their full form, and each group gets one `cited_key` (see `citekeys`).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, partial

from extractors import citation_grammar as g
from extractors.citekeys import (
    Context,
    canonical_number,
    cited_key,
    expand_abbreviations,
    issuer_for_code,
    issuer_key,
    issuers_compatible,
    name_key,
    parse_symbol,
    type_for_code,
)
from core.scan import finditer_at
from core.spans import Spans
from core.document import Document
from schemas.records import Citation


@dataclass
class _Mention:
    start: int
    end: int
    doc_type: str  # vocabulary name of the type word
    base: str
    form: str  # numbered | named | typed_issuer | bare_type
    type_end: int = 0  # end of the type word
    number: str | None = None
    issued_date: dt.date | None = None
    year: int | None = None  # also when the date is impossible (`31/2/2025`)
    bodies: list[str] = field(default_factory=list)  # issuing bodies as written, abbreviations expanded
    title: str | None = None
    subject: tuple[int, int] | None = None  # span of the title read after the number
    name: str | None = None
    anomalies: list[str] = field(default_factory=list)
    group: int | None = None  # index of the cited document after grouping
    short: bool = False


def extract(doc: Document) -> list[Citation]:
    text = doc.match_text
    word_starts = g.head_starts(text)  # one scan serves passes 2-4
    heads = list(finditer_at(g.named_head_all(), text, word_starts))  # passes 3 and 4 read the same type words
    generic = cache(partial(_generic, text))  # asked by passes 2-4 about the same type words
    # The passes are generators, each mention claimed as it comes: a pass
    # skips a head or number that an earlier mention already covers.
    claims = _Claims()
    passes = (_numbered(doc, text, claims), _named(doc, text, word_starts, claims, generic),
              _typed_issuer(doc, text, heads, claims, generic), _bare_type(doc, text, heads, claims, generic))
    mentions = [m for found in passes for m in found if claims.take(m.start, m.end)]
    mentions = [m for m in _outside_amended(mentions, text) if not _is_self(doc, text, m)]
    mentions.sort(key=lambda m: m.start)
    _share_issuers(mentions, text)
    groups = _group(mentions, doc)
    context = _context(doc)
    return [_record(doc, m, groups[m.group], context) for m in mentions if m.group is not None]


def _outside_amended(mentions: list[_Mention], text: str) -> list[_Mention]:
    """A law named without a number in the subject of a numbered law that
    amends it (`Luật số 97/2025/QH15 về sửa đổi, bổ sung một số điều của
    Luật Công đoàn, Luật Thanh niên`) is what that law is about, not a
    citation of its own; a numbered one there is still cited."""
    subjects = sorted(m.subject for m in mentions if m.form == "numbered" and m.subject
                      and g.amends(text, m.subject[0]))
    starts = [s for s, _ in subjects]

    def inside(m: _Mention) -> bool:
        i = bisect_left(starts, m.start + 1)
        return i > 0 and subjects[i - 1][0] <= m.start < subjects[i - 1][1]

    return [m for m in mentions if m.form != "named" or not inside(m)]


class _Claims:
    """Spans taken by mentions so far. Disjoint, so sorted by start they are
    sorted by end too, and the one that starts last before a span's end is
    the only one a span can overlap."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def free(self, start: int, end: int) -> bool:
        i = bisect_left(self.starts, end)
        return i == 0 or self.ends[i - 1] <= start

    def take(self, start: int, end: int) -> bool:
        """Claim the span if it is free; say whether it was."""
        i = bisect_left(self.starts, end)
        if i and self.ends[i - 1] > start:
            return False
        self.starts.insert(i, start)
        self.ends.insert(i, end)
        return True


# --- pass 1: numbered ---------------------------------------------------------------

# A number glued to a word, a path or another number (`ND/2024/...`) is part of it.
_NUMBER_BEFORE = re.compile(r"[\w/.-]")
_BLANK = re.compile(r"\s")
_BLANKS = re.compile(r"\s+")


def _numbered(doc: Document, text: str, claims: _Claims) -> Iterator[_Mention]:
    starts = g.number_starts(text)
    for start in starts:  # a number after its type word
        number = g.NUMBER.match(text, start)
        bare = None if number else g.BARE_NUMBER.match(text, start)
        head = g.typed_head_before(text, start) if number or bare else None
        if head is None or not (number or head.group("so")):
            continue
        yield _read_rest(doc, text, head.start(), number or bare, g.type_entry(head.group("type")))
    word_starts = [s for s in starts if not (s and _NUMBER_BEFORE.match(text, s - 1))]
    for number in finditer_at(g.NUMBER, text, word_starts):  # a number alone, mostly one just read with its type
        if not claims.free(number.start(), number.end()):
            continue
        if law := g.law_before_number(text, number.start()):
            yield _named_law(doc, text, number, *law)
            continue
        entry = _type_from_symbol(canonical_number(number.group("number")))
        line_start = text.rfind("\n", 0, number.start()) + 1
        if entry and not g.OWN_NUMBER_LINE.search(text, line_start, number.start()):
            yield _read_rest(doc, text, number.start(), number, entry)


def _named_law(doc: Document, text: str, number: re.Match, head: re.Match, name_end: int) -> _Mention:
    """`Luật Quản lý thuế số 38/2019/QH14`: one numbered citation that keeps its name."""
    mention = _read_rest(doc, text, head.start(), number, g.type_entry(head.group("type")))
    mention.name = _one_line(doc.text[head.start():name_end])
    return mention


def _type_from_symbol(number: str) -> dict | None:
    """The type of a number written without its type word: from the type
    code (`KH` -> Kế hoạch); when the symbol names an issuer and no type,
    `Công văn` (`573/TTg-KGVX`), or `Văn bản` if the number holds a year
    (`38/2019/QH14`: a law or resolution, never a letter, whose symbols
    carry no year); None when the symbol says neither (a type code this
    project does not know, `01:2019/BCT`, says nothing)."""
    symbol = parse_symbol(number)
    if symbol is None:
        return None
    if written := type_for_code(symbol.type_code):
        return g.type_entry(written)
    if symbol.issuer_codes and issuer_for_code(symbol.issuer_codes[0]):
        return g.type_entry("Văn bản" if symbol.year else "Công văn")
    return None


def _read_rest(doc: Document, text: str, start: int, number: re.Match, entry: dict) -> _Mention:
    written = number.group("number")
    canonical = canonical_number(written)
    anomalies = []
    if "\n" in written:
        anomalies.append("number_line_break")
    elif _BLANK.search(written):
        anomalies.append("number_spaces")
    elif canonical != written and not _in_capitals(doc, start, number.end()):
        # `27/CTTg`, `27/CT-TTG` in a sentence; `SỐ 06/QĐ-TTG` in a capitals title is the title's case.
        anomalies.append("number_variant")
    mention = _Mention(start, number.end(), entry["name"], entry["base"], "numbered", type_end=number.start(),
                       number=canonical, anomalies=anomalies)
    _read_date_issuer_subject(doc, text, mention)
    if mention.issued_date is None and not mention.bodies and (before := g.read_issued_before(text, start)):
        # `ngày 12/12/2025 Ủy ban nhân dân tỉnh đã ban hành Công văn số 2087/UBND-NLN`
        date, spans = before
        mention.issued_date, mention.year, mention.bodies = date.value, date.year, _bodies(doc, spans)
        mention.anomalies += date.anomalies
    if not mention.bodies and (spans := g.read_author_before(text, start)):
        mention.bodies = _bodies(doc, spans)  # `đề nghị của Sở Tài chính tại Công văn số ...`
    return mention


def _in_capitals(doc: Document, start: int, end: int) -> bool:
    written = doc.text[start:end]
    return written == written.upper()


def _read_date_issuer_subject(doc: Document, text: str, mention: _Mention) -> None:
    date = g.read_date(text, mention.end)
    if date:
        mention.issued_date, mention.year, mention.end = date.value, date.year, date.end
        mention.anomalies += date.anomalies
    spans, end = g.read_issuer(text, mention.end)
    if spans:
        mention.bodies = _bodies(doc, spans)
        mention.end = end
    subject = g.read_subject(text, mention.end, after_issuer=bool(spans))
    if subject:
        mention.subject = subject
        mention.title = doc.text[subject[0]:subject[1]].strip(" ,") or None


def _bodies(doc: Document, spans: list[tuple[int, int]]) -> list[str]:
    """Issuing bodies as written, abbreviations expanded, a wrapped line joined."""
    return [expand_abbreviations(_one_line(doc.text[s:e])) for s, e in spans]


def _one_line(written: str) -> str:
    return _BLANKS.sub(" ", written)


_LIST_JOIN = re.compile(r"[ \t]*,?[ \t]*(?:và[ \t]+)?(?:số[ \t]+)?")


def _share_issuers(mentions: list[_Mention], text: str) -> None:
    """`Kế hoạch số 45/KH-UBND và số 46/KH-UBND của Ủy ban nhân dân huyện`:
    numbers listed together share the issuer written after the last one."""
    for a, b in zip(reversed(mentions[:-1]), reversed(mentions[1:])):
        joined = _LIST_JOIN.fullmatch(text, a.end, b.start)
        if joined and a.form == b.form == "numbered" and not a.bodies and b.bodies:
            a.bodies = b.bodies


# --- pass 2: by name ----------------------------------------------------------------


def _named(doc: Document, text: str, starts: list[int], claims: _Claims,
           generic: Callable[[int], bool]) -> Iterator[_Mention]:
    for mode, reader in (("programme", g.read_name), ("title", g.read_title_name),
                         ("quoted", None), ("period", g.read_period_name)):
        for head in finditer_at(g.named_head(mode), text, starts):
            if not claims.free(head.start(), head.end()) or generic(head.start()):
                continue
            mention = _read_named(doc, text, head, mode, reader)
            if mention:
                yield mention


def _read_named(doc: Document, text: str, head: re.Match, mode: str, reader) -> _Mention | None:
    written_type = head.group("type")
    entry = g.type_entry("Chương trình" if mode == "programme" else written_type)
    if mode == "quoted":
        quoted = g.QUOTED.match(text, head.end())
        if not quoted:
            return None
        name = f"{entry['name']} {doc.text[quoted.start('name'):quoted.end('name')].strip()}"
        end = quoted.end()
    else:
        end = reader(text, head.end())
        if end is None or end == head.end():
            return None
        if entry.get("scoped"):
            scope = g.scope_pattern().match(text, end)
            end = scope.end() if scope else end
        name = _one_line(doc.text[head.start():end])
    if g.carried_by_numbered(text, end):  # the content of the document cited next, not one of its own
        return None
    mention = _Mention(head.start(), end, entry["name"], entry["base"], "named", type_end=head.end(), name=name)
    _read_date_issuer_subject(doc, text, mention)
    mention.title = None  # a name is its own subject
    return mention


# --- passes 3 and 4: type word with an issuer, bare type word -----------------------


_OF = re.compile(r"[ \t]+(?:của[ \t]+)?")


def _typed_issuer(doc: Document, text: str, heads: list[re.Match], claims: _Claims,
                  generic: Callable[[int], bool]) -> Iterator[_Mention]:
    for head in heads:
        if not claims.free(head.start(), head.end()) or generic(head.start()):
            continue
        lead = _OF.match(text, head.end())
        spans, end = g.read_bodies(text, lead.end()) if lead else ([], head.end())
        if spans:
            entry = g.type_entry(head.group("type"))
            bodies = _bodies(doc, spans)
            term = g.TERM.match(text, end) if g.names_its_acts(bodies[-1]) else None
            yield _Mention(head.start(), term.end() if term else end, entry["name"], entry["base"],
                           "typed_issuer", type_end=head.end(), bodies=bodies)


def _bare_type(doc: Document, text: str, heads: list[re.Match], claims: _Claims,
               generic: Callable[[int], bool]) -> Iterator[_Mention]:
    own = doc.meta.doc_type if doc.meta else None
    if own is None:  # without knowing its own type, a bare `Kế hoạch` may be the document itself
        return
    own_base = g.types().get(own.casefold(), {"base": own})["base"]
    carried = None  # types it issues or carries besides its own; read when first needed
    for head in heads:
        entry = g.type_entry(head.group("type"))
        if entry["base"] == own_base or not claims.free(head.start(), head.end()):
            continue
        if carried is None:
            carried = {g.types()[t]["base"] for t in g.issued_types(text, doc.meta.title)}
        if entry["base"] in carried:
            continue
        if generic(head.start()) or _list_item(text, head.end()):
            continue
        yield _Mention(head.start(), head.end(), entry["name"], entry["base"], "bare_type", type_end=head.end())


def _generic(text: str, start: int) -> bool:
    """A kind of document, not one (see `generic_before`)."""
    return bool(g.generic_before().search(text[max(0, start - 30):start]))


@cache
def _list_next() -> re.Pattern:
    return re.compile(rf"[ \t]*,[ \t]*(?:{g.type_words_pattern()})(?!\w)")


def _list_item(text: str, end: int) -> bool:
    return bool(_list_next().match(text[end:end + 40]))


def _is_self(doc: Document, text: str, m: _Mention) -> bool:
    """The citing document speaking of itself: `Kế hoạch này`, `... ban hành
    Kế hoạch ...`, its own number or its own title, the line `(Kèm theo Kế
    hoạch số ...)` under its appendix."""
    if m.form != "numbered" and g.self_after().match(text, m.type_end):
        return True
    if m.form == "numbered" and g.attached_to_line(text, m.start):
        return True
    if m.form == "named" and g.self_before().search(text[max(0, m.start - 40):m.start]):
        return True
    meta = doc.meta
    if meta and m.number and meta.number and canonical_number(meta.number) == m.number:
        return True
    if meta and m.name and meta.title and m.doc_type == meta.doc_type:
        return name_key(m.name[len(m.doc_type):]) == name_key(meta.title)
    return False


# --- grouping and short forms -------------------------------------------------------


@dataclass
class _Cited:
    key: str = ""
    number: str | None = None
    doc_type: str | None = None
    issued_date: dt.date | None = None
    year: int | None = None
    bodies: list[str] = field(default_factory=list)
    title: str | None = None
    name: str | None = None
    base: str | None = None
    dropped: bool = False


def _context(doc: Document) -> Context:
    meta = doc.meta
    return Context(meta.province, meta.locality, meta.issuer_level) if meta else Context()


def _group(mentions: list[_Mention], doc: Document) -> list[_Cited]:
    groups: list[_Cited] = []
    index: dict[tuple, int] = {}
    # Numbered mentions: one document per number (per type for numbers without
    # symbol) and year: `23/CT-TTg` of 2021 and of 2025 are two directives,
    # but the same day and month in another year is the one document misdated.
    # A mention without its year is the first document with its number.
    numbered = [m for m in mentions if m.form == "numbered"]
    day_month: dict[tuple, tuple] = {}  # ident -> (month, day) of its first dated mention
    for dated in (True, False):
        for m in (m for m in numbered if (m.year is not None) == dated):
            symbol = parse_symbol(m.number)
            number = (m.number,) if symbol else (m.base, m.number)
            year = m.year if not (symbol and symbol.year) else None
            same = [i for i in index if i[:-1] == number]
            if dated:
                when = (m.issued_date.month, m.issued_date.day) if m.issued_date else None
                ident = next((i for i in same if i[-1] == year or (when and day_month.get(i) == when)),
                             (*number, year))
                day_month.setdefault(ident, when)
            else:
                ident = same[0] if same else (*number, None)
            m.group = index.setdefault(ident, len(groups))
            if m.group == len(groups):
                groups.append(_Cited(number=m.number, doc_type=m.doc_type, base=m.base))
    context = _context(doc)
    _name_congress_resolutions(mentions, doc, context)
    # Names: a name that starts a longer one (`Chương trình MTQG phòng chống ma túy`) is its short form;
    # a law named then numbered once (`Luật Công đoàn số 50/2024/QH15`) is the one that name cites later.
    known: dict[str, int] = {name_key(m.name): m.group for m in mentions
                             if m.form == "numbered" and m.name and m.base == "Luật"}
    for m in sorted((m for m in mentions if m.form == "named"), key=lambda m: -len(name_key(m.name))):
        key = name_key(m.name)
        longer = next((k for k in known if k.startswith(key + " ")), None)
        if key in known or longer:
            m.group, m.short = known[key if key in known else longer], key not in known
            continue
        known[key] = m.group = len(groups)
        groups.append(_Cited(name=m.name, doc_type=m.doc_type, base=m.base))
    _drop_titles_only(groups, mentions)
    _fill(groups, mentions)
    # A type word with an issuer, or alone: the one cited document it can be.
    for m in (m for m in mentions if m.form in ("typed_issuer", "bare_type")):
        wanted = issuer_key(m.bodies, context) if m.bodies else None
        candidates = [i for i, c in enumerate(groups) if c.base == m.base and not c.dropped and (
            wanted is None or (c.bodies and issuers_compatible(wanted, issuer_key(c.bodies, context))))]
        if len(candidates) == 1:
            m.group, m.short = candidates[0], True
    for m in mentions:
        if m.group is not None and m.form == "numbered":
            cited = groups[m.group]
            m.short = m.issued_date is None and not m.bodies and (cited.issued_date is not None or bool(cited.bodies))
    for cited in groups:
        cited.key = cited_key(cited.number, cited.doc_type, cited.year, issuer_key(cited.bodies, context) if cited.bodies else "",
                              cited.name)
    return groups


def _name_congress_resolutions(mentions: list[_Mention], doc: Document, context: Context) -> None:
    """`Nghị quyết Đại hội đại biểu Đảng bộ phường X lần thứ I, nhiệm kỳ 2025 -
    2030`: a congress's resolution is cited by that name. It is a short form
    when a numbered resolution of that congress is cited too, else a document
    known by name."""
    numbered = [(m.base, issuer_key(m.bodies, context)) for m in mentions if m.form == "numbered" and m.bodies]
    for m in mentions:
        if m.form == "typed_issuer" and g.names_its_acts(m.bodies[-1]):
            wanted = issuer_key(m.bodies, context)
            if not any(base == m.base and issuers_compatible(wanted, key) for base, key in numbered):
                m.form, m.name = "named", doc.text[m.start:m.end]


def _drop_titles_only(groups: list[_Cited], mentions: list[_Mention]) -> None:
    """A programme named only inside the title of a numbered citation (`phê
    duyệt "Chương trình Chuyển đổi số quốc gia ..."`) is what that document
    is about, not a document this one cites: dropped with its short forms
    unless some mention of it stands outside such a title."""
    titles = Spans(m.subject for m in mentions if m.form == "numbered" and m.subject)
    standing = {m.group for m in mentions if m.form == "named" and not titles.covers(m.start)}
    for m in mentions:
        if m.form == "named" and m.group not in standing:
            groups[m.group].dropped = True
            m.group = None


def _fill(groups: list[_Cited], mentions: list[_Mention]) -> None:
    """Each cited document takes the first date, issuer and subject any of its
    mentions states, and the longest name it is written with."""
    for m in mentions:
        if m.group is None:
            continue
        cited = groups[m.group]
        cited.issued_date = cited.issued_date or m.issued_date
        cited.year = cited.year or m.year
        cited.bodies = cited.bodies or m.bodies
        cited.title = cited.title or m.title
        if m.name and (cited.name is None or len(m.name) > len(cited.name)) and not m.short:
            cited.name = m.name


def _record(doc: Document, m: _Mention, cited: _Cited, context: Context) -> Citation:
    bodies = m.bodies or cited.bodies
    fields = doc.span(m.start, m.end)
    fields.update(
        doc_type=m.doc_type if m.form != "bare_type" else cited.doc_type,
        number=cited.number,
        issued_date=m.issued_date or cited.issued_date,
        issuer=" và ".join(bodies) if bodies else None,
        issuer_key=issuer_key(bodies, context) if bodies else None,  # keyed body by body: the graph cannot split `issuer`
        title=m.title or cited.title,
        name=cited.name,
        cited_key=cited.key,
        is_short_form=m.short,
        anomalies=m.anomalies,
    )
    return Citation.model_validate(fields)  # from a dict: cheaper than keyword arguments
