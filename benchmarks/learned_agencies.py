"""Agencies with duties: a CRF trained on the real corpus against the rules.

    python -m benchmarks.learned_agencies [--corpus DIR]   # default: benchmarks.real_corpus
        [--gold tests/gold_real] [--folds 8] [--out benchmarks/learned_agencies.md]
    python -m benchmarks.learned_agencies --build

`--build` trains the `crf+vocab` model on every gold document instead and
writes the model the pipeline ships (extractors/models/agencies.crfsuite)
with how it was built beside it (agencies.json); the texts are read from
the corpus folder, never copied into the repo.

The gold (`tests/gold_real`, format tests/gold/GOLD.md) names the agencies
each document gives tasks to, without offsets. Training spans are found by
locating each gold name in the document's matching text (tone marks
unified, case folded, any run of blanks and punctuation between its words):
inside the gold section of that duty, its first occurrence and every
occurrence in subject position (after a label or bullet, or after `Giao`,
`Đề nghị`, `Đối với` ...); a duty without a section or not found inside
it takes its subject-position occurrences anywhere, else its first one.
Those spans are the positives, every other token of the document is `O`.

The model is a linear-chain CRF (python-crfsuite through sklearn-crfsuite,
a dependency the project already has through pyvi) over the tokens of each
line (`\\w+` runs and single punctuation marks), with features of the
word, its neighbours, its place in the line, the section it stands in
and, in the `crf+vocab` variant, whether the vocabulary recognizer
(`extractors.agencies`) found an agency there. One model on 42 documents
(~150,000 tokens) takes 30-40 s on a shared core, so the default is 8-fold
cross-validation grouped by document (each document held out once, the
model trained on the other seven folds; ~10 minutes for both variants);
`--folds 0` is true leave-one-document-out (96 trainings, about an hour).

Each system's agencies with duties are scored per document with
`pipeline.evaluate.score_duties` (the function `plans eval` uses: names in
its normal form, a trailing locality dropped, one to one), twice: with
agency types required to agree, as `plans eval` does, and on names alone
(the learned spans have a type only where the vocabulary knows them).
`union` is the rules' duties plus the learned agencies they do not name.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.metadata
import json
import random
import re
import subprocess
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import sklearn_crfsuite

from benchmarks.real_corpus import REAL_CORPUS
from core.document import Document
from core.normalize import fold_key
from core.scan import lowered
from core.vocab import load
from extractors import duties, learned, task_tables
from pipeline.evaluate import Scorer, Tally, agency_key, load_gold, score_duties
from pipeline.ingest import read_document
from pipeline.run import process_document
from schemas.records import Agency, DocumentRecords

ROOT = Path(__file__).resolve().parent.parent
# The words that give or request a task right before the agency they name.
_CUE = r"(?P<cue>giao|đề\s+nghị|yêu\s+cầu|khuyến\s+khích|đối\s+với|ủy\s+quyền)(?:\s+cho)?\s+(?:các\s+)?"
# What may stand before an agency that is the subject of its line: a heading
# label or bullet, then optionally a cue.
SUBJECT_BEFORE = re.compile(
    rf"""^[\W_]*
        (?P<label>(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.):]\s*)?   # `III.`, `2.1.`, `a)`
        (?P<bullet>[-+•▪●◦\s]*)
        (?:{_CUE}|(?:các\s+)?)$""",
    re.VERBOSE | re.IGNORECASE)
# A cue anywhere in a line: `..., UBND tỉnh giao Sở Y tế chủ trì`.
CUE_BEFORE = re.compile(_CUE + "$", re.IGNORECASE)


@dataclass
class Sample:
    """One corpus document, the rules' records of it and its gold."""

    name: str
    doc: Document
    records: DocumentRecords
    gold: dict
    spans: list[tuple[int, int]] = field(default_factory=list)  # located positives
    located: int = 0  # gold duty entries found in the text
    unlocated: list[str] = field(default_factory=list)


