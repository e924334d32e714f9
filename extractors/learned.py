"""Learned agencies: a CRF's spans of agencies given tasks, beside the vocabulary's.

The vocabulary recognizer (`extractors.agencies`) knows the bodies its
heads name; plans also give tasks to subjects it has no head for (`Các
doanh nghiệp viễn thông`, `Các cơ sở đào tạo đại học`, `Ban Thường trực
Ủy ban MTTQ Việt Nam xã`). A linear-chain CRF (python-crfsuite) over the
tokens of each body line, trained on the gold duty agencies of the real
corpus (benchmarks/learned_agencies.py, built by
`python -m benchmarks.learned_agencies --build`), tags those subjects; its
spans are merged with the vocabulary's mentions (`merge`) and the duty
rules run over both. Held out, that raised duty recall 0.596 -> 0.643 at
equal precision (benchmarks/learned_agencies.md).

The model ships in `extractors/models/agencies.crfsuite`, with how it was
built in `agencies.json` beside it. The features below are the model's
contract: changing them means rebuilding the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from core.document import Document
from core.phrases import phrases_regex
from core.vocab import load
from extractors import duties
from schemas.records import Agency, Section

MODEL = Path(__file__).resolve().parent / "models" / "agencies.crfsuite"

TOKEN = re.compile(r"\w+|[^\w\s]")
_WORD = re.compile(r"\w+")
# A line opening with a heading label or a bullet: `III.`, `2.1.`, `a)`, `-`.
LINE_LABEL = re.compile(
    r"""^\W*(?:
        (?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.):]   # label
        | [-+•▪●◦]                                # bullet
    )""",
    re.VERBOSE | re.IGNORECASE)


# What stands between the names of a list: `Hội phụ nữ, Đoàn thanh niên`,
# `Phòng Kinh tế, Hạ tầng và Đô thị và phòng Nông nghiệp`.
LIST_SEPARATOR = re.compile(
    r"""\s*(?:
        [,;/]\s*(?:và\s+)?   # comma, semicolon or slash, perhaps with `và`
        | và                 # `và` alone
    )\s*$""",
    re.VERBOSE | re.IGNORECASE)


class ModelError(RuntimeError):
    """The shipped model cannot be used: the message names the file and why."""


@dataclass
class Line:
    tokens: list[tuple[int, int]]  # offsets into the document
    features: list[list[str]]  # per token, CRFsuite attributes `name:value` (a flag by its name when set)


def _shape(word: str) -> str:
    if word.isdigit():
        return "digit"
    if not word[0].isalnum():
        return "punct"
    if word.isupper() and len(word) > 1:
        return "upper"
    return "title" if word[0].isupper() else "lower"


def lines_of(doc: Document, mentions: list[Agency] | None, subjects_only: bool = False) -> list[Line]:
    """The non-empty lines of the document's body (sections set) as token
    sequences with their features: the word, its two neighbours each side,
    shapes, place in the line, the section's kind and its top section's,
    whether the line is a heading, labelled or has a colon, and, given
    `mentions` (the vocabulary's agencies; None for the variant without
    them), where the vocabulary found one and its type. `subjects_only`:
    only the lines where the duty rules look for a task's holder
    (`_may_hold_subject`); each line is its own sequence, so the others
    cannot change these lines' tags."""
    marks = sorted((m.start_char, m.end_char, m.agency_type) for m in mentions or ())
    by_id = {s.section_id: s for s in doc.sections}
    body = doc.body_spans()
    out, mi = [], 0
    for line in doc.lines:
        if not any(a <= line.start < b for a, b in body):
            continue  # recipients and signatures give no duty
        sec = doc.section_at(line.start)
        if subjects_only and not _may_hold_subject(line, sec):
            continue
        matches = list(TOKEN.finditer(line.text))
        if not matches:
            continue
        words = [m.group() for m in matches]
        w = ["<s>", "<s>"] + [x.lower() for x in words] + ["</s>", "</s>"]  # w[i + 2] is word i
        shape = ["<s>"] + [_shape(x) for x in words] + ["</s>"]  # shape[i + 1] is word i's
        top = sec
        while top is not None and top.parent_id is not None:
            top = by_id.get(top.parent_id)
        common = [f"kind:{sec.kind if sec else 'none'}", f"top:{top.kind if top else 'none'}"]
        common += [flag for flag, on in (("heading", sec is not None and line.start < sec.heading_end),
                                         ("labelled", bool(LINE_LABEL.match(line.text))),
                                         ("colon", ":" in line.text)) if on]
        tokens, feats = [], []
        for i, m in enumerate(matches):
            start = line.start + m.start()
            tokens.append((start, line.start + m.end()))
            f = [f"w:{w[i + 2]}", f"shape:{shape[i + 1]}", f"i:{min(i, 6)}", f"w-1:{w[i + 1]}", f"w-2:{w[i]}",
                 f"w+1:{w[i + 3]}", f"w+2:{w[i + 4]}", f"s-1:{shape[i]}", f"s+1:{shape[i + 2]}",
                 f"w-1|w:{w[i + 1]}|{w[i + 2]}", *common]
            if mentions is not None:
                while mi < len(marks) and marks[mi][1] <= start:
                    mi += 1
                if mi < len(marks) and marks[mi][0] <= start:
                    f += ["vocab:B" if marks[mi][0] == start else "vocab:I", f"vtype:{marks[mi][2]}"]
                else:
                    f.append("vocab:O")
            feats.append(f)
        out.append(Line(tokens, feats))
    return out


