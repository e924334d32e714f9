"""`.docx` (Word 2007+) -> text, with python-docx and its XML tree.

What Word keeps out of the paragraph text is put back: list labels that
Word computes from the numbering definitions (`I.`, `1.`, `a)`), footnote
markers and footnote texts (appended at the end as `¹ text` lines, the way
the plain-text plans carry them). Tables become `| a | b |` rows, so the
two columns of the header block stay apart. Page headers and footers are
not part of the body and are left out.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document as open_docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from pipeline.readers import limits
from pipeline.readers.common import IngestFailure
from pipeline.readers.common import SUPERSCRIPT, table_row

_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_NOTE_REFS = {qn("w:footnoteReference"): "footnote", qn("w:endnoteReference"): "endnote"}
# Run content -> text; `w:t` carries its own text.
_RUN_TEXT = {qn("w:tab"): "\t", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-", qn("w:softHyphen"): ""}
_BULLETS = set("-+•–—*·▪●○◦")  # bullet glyphs that read as themselves; others (Symbol font) become `-`


def read(data: bytes, path: Path) -> tuple[str, str]:
    _check_sizes(data, path)
    try:
        word = open_docx(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise IngestFailure(path, "unreadable", f"not a valid .docx (Word 2007 or later) file: {exc}") from None
    reader = _Reader(word)
    return reader.text(), "docx"


def _check_sizes(data: bytes, path: Path) -> None:
    """Refuse a package that would unpack beyond the limits, from the sizes
    its zip directory declares: nothing is unpacked to know."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise IngestFailure(path, "unreadable", f"not a valid .docx (Word 2007 or later) file: {exc}") from None
    for p in parts:
        if p.file_size > limits.MIN_RATIO_CHECKED and p.file_size > limits.MAX_RATIO * max(p.compress_size, 1):
            raise IngestFailure(
                path, "zip_bomb",
                f"its part {p.filename} unpacks to {p.file_size / limits.MB:.0f} MB from "
                f"{p.compress_size / 1024:.0f} KB ({p.file_size / max(p.compress_size, 1):.0f} to 1); "
                f"Word packs 5 to 15 to 1, parts packed beyond {limits.MAX_RATIO} to 1 are refused")
    total = sum(p.file_size for p in parts)
    xml = sum(p.file_size for p in parts if p.filename.endswith((".xml", ".rels")))
    for size, limit, what in ((total, limits.MAX_DOCX_UNPACKED, "unpacks"),
                              (xml, limits.MAX_DOCX_XML, "its text and layout (XML) unpack")):
        if size > limit:
            raise IngestFailure(path, "too_large", f"{what} to {size / limits.MB:.1f} MB; "
                                f"the limit for a .docx is {limit / limits.MB:.0f} MB")


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out += sym * count
    return out


def _letter(n: int) -> str:
    # Word's letter lists run a..z, then aa..zz.
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""


# numFmt -> counter value as written; formats not listed fall back to decimal.
_FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperLetter": lambda n: _letter(n).upper(),
    "lowerLetter": _letter,
    "none": lambda n: "",
}


@dataclass
class _Level:
    fmt: str
    text: str  # lvlText, e.g. `%1.` or `%1.%2.`
    start: int
    style: str | None  # a paragraph style tied to this level (headings)