def make_sample(name: str, text: str, gold: dict) -> Sample:
    """A cleaned text through the rules, with its gold spans located."""
    doc = Document(text, name)
    sample = Sample(name, doc, process_document(doc, learned=False), gold)  # the rules alone
    locate_gold(sample)
    return sample


def load_samples(corpus: Path, gold_dir: Path) -> list[Sample]:
    """Every gold document of `gold_dir` read from `corpus`."""
    out = []
    for gold in load_gold(gold_dir):
        path = corpus / gold["source_name"]
        if not path.is_file():
            raise FileNotFoundError(f"{path}: gold {gold['source_name']} has no document in {corpus}")
        out.append(make_sample(gold["source_name"], read_document(path).text, gold))
    return out


# --- training spans from the gold --------------------------------------------

_GAP = r"[^\w\n]+"  # between two words of a name: blanks, commas, dashes, on one line


@cache
def _abbreviations() -> list[tuple[list[str], str]]:
    """(words of the spelled-out form, abbreviation), folded, longest first:
    the gold spells `Ủy ban nhân dân các xã` where the text writes `UBND`."""
    pairs = [(re.findall(r"\w+", fold_key(full)), fold_key(abbr))
             for abbr, full in load("agencies")["abbreviations"].items()]
    return sorted(pairs, key=lambda p: -len(p[0]))


def _name_pattern(words: list[str]) -> re.Pattern:
    """Words in order with any blanks or punctuation between them; a run of
    words that an abbreviation stands for may be written as it, and the
    other way round."""
    parts, i = [], 0
    while i < len(words):
        full, abbr = next(((f, a) for f, a in _abbreviations() if words[i:i + len(f)] == f or words[i] == a),
                          (None, None))
        if full:
            parts.append("(?:" + _GAP.join(map(re.escape, full)) + "|" + re.escape(abbr) + ")")
            i += 1 if words[i] == abbr else len(full)
        else:
            parts.append(re.escape(words[i]))
            i += 1
    return re.compile(r"(?<!\w)" + _GAP.join(parts) + r"(?!\w)")


def occurrences(doc: Document, name: str) -> list[tuple[int, int]]:
    """Where `name` is written, in any case and tone-mark placement, with any
    blanks or punctuation between its words, abbreviated or not; without a
    leading `các` when the text writes the name bare."""
    words = re.findall(r"\w+", fold_key(name))
    text = lowered(doc.match_text)
    for ws in (words, words[1:] if words[:1] in (["các"], ["những"]) else []):
        if ws:
            found = [(m.start(), m.end()) for m in _name_pattern(ws).finditer(text)]
            if found:
                return found
    return []


def in_subject_position(doc: Document, start: int) -> bool:
    line = doc.line_at(start)
    before = line.text[: start - line.start]
    return bool(SUBJECT_BEFORE.match(before) or CUE_BEFORE.search(before))


def locate_gold(sample: Sample) -> None:
    """Fill the sample's positive spans from its gold duties (see module doc)."""
    doc = sample.doc
    by_path = {s.path: s for s in sample.records.sections}
    spans: set[tuple[int, int]] = set()
    for duty in sample.gold.get("duties", []):
        found = occurrences(doc, duty["agency"])
        if not found:
            sample.unlocated.append(duty["agency"])
            continue
        sample.located += 1
        sec = by_path.get(duty.get("section") or "")
        inside = [o for o in found if sec and sec.start_char <= o[0] < sec.end_char]
        if inside:
            spans.add(inside[0])
            spans.update(o for o in inside if in_subject_position(doc, o[0]))
            continue
        subject = [o for o in found if in_subject_position(doc, o[0])]
        spans.update(subject or found[:1])
    sample.spans = sorted(spans)


# --- sequences, features and labels -----------------------------------------

@dataclass
class Line:
    tokens: list[tuple[int, int]]  # offsets into the document
    features: list[dict]
    labels: list[str]


