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
from core.vocab import load
from schemas.records import Agency

MODEL = Path(__file__).resolve().parent / "models" / "agencies.crfsuite"

TOKEN = re.compile(r"\w+|[^\w\s]")
# A line opening with a heading label or a bullet: `III.`, `2.1.`, `a)`, `-`.
LINE_LABEL = re.compile(
    r"""^\W*(?:
        (?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.):]   # label
        | [-+•▪●◦]                                # bullet
    )""",
    re.VERBOSE | re.IGNORECASE)


class ModelError(RuntimeError):
    """The shipped model cannot be used: the message names the file and why."""


@dataclass
class Line:
    tokens: list[tuple[int, int]]  # offsets into the document
    features: list[dict]


def _shape(word: str) -> str:
    if word.isdigit():
        return "digit"
    if not word[0].isalnum():
        return "punct"
    if word.isupper() and len(word) > 1:
        return "upper"
    return "title" if word[0].isupper() else "lower"


def lines_of(doc: Document, mentions: list[Agency] | None) -> list[Line]:
    """The non-empty lines of the document's body (sections set) as token
    sequences with their features; `mentions`, the vocabulary's agencies,
    add where it found one (None: the variant of the model without them)."""
    marks = sorted((m.start_char, m.end_char, m.agency_type) for m in mentions or ())
    by_id = {s.section_id: s for s in doc.sections}
    body = doc.body_spans()
    out, mi = [], 0
    for line in doc.lines:
        if not any(a <= line.start < b for a, b in body):
            continue  # recipients and signatures give no duty
        matches = list(TOKEN.finditer(line.text))
        if not matches:
            continue
        words = [m.group() for m in matches]
        lower = [w.lower() for w in words]
        shapes = [_shape(w) for w in words]
        sec = doc.section_at(line.start)
        top = sec
        while top is not None and top.parent_id is not None:
            top = by_id.get(top.parent_id)
        line_feats = {
            "kind": sec.kind if sec else "none", "top": top.kind if top else "none",
            "heading": sec is not None and line.start < sec.heading_end,
            "labelled": bool(LINE_LABEL.match(line.text)), "colon": ":" in line.text,
        }
        tokens, feats = [], []
        n = len(words)
        for i, m in enumerate(matches):
            start = line.start + m.start()
            tokens.append((start, line.start + m.end()))
            f = {
                "w": lower[i], "shape": shapes[i], "i": str(min(i, 6)),
                "w-1": lower[i - 1] if i > 0 else "<s>", "w-2": lower[i - 2] if i > 1 else "<s>",
                "w+1": lower[i + 1] if i + 1 < n else "</s>", "w+2": lower[i + 2] if i + 2 < n else "</s>",
                "s-1": shapes[i - 1] if i > 0 else "<s>", "s+1": shapes[i + 1] if i + 1 < n else "</s>",
                **line_feats,
            }
            f["w-1|w"] = f["w-1"] + "|" + f["w"]
            if mentions is not None:
                while mi < len(marks) and marks[mi][1] <= start:
                    mi += 1
                if mi < len(marks) and marks[mi][0] <= start:
                    f["vocab"] = "B" if marks[mi][0] == start else "I"
                    f["vtype"] = marks[mi][2]
                else:
                    f["vocab"] = "O"
            feats.append(f)
        out.append(Line(tokens, feats))
    return out


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
    return [span for ln in lines_of(doc, mentions) for span in spans_of(ln.tokens, model.tag(ln.features))]


@cache
def _abbreviations() -> tuple[re.Pattern, dict[str, str]]:
    full = load("agencies")["abbreviations"]
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, sorted(full, key=len, reverse=True))) + r")(?!\w)"), full


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
    mention touches is new, typed `khac`."""
    out = list(mentions)
    for s, e in spans:
        touched = [a for a in out if a.start_char < e and s < a.end_char]
        if any(a.start_char < s or a.end_char > e for a in touched):
            continue
        if len(touched) == 1 and (touched[0].start_char, touched[0].end_char) == (s, e):
            out[out.index(touched[0])] = touched[0].model_copy(update={"source": "both"})
            continue
        kind = touched[0].agency_type if touched else "khac"
        out = [a for a in out if a not in touched]
        out.append(Agency(**doc.span(s, e), canonical_name=spelled_out(doc.text[s:e]), agency_type=kind,
                          source="ner"))
    return sorted(out, key=lambda a: a.start_char)


def extract(doc: Document, mentions: list[Agency]) -> list[Agency]:
    """The vocabulary's `mentions` merged with the model's spans."""
    return merge(doc, mentions, predict(doc, mentions))
