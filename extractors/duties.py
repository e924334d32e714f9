"""Duties: one row per task a plan gives an agency.

Tasks come from three places:

1. Assignment sections (kind `phan_cong`, and `to_chuc_thuc_hien` children
   shaped like assignments): each child whose heading is made only of agency
   names is an agency heading; every paragraph of its body is one task of
   each agency it names. A bullet opening with `- <agency>:` starts that
   member's own tasks (`- Hội Nông dân: ...`); a group followed by members
   in parentheses gives way to the members. A child whose heading opens
   with agencies and a task verb (`4. Ban Chỉ huy Quân sự phường bố trí
   ...`) is their task. `Đối với <agency>` headings are agency headings
   wherever they stand. A body paragraph about every unit at once (`Các cơ
   quan, đơn vị căn cứ ...`) is no one's task.
2. `Giao <agency> ...` / `Đề nghị <agency> ...` sentences anywhere in the
   body of the document and of a document attached after its signature;
   such a sentence is the named agency's even inside another's body.
3. In implementation sections (funding, reporting), a clause opened by a
   named agency and one of the task verbs of `vocab/roles.toml`.

Role, requested and deadline are read from each task's text (the
vocabulary lives in `vocab/roles.toml`); themes are added once the rows
exist (`extractors/themes.tag`), since they depend on the document's topic.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import accumulate
from operator import attrgetter

from extractors.dates import Deadlines
from core.phrases import AS_WRITTEN, first_words, phrases_regex
from core.scan import finditer_at
from core.spans import Spans
from core.vocab import load
from core.document import Document
from core.normalize import match_form
from schemas.records import Agency, DateMention, DocumentIssue, Duty, DutyPartner, Section

# A heading's own label: `IV.`, `1.`, `1.2.`, `a)`, `Điều 3.`
_LABEL = re.compile(r"^\s*(?:Điều\s+\d+|[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])\s*[.):]?\s*")
# Lines that start a new paragraph even in lower case: `a)` items, bullets.
_ITEM_START = re.compile(r"^\s*(?:[a-zđ]\)|[-+•▪●◦])")
# A line opening with a number that is no item label (`31/3/2026.`, `100%
# ...`) goes on with the sentence before it when that one is unfinished.
_NUMBER_GOES_ON = re.compile(r"^\s*\d+(?!(?:\.\d+)*[.)]\s)")
_BULLET = re.compile(r"\s*[-•▪●◦]\s*")
_FOOTNOTE = re.compile(r"^\s*[¹²³⁴⁵⁶⁷⁸⁹⁰]")
_TABLE_ROW = re.compile(r"^[ \t]*\|")  # `| 1 | Tuyên truyền | Công an xã |`
_AND = re.compile(r"\s*(?:,|và)\s*")  # between the agencies of one `Giao X, Y và Z`
_SENTENCE_END = re.compile(r"[.;](?=\s|$)")
_GENERIC_TYPES = {"so_nganh"}
_PLURAL = re.compile(r"(?:các|những)\s", re.IGNORECASE)  # `Các xã`: a group, no clause's subject


def _words(phrases) -> str:
    """Vocabulary phrases as a regex. A comma in a role or theme phrase
    (`các cơ quan, đơn vị`) must be written, as these vocabularies were
    always read; making it optional (the rule) would change what they find."""
    return phrases_regex(phrases, comma=AS_WRITTEN)


@dataclass(frozen=True)
class Grammar:
    roles: re.Pattern  # one named group per role, in the vocabulary's order
    window: int
    default_role: str
    filler: re.Pattern
    requested: re.Pattern
    lead: re.Pattern
    generic: re.Pattern
    closing: re.Pattern
    heading_verb: re.Pattern
    assign: re.Pattern
    assign_first: tuple[str, ...]  # first words of the assignment cues
    subject_kinds: frozenset
    subject_verb: re.Pattern
    partner_cue: re.Pattern
    partner_first: tuple[str, ...]  # first words of the partner cues
    joiner: re.Pattern
    problems: re.Pattern
    field: re.Pattern  # a labelled field line: `- Cơ quan chủ trì:`, group `partner` for partners
    object_before: re.Pattern


@cache
def grammar() -> Grammar:
    v = load("roles")
    flags = re.IGNORECASE
    # Leftmost cue wins; at one position the role listed first.
    role_cues = "|".join(f"(?P<{r['name']}>{_words(r['cues'])})" for r in v["role"])
    return Grammar(
        roles=re.compile(rf"(?<!\w)(?:{role_cues})(?!\w)", flags),
        window=v["window"],
        default_role=v["default"],
        filler=re.compile(rf"^(?:[\s,;.:()\-]|(?<!\w)(?:{_words(v['heading']['fillers'])})(?!\w))*$", flags),
        requested=re.compile(rf"^\s*(?:{_words(v['heading']['requested'])})(?!\w)", flags),
        # The next three are anchored by `.match(text, pos)`.
        lead=re.compile(rf"\s*(?:{_words(v['heading']['leads'])})(?!\w)", flags),
        generic=re.compile(rf"\s*(?:{_words(v['generic']['openers'])})(?!\w)", flags),
        closing=re.compile(rf"[\s,]*(?:{_words(v['generic']['closings'])})[\s./]*$", flags),
        heading_verb=re.compile(
            rf"[ \t,]*(?:{_words(v['subject']['verbs'] + v['subject']['heading_verbs'])})(?!\w)", flags),
        # `Giao [đồng chí Trưởng] <agency>`: the agency must start where this ends.
        assign=re.compile(
            rf"(?<!\w)(?<!được\ )(?P<cue>{_words(v['assign']['cues'])})\s+"
            rf"(?:(?:{_words(v['assign']['titles'])})\s+)*(?=\w)",
            flags,
        ),
        assign_first=first_words(v["assign"]["cues"]),
        subject_kinds=frozenset(v["subject"]["section_kinds"]),
        subject_verb=re.compile(rf"^[\s,]*(?:{_words(v['subject']['verbs'])})(?!\w)", flags),
        partner_cue=re.compile(rf"(?<!\w)(?:{_words(v['partners']['cues'])})(?!\w)", flags),
        partner_first=first_words(v["partners"]["cues"]),
        joiner=re.compile(rf"^(?:[\s,]|(?<!\w)(?:{_words(v['partners']['joiners'])})(?!\w))*$", flags),
        problems=re.compile(rf"(?<!\w)(?:{_words(v['generic']['problems'])})(?!\w)", flags),
        field=re.compile(
            rf"""(?m)^[ \t]*(?:[-+•*][ \t]*)?\**[ \t]*
                 (?:(?P<partner>{_words(v['fields']['partner'])})|{_words(v['fields']['lead'])})
                 [ \t]*\**[ \t]*:[ \t]*\**""", flags | re.VERBOSE),
        object_before=re.compile(rf"(?<!\w)(?:{_words(v['fields']['objects'])})\s*$", flags),
    )


# --- reading one task ---------------------------------------------------------

def role_of(task: str) -> str:
    """Role named in the opening words of a task (`Chủ trì, phối hợp` -> chu_tri)."""
    return role_in(match_form(task))


def role_in(form: str) -> str:
    """`role_of` for text already in match form (a slice of `Document.match_text`)."""
    g = grammar()
    m = g.roles.search(form, 0, g.window + 20)
    return m.lastgroup if m and m.start() <= g.window else g.default_role


# --- paragraphs ----------------------------------------------------------------

def paragraphs(doc: Document, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Paragraph spans in [start, end), in order: a line that begins in lower
    case continues the paragraph before it (a sentence broken by a page break).
    Table rows are no prose: task tables read them (`task_tables.py`)."""
    current: list[int] | None = None
    lines = doc.lines
    # By index, not a slice: a slice of the lines after `start` copies the
    # rest of the document on every call.
    for i in range(max(bisect.bisect_right(doc.line_starts, start) - 1, 0), len(lines)):
        line = lines[i]
        if line.start >= end:
            break
        if line.end <= start or _TABLE_ROW.match(line.text):
            continue
        s, e = max(line.start, start), min(line.end, end)
        text = doc.match_text[s:e]
        if not text.strip() or _FOOTNOTE.match(text):
            continue
        if current and (text.lstrip()[:1].islower() and not _ITEM_START.match(text)
                        or _NUMBER_GOES_ON.match(text) and doc.match_text[current[1] - 1] not in ".;:!?"):
            current[1] = e
            continue
        if current:
            yield current[0], current[1]
        current = [s, e]
    if current:
        yield current[0], current[1]


