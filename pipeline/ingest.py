"""Bytes -> text: formats, encodings, and refusals with a reason.

Every refusal is an `IngestFailure` whose `problem` is a short code stored
in `ingest_errors` and whose message names the file and says what to do.
Readers for other formats register themselves in `READERS` by suffix.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import NamedTuple

from core.normalize import clean_text
from pipeline.readers import doc, docx, limits, ocr, pdf
from pipeline.readers.common import IngestFailure
from pipeline.readers.limits import MAX_BYTES

# Markers of an administrative text; a document shows several of them.
_ADMIN_MARKERS = re.compile(
    r"""(?P<m>
        \bsố\s*:?\s*\d*\s*/\s*[A-ZĐ]       # a number line or a cited number `số 573/TTg`
      | \bngày\s+\d{1,2}                    # a date `ngày 25`
      | \b(?:kế\s+hoạch|quyết\s+định|công\s+văn|báo\s+cáo|thông\s+báo|tờ\s+trình|chỉ\s+thị|nghị\s+quyết)\b
      | \b(?:ủy\s+ban\s+nhân\s+dân|ubnd|hội\s+đồng\s+nhân\s+dân|đảng\s+ủy|bộ\s+\w+|sở\s+\w+)\b
      | \b(?:căn\s+cứ|thực\s+hiện|nơi\s+nhận|kính\s+gửi)\b
      | \bcộng\s+hòa\s+xã\s+hội\s+chủ\s+nghĩa
    )""",
    re.VERBOSE | re.IGNORECASE,
)
# A line of a listing rather than of a document: it names a file, holds a
# link, or fences code (a source list, a README, a web page's menu).
_LISTING_LINE = re.compile(
    r"""(?P<file>\b[\w.-]+\.(?:txt|md|pdf|docx?|json|html?|xlsx?|csv|zip|py)\b)
      | (?P<link>https?://|\]\()
      | (?P<fence>^\s*```)""",
    re.VERBOSE | re.IGNORECASE,
)
# What every listing line holds (its extension, link or fence without their
# context): a text without any has no listing line, and the line by line
# search (the costly part of the checks) is left out.
_LISTING_HINT = re.compile(r"\.(?:txt|md|pdf|docx?|json|html?|xlsx?|csv|zip|py)\b|https?://|\]\(|```", re.IGNORECASE)
# Listing lines a document may hold (attached files, a portal's address) before
# their share counts, and the share of non-blank lines that makes a listing.
LISTING_MIN_LINES = 5
LISTING_SHARE = 0.2
# Running text: a line of at least this many words. A document has at least
# BODY_MIN_WORDS words in such lines (the shortest real letter, r038, has 115);
# a menu or an index of short entries has none.
PROSE_LINE_WORDS = 12
BODY_MIN_WORDS = 30
_WORD = re.compile(r"\w+")
_NON_LETTERS = re.compile(r"[\W\d_]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)


@dataclass
class RawDocument:
    path: Path
    text: str  # the stored form (after clean_text)
    extraction_method: str  # text | docx | pdf | ocr | doc
    quality: str  # ok | repaired | low
    content_hash: str


def decode(data: bytes, path: Path | str) -> str:
    """UTF-8 (with or without BOM) or UTF-16 (BOM or NUL pattern)."""
    if data.startswith(codecs.BOM_UTF8):
        encoding, data = "utf-8", data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(data) >= 4 and data[1::2].count(0) > 0.4 * (len(data) // 2):
        encoding = "utf-16-le"  # ASCII-heavy UTF-16 without BOM: every odd byte is 0
    elif len(data) >= 4 and data[0::2].count(0) > 0.4 * (len(data) // 2):
        encoding = "utf-16-be"
    else:
        encoding = "utf-8"
    if encoding == "utf-8" and b"\x00" in data:
        raise IngestFailure(path, "binary", "contains NUL bytes; this is not a text file")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise IngestFailure(
            path, "encoding",
            f"not valid {encoding} (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8 and retry",
        ) from None
    controls = len(_CONTROL.findall(text, 0, 20000))
    if controls > 0.01 * max(1, min(len(text), 20000)):
        raise IngestFailure(path, "binary", f"{controls} control characters in the text; this is not a text file")
    return text


def _letter_counts(sample: str) -> tuple[int, int]:
    """(letters, letters only Vietnamese writes) in `sample`."""
    return len(_NON_LETTERS.sub("", sample)), len(_VIETNAMESE_LETTERS.findall(sample))


def check_document(text: str, path: Path | str) -> None:
    """Refuse texts that are empty or not Vietnamese administrative documents."""
    if not text.strip():
        raise IngestFailure(path, "empty", "the file has no text")
    sample = text[:20000]  # the opening pages tell what a text is
    _check_not_a_listing(sample, path)
    markers: set[str] = set()
    for m in _ADMIN_MARKERS.finditer(sample):
        markers.add(re.sub(r"\s+", " ", m.group().lower()))
        if len(markers) >= 3:  # enough: a real document has hundreds
            break
    # Counting letters is the costly part: a Vietnamese opening page settles
    # it, the whole sample is counted only when that page does not.
    letters, vietnamese = _letter_counts(sample[:2000])
    if letters < 100 or vietnamese < 0.05 * letters:
        letters, vietnamese = _letter_counts(sample)
    if letters < 100 or vietnamese < 0.05 * letters or len(markers) < 3:
        raise IngestFailure(
            path, "not_a_document",
            "does not look like a Vietnamese administrative document "
            f"({len(markers)} administrative markers, {letters} letters)",
        )


def _check_not_a_listing(text: str, path: Path | str) -> None:
    """Refuse a text that lists files or links (SOURCES.md, a README, a web
    page's navigation) or has no running text: its names of plans and
    issuers would otherwise pass for a plan's header."""
    lines = [line for line in text.splitlines() if line.strip()]
    listing = sum(1 for line in lines if _LISTING_LINE.search(line)) if _LISTING_HINT.search(text) else 0
    if listing >= LISTING_MIN_LINES and listing >= LISTING_SHARE * len(lines):
        raise IngestFailure(
            path, "not_a_document",
            f"not a document but a listing: {listing} of {len(lines)} lines name files, hold links or fence code "
            "(a list of sources, a README or a web page's navigation); give the documents themselves",
        )
    prose = 0
    for line in lines:  # counted until there is enough
        if (n := len(_WORD.findall(line))) >= PROSE_LINE_WORDS:
            prose += n
            if prose >= BODY_MIN_WORDS:
                return
    raise IngestFailure(
        path, "not_a_document",
        f"not a document: no body ({prose} words of running text, lines of {PROSE_LINE_WORDS} words or more; "
        f"a document has at least {BODY_MIN_WORDS})",
    )


def read_text_file(data: bytes, path: Path) -> tuple[str, str]:
    return decode(data, path), "text"



# Suffix -> reader(bytes, path) -> (raw text, extraction method).
READERS: dict[str, Callable[[bytes, Path], tuple[str, str]]] = {
    ".txt": read_text_file,
    ".md": read_text_file,
    ".docx": docx.read,
    ".pdf": pdf.read,
    ".doc": doc.read,
    ".png": ocr.read_image,
    ".jpg": ocr.read_image,
    ".jpeg": ocr.read_image,
    ".tif": ocr.read_image,
    ".tiff": ocr.read_image,
}


def read_document(path: Path) -> RawDocument:
    """Read, decode, check and clean one input file."""
    try:
        stat = path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise IngestFailure(path, "symlink_loop", "a link that leads back to itself; "
                                "point it at a file or remove it") from None
        raise IngestFailure(path, "unreadable", exc.strerror or str(exc)) from None
    if S_ISDIR(stat.st_mode):  # only a loop gives a folder here (see `list_inputs`)
        raise IngestFailure(path, "symlink_loop", "a link back to a folder that holds it (a loop); not followed")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise IngestFailure(path, "unsupported", f"no reader for '{path.suffix}' files "
                            f"(supported: {', '.join(sorted(READERS))})")
    size = stat.st_size
    if size >= MAX_BYTES:
        raise IngestFailure(path, "too_large", f"{size / 1e6:.1f} MB; files of 20 MB or more are refused")
    if size == 0:
        raise IngestFailure(path, "empty", "the file is empty")
    data = path.read_bytes()
    raw, method = reader(data, path)
    if len(raw) > limits.MAX_TEXT_CHARS:
        raise IngestFailure(path, "too_large", f"gives {len(raw) / 1e6:.0f} million characters of text; "
                            f"documents of more than {limits.MAX_TEXT_CHARS / 1e6:.0f} million are refused")
    text, repaired = clean_text(raw)
    check_document(text, path)
    quality = "low" if method == "ocr" else "repaired" if repaired else "ok"
    return RawDocument(path, text, method, quality, hashlib.sha256(data).hexdigest())


class Input(NamedTuple):
    path: Path  # where to read it
    source: str  # its identity: the path relative to the folder given, starting with that folder's name


def _files_under(folder: Path, above: frozenset[tuple[int, int]] = frozenset()) -> Iterator[Path]:
    """Every file under `folder`, links to files and folders followed. A
    link that leads back to itself or to a folder above it (a loop) is given
    as it is, so that reading it fails with the reason rather than the walk
    going round or the link being left out without a word."""
    here = folder.stat()
    above = above | {(here.st_dev, here.st_ino)}
    for entry in folder.iterdir():
        try:
            target = entry.stat()
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                yield entry
            continue  # a dangling link: nothing to read (as before)
        if not S_ISDIR(target.st_mode):
            if S_ISREG(target.st_mode):
                yield entry
        elif (target.st_dev, target.st_ino) in above:
            yield entry
        else:
            yield from _files_under(entry, above)


def list_inputs(inputs: list[Path]) -> list[Input]:
    """Files named, and the files under folders named, in a stable order.

    A file is known by its path under the folder given (`raw/a/plan.txt` for
    `plans run data/raw`), so two `plan.txt` in different folders are two
    inputs; two inputs that would still share that name (two folders called
    `raw`) are known by their full paths."""
    out: list[Input] = []
    for item in inputs:
        if item.is_dir():
            root = item.resolve().name
            out += [Input(p, f"{root}/{p.relative_to(item).as_posix()}")
                    for p in sorted(_files_under(item)) if not p.name.startswith(".")]
        else:
            out.append(Input(item, item.name))
    seen: set[str] = set()  # a file named twice (itself and its folder, or through a link) is read once
    out = [i for i in out if not (_real(i.path) in seen or seen.add(_real(i.path)))]
    clashes = {name for name, n in Counter(i.source for i in out).items() if n > 1}
    return [Input(i.path, _real(i.path)) if i.source in clashes else i for i in out]


def _real(path: Path) -> str:
    # os.path.realpath, unlike Path.resolve, gives a link loop's own path instead of raising.
    return Path(os.path.realpath(path)).as_posix()