def _may_hold_subject(line, sec: Section | None) -> bool:
    """Whether the duty rules (extractors/duties.py) may take a learned
    span on this line as a task's holder: a section heading (an agency
    heading, `2. Các doanh nghiệp viễn thông`) or a line with an assignment
    cue (`Giao`, `Đề nghị`). On the real corpus every learned holder the
    rules used stood in a heading (benchmarks/learned_agencies.md)."""
    if sec is None:
        return False
    if line.start < sec.heading_end:
        return True
    lower = line.text.lower()
    return any(w in lower for w in duties.grammar().assign_first)


def spans_of(tokens: list[tuple[int, int]], tags: list[str]) -> list[tuple[int, int]]:
    """The spans of a line's BIO tags (`I-A` without a `B-A` opens one)."""
    spans, start, end = [], None, 0
    for (s, e), tag in zip(tokens, tags):
        if tag == "B-A" or (tag == "I-A" and start is None):
            if start is not None:
                spans.append((start, end))
            start = s
        elif tag == "O" and start is not None:
            spans.append((start, end))
            start = None
        end = e
    if start is not None:
        spans.append((start, end))
    return spans


@cache
def tagger():
    """The shipped model, opened once per process. It is part of the
    product (python-crfsuite is a declared dependency): a missing library
    or file is an installation error, reported as such, never skipped."""
    try:
        import pycrfsuite
    except ImportError as exc:
        raise ModelError(f"{MODEL}: python-crfsuite is not importable ({exc}); "
                         "install the package's dependencies (pip install -e .)") from exc
    if not MODEL.is_file():
        raise ModelError(f"{MODEL}: the learned agency model is missing; "
                         "rebuild it with `python -m benchmarks.learned_agencies --build`")
    model = pycrfsuite.Tagger()
    try:
        model.open(str(MODEL))
    except Exception as exc:  # crfsuite says only `ValueError: Cannot open ...`
        raise ModelError(f"{MODEL}: not a readable CRFsuite model ({exc})") from exc
    return model


def predict(doc: Document, mentions: list[Agency]) -> list[tuple[int, int]]:
    """Spans the shipped model tags as agencies with duties."""
    model = tagger()
    return [span for ln in lines_of(doc, mentions, subjects_only=True)
            for span in spans_of(ln.tokens, model.tag(ln.features))]


@cache
def _abbreviations() -> tuple[re.Pattern, dict[str, str]]:
    full = load("agencies")["abbreviations"]
    return re.compile(r"(?<!\w)" + phrases_regex(full) + r"(?!\w)"), full


def spelled_out(name: str) -> str:
    """A name as written with its abbreviations spelled out, as canonical
    names are: `UBND các xã, phường` -> `Ủy ban nhân dân các xã, phường`."""
    pattern, full = _abbreviations()
    return pattern.sub(lambda m: full[m.group()], name)


def merge(doc: Document, mentions: list[Agency], spans: list[tuple[int, int]]) -> list[Agency]:
    """The vocabulary's mentions with the learned spans added: a span the
    vocabulary found as it is stays the vocabulary's (source `both`); a span
    holding mentions replaces them, named as written and typed as the first
    (`Các doanh nghiệp viễn thông` over `Các doanh nghiệp`); a span crossing
    a mention's edge is dropped (the vocabulary's reading stands); a span no
    mention touches is new, typed `khac`. A span running on into its
    task (`Trung tâm Văn hóa, Thông tin và Thể thao đặc khu xây dựng`) is
    cut before the verb. A span that is a list of the
    vocabulary's names (`Hội phụ nữ, Đoàn thanh niên, Hội cựu chiến binh`)
    is dropped too: each of them holds the task, not the list."""
    out = list(mentions)
    for s, e in spans:
        e = _before_verb(doc, s, e, mentions)
        touched = sorted((a for a in out if a.start_char < e and s < a.end_char), key=lambda a: a.start_char)
        if any(a.start_char < s or a.end_char > e for a in touched) or _is_list(doc, touched):
            continue
        if len(touched) == 1 and (touched[0].start_char, touched[0].end_char) == (s, e):
            out[out.index(touched[0])] = touched[0].model_copy(update={"source": "both"})
            continue
        kind = touched[0].agency_type if touched else "khac"
        out = [a for a in out if a not in touched]
        out.append(Agency(**doc.span(s, e), canonical_name=spelled_out(doc.text[s:e]), agency_type=kind,
                          source="ner"))
    return sorted(out, key=lambda a: a.start_char)


def _before_verb(doc: Document, start: int, end: int, mentions: list[Agency]) -> int:
    """Where the span ends once cut before the first task verb of the duty
    rules (`vocab/roles.toml`) written in lower case after its first word
    and outside the vocabulary's names (`Sở Xây dựng` is a name, `... đặc
    khu xây dựng kế hoạch` a task)."""
    verb = duties.grammar().heading_verb
    inside = [(a.start_char, a.end_char) for a in mentions if a.start_char < end and start < a.end_char]
    for m in _WORD.finditer(doc.text, start, end):
        at = m.start()
        if (at > start and m.group().islower() and not any(a <= at < b for a, b in inside)
                and verb.match(doc.match_text, at, end)):
            return len(doc.text[start:at].rstrip(" \t,;:-")) + start
    return end


def _is_list(doc: Document, names: list[Agency]) -> bool:
    """Two or more names with only list separators between them."""
    return len(names) > 1 and all(LIST_SEPARATOR.match(doc.match_text[a.end_char:b.start_char])
                                  for a, b in zip(names, names[1:]))


def extract(doc: Document, mentions: list[Agency]) -> list[Agency]:
    """The vocabulary's `mentions` merged with the model's spans."""
    return merge(doc, mentions, predict(doc, mentions))