# --- assignment headings ------------------------------------------------------------

@dataclass
class Heading:
    agencies: list[Agency]
    requested: bool
    inline: tuple[int, int] | None = None  # a task written after `Agency:` on the heading line
    body_start: int | None = None  # where the body's tasks begin, when not right after the heading


class _Agencies:
    """A document's agency mentions in text order, looked up by position."""

    def __init__(self, agencies: list[Agency]):
        self.items = sorted(agencies, key=attrgetter("start_char"))
        self._starts = [a.start_char for a in self.items]

    def inside(self, start: int, end: int) -> list[Agency]:
        """The mentions written wholly inside [start, end)."""
        lo, hi = bisect.bisect_left(self._starts, start), bisect.bisect_right(self._starts, end)
        return [a for a in self.items[lo:hi] if a.end_char <= end]

    def walk(self, start: int, end: int) -> Iterator[Agency]:
        """`inside`, one at a time: a reader that stops early does not pay for the rest."""
        for i in range(bisect.bisect_left(self._starts, start), len(self.items)):
            a = self.items[i]
            if a.start_char > end:
                return
            if a.end_char <= end:
                yield a

    def starting_at(self, pos: int) -> Agency | None:
        i = bisect.bisect_left(self._starts, pos)
        return self.items[i] if i < len(self.items) and self._starts[i] == pos else None

    def listed_from(self, first: Agency, text: str) -> list[Agency]:
        """`first` and the agencies listed right after it: `X, Y và Z`."""
        named, last = [first], first
        for i in range(bisect.bisect_right(self._starts, first.start_char), len(self.items)):
            a = self.items[i]
            if a.start_char <= last.end_char:
                continue
            if not _AND.fullmatch(text, last.end_char, a.start_char):
                break  # the text up to any later one holds this one's words
            named.append(a)
            last = a
        return named