def lines_of(sample: Sample, vocab: bool, subjects_only: bool = False) -> list[Line]:
    """The document's lines as the shipped extractor featurizes them
    (`extractors.learned.lines_of`), with BIO labels from the sample's
    positive spans."""
    out, pi = [], 0
    positives = sample.spans
    for line in learned.lines_of(sample.doc, sample.records.agencies if vocab else None, subjects_only):
        labels = []
        for start, _ in line.tokens:
            while pi < len(positives) and positives[pi][1] <= start:
                pi += 1
            inside = pi < len(positives) and positives[pi][0] <= start
            labels.append(("B" if positives[pi][0] == start else "I") + "-A" if inside else "O")
        out.append(Line(line.tokens, line.features, labels))
    return out


# --- the model ---------------------------------------------------------------

# The model's training settings, the same for the cross-validation and the shipped model.
TRAINING = {"algorithm": "lbfgs", "c1": 0.05, "c2": 0.05, "max_iterations": 50, "all_possible_transitions": True}


def train(samples: list[Sample], vocab: bool, iterations: int = TRAINING["max_iterations"],
          model_filename: str | None = None) -> sklearn_crfsuite.CRF:
    """A CRF over the samples' lines; `model_filename`: where crfsuite writes it (else a temporary file)."""
    crf = sklearn_crfsuite.CRF(**{**TRAINING, "max_iterations": iterations}, model_filename=model_filename)
    lines = [ln for s in samples for ln in lines_of(s, vocab)]
    crf.fit([ln.features for ln in lines], [ln.labels for ln in lines])
    return crf


def predict(crf: sklearn_crfsuite.CRF, sample: Sample, vocab: bool,
            subjects_only: bool = False) -> list[tuple[int, int]]:
    """Spans the model tags as agencies with duties (on the lines where the
    duty rules look for holders only, as the pipeline tags, if `subjects_only`)."""
    lines = lines_of(sample, vocab, subjects_only)
    return [span for ln, tags in zip(lines, crf.predict([ln.features for ln in lines]))
            for span in learned.spans_of(ln.tokens, tags)]


# --- scoring -----------------------------------------------------------------

def _type_at(sample: Sample, start: int, end: int) -> str:
    """A learned span's type: that of the vocabulary mention it overlaps, else `khac`."""
    return next((m.agency_type for m in sample.records.agencies if m.start_char < end and start < m.end_char),
                "khac")


def learned_rows(sample: Sample, spans: list[tuple[int, int]]) -> tuple[list[dict], list[dict]]:
    """One duty row per learned span, named as written (abbreviations spelled
    out), the name as written kept as its alias."""
    text = sample.doc.text
    rows = [{"agency": learned.spelled_out(text[s:e]), "agency_type": _type_at(sample, s, e), "requested": False}
            for s, e in spans]
    return rows, [{"canonical_name": r["agency"], "text": text[s:e]} for r, (s, e) in zip(rows, spans)]


def rules_rows(sample: Sample) -> tuple[list[dict], list[dict]]:
    rows = [{"agency": d.agency, "agency_type": d.agency_type, "requested": d.requested}
            for d in sample.records.duties]
    mentions = [{"canonical_name": a.canonical_name, "text": a.text} for a in sample.records.agencies]
    return rows, mentions


def with_learned(sample: Sample, spans: list[tuple[int, int]]) -> list[Agency]:
    """The rules' mentions merged with the learned spans as the pipeline merges them."""
    return learned.merge(sample.doc, sample.records.agencies, spans)


def fed_rows(sample: Sample, spans: list[tuple[int, int]]) -> tuple[list[dict], list[dict]]:
    """The rules' duties found over the vocabulary's mentions and the learned spans."""
    found = with_learned(sample, spans)
    doc, dates = sample.doc, sample.records.dates
    rows = [{"agency": d.agency, "agency_type": d.agency_type, "requested": d.requested}
            for d in duties.extract(doc, found, dates) + task_tables.extract(doc, found, dates)]
    return rows, [{"canonical_name": a.canonical_name, "text": a.text} for a in found]