@dataclass
class _Numbering:
    """Word's list numbering: definitions and the running counters."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # abstractNumId -> ilvl -> level
    nums: dict[str, tuple[str, dict[int, int]]] = field(default_factory=dict)  # numId -> (abstract, restarts)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)  # abstractNumId -> ilvl -> value
    started: set[str] = field(default_factory=set)  # numIds whose restarts were applied

    @classmethod
    def of(cls, root) -> _Numbering:
        out = cls()
        if root is None:
            return out
        for absnum in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in absnum.findall(qn("w:lvl")):
                start = _val(lvl.find(qn("w:start")))
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = _Level(
                    _val(lvl.find(qn("w:numFmt"))) or "decimal", _val(lvl.find(qn("w:lvlText"))) or "",
                    int(start) if start and start.isdigit() else 1, _val(lvl.find(qn("w:pStyle"))))
            out.levels[absnum.get(qn("w:abstractNumId"))] = levels
        for num in root.findall(qn("w:num")):
            restarts = {}
            for override in num.findall(qn("w:lvlOverride")):
                start = _val(override.find(qn("w:startOverride")))
                if start and start.isdigit():
                    restarts[int(override.get(qn("w:ilvl"), "0"))] = int(start)
            out.nums[num.get(qn("w:numId"))] = (_val(num.find(qn("w:abstractNumId"))), restarts)
        return out

    def label(self, num_id: str | None, ilvl: int | None, style_id: str | None) -> str:
        """The label Word shows for the next paragraph of list `num_id` at `ilvl`."""
        if num_id is None or num_id not in self.nums:
            return ""  # numId 0 (or an unknown one) switches numbering off
        abstract, restarts = self.nums[num_id]
        levels = self.levels.get(abstract, {})
        if ilvl is None:  # a heading style names its list but not the level
            ilvl = next((i for i, lv in levels.items() if lv.style == style_id), 0)
        level = levels.get(ilvl)
        if level is None:
            return ""
        counters = self.counters.setdefault(abstract, {})
        if num_id not in self.started:
            # Lists sharing a definition continue each other unless one restarts.
            self.started.add(num_id)
            for i, start in restarts.items():
                counters[i] = start - 1
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [i for i in counters if i > ilvl]:
            del counters[deeper]
        if level.fmt == "bullet":
            return level.text if level.text in _BULLETS else "-"
        label = level.text
        for i, lv in sorted(levels.items(), reverse=True):  # `%10` before `%1`
            value = counters.get(i, lv.start)
            label = label.replace(f"%{i + 1}", _FORMATS.get(lv.fmt, str)(value))
        return label.strip()


def _val(el) -> str | None:
    return None if el is None else el.get(qn("w:val"))


def _nearest(el, tag: str):
    """The closest ancestor of `el` with `tag`."""
    el = el.getparent()
    while el is not None and el.tag != tag:
        el = el.getparent()
    return el


@dataclass
class _Notes:
    """Footnote and endnote texts, numbered in the order the body cites them."""

    texts: dict[tuple[str, str], str] = field(default_factory=dict)
    order: list[tuple[str, str]] = field(default_factory=list)

    def marker(self, ref) -> str:
        key = (_NOTE_REFS[ref.tag], ref.get(qn("w:id")))
        if key not in self.texts:
            return ""
        if key not in self.order:
            self.order.append(key)
        return str(self.order.index(key) + 1).translate(SUPERSCRIPT)

    def lines(self) -> list[str]:
        return [f"{str(i).translate(SUPERSCRIPT)} {self.texts[key]}" for i, key in enumerate(self.order, 1)]


class _Reader:
    def __init__(self, word):
        self.word = word
        self.numbering = _Numbering.of(word.part.numbering_part.element)
        self.styles = {s.get(qn("w:styleId")): s for s in word.styles.element.findall(qn("w:style"))}
        self.notes = _Notes()
        for rel in word.part.rels.values():
            if rel.reltype in (RT.FOOTNOTES, RT.ENDNOTES) and not rel.is_external:
                self._load_notes(etree.fromstring(rel.target_part.blob))

    def _load_notes(self, root) -> None:
        for note in root:
            kind = etree.QName(note).localname
            if kind in ("footnote", "endnote") and note.get(qn("w:type")) in (None, "normal"):
                text = " ".join(t for p in note.iter(qn("w:p")) if (t := self._runs(p).strip()))
                self.notes.texts[(kind, note.get(qn("w:id")))] = text

    def text(self) -> str:
        out: list[str] = []
        prev_kind = None
        for kind, text in self._blocks(self.word.element.body):
            if out:
                # Rows of one table and consecutive centred lines (a title over
                # two lines) stay together; paragraphs get a blank line between.
                out.append("\n" if kind == prev_kind and kind in ("row", "centred") else "\n\n")
            out.append(text)
            prev_kind = kind
        notes = self.notes.lines()
        if notes:
            out.append("\n\n" + "\n".join(notes))
        return "".join(out) + "\n"

    def _blocks(self, container):
        for el in container:
            if el.tag == qn("w:p"):
                text = self._paragraph(el)
                if text.strip():
                    yield ("centred" if self._centred(el) else "para"), text
            elif el.tag == qn("w:tbl"):
                for row in el.iter(qn("w:tr")):
                    if _nearest(row, qn("w:tbl")) is el:  # a nested table's rows stay inside their cell
                        yield "row", table_row(self._cells(row))
            elif el.tag in (qn("w:sdt"), qn("w:customXml"), qn("w:sdtContent")):
                yield from self._blocks(el)

    def _cells(self, row) -> list[list[str]]:
        cells = []
        for tc in row.iter(qn("w:tc")):
            if _nearest(tc, qn("w:tr")) is not row:
                continue
            paras = [self._paragraph(p) for p in tc.iter(qn("w:p"))]
            cells.append(paras)
            span = _val(tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}"))
            # A cell merged across columns keeps the columns after it aligned.
            cells += [[] for _ in range(int(span) - 1 if span and span.isdigit() else 0)]
        return cells

    def _paragraph(self, p) -> str:
        ppr = p.find(qn("w:pPr"))
        style_id = _val(ppr.find(qn("w:pStyle"))) if ppr is not None else None
        num_pr = self._num_pr(ppr, style_id)
        label = ""
        if num_pr is not None:
            ilvl = _val(num_pr.find(qn("w:ilvl")))
            label = self.numbering.label(_val(num_pr.find(qn("w:numId"))),
                                         int(ilvl) if ilvl and ilvl.isdigit() else None, style_id)
        text = self._runs(p)
        return f"{label} {text.lstrip()}" if label and text.strip() else text

    def _num_pr(self, ppr, style_id):
        """The paragraph's own numbering, else the one its style (or a base style) carries."""
        if ppr is not None and (num_pr := ppr.find(qn("w:numPr"))) is not None:
            return num_pr
        for style in self._style_chain(style_id):
            if (num_pr := style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")) is not None:
                return num_pr
        return None

    def _centred(self, p) -> bool:
        ppr = p.find(qn("w:pPr"))
        if ppr is not None and (jc := ppr.find(qn("w:jc"))) is not None:
            return _val(jc) == "center"
        style_id = _val(ppr.find(qn("w:pStyle"))) if ppr is not None else None
        for style in self._style_chain(style_id):
            if (jc := style.find(f"{qn('w:pPr')}/{qn('w:jc')}")) is not None:
                return _val(jc) == "center"
        return False

    def _style_chain(self, style_id: str | None):
        seen = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            yield style
            style_id = _val(style.find(qn("w:basedOn")))

    def _runs(self, p) -> str:
        """Text of a paragraph's runs, with breaks, tabs and note markers."""
        skip = {id(e) for fb in p.iter(_MC_FALLBACK) for e in fb.iter()}  # a drawing's duplicate copy
        out = []
        for el in p.iter(qn("w:t"), qn("w:br"), *_RUN_TEXT, *_NOTE_REFS):
            if id(el) in skip:
                continue
            if el.tag == qn("w:t"):
                out.append(el.text or "")
            elif el.tag == qn("w:br"):
                out.append("\n" if el.get(qn("w:type")) in (None, "textWrapping") else "")
            elif el.tag in _NOTE_REFS:
                out.append(self.notes.marker(el))
            else:
                out.append(_RUN_TEXT[el.tag])
        return "".join(out)