def _distinct(agencies: list[Agency]) -> list[Agency]:
    seen, out = set(), []
    for a in agencies:
        if a.canonical_name not in seen:
            seen.add(a.canonical_name)
            out.append(a)
    return out


def _top_level_colon(text: str) -> int:
    """The first `:` outside parentheses (`Các ban ngành (MTTQ, Hội ...): ...`),
    -1 if none: the depth at a colon is the `(` before it less the `)`."""
    colon = text.find(":")
    while colon >= 0 and text.count("(", 0, colon) != text.count(")", 0, colon):
        colon = text.find(":", colon + 1)
    return colon


def read_heading(doc: Document, agencies: _Agencies, start: int, end: int) -> Heading | None:
    """The agencies an assignment heading names, or None when the heading is
    not made of agency names (`Các đơn vị căn cứ chức năng ... triển khai`)."""
    g = grammar()
    line = doc.match_text[start:end]
    label = _LABEL.match(line)
    name_start = start + (label.end() if label else 0)
    colon = _top_level_colon(doc.match_text[name_start:end])
    name_end = name_start + colon if colon >= 0 else end
    named = agencies.inside(name_start, name_end)
    if not named:
        return None
    rest, pos = [], name_start
    for a in named:
        rest.append(doc.match_text[pos:a.start_char])
        pos = max(pos, a.end_char)
    rest.append(doc.match_text[pos:name_end])
    if not all(g.filler.match(r) for r in rest):
        return None
    inline = (name_end + 1, end) if colon >= 0 and doc.match_text[name_end + 1:end].strip() else None
    return Heading(_members_in_parentheses(doc, named), bool(g.requested.match(doc.match_text[name_start:end])),
                   inline)


def _name_start(doc: Document, sec: Section) -> int:
    """Where a heading's words begin, after its label (`IV.`, `3.`)."""
    label = _LABEL.match(doc.match_text[sec.start_char:sec.heading_end])
    return sec.start_char + (label.end() if label else 0)


def read_subject_heading(doc: Document, agencies: _Agencies, sec: Section) -> Heading | None:
    """`3. Phòng Văn hóa - Xã hội chủ trì, phối hợp ...`: a numbered item that
    opens with agencies and a task verb is their task; its first paragraph
    (the heading line and what runs on from it) is one task, each later
    paragraph another."""
    first = agencies.starting_at(_name_start(doc, sec))
    if first is None:
        return None
    named = agencies.listed_from(first, doc.match_text)
    if not grammar().heading_verb.match(doc.match_text, named[-1].end_char):
        return None
    _, end = next(paragraphs(doc, sec.start_char, sec.end_char))
    task_start = end - len(doc.match_text[named[-1].end_char:end].lstrip(" \t,"))
    return Heading(_distinct(named), False, (task_start, end), body_start=end)