def union_rows(sample: Sample, learned: tuple[list[dict], list[dict]]) -> tuple[list[dict], list[dict]]:
    """The rules' duties plus the learned agencies not already among them
    (by name or by any name the text used for one of them)."""
    rows, mentions = rules_rows(sample)
    mentions += learned[1]
    localities = _localities(sample)
    known = {agency_key(r["agency"], localities) for r in rows}
    known |= {agency_key(m["text"], localities) for m in mentions
              if agency_key(m["canonical_name"], localities) in known}
    extra = [r for r in learned[0] if agency_key(r["agency"], localities) not in known]
    return rows + extra, mentions


def _localities(sample: Sample) -> list[str | None]:
    return [sample.gold["document"].get("locality"), sample.records.document.locality]


def score(sample: Sample, rows: list[dict], mentions: list[dict], typed: bool) -> Tally:
    gold = sample.gold
    if not typed:
        gold = {**gold, "duties": [{**d, "agency_type": None} for d in gold.get("duties", [])]}
        rows = [{**r, "agency_type": None} for r in rows]
    s = Scorer(sample.name)
    score_duties(s, gold, rows, mentions, _localities(sample))
    return s.tally("duties")


# --- the comparison ----------------------------------------------------------

# Where the hand-written reading of the figures starts in the output file.
READING = "## Reading the figures (hand-written; kept when the script re-runs)"

SYSTEMS = ("rules", "crf", "crf+vocab", "union", "rules+crf")


def folds_of(samples: list[Sample], k: int) -> list[list[int]]:
    """Held-out document indexes per fold: one each (k = 0) or k groups."""
    if k <= 0 or k >= len(samples):
        return [[i] for i in range(len(samples))]
    order = list(range(len(samples)))
    random.Random(0).shuffle(order)
    return [sorted(order[f::k]) for f in range(k)]


def compare(samples: list[Sample], k: int = 0) -> dict[str, dict[str, dict[str, Tally]]]:
    """system -> typed|names -> document -> tally, every learned figure on held-out documents."""
    out = {sys: {"typed": {}, "names": {}} for sys in SYSTEMS}
    for held in folds_of(samples, k):
        train_on = [s for i, s in enumerate(samples) if i not in held]
        models = {v: train(train_on, vocab=v) for v in (False, True)}
        for i in held:
            s = samples[i]
            spans = predict(models[True], s, True)
            learned = {"crf": learned_rows(s, predict(models[False], s, False)), "crf+vocab": learned_rows(s, spans)}
            rows = {"rules": rules_rows(s), **learned, "union": union_rows(s, learned["crf+vocab"]),
                    "rules+crf": fed_rows(s, predict(models[True], s, True, subjects_only=True))}
            for sys in SYSTEMS:
                for mode in ("typed", "names"):
                    out[sys][mode][s.name] = score(s, *rows[sys], typed=mode == "typed")
    return out


def _total(by_doc: dict[str, Tally]) -> Tally:
    t = Tally()
    for x in by_doc.values():
        t += x
    return t


