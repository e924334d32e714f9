"""Header block, subject line and signature -> document metadata.

The standard layout (Nghị định 30/2020/NĐ-CP) puts the issuing body at the
left over two lines and the national motto at the right, then `Số: ...`
and `Place, ngày ... tháng ... năm ...`. Converters flatten it into two
columns on one line (`ỦY BAN NHÂN DÂN      CỘNG HÒA XÃ HỘI ...`) or table
cells (`| ... | ... |`), so every header line is first cut into cells.
Where the block is missing (as in many texts copied from portals), the
issuer comes from the body (`Ủy ban nhân dân phường X xây dựng Kế hoạch`)
or the signature (`TM. ỦY BAN NHÂN DÂN`), and the place line.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from functools import cache
from collections.abc import Iterator
from dataclasses import dataclass, field

from core.dategrammar import ANY_YEAR, verbal
from core.phrases import phrases_regex
from core.vocab import document_types, load
from extractors import admin
from core.document import Document, Line
from core.normalize import fold_key
from extractors.sections import is_type_line
from schemas.records import DocumentMeta, Recipient

# A header column boundary: a table bar, a tab, or a run of 3+ spaces; a
# line break inside a table cell (`<br>`) separates lines of one column.
_COLUMN_SPLIT = re.compile(r"[^|\t]+?(?=\s*\||\t|\s{3,}|$)")
_COLUMN_GAP = re.compile(r"\||\t|\s{3}")
# A line holding only a table bar: legal-database pages write each header
# cell over several lines between such bars (`|` / `ỦY BAN NHÂN DÂN` /
# `TỈNH X` / `|` / `CỘNG HÒA XÃ HỘI` ...).
_BAR_LINE = re.compile(r"^\s*\|\s*$")
# Where a field opens inside a cell that holds several (a Word table cell
# with the issuer, the number and the date run together, a PDF line with
# both columns, a legal-database cell spread over lines).
_SOFT_SPLIT = re.compile(
    r"""(?P<motto>\s+)(?=CỘNG\s+HÒA\s+XÃ\s+HỘI|Độc\s+lập\s*[-–]\s*Tự\s+do|ĐẢNG\s+CỘNG\s+SẢN)  # issuer | motto
      | (?<=Hạnh\sphúc)(?P<motto_end>[\s*_–-]+)(?=\S)                      # motto | date or number
      | (?<=\S)(?P<number>\s+)(?=Số\s*:?\s*(?:\d|/))                        # issuer | `Số: 12/KH-UBND`
      | (?<=\S)(?P<subject>\s+)(?=\*?\s*V/v\s)                              # number | `V/v ...` subject
      | (?<=[A-ZĐÀ-Ỹ])(?P<body>\s+)(?=(?:TIỂU\s+BAN|BAN|SỞ|VĂN\s+PHÒNG|PHÒNG)\s)  # `... XÃ X` | `BAN THƯỜNG TRỰC`
      | (?P<sign>\s+)(?=(?:TM|KT|TL|TUQ)\.\s|[TK]/[ML]\s)                # recipients | signature
      | (?<=\S)(?P<date>\s+)(?=(?:\w+\s+){0,4}?\w+,\s*ngày\s)          # number | place and date
      | (?<=[;.)])(?P<tail>\s+)(?=\S[^;]*$)                               # recipient | signer's title or name
    """,
    re.VERBOSE,
)
# The place a body's name ends with, before a body under it (`... XÃ
# LƯƠNG MINH` | `BAN THƯỜNG TRỰC`): a unit word and one to four words.
_ENDS_WITH_PLACE = re.compile(r"(?:TỈNH|THÀNH\s+PHỐ|XÃ|PHƯỜNG|ĐẶC\s+KHU|HUYỆN|QUẬN|THỊ\s+XÃ)(?:\s+[A-ZĐÀ-Ỹ]+){1,4}$")
# A field left open where a draft leaves the number or the day blank.
_UNFINISHED = re.compile(r"(?:\bSố\s*:?|\bngày|\btháng)\s*$")
# A cell's words without the marks around them: emphasis, bars, a stray
# slash, a rule drawn on after the name (`SỞ ... MÔI TRƯỜNG––––––`).
_CELL_TEXT = re.compile(r"[\s*/|]*(?P<text>.*?)(?:[\s*|]*[-–—_=]{3,})?[\s*|]*$", re.DOTALL)
_LINE_BREAK_SPLIT = re.compile(r"(?:<br\s*/?>)?(?P<cell>(?:[^<]|<(?!br\s*/?>))+)", re.IGNORECASE)

NUMBER_LINE = re.compile(
    r"""^Số\s*:?\s*
        (?P<num>\d+[a-zA-Z]?)?\s*            # the number, blank in drafts (`Số: /KH-UBND`)
        (?P<sep>[/-])?\s*                     # `/` for state bodies, `-` for Party bodies (`18-NQ/TU`)
        (?P<sym>[A-ZĐa-zđ][\wĐđ.]*(?:\s*[-/]\s*[\wĐđ.]+)*)?\s*$   # the symbol: `KH-UBND`, `NQ/TU`, `QĐ - UBND`
    """,
    re.VERBOSE,
)
# The header reader lets blanks be missing between the words of its date line.
_DATE_GAP = r"\s*"
DATE_LINE = re.compile(
    rf"""^(?P<place>[^\d,;:]{{2,60}}?)\s*,\s*
        (?P<date>{verbal("", gap=_DATE_GAP, year=ANY_YEAR, blanks=True)})
    """,
    re.VERBOSE | re.IGNORECASE,
)
# The line naming who decides, between a decision's title and its body.
_AUTHORITY_OPENING = re.compile(
    r"^(?:CHỦ\s+TỊCH|ỦY\s+BAN|BAN\s+(?:THƯỜNG|CHẤP\s+HÀNH|CHỈ\s+ĐẠO)|BỘ\s+TRƯỞNG|GIÁM\s+ĐỐC|THỦ\s+TƯỚNG|HỘI\s+ĐỒNG|"
    r"TRƯỞNG\s+BAN|CHÁNH\s+VĂN\s+PHÒNG)\b")
# `V/v` before a title: the abbreviation of `về việc`, not part of the subject.
_SUBJECT_PREFIX = re.compile(r"^V/v\s*:?\s*", re.IGNORECASE)
SUBJECT_LINE = re.compile(r"^(?:V/v|Về\s+việc)\s*:?\s*(?P<subject>.+)$", re.IGNORECASE)
# The body naming its own issuer: `Ủy ban nhân dân phường Tân Hưng xây dựng Kế hoạch`.
BODY_ISSUER = re.compile(
    r"""(?P<body>(?:Ủy\s+ban\s+nhân\s+dân|UBND)
          (?:\s+(?P<unit>thành\s+phố|đặc\s+khu|tỉnh|phường|xã|huyện|quận|thị\s+xã)
             (?P<name>(?:\s+[A-ZĐ][\wđ]*){0,4})?)?)
        \s+(?:xây\s+dựng|ban\s+hành|triển\s+khai\s+thực\s+hiện|thực\s+hiện|báo\s+cáo|đề\s+nghị)
    """,
    re.VERBOSE,
)
# `TM.` (on behalf of the body), `KT.` (deputising), `TL.`/`TUQ.` (by order).
SIGN_AUTHORITY = re.compile(r"^(?P<kind>TM|KT|TL|TUQ|Q|T/M|K/T|T/L)[.\s]\s*(?P<what>.+)$")
_ON_BEHALF = re.compile(r"(?:TM|T/M)[.\s]\s*(?P<what>.+?)(?=\s+(?:KT|TL|TUQ|Q|K/T|T/L)[.\s]|$)")
_ON_BEHALF_OR_DEPUTY = re.compile(r"(?<!\w)(?:TM|KT|TL|TUQ|Q|T/M|K/T|T/L)[.\s]")
SIGNER_NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zđà-ỹ]+)(?:\s+[A-ZĐÀ-Ỹ][a-zđà-ỹ]+){1,4}$")
RECIPIENTS = re.compile(r"^\s*Nơi\s+nhận\s*:?", re.IGNORECASE)
UNIT_PLACE = re.compile(r"(?P<unit>thành\s+phố|đặc\s+khu|tỉnh|phường|xã|huyện|quận|thị\s+xã)\s+(?P<name>{name})\b")


@dataclass
class _Cell:
    text: str  # from match_text
    start: int
    end: int
    column: int  # 0 = left, 1 = right, by position in its line


@dataclass
class _Header:
    issuer_lines: list[_Cell] = field(default_factory=list)
    number: _Cell | None = None
    date: _Cell | None = None
    subject: list[_Cell] = field(default_factory=list)


def _cells(doc: Document, start: int, end: int) -> list[_Cell]:
    out = []
    first = bisect.bisect_left(doc.line_starts, start)
    for piece_start, piece, column in _pieces(doc, doc.lines[first:bisect.bisect_left(doc.line_starts, end)]):
        for at, part in _soft_split(piece):
            for m in _LINE_BREAK_SPLIT.finditer(part):
                trimmed = _CELL_TEXT.match(m.group("cell"))
                if trimmed.group("text"):
                    s = piece_start + at + m.start("cell") + trimmed.start("text")
                    out.append(_Cell(trimmed.group("text"), s, s + len(trimmed.group("text")), column))
    return out


def _pieces(doc: Document, lines: list[Line]) -> Iterator[tuple[int, str, int]]:
    """(offset, text, column) of each header cell: the columns of a line, or
    the lines between two table bars (rule lines left out), numbered from
    the left of their table row."""
    width = _row_width(lines)
    held: list[Line] = []  # the lines of a cell between bars
    column, in_table, after_bar = 0, False, False
    for line in lines:
        if not line.text.strip():
            continue
        if _BAR_LINE.match(line.text):
            if held:
                yield held[0].start, doc.match_text[held[0].start:held[-1].end], column
                held, column = [], column + 1
            elif after_bar or not in_table or column >= width:
                column = 0  # a row opens
            in_table = after_bar = True
            continue
        after_bar = False
        if in_table and column >= width:
            in_table = False  # the last row closed and no bar opens another
        if in_table:
            if not _is_rule(line.text):
                held.append(line)
            continue
        for column, (piece_start, piece) in enumerate(_columns(line.text)):
            yield line.start + piece_start, piece, column
    if held:
        yield held[0].start, doc.match_text[held[0].start:held[-1].end], column


def _row_width(lines: list[Line]) -> int:
    """Cells in the first row of a bar-line table: those before the first
    `|` `|` (a row closing and the next opening); two when no row closes."""
    cells, bars, held = 0, 0, False
    for line in lines:
        if not line.text.strip():
            continue
        if _BAR_LINE.match(line.text):
            if bars and not held:
                return max(cells, 1)
            cells, bars, held = cells + held, bars + 1, False
        elif bars:
            held = True
    return 2


def _columns(text: str) -> list[tuple[int, str]]:
    """(offset, text) of each column of a header or end-matter line: columns
    are apart by a table bar, a tab or a run of spaces."""
    if not text.strip():
        return []
    if not _COLUMN_GAP.search(text):  # most lines: one piece
        return [(0, text)]
    pieces = [(m.start(), m.group()) for m in _COLUMN_SPLIT.finditer(text) if m.group().strip()]
    for i in range(len(pieces) - 1, 0, -1):  # a draft's blanks: `Số:      /UBND-NC`, `ngày      tháng 4`
        if _UNFINISHED.search(pieces[i - 1][1]):
            (a, _), (b, right) = pieces[i - 1], pieces[i]
            pieces[i - 1:i + 1] = [(a, text[a:b + len(right)])]
    return pieces


def _soft_split(text: str) -> list[tuple[int, str]]:
    """A cell cut where another field's known opening stands (see
    `_SOFT_SPLIT`): a copy out of a PDF or a Word table runs fields together
    with single spaces."""
    cuts, body_cut = [], False
    for m in _SOFT_SPLIT.finditer(text):
        if m.lastgroup == "body":  # one body under another: cut once, after a place
            if body_cut:
                continue
            body_cut = _soft_cut_holds(text, m)
        if _soft_cut_holds(text, m):
            cuts.append(m)
    bounds = [0] + [m.end() for m in cuts] + [len(text)]
    return [(a, text[a:b]) for a, b in zip(bounds, bounds[1:])]


def _soft_cut_holds(text: str, cut: re.Match) -> bool:
    before, rest = text[:cut.start()], text[cut.end():].strip()
    if cut.lastgroup == "date":  # right after the symbol (`Số: 318/KH-SGDĐT`), not inside the place name
        return before.lstrip().startswith("Số") and re.search(r"[/\d]\S*$", before) is not None
    if cut.lastgroup == "tail":  # a signer's title (two words or more) or name
        return (rest.isupper() and len(rest.split()) >= 2 and rest[-1].isalpha()) or bool(SIGNER_NAME.match(rest))
    if cut.lastgroup == "body":
        return before.isupper() and _ENDS_WITH_PLACE.search(" ".join(before.split())) is not None
    if cut.lastgroup in ("number", "subject"):  # after a name or a number, not inside a sentence
        return before.strip().isupper() or NUMBER_LINE.match(before.strip()) is not None
    return True


def _has_letters(s: str) -> bool:
    return any(c.isalpha() for c in s)


def _is_rule(s: str) -> bool:
    return not any(c.isalnum() for c in s)


def _type_of(s: str) -> str | None:
    return document_types()[0].get(fold_key(s)) if s.isupper() else None


# --- recasing upper-case header lines ----------------------------------------

def _sentence_case(words: str) -> str:
    return words[:1].upper() + words[1:].lower()


def _title_case(words: str) -> str:
    return " ".join(w[:1].upper() + w[1:].lower() for w in words.split())


def recase_body(upper: str) -> str:
    """`ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN` -> `Ủy ban nhân dân tỉnh Hưng Yên`;
    `SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH` -> `Sở Văn hóa, Thể thao và Du lịch`."""
    text = " ".join(upper.split())
    if not text.isupper():
        return expand_abbreviations(text)
    text = expand_abbreviations(text, caps=True)
    levels = sorted(load("header")["levels"], key=len, reverse=True)
    folded = text.lower()
    if committee := _party_committee(folded):  # `TỈNH ỦY QUẢNG NGÃI`
        return f"{_sentence_case(committee)} {_title_case(text[len(committee):])}"
    for unit in levels:
        m = re.search(rf"(?<!\w){unit}(?!\w)", folded)
        if m and m.start() > 0:
            head, place = text[: m.start()].strip(), text[m.end():].strip()
            return f"{recase_body(head)} {unit} {_title_case(place)}".strip()
    # A body name: each part after a comma or `và` starts with a capital,
    # and so does the name after a head word (`Sở Y tế`, `Bộ Công an`).
    head = text.split(" ", 1)
    if len(head) == 2 and head[0].lower() in load("header")["body_levels"]:
        return f"{_sentence_case(head[0])} {recase_body(head[1])}"
    parts = re.split(r"(,\s*|\s+VÀ\s+|\s+và\s+)", text)
    return "".join(p.lower() if i % 2 else _sentence_case(p) for i, p in enumerate(parts))


def expand_abbreviations(text: str, caps: bool = False) -> str:
    """`UBND` -> `Ủy ban nhân dân` (in capitals inside a capitals line)."""
    for short, full in load("header")["abbreviations"].items():
        text = re.sub(rf"(?<!\w){re.escape(short)}(?!\w)", full.upper() if caps else full, text)
    return text


def recase_title(upper: str) -> str:
    """`PHÓ CHỦ TỊCH` -> `Phó Chủ tịch`, `GIÁM ĐỐC` -> `Giám đốc`."""
    words = upper.split()
    if words and words[0].lower() == "phó" and len(words) > 1:
        return "Phó " + _sentence_case(" ".join(words[1:]))
    return _sentence_case(" ".join(words))


# --- the parts ---------------------------------------------------------------

def _header_zone_end(doc: Document) -> int:
    """The header runs to the first section heading, or to the end matter
    in a text without headings (a short Công văn)."""
    if doc.sections:
        return doc.sections[0].start_char
    return doc.body_end if doc.body_end is not None else len(doc.text)


def _read_block(doc: Document, zone_end: int) -> tuple[_Header, _Cell | None, list[_Cell]]:
    """Issuer lines, number, date, V/v subject; the type line and title lines."""
    header = _Header()
    type_cell: _Cell | None = None
    title: list[_Cell] = []
    for cell in _cells(doc, 0, zone_end):
        if _is_motto(cell.text) or _is_rule(cell.text):
            continue
        if type_cell is not None:
            title.append(cell)
            continue
        if NUMBER_LINE.match(cell.text) and header.number is None:
            header.number = cell
        elif DATE_LINE.match(cell.text) and header.date is None:
            header.date = cell
        elif SUBJECT_LINE.match(cell.text) and not header.subject:
            header.subject.append(cell)
        elif header.subject and _continues(doc, header.subject[-1], cell):
            header.subject.append(cell)  # a V/v subject running onto the next line
        elif _type_of(cell.text):
            type_cell = cell
        elif (header.number or header.date) and (split := _type_and_title(cell)):
            type_cell, first_title = split  # `QUYẾT ĐỊNH CHẤP THUẬN CHỦ TRƯƠNG ĐẦU TƯ`
            title.append(first_title)
        elif cell.text.isupper() and header.number is None and cell.column == 0:
            header.issuer_lines.append(cell)
    return header, type_cell, _title_lines(doc, title)


def _is_motto(text: str) -> bool:
    """The national motto or the Party's heading, whole or a piece of it
    (`CỘNG HÒA XÃ HỘI` over `CHỦ NGHĨA VIỆT NAM`, a cell split mid-phrase)."""
    key = re.sub(r"\s*[-–]\s*", " - ", fold_key(text.replace("*", " ")))
    mottos = [re.sub(r"\s*[-–]\s*", " - ", m) for m in load("header")["motto"]]
    return any(m in key for m in mottos) or (len(key.split()) >= 2 and any(key in m for m in mottos))


def _type_and_title(cell: _Cell) -> tuple[_Cell, _Cell] | None:
    """A capitals line that opens with a type word and goes on with the
    title: (the type, the rest)."""
    if not cell.text.isupper():
        return None
    m = _type_opening().match(cell.text)
    if m is None or not cell.text[m.end():].strip():
        return None
    rest = cell.text[m.end():]
    at = m.end() + len(rest) - len(rest.lstrip())
    return (_Cell(m.group(), cell.start, cell.start + m.end(), cell.column),
            _Cell(rest.strip(), cell.start + at, cell.end, cell.column))


@cache
def _type_opening() -> re.Pattern:
    return re.compile(phrases_regex(n.upper() for n in document_types()[0].values()) + r"(?=\s)")


def _continues(doc: Document, prev: _Cell, cell: _Cell) -> bool:
    """`cell` is the next line of the same column, in the same paragraph."""
    between = doc.text[prev.end:cell.start]
    return (cell.column == prev.column and between.count("\n") <= 1 and not cell.text.isupper()
            and not re.match(r"Kính\s+gửi", cell.text))


def _title_lines(doc: Document, cells: list[_Cell]) -> list[_Cell]:
    """The subject runs from the type line through one paragraph in one
    case (capitals over several lines, or sentence case), and stops at an
    authority line opening the body (`CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH X`)."""
    out: list[_Cell] = []
    for cell in cells:
        if not out:
            if _AUTHORITY_OPENING.match(cell.text):
                break
        elif (_has_letters(cell.text) and cell.text.isupper() != out[0].text.isupper()) or (
                "\n\n" in doc.text[out[-1].end:cell.start] and not (out[0].text.isupper() and cell.text.isupper())) \
                or _AUTHORITY_OPENING.match(cell.text):
            break  # a line without letters (`2026 - 2030`) is in either case; capitals may cross a paragraph
        out.append(cell)
    return out


def _number(doc: Document, cell: _Cell | None) -> tuple[str | None, str | None]:
    if cell is None:
        return None, None
    m = NUMBER_LINE.match(cell.text)
    sym = m.group("sym")
    if not sym:
        return None, None
    sym = re.sub(r"\s+", "", sym)  # `SCT - CN` as typed with spaces
    number = f"{m.group('num')}{m.group('sep') or '/'}{sym}" if m.group("num") else None
    return number, sym


def _date(cell: _Cell | None, doc: Document) -> tuple[str | None, str | None, dt.date | None]:
    """(place, date text as written, date or None when day or month is blank)."""
    if cell is None:
        return None, None, None
    m = DATE_LINE.match(cell.text)
    text = doc.text[cell.start + m.start("date"): cell.start + m.end("date")]
    place = m.group("place").strip(" *")
    if not (m.group("d") and m.group("m")):
        return place, text, None
    try:
        return place, text, dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    except ValueError:
        return place, text, None


def _signature(doc: Document) -> tuple[str | None, str | None, str | None]:
    """(authority body, signer title, signer name).

    The block is what follows the body outside the recipients list: an
    authority line (`TM. ỦY BAN NHÂN DÂN`, `T/M ĐẢNG ỦY`), title lines
    (`KT. CHỦ TỊCH` / `PHÓ CHỦ TỊCH`; a chairman signing in person writes
    only `CHỦ TỊCH`), then the signer's name; a Word table cell may hold them
    all on one line (`TL. CHỦ TỊCH KT. CHÁNH VĂN PHÒNG PHÓ CHÁNH VĂN PHÒNG
    Trịnh Ngọc Duệ`). The signer's title is the last title before the name.
    """
    start = doc.body_end if doc.body_end is not None else len(doc.text)
    head = ""  # the capitals of the block so far
    for cell in _cells(doc, start, len(doc.text)):
        if RECIPIENTS.match(cell.text) or cell.text.startswith(("-", "+", "•")):
            continue
        for line in (ln.strip(" *") for ln in cell.text.split("\n")):
            caps, name = _caps_then_name(line)
            if head and is_type_line(caps):
                return _authority(head), _signer_title(head), None  # an attached plan opens: no name
            if caps.isupper() and _has_letters(caps):
                head = f"{head} {caps}".strip()
            if name and _signer_title(head):
                return _authority(head), _signer_title(head), name
    return _authority(head), _signer_title(head), None


def _caps_then_name(line: str) -> tuple[str, str | None]:
    """(capitals, name) of a signature line: `CHỦ TỊCH Hồ Văn Mười`, a name
    alone, or a name with another post after it (`Nguyễn Văn Hoàn TRƯỞNG
    BAN XÂY DỰNG ĐẢNG`); (line, None) when it holds no name."""
    words = line.split()
    for i, word in enumerate(words):
        if word[0].isupper() and word[1:].islower() and word.isalpha():
            n = i
            while n < len(words) and words[n][0].isupper() and words[n][1:].islower() and words[n].isalpha():
                n += 1
            caps = " ".join(words[:i])
            if 2 <= n - i <= 5 and (not caps or caps.isupper()):
                return caps, " ".join(words[i:n])
            return line, None
    return line, None


def _authority(head: str) -> str | None:
    m = _ON_BEHALF.search(head)
    if m is None:
        return None
    title = _title_at_end(m.group("what"))
    return m.group("what")[: -len(title)].strip() if title and title != m.group("what") else m.group("what")


def _signer_title(head: str) -> str | None:
    """The title closing the capitals of a signature block, in sentence case;
    a block with no known title gives its last capitals after a marker."""
    if title := _title_at_end(head):
        return recase_title(title)
    last = re.split(r"(?:TM|KT|TL|TUQ|Q|T/M|K/T|T/L)[.\s]\s*", head)[-1].strip()
    return recase_title(last) if last and _ON_BEHALF_OR_DEPUTY.search(head) else None


def _title_at_end(text: str) -> str | None:
    """The title closing `text`; failing that, the first title after the
    last marker (`TM. BAN CHỈ ĐẠO` / `PHÓ TRƯỞNG BAN` / `PHÓ CHỦ TỊCH UBND
    TỈNH`: the post after the first is the signer's other office)."""
    if m := _title_re("$").search(text):
        return m.group()
    markers = list(_ON_BEHALF_OR_DEPUTY.finditer(text))
    if markers and (m := _title_re(r"(?!\w)").search(text, markers[-1].end())):
        return m.group()
    return None


@cache
def _title_re(end: str) -> re.Pattern:
    """A signer's title (`PHÓ` before it or not), followed by `end`."""
    titles = phrases_regex(t.upper() for t in load("header")["signer_titles"])
    return re.compile(rf"(?<!\w)(?:PHÓ\s+)?(?:{titles}){end}")


def _recipients(doc: Document) -> list[Recipient]:
    """The bullets of the `Nơi nhận` column, also when it shares a line or a
    table row with the signature."""
    start = doc.body_end if doc.body_end is not None else len(doc.text)
    out: list[Recipient] = []
    column = None
    for cell in _cells(doc, start, len(doc.text)):
        if RECIPIENTS.match(cell.text):
            column = cell.column
            continue
        if column is None or cell.column != column:
            continue
        if SIGN_AUTHORITY.match(cell.text.strip(" *")):
            break
        if not cell.text.startswith(("-", "+", "•")) or _is_rule(cell.text):
            continue
        end = cell.end
        while end > cell.start + 1 and doc.text[end - 1] in " ;.,*":
            end -= 1
        span = doc.span(cell.start + 1, end)
        span["section_id"] = None
        if span["text"]:
            out.append(Recipient(**span, position=len(out) + 1))
    return out


# A header line that carries on the name above it rather than naming a body.
_NAME_GOES_ON = re.compile(r"(?:VÀ|&)\s", re.IGNORECASE)


def _unit_from_text(doc: Document, place: str) -> str | None:
    """The unit word the text most often puts before `place` (`xã Phong Quang`)."""
    counts: dict[str, int] = {}
    pattern = re.compile(UNIT_PLACE.pattern.format(name=re.escape(place)), re.IGNORECASE)
    for m in pattern.finditer(doc.match_text):
        unit = " ".join(m.group("unit").lower().split())
        counts[unit] = counts.get(unit, 0) + 1
    return max(counts, key=counts.get) if counts else None


def _issuer(doc: Document, header: _Header, authority: str | None,
            place: str | None) -> tuple[str | None, str | None, str | None]:
    """(issuer full name, parent issuer, locality)."""
    levels = load("header")["levels"]
    lines: list[str] = []
    for cell in header.issuer_lines:
        if lines and _NAME_GOES_ON.match(cell.text):  # `BỘ NÔNG NGHIỆP` / `VÀ MÔI TRƯỜNG`
            lines[-1] += " " + cell.text
        else:
            lines.append(cell.text)
    if lines:
        # `UBND TỈNH X` over `SỞ Y TẾ`: the lower line is the issuer when it
        # is a body of its own, else the lines are one name over two lines.
        last = recase_body(lines[-1])
        if len(lines) > 1 and fold_key(last).split()[0] not in levels and not fold_key(last).startswith(
                tuple(levels)):
            parent = recase_body(" ".join(lines[:-1]))
            if own := _locality_of(last):  # `ĐẢNG ỦY PHƯỜNG VỊ KHÊ` under `ĐẢNG BỘ TỈNH NINH BÌNH`
                return last, parent, own
            loc = _locality_of(parent)
            if not fold_key(parent).startswith(tuple(load("header")["parents_by_place"])):
                return f"{last} {parent}", parent, loc  # `BAN THƯỜNG TRỰC` under `ỦY BAN MTTQ ... XÃ X`
            return (f"{last} {_unit_phrase(parent)}" if loc else last), parent, loc  # `SỞ Y TẾ` under `UBND TỈNH X`
        full = recase_body(" ".join(lines))
        return full, None, _locality_of(full)
    if m := BODY_ISSUER.search(doc.match_text):
        name = (m.group("name") or "").strip()
        body = "Ủy ban nhân dân"
        unit = " ".join(m.group("unit").split()) if m.group("unit") else None
        if unit and not name and place:
            name = place  # `Ủy ban nhân dân thành phố ban hành` + `Hải Phòng, ngày ...`
        if unit and name:
            return f"{body} {unit} {name}", None, name
    if authority or place:
        body = recase_body(authority) if authority else "Ủy ban nhân dân"
        if place and (unit := _unit_from_text(doc, place)):
            return f"{body} {unit} {place}", None, place
        return body, None, None
    return None, None, None


def _unit_phrase(name: str) -> str:
    levels = sorted(load("header")["levels"], key=len, reverse=True)
    for unit in levels:
        m = re.search(rf"(?<!\w){unit}\s+.+$", name)
        if m:
            return m.group()
    return ""


def _party_committee(name: str) -> str | None:
    """The committee word a Party body's name opens with (`tỉnh ủy`, `thành ủy`), lower case."""
    folded = fold_key(name)
    return next((c for c in load("header")["party_committees"] if folded.startswith(c + " ")), None)


def _locality_of(name: str) -> str | None:
    if committee := _party_committee(name):
        return name[len(committee):].strip()
    phrase = _unit_phrase(name)
    return phrase.split(" ", 2 if phrase.startswith(("thành phố", "đặc khu", "thị xã")) else 1)[-1] if phrase else None


def _level(issuer: str | None) -> str | None:
    if not issuer:
        return None
    key = fold_key(issuer)
    if committee := _party_committee(key):
        return load("header")["party_committees"][committee]
    for body, level in load("header")["body_levels"].items():
        if key.startswith(body + " "):
            return level
    for unit in sorted(load("header")["levels"], key=len, reverse=True):
        if re.search(rf"(?<!\w){unit}\s", key):
            return load("header")["levels"][unit]
    return None


def read_header(doc: Document) -> tuple[DocumentMeta, list[Recipient]]:
    zone_end = _header_zone_end(doc)
    header, type_cell, title_cells = _read_block(doc, zone_end)
    number, symbol = _number(doc, header.number)
    place, date_text, issued = _date(header.date, doc)
    authority, signer_title, signer = _signature(doc)

    title_parts: list[tuple[int, int]] = []
    if type_cell is not None:
        doc_type = _type_of(type_cell.text)
        title_parts = [(c.start, c.end) for c in title_cells]
    elif header.subject:
        doc_type = "Công văn"
        first = header.subject[0]
        title_parts = [(first.start + SUBJECT_LINE.match(first.text).start("subject"), first.end)]
        title_parts += [(c.start, c.end) for c in header.subject[1:]]
    else:
        doc_type = None
    if doc_type is None and symbol:
        code = re.split(r"[-/]", symbol)[0]
        doc_type = document_types()[1].get(code)
    title = " ".join(" ".join(doc.text[a:b] for a, b in title_parts).replace("*", " ").split())
    title = _SUBJECT_PREFIX.sub("", title) or None

    issuer, parent, locality = _issuer(doc, header, authority, place)
    level = _level(issuer)
    if level == "thanh_pho" and locality and not admin.is_centrally_run_city(locality):
        level = "thanh_pho_thuoc_tinh"
    unit = admin.resolve(level, locality, doc.match_text, in_match_form=True, issued=issued) if locality else None
    meta = DocumentMeta(
        doc_id=doc.doc_id, source_name=doc.source_name, text=doc.text,
        doc_type=doc_type, number=number, symbol=symbol,
        issuer=issuer, issuer_level=level, locality=locality,
        province=unit.province if unit else None, admin_code=unit.code if unit else None,
        province_at_issue=admin.province_at_issue(unit, issued),
        issued_date=issued, issued_date_text=date_text, title=title,
        title_start=title_parts[0][0] if title else None, title_end=title_parts[-1][1] if title else None,
        signer=signer, signer_title=signer_title, parent_issuer=parent, place=place,
    )
    return meta, _recipients(doc)