def _members_in_parentheses(doc: Document, named: list[Agency]) -> list[Agency]:
    """`Các ban ngành đoàn thể (Ủy ban MTTQ, Hội phụ nữ, ...)`: the members stand for the group."""
    out = []
    for a in named:
        after = doc.match_text[a.end_char:a.end_char + 3].lstrip()
        inner = [b for b in named if b.start_char > a.end_char]
        if after.startswith("(") and inner:
            close = doc.match_text.find(")", a.end_char)
            if any(b.end_char <= close for b in inner):
                continue
        out.append(a)
    return _distinct(out)


# --- building duty rows --------------------------------------------------------------

@dataclass
class _Builder:
    doc: Document
    deadlines: Deadlines
    rows: list[Duty] = field(default_factory=list)
    counters: dict = field(default_factory=dict)
    claimed: Spans = field(default_factory=Spans)  # assignment sections already read
    taken: Spans = field(default_factory=Spans)  # those and every task's span

    def add(self, agency: Agency, start: int, end: int, requested: bool, role_from: int | None = None) -> None:
        """One task row; the role is read from `role_from` on (after the agency
        names of a `Giao X, Y ...` sentence), else from the task's start."""
        span = self.doc.span(start, end)
        if span["start_char"] >= span["end_char"]:
            return  # a bullet's dash alone on its line, its words the next paragraph's: no task here
        key = span["section_id"] or f"{self.doc.doc_id}/-"
        self.counters[key] = self.counters.get(key, 0) + 1
        span.update(
            duty_id=f"{key}/{self.counters[key]}",
            agency=agency.canonical_name,
            agency_type=agency.agency_type,
            role=role_in(self.doc.match_text[role_from or span["start_char"]:span["end_char"]]),
            requested=requested,
            deadline=self.deadlines.within(span["start_char"], span["end_char"]),
        )
        self.rows.append(Duty.model_validate(span))  # a dict validates faster than keyword arguments
        self.taken.add(span["start_char"], span["end_char"])

    def claim(self, start: int, end: int) -> None:
        self.claimed.add(start, end)
        self.taken.add(start, end)

    def covers(self, pos: int) -> bool:
        return self.taken.covers(pos)

    # The section tree, indexed once: asked per section, a scan of every
    # section made a plan of N items cost N x N.

    def children(self, sec: Section) -> list[Section]:
        """The sections under `sec`, in the order of `doc.sections`."""
        return self._children.get(sec.section_id, [])

    def siblings_from(self, sec: Section) -> list[Section]:
        """`sec` and the sections after it under the same parent, in the order of `doc.sections`."""
        siblings = self._children[sec.parent_id]
        return siblings[self._sibling_index[id(sec)]:]

    def first_section_from(self, pos: int) -> Section | None:
        """The first section of `doc.sections` that starts at or after `pos`."""
        i = bisect.bisect_left(self._reach, pos)
        return self.doc.sections[i] if i < len(self._reach) else None

    @cached_property
    def _children(self) -> dict[str | None, list[Section]]:
        out: dict[str | None, list[Section]] = {}
        for s in self.doc.sections:
            out.setdefault(s.parent_id, []).append(s)
        return out

    @cached_property
    def _sibling_index(self) -> dict[int, int]:
        return {id(s): i for siblings in self._children.values() for i, s in enumerate(siblings)}

    @cached_property
    def _reach(self) -> list[int]:
        # The furthest start so far at each place of `doc.sections` (task-table
        # groups come after the others, out of text order): it never falls, so
        # the first section starting at or after a position is a bisection away.
        return list(accumulate((s.start_char for s in self.doc.sections), max))


def _task_start(doc: Document, start: int) -> int:
    """Skip a paragraph's bullet mark."""
    m = _BULLET.match(doc.match_text, start)
    return m.end() if m else start


def _member_bullet(doc: Document, agencies: _Agencies, start: int, end: int) -> tuple[list[Agency], int] | None:
    """`- *Chi cục Hải quan Khu vực III*: Chủ trì ...`, `- Đài Truyền hình Việt
    Nam, Đài Tiếng nói Việt Nam: ...` -> (the agencies, where their task starts)."""
    if not _BULLET.match(doc.match_text, start):
        return None
    first = _task_start(doc, start)
    for a in agencies.inside(first, end):
        if doc.match_text[first:a.start_char].strip():
            return None
        named = [n for n in agencies.listed_from(a, doc.match_text) if n.end_char <= end]
        after = re.match(r"\s*:", doc.match_text[named[-1].end_char:end])
        return (_distinct(named), named[-1].end_char + after.end()) if after else None
    return None


