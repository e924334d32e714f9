"""Text normalization, in two stages that treat offsets differently.

1. `clean_text(raw)` runs *before* a Document exists and may change length:
   Unicode NFC, line endings, invisible characters, trailing blanks, and the
   repair of text pulled out of PDFs (sentences broken over many lines with
   blank lines between, lone page numbers). Its result is what gets stored
   in `documents.text`; every offset points into it.

2. `match_form(text)` is strictly length-preserving, so that an offset in
   the matching form is the same offset in the stored text. It unifies
   tone-mark placement (`tuý` -> `túy`, `hoá` -> `hóa`, via underthesea's
   per-word `token_normalize`), blanks markdown emphasis (`**`), and folds
   typographic quotes and dashes. Extractors match on it and cut `text`
   out of the stored form, so the words an auditor sees are the originals.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from functools import lru_cache

from underthesea.pipeline.text_normalize.token_normalize import token_normalize

# Characters that carry no text: zero-width spaces and joiners, soft hyphen, BOM.
_INVISIBLE = dict.fromkeys("\u200b\u200c\u200d\u2060\u00ad\ufeff", "")
# Exotic spaces become a plain space.
_SPACES = dict.fromkeys("\u00a0\u2007\u202f\u2009\u200a\u3000", " ")

# One character in, one character out: quotes, dashes, markdown emphasis.
_FOLD = {
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2018": "'", "\u2019": "'", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "*": " ",
}


def _replace_chars(text: str, table: dict[str, str]) -> str:
    # str.translate walks Vietnamese text character by character in Python
    # objects; one str.replace per character present is several times faster.
    for old, new in table.items():
        if old in text:
            text = text.replace(old, new)
    return text

_WORD = re.compile(r"\w+")
_MARKDOWN_HEADING = re.compile(r"(?m)^#+(?=\s)")


@lru_cache(maxsize=65536)
def _word_form(word: str) -> str:
    fixed = token_normalize(word)
    # token_normalize is length-preserving on words in practice; guard anyway
    # because the whole offset scheme rests on it.
    return fixed if len(fixed) == len(word) else word


@lru_cache(maxsize=1024)
def _any_of(words: frozenset[str]) -> re.Pattern[str]:
    """One of `words`, whole; documents of a corpus tend to share their
    misplaced tone marks, so the pattern is compiled once per set."""
    return re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + r")\b")


def _words(text: str) -> set[str]:
    r"""The distinct `\w+` words of `text`. Splitting at blanks in C and
    searching only the tokens that carry punctuation is faster than one
    `findall` over the whole text."""
    words: set[str] = set()
    for token in set(text.split()):
        if token.isalnum():  # `\w` is `isalnum()` or `_`
            words.add(token)
        else:
            words.update(_WORD.findall(token))
    return words


def match_form(text: str) -> str:
    """Length-preserving form of `text` for matching (see module doc)."""
    folded = _replace_chars(text, _FOLD)
    # Few distinct words need a fix: find them once, then replace only those.
    fixes = {w: f for w in _words(folded) if (f := _word_form(w)) != w}
    if fixes:
        folded = _any_of(frozenset(fixes)).sub(lambda m: fixes[m.group()], folded)
    if "#" in folded:  # a markdown heading marker at a line start (`## I. ...`) is layout too
        folded = _MARKDOWN_HEADING.sub(lambda m: " " * len(m.group()), folded)
    assert len(folded) == len(text)
    return folded


@lru_cache(maxsize=65536)  # names and headings recur across a corpus
def fold_key(text: str) -> str:
    """Case- and spacing-insensitive key for comparing names (`Sở Y tế`)."""
    return re.sub(r"\s+", " ", match_form(text)).strip().casefold()


# --- PDF line repair -------------------------------------------------------

_PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?(?:Trang\s+)?\d{1,3}(?:\s*-)?\s*$", re.IGNORECASE)
# Lines that start a new paragraph whatever came before them.
_STRUCTURAL_START = re.compile(
    r"""^\s*(?:
        [-+•▪●◦–—]\s                       # bullet
      | [IVXLC]+\.\s                       # roman heading
      | \d+\.(?:\d+\.?)*\s                 # arabic `1.` or decimal `1.1.` heading
      | [a-zđ]\)\s                         # lettered item
      | Điều\s+\d+                         # article of a decision
      | (?:Nơi\s+nhận|TM\.|KT\.|Q\.|TL\.|TUQ\.)  # end matter
      | \W*(?:Kính\s+gửi|V/v\s)              # a letter's addressee and subject lines
    )""",
    re.VERBOSE,
)
# A line ending on a word no sentence ends with goes on below (`Quyết định
# số` / `1074/QĐ-BXD`, `của Bộ` / `Xây dựng`).
_OPEN_ENDING = re.compile(r"(?<!\w)(?:số|của|và|ngày|tại|về|các|với|cho|theo|trong|đến|từ|tháng|năm|Bộ|Sở)\s*$")
_EMPHASIS = re.compile(r"\*\*|\*")
_HEADING_LABEL = re.compile(r"^\W*(?:[IVXLC]+|\d{1,2}(?:\.\d{1,2})*)[.)]\s")
_WRAPPED_NUMBER = re.compile(r"^\d{1,2}\.\s")
_WIDE_GAP = re.compile(r"\S\s{8,}\S")
_COLUMN_GAP = re.compile(r"\S\s{4,}\S")
# A heading label alone on its line (`**1.`, `II.`): its text is on the next.
_LONE_LABEL = re.compile(r"^\W*(?:[IVXLC]+|\d{1,2}(?:\.\d{1,2})*)\.\W*$")
# A signature's authority line, after which the title and name stand apart.
_AUTHORITY_LINE = re.compile(r"^\W*(?:TM|KT|TL|TUQ|Q)\.\s")
_TERMINAL = re.compile(r"[.:;!?]\s*$|\./\.\s*$")
# A date opening a line carries on an unfinished one (`hoàn thành trước ngày` / `31/3/2026.`).
_DATE_START = re.compile(r"\d{1,2}/\d{1,4}\b")


def _starts_lowercase(line: str) -> bool:
    stripped = line.lstrip(" *\"“(")
    return bool(stripped) and stripped[0].islower()


def _outside_bar_tables(lines: list[str]) -> list[str]:
    """The lines that are not a legal-database table's bars or the cells
    between them: a page whose tables hold thousands of one-word cells is
    judged by its prose."""
    bar = [ln.strip() == "|" for ln in lines]
    content = [i for i, ln in enumerate(lines) if ln.strip()]
    cells = {i for before, i, after in zip(content, content[1:], content[2:]) if bar[before] and bar[after]}
    return [ln for i, ln in enumerate(lines) if not bar[i] and i not in cells]


def looks_pdf_broken(lines: list[str], share: float = 0.15) -> bool:
    """True when many lines continue a sentence begun on the line before.

    Hand-typed or Word-exported text puts a paragraph on one line; text pulled
    out of a PDF breaks every visual line, so a large share of non-empty lines
    start in lower case mid-sentence. Where blank lines already part
    paragraphs of several lines, a smaller share tells a copy wrapped at a
    fixed width.
    """
    content = [ln.strip() for ln in lines if ln.strip()]
    if len(content) < 10:
        return False
    lower_starts = sum(1 for ln in content[1:] if _starts_lowercase(ln))
    return lower_starts / (len(content) - 1) >= share


def _running_lines(lines: list[str]) -> set[str]:
    """Running headers and footers: a line printed on every page, so it
    recurs, and each time stands next to a lone page number."""
    content = [ln.strip() for ln in lines if ln.strip()]
    places: dict[str, list[int]] = {}
    for i, line in enumerate(content):
        if not _PAGE_NUMBER.match(line):
            places.setdefault(line, []).append(i)

    def by_page_number(i: int) -> bool:
        return any(0 <= j < len(content) and _PAGE_NUMBER.match(content[j]) for j in (i - 1, i + 1))

    return {line for line, at in places.items() if len(at) >= 2 and all(map(by_page_number, at))}


def repair_pdf_lines(lines: list[str], blocks: bool | None = None) -> list[str]:
    """Join visual lines back into paragraphs; drop lone page numbers and
    running headers and footers.

    Where blank lines part paragraphs of several lines (a web page or a
    Markdown copy wrapped at a fixed width), a paragraph is a block of lines
    between blank lines, and the lines of a block are joined; otherwise (a
    PDF's text layer) a line is joined to the one before when it goes on
    with the sentence, judged by its case and the width of the line before.
    `blocks` says which, where the caller has judged it on the prose alone."""
    running = _running_lines(lines)
    kept = [ln.strip() for ln in lines if not _PAGE_NUMBER.match(ln) and ln.strip() not in running]
    if blocks if blocks is not None else _blank_lines_part_paragraphs(kept):
        paragraphs = [b.split("\n") for b in "\n".join(kept).split("\n\n") if b.strip()]
        return [p for block in paragraphs for p in _join(block, _joins_in_block)]
    content = [ln for ln in kept if ln]
    if not content:
        return []
    # A visual line that runs near the full width of the page did not end
    # its paragraph; a short one did (title lines, signatures, headings).
    width = statistics.quantiles([len(c) for c in content], n=10)[7] if len(content) >= 10 else max(map(len, content))

    def joins(prev: str, line: str) -> bool:
        if _STRUCTURAL_START.match(line) or _COLUMN_GAP.search(prev) or _COLUMN_GAP.search(line):
            return False  # a bullet, a heading, end matter; a line of two columns (`pdftotext -layout`)
        return not prev.isupper() and (
            _starts_lowercase(line)
            or (not _TERMINAL.search(prev) and (len(prev) >= 0.8 * width or _DATE_START.match(line) is not None
                                                or _OPEN_ENDING.search(prev) is not None)))

    return _join(content, joins)


def _join(lines: list[str], joins) -> list[str]:
    """`lines` as paragraphs: each line joined to the line before where
    `joins(prev, line)` says so; never across a table bar or a rule line,
    nor from a line in small letters to one in capitals (a type line, a
    title); always after a lone heading label (`1.`)."""
    paragraphs: list[list[str]] = []  # the lines of each, joined once at the end
    prev = None
    for line in lines:
        if not line:
            continue
        if prev is not None and not _is_layout(prev) and not _is_layout(line) \
                and not (_has_letters(line) and line.isupper() and not prev.isupper()) \
                and (_LONE_LABEL.match(prev) or joins(prev, line)):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
        prev = line
    return [" ".join(p) for p in paragraphs]


def _joins_in_block(prev: str, line: str) -> bool:
    """Inside a block between blank lines: a line goes on with the one
    before unless that one ended a sentence and this one opens another, or
    a capitals line (a title, a body's name) meets one in small letters, or
    the one before is a signature's authority line (`KT. CHỦ TỊCH`)."""
    if _WIDE_GAP.search(prev) or _WIDE_GAP.search(line):
        return False  # two columns set apart by a run of spaces
    if len(_EMPHASIS.findall(prev)) % 2 and len(_EMPHASIS.findall(line)) % 2:
        return True  # emphasis opened on one line and closed on the next: `**8. Sở` / `Công Thương**`
    if _AUTHORITY_LINE.match(prev) or (_has_letters(prev) and prev.isupper() and _has_letters(line)
                                        and not line.isupper()):
        return False
    if _STRUCTURAL_START.match(line):  # a label wrapped to a line start (`... cấp độ` / `1. Cấp ngay ...`)
        return _WRAPPED_NUMBER.match(line) is not None and len(prev) >= 60 and prev[-1].islower()
    if _HEADING_LABEL.match(prev) and not prev.isupper() and not _starts_lowercase(line):
        return False  # a numbered heading, then its first paragraph (a Word copy: one paragraph a line)
    return not (_TERMINAL.search(prev) and not _starts_lowercase(line))


def _blank_lines_part_paragraphs(lines: list[str]) -> bool:
    """Blank lines stand between paragraphs (one in ten lines or more), and
    most lines sit in a paragraph of several lines: then a block is a
    paragraph. A PDF's text with a blank after every visual line is not."""
    content = sum(1 for ln in lines if ln)
    if not content or (len(lines) - content) < 0.1 * content:
        return False
    sizes = [len(b.split("\n")) for b in "\n".join(lines).split("\n\n") if b.strip()]
    return sum(n for n in sizes if n > 1) >= 0.5 * content


# A letter or digit: `\w` is `str.isalnum()` or `_`.
_ALNUM = re.compile(r"[^\W_]")


def _is_layout(line: str) -> bool:
    """A table bar or a rule line: layout, never part of a sentence."""
    return not _ALNUM.search(line)


def _has_letters(line: str) -> bool:
    return any(c.isalpha() for c in line)


def clean_text(raw: str) -> tuple[str, bool]:
    """Normalize raw decoded text into the stored form.

    Returns the text and whether PDF line repair was applied.
    """
    text = _replace_chars(_replace_chars(unicodedata.normalize("NFC", raw), _INVISIBLE), _SPACES)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [ln.rstrip() for ln in text.split("\n")]
    prose = _outside_bar_tables(lines)
    blocks = _blank_lines_part_paragraphs([ln.strip() for ln in prose])
    # A long page wrapped at a fixed width shows fewer breaks mid-sentence
    # than a PDF; a short typed text shows few by chance.
    relaxed = blocks and sum(1 for ln in prose if ln.strip()) >= 40
    if looks_pdf_broken(prose, share=0.08 if relaxed else 0.15):
        return "\n\n".join(repair_pdf_lines(lines, blocks)) + "\n", True
    # Keep the layout, trim only blank runs at both ends.
    return "\n".join(lines).strip("\n") + "\n", False