def render(samples: list[Sample], results, k: int, seconds: float) -> str:
    gold_n = sum(len(s.gold.get("duties", [])) for s in samples)
    located = sum(s.located for s in samples)
    scheme = "leave-one-document-out" if k <= 0 or k >= len(samples) else f"{k}-fold grouped by document"
    lines = [
        "# Agencies with duties: rules against a CRF trained on the real corpus",
        "",
        f"`python -m benchmarks.learned_agencies` ({scheme}, {len(samples)} documents of the real corpus, "
        f"{seconds:.0f} s on this machine). Scored with `pipeline.evaluate.score_duties`, micro-averaged "
        "over documents; every learned figure is on documents the model did not see.",
        "",
        f"Training spans: {located} of {gold_n} gold duty entries ({located / gold_n:.0%}) were located in "
        f"their text; {sum(len(s.spans) for s in samples)} spans in all.",
        "",
        "| system | typed P | typed R | typed F1 | names P | names R | names F1 |",
        "|---|---|---|---|---|---|---|",
    ]
    for sys in SYSTEMS:
        t, n = _total(results[sys]["typed"]), _total(results[sys]["names"])
        lines.append(f"| {sys} | {t.precision:.3f} | {t.recall:.3f} | {t.f1:.3f} | "
                     f"{n.precision:.3f} | {n.recall:.3f} | {n.f1:.3f} |")
    rules, best = _total(results["rules"]["names"]), max(SYSTEMS, key=lambda x: _total(results[x]["names"]).f1)
    lines += ["", f"Best on names alone: `{best}` (F1 {_total(results[best]['names']).f1:.3f} against the rules' "
              f"{rules.f1:.3f}). `crf` is the model alone; `crf+vocab` adds the vocabulary's mentions as features; "
              "`union` is the rules' duties plus the `crf+vocab` agencies they lack; `rules+crf` runs the duty "
              "rules over the vocabulary's mentions and the `crf+vocab` spans of heading and `Giao`/`Đề nghị` lines, "
              "merged as the pipeline merges them (`extractors.learned.merge`: a span holding one mention replaces "
              "it, lists of mentions and spans crossing one are dropped, a span is cut before a task verb), so its "
              "rows are the pipeline's duties with tasks and offsets."]
    lines += ["", "Per document (names alone): gold agencies, then true / false hits of each system.", "",
              "| document | gold | " + " | ".join(SYSTEMS) + " |", "|---|---|" + "---|" * len(SYSTEMS)]
    for s in samples:
        cells = [f"{results[sys]['names'][s.name].tp} / {results[sys]['names'][s.name].fp}" for sys in SYSTEMS]
        g = results["rules"]["names"][s.name]
        lines.append(f"| {Path(s.name).stem.split('_')[0]} | {g.tp + g.fn} | " + " | ".join(cells) + " |")
    unlocated = [f"{Path(s.name).stem.split('_')[0]}: {n}" for s in samples for n in s.unlocated]
    lines += ["", f"Gold agencies not found in their text ({len(unlocated)}): " + "; ".join(unlocated) + "."]
    return "\n".join(lines) + "\n"


def build(corpus: Path, gold: Path) -> dict:
    """Train the shipped model on every gold document of the corpus; return its provenance."""
    t0 = time.perf_counter()
    # The code the model is built from, read before the build rewrites the model files.
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    samples = load_samples(corpus, gold)
    model = learned.MODEL
    model.parent.mkdir(exist_ok=True)
    train(samples, vocab=True, model_filename=str(model))
    data = model.read_bytes()
    info = {
        "model": model.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "built_by": "python -m benchmarks.learned_agencies --build",
        "commit": commit + ("+uncommitted changes" if dirty else ""),
        "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "corpus": "the real corpus (benchmarks/real_corpus.py; texts not in the repo)",
        "gold": gold.relative_to(ROOT).as_posix() if gold.is_relative_to(ROOT) else str(gold),
        "documents": [s.name for s in samples],
        "training_spans": sum(len(s.spans) for s in samples),
        "features": "extractors.learned.lines_of with the vocabulary's mentions (the crf+vocab variant)",
        "training": TRAINING,
        "python_crfsuite": importlib.metadata.version("python-crfsuite"),
        "seconds": round(time.perf_counter() - t0),
    }
    model.with_suffix(".json").write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return info


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=REAL_CORPUS)
    ap.add_argument("--gold", type=Path, default=ROOT / "tests" / "gold_real")
    ap.add_argument("--folds", type=int, default=8, help="documents grouped into K folds; 0: leave one out")
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("learned_agencies.md"))
    ap.add_argument("--build", action="store_true", help="train on every document and write the shipped model")
    args = ap.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"{args.corpus}: no such folder (the real corpus: set PLANS_REAL_CORPUS, see benchmarks/real_corpus.py)")
    if args.build:
        info = build(args.corpus, args.gold.resolve())
        print(f"{learned.MODEL}: {info['bytes']:,} bytes, {len(info['documents'])} documents, "
              f"{info['training_spans']} spans, {info['seconds']} s")
        return
    t0 = time.perf_counter()
    samples = load_samples(args.corpus, args.gold)
    results = compare(samples, args.folds)
    text = render(samples, results, args.folds, time.perf_counter() - t0)
    old = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
    kept = old[old.index(READING):] if READING in old else ""
    args.out.write_text(text + ("\n" + kept if kept else ""), encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