def _assign_section(b: _Builder, doc: Document, agencies: _Agencies, sec: Section, heading: Heading,
                    body_end: int) -> None:
    g = grammar()
    owners = heading.agencies
    groups: list[tuple[list[Agency], list[tuple[int, int]]]] = [(owners, [])]
    if heading.inline:
        groups[0][1].append(heading.inline)
    for start, end in paragraphs(doc, heading.body_start or sec.heading_end, body_end):
        member = _member_bullet(doc, agencies, start, end)
        task = _task_start(doc, start)
        if member:
            groups.append((member[0], [(member[1], end)]))
        elif (cue := g.assign.match(doc.match_text, task)) and _assign_sentence(b, doc, agencies, cue):
            continue  # `Giao Công an phường theo dõi ...`: the named agency's task
        elif g.generic.match(doc.match_text, task) or _other_subject(doc, agencies, task, owners):
            continue  # `Các cơ quan, đơn vị căn cứ ...`, `Sở Y tế đề nghị các đơn vị ...`
        else:
            groups[-1][1].append((task, end))
    named_members = {m.canonical_name for ms, _ in groups[1:] for m in ms}
    lead = [a for a in owners if a.canonical_name not in named_members]
    for i, (who, tasks) in enumerate(groups):
        for agency in (lead if i == 0 else who):
            for start, end in tasks:
                b.add(agency, start, end, heading.requested)


def _other_subject(doc: Document, agencies: _Agencies, start: int, owners: list[Agency]) -> bool:
    """A paragraph whose subject is an agency the heading does not name
    (`Sở Y tế đề nghị các đơn vị ...` closing a Công văn's last item)."""
    a = agencies.starting_at(start)
    if a is None or a.canonical_name in {o.canonical_name for o in owners}:
        return False
    g = grammar()
    return bool(g.heading_verb.match(doc.match_text, a.end_char)
                or g.requested.match(doc.match_text[a.end_char:a.end_char + 20]))


def _assignment_sections(b: _Builder, doc: Document, agencies: _Agencies, sec: Section,
                         requested: bool = False) -> None:
    for child in b.children(sec):
        heading = (read_heading(doc, agencies, child.start_char, child.heading_end)
                   or read_subject_heading(doc, agencies, child))
        if heading is None:
            if sec.kind == "phan_cong" and b.children(child):
                _assignment_sections(b, doc, agencies, child, requested)
            continue
        _agency_section(b, doc, agencies, child, heading, requested)


def _agency_section(b: _Builder, doc: Document, agencies: _Agencies, sec: Section, heading: Heading,
                    requested: bool) -> None:
    """The tasks under one agency heading; a group heading over member headings
    (`3. Đề nghị Ủy ban MTTQ xã và các tổ chức chính trị - xã hội` over `3.1.`,
    `3.2.` ...) gives way to its members, who inherit its `Đề nghị`."""
    heading.requested = heading.requested or requested
    grandchildren = b.children(sec)
    if grandchildren and all(read_heading(doc, agencies, g.start_char, g.heading_end) for g in grandchildren):
        _assignment_sections(b, doc, agencies, sec, heading.requested)
    else:
        _assign_section(b, doc, agencies, sec, heading, sec.end_char)
    b.claim(sec.start_char, sec.end_char)


def _assign_sentences(b: _Builder, doc: Document, agencies: _Agencies) -> None:
    """`Giao Công an xã, Văn phòng UBND xã theo dõi ...` anywhere in a body."""
    g = grammar()
    starts = _word_positions(doc, g.assign_first)
    for start, end in doc.body_spans():
        for m in finditer_at(g.assign, doc.match_text, starts, start, end):
            if not b.covers(m.start()) and not _TABLE_ROW.match(doc.line_at(m.start()).text):
                _assign_sentence(b, doc, agencies, m, lists=True)


def _assign_sentence(b: _Builder, doc: Document, agencies: _Agencies, m: re.Match, lists: bool = False) -> bool:
    """The task of one `Giao X, Y ...` sentence for each agency it names;
    False when no agency follows the cue. It asks (`requested`) only when
    `Đề nghị` opens the sentence, not in `Bộ ... đề nghị X ...`. With `lists`,
    a sentence announcing a list (`... thực hiện ngay các nội dung sau:`)
    gives the agencies the items after it instead of itself."""
    g = grammar()
    first = agencies.starting_at(m.end())
    if first is None:
        return False
    named = _distinct(agencies.listed_from(first, doc.match_text))
    line = doc.line_at(m.start())
    start, end = next(((s, e) for s, e in paragraphs(doc, line.start, len(doc.text)) if s <= m.start() < e),
                      (line.start, line.end))
    if g.problems.search(doc.match_text, start, m.start()):
        return True  # `nếu có khó khăn, vướng mắc, đề nghị X phản ánh ...`: the closing formula
    opens = not doc.match_text[_task_start(doc, start):m.start()].strip(" \t.;")
    requested = bool(g.requested.match(m.group("cue"))) and (opens or _SENTENCE_END.search(
        doc.match_text, max(start, m.start() - 3), m.start()) is not None)
    task = doc.match_text[named[-1].end_char:end]
    if g.closing.match(task):
        return True  # `đề nghị Chủ tịch ... quan tâm chỉ đạo thực hiện./.`: no task of its own
    items = _listed_items(b, doc, agencies, end) if lists and task.rstrip().endswith(":") else []
    for a in named:
        if not items:
            b.add(a, m.start(), end, requested, role_from=named[-1].end_char)
        for s, e in items:
            b.add(a, s, e, requested)
    return True


def _listed_items(b: _Builder, doc: Document, agencies: _Agencies, intro_end: int) -> list[tuple[int, int]]:
    """The tasks of the list a sentence ending in `:` announces: the numbered
    items right after it (`1. ...`, `2. ...`) up to the first that names its
    own agency, or else the bullets right after it. A paragraph introducing
    bullets of its own (`..., cụ thể:`) is no task; its bullets are."""
    after = doc.section_at(intro_end + 1)
    first = b.first_section_from(intro_end)
    if first is not None and not doc.match_text[intro_end:first.start_char].strip():
        spans = []
        for sec in b.siblings_from(first):
            if sec.start_char < intro_end:
                continue
            if b.covers(sec.start_char) or _names_own_agency(doc, agencies, sec):
                break
            spans.append((sec.start_char, sec.end_char))
            b.claim(sec.start_char, sec.end_char)
    else:
        bullets = []
        for s, e in paragraphs(doc, intro_end, after.end_char if after else _body_end(doc)):
            if not _ITEM_START.match(doc.match_text, s):
                break
            bullets.append((s, e))
        spans = bullets[:1] and [(bullets[0][0], bullets[-1][1])]
    items = []
    for start, end in spans:
        paras = list(paragraphs(doc, start, end))
        for i, (s, e) in enumerate(paras):
            s = _name_start_at(doc, s)
            if i + 1 < len(paras) and doc.match_text[s:e].rstrip().endswith(":"):
                continue
            if not grammar().generic.match(doc.match_text, s):
                items.append((s, e))
    return items


def _names_own_agency(doc: Document, agencies: _Agencies, sec: Section) -> bool:
    """A numbered item that is another agency's: `7. Giao Cục Chăn nuôi và Thú y`."""
    name_start = _name_start(doc, sec)
    cue = grammar().assign.match(doc.match_text, name_start)
    return (agencies.starting_at(cue.end() if cue else name_start) is not None
            or read_heading(doc, agencies, sec.start_char, sec.heading_end) is not None)


def _name_start_at(doc: Document, start: int) -> int:
    """Where a paragraph's words begin, after its label or bullet."""
    label = _LABEL.match(doc.match_text[start:start + 12])
    return _task_start(doc, start + label.end() if label else start)


def _lead_headings(b: _Builder, doc: Document, agencies: _Agencies) -> None:
    """Agency headings outside an assignment section: `1. Đối với Ủy ban nhân
    dân các xã, phường`, a numbered item that is only agency names
    (`2. Sở Nông nghiệp và Môi trường`, the requests of a Công văn or a Chỉ thị),
    or one that opens with agencies and a task verb (`2.3. Công an đặc khu
    tăng cường tuần tra ...` in a report's task list)."""
    g = grammar()
    for sec in doc.sections:
        if b.claimed.covers(sec.start_char):
            continue
        heading = read_heading(doc, agencies, sec.start_char, sec.heading_end)
        if heading is not None and (heading.inline is None or g.lead.match(doc.match_text, _name_start(doc, sec))):
            _agency_section(b, doc, agencies, sec, heading, False)
        elif (heading := read_subject_heading(doc, agencies, sec)) is not None:
            _agency_section(b, doc, agencies, sec, heading, False)


def _field_assignments(b: _Builder, doc: Document, agencies: _Agencies) -> None:
    """`- Cơ quan thực hiện: Sở Nội vụ chủ trì ...; Sở Tư pháp và các sở, ban,
    ngành Thành phố ... chủ động ...`: each agency a lead field names holds
    the task, except those named as partners (`phối hợp với X`) or objects
    (`tham mưu Ủy ban nhân dân Thành phố`)."""
    g = grammar()
    for start, end in doc.body_spans():
        # A field opens a line: tried at line starts only, not at every character.
        for m in finditer_at(g.field, doc.match_text, doc.line_starts, start, end):
            if m.group("partner") or b.covers(m.start()):
                continue
            para_end = next((e for s, e in paragraphs(doc, doc.line_at(m.start()).start, end) if s <= m.start() < e),
                            doc.line_at(m.start()).end)
            holders = _field_holders(doc, agencies, m.end(), para_end)
            label_role = g.roles.search(doc.match_text, m.start(), m.end())  # `Cơ quan chủ trì:`
            for a in holders:
                b.add(a, m.start(), para_end, False, role_from=m.start() if label_role else a.end_char)
            if holders:
                b.claim(m.start(), para_end)


def _field_holders(doc: Document, agencies: _Agencies, start: int, end: int) -> list[Agency]:
    g = grammar()
    out, clause_start = [], start
    for a in agencies.inside(start, end):
        before = doc.match_text[clause_start:a.start_char]
        if g.partner_cue.search(before) and not _SENTENCE_END.search(before):
            continue  # `chủ trì, phối hợp với Sở Tài chính`: a partner
        if g.object_before.search(doc.match_text, max(start, a.start_char - 20), a.start_char):
            continue
        out.append(a)
        if _SENTENCE_END.search(before):
            clause_start = a.start_char
    return _distinct(out)


def _subject_clauses(b: _Builder, doc: Document, agencies: _Agencies) -> None:
    """`...; Cơ quan thường trực Ban Chỉ đạo hoàn thiện dự thảo báo cáo ...`
    in funding, reporting and organisation sections."""
    g = grammar()
    ends = {a.end_char for a in agencies.items}
    for a in agencies.items:
        # Cheapest tests first: few mentions are followed by a task verb.
        if a.agency_type in _GENERIC_TYPES or _PLURAL.match(a.text):
            continue
        if not g.subject_verb.match(doc.match_text[a.end_char:a.end_char + 40]):
            continue
        sec = doc.section_at(a.start_char)
        if sec is None or sec.kind not in g.subject_kinds or b.covers(a.start_char):
            continue
        line = doc.line_at(a.start_char)
        if _TABLE_ROW.match(line.text):
            continue
        before = doc.match_text[line.start:a.start_char]
        opens_line = _LABEL.fullmatch(before) or _BULLET.fullmatch(before) or not before.strip()
        after_clause = re.search(r"[.;]\s*$", before)
        # After a comma only when the comma does not close another agency (`X, UBND các xã tổ chức`).
        after_comma = re.search(r",\s*$", before) and (a.start_char - len(before) + len(before.rstrip(", \t"))) not in ends
        if not (opens_line or after_clause or after_comma):
            continue
        stop = _SENTENCE_END.search(doc.match_text, a.end_char, line.end)
        b.add(a, a.start_char, stop.end() if stop else line.end, False, role_from=a.end_char)


def _body_end(doc: Document) -> int:
    return doc.body_end if doc.body_end is not None else len(doc.text)


def extract(doc: Document, agencies: list[Agency], dates: list[DateMention]) -> list[Duty]:
    """Every task the document assigns, one row per (agency, task)."""
    b = _Builder(doc, Deadlines(dates))
    found = _Agencies(agencies)
    for sec in doc.sections:
        if sec.kind in ("phan_cong", "to_chuc_thuc_hien"):
            _assignment_sections(b, doc, found, sec)
    _lead_headings(b, doc, found)
    _field_assignments(b, doc, found)
    _assign_sentences(b, doc, found)
    _subject_clauses(b, doc, found)
    return b.rows


# --- partners ------------------------------------------------------------------------

def partners(doc: Document, duties: list[Duty], agencies: list[Agency]) -> list[DutyPartner]:
    """Agencies a task names after `phối hợp (với)`: one row per (duty, partner)."""
    g = grammar()
    found = _Agencies(agencies)
    candidates = _word_positions(doc, g.partner_first)
    out = []
    for d in duties:
        seen = {d.agency}
        for pos in _partner_cues(doc, candidates, d.start_char, d.end_char):
            # From the cue on: a long task with many cues read every agency of it per cue.
            for a in found.walk(pos, d.end_char):
                if a.start_char < pos:
                    continue
                if not g.joiner.match(doc.match_text[pos:a.start_char]):
                    break
                if a.canonical_name not in seen:
                    seen.add(a.canonical_name)
                    fields = doc.span(a.start_char, a.end_char)
                    fields.update(duty_id=d.duty_id, agency=a.canonical_name, agency_type=a.agency_type)
                    out.append(DutyPartner.model_validate(fields))
                pos = a.end_char
    return out


def _word_positions(doc: Document, words: tuple[str, ...]) -> list[int]:
    """Where any of the lower-cased `words` is written: the only places a
    pattern opening with one of them can start, so the pattern is tried
    there rather than at every character (`scan.finditer_at`)."""
    lower = doc.lowered
    return sorted(i for w in words for i in _occurrences(lower, w))


def _partner_cues(doc: Document, candidates: list[int], start: int, end: int) -> list[int]:
    """Where the partners of the task in [start, end) may begin: after each cue."""
    inside = candidates[bisect.bisect_left(candidates, start):bisect.bisect_left(candidates, end)]
    return [m.end() for m in finditer_at(grammar().partner_cue, doc.match_text, inside, start, end)]


def _occurrences(text: str, word: str) -> Iterator[int]:
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


# --- findings --------------------------------------------------------------------------

# Both run on the lower-cased text (`scan.lowered`), where the engine
# can skip every character that cannot open them.
_APPENDIX_REF = re.compile(
    r"""(?:có|theo|tại)\s+phụ\s+lục\s+                 # `Có Phụ lục`, `theo Phụ lục`, `tại Phụ lục`
        (?:số\s+)?(?P<n>[ivx]+|\d+)?                   # its number, if written: `số 2`, `II`
        [^)\n]*?kèm\s+theo                              # `... kèm theo`""",
    re.VERBOSE,
)
_APPENDIX_TITLE = re.compile(r"(?m)^\s*phụ\s+lục(?:\s+(?:số\s+)?(?P<n>[ivx]+|\d+))?\b")


def missing_appendices(doc: Document) -> list[DocumentIssue]:
    """Appendices the text refers to (`Nhiệm vụ cụ thể: (Có Phụ lục 2 kèm theo)`)
    but does not contain: their tasks (or content) are not in the records."""
    body_end = _body_end(doc)
    lower = doc.lowered
    # Most plans never write `Phụ lục`: a plain search rules them out far
    # faster than the reference pattern could.
    if lower.find("lục", 0, body_end) < 0:
        return []
    # A title opens its line: tried only from the lines where `phụ` is written.
    title_lines = sorted({lower.rfind("\n", 0, at) + 1 for at in _occurrences(lower, "phụ")})
    present = {_number(doc, m) for m in finditer_at(_APPENDIX_TITLE, lower, title_lines)}
    present |= {s.appendix for s in doc.sections if s.appendix}
    issues = []
    for m in _APPENDIX_REF.finditer(lower, 0, body_end):
        n = _number(doc, m)
        if n in present or (n is None and present):
            continue
        sec = doc.section_at(m.start())
        holds_tasks = sec is not None and sec.kind == "phan_cong"
        what = "the tasks of this section are" if holds_tasks else "its content is"
        issues.append(DocumentIssue(
            **{k: v for k, v in doc.span(m.start(), m.end()).items() if k != "doc_id"},
            doc_id=doc.doc_id, kind="missing_appendix",
            message=f"Phụ lục {n or ''} is referred to but not in the text; {what} not extracted".replace("  ", " "),
        ))
    return issues


def _number(doc: Document, m: re.Match) -> str | None:
    """An appendix number as written (`II`), from a match on the lower-cased text."""
    return doc.match_text[m.start("n"):m.end("n")] if m.start("n") >= 0 else None
