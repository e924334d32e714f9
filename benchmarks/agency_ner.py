"""Does a small spaCy NER add anything over the agency vocabulary?

    python benchmarks/agency_ner.py [--epochs 5] [--write-data]

Training data are the seed lines labelled by the vocabulary recognizer
(gazetteer labels, `extractors/agencies.find`), one JSON line per text line
(`benchmarks/agency_ner_train.jsonl`, written with --write-data). The model
is a blank spaCy pipeline with an `ner` component, syllable tokens (words
and punctuation split by a regex, so entity edges fall on token edges),
trained offline with a fixed seed: a few seconds per model on 2 cores.

Evaluation is leave-one-document-out: for each seed the model is trained on
the other four and run on it, and the duties extractor is fed the agencies
of (a) the vocabulary alone, (b) the model alone (its spans named and typed
through the vocabulary where it knows the head, else kept as written with
type `khac`), (c) both (vocabulary first, model spans that overlap none
added). The duties are scored against the gold as in duties_gold.py, and
the mention-level agreement of the model with the vocabulary is printed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from pathlib import Path

import spacy
from spacy.tokens import Doc
from spacy.training import Example

from benchmarks.duties_gold import ROOT, load_gold, report, score
from extractors import agencies, duties
from extractors import header
from core.document import Document
from core.normalize import clean_text
from extractors.sections import segment
from schemas.records import Agency

TOKEN = re.compile(r"\w+|[^\w\s]")
DATA = Path(__file__).with_name("agency_ner_train.jsonl")


def build(raw: str, name: str) -> Document:
    doc = Document(clean_text(raw)[0], name)
    doc.sections = segment(doc)[0]
    doc.meta, _ = header.read_header(doc)
    return doc


def tokens(nlp, text: str) -> Doc:
    words, spaces = [], []
    for m in TOKEN.finditer(text):
        words.append(m.group())
        spaces.append(m.end() < len(text) and text[m.end()].isspace())
    return Doc(nlp.vocab, words=words, spaces=spaces)


def labelled_lines(doc: Document) -> list[dict]:
    """Each non-empty line with the vocabulary's agency spans (line offsets, single-spaced)."""
    found = agencies.find(doc)
    out = []
    for line in doc.lines:
        text = " ".join(TOKEN.findall(line.text))
        if not text:
            continue
        spans = []
        for f in found:
            if line.start <= f.start and f.end <= line.end:
                before = " ".join(TOKEN.findall(line.text[: f.start - line.start]))
                inner = " ".join(TOKEN.findall(line.text[f.start - line.start: f.end - line.start]))
                start = len(before) + (1 if before else 0)
                spans.append((start, start + len(inner)))
        out.append({"text": text, "spans": spans})
    return out


def train(lines: list[dict], epochs: int, seed: int = 0):
    random.seed(seed)
    spacy.util.fix_random_seed(seed)
    nlp = spacy.blank("vi")
    ner = nlp.add_pipe("ner")
    ner.add_label("ORG")
    examples = []
    for item in lines:
        d = tokens(nlp, item["text"])
        ents = [d.char_span(s, e, label="ORG") for s, e in item["spans"]]
        if all(ents):
            examples.append(Example.from_dict(d, {"entities": [(s, e, "ORG") for s, e in item["spans"]]}))
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(epochs):
        random.shuffle(examples)
        for batch in spacy.util.minibatch(examples, size=16):
            nlp.update(batch, sgd=optimizer, drop=0.2)
    return nlp


def model_agencies(nlp, doc: Document) -> list[Agency]:
    """Model spans over each line, named through the vocabulary where it knows the head."""
    out = []
    for line in doc.lines:
        if not line.text.strip():
            continue
        matches = list(TOKEN.finditer(line.text))
        d = nlp(tokens(nlp, line.text))
        for ent in d.ents:
            start = line.start + matches[ent.start].start()
            end = line.start + matches[ent.end - 1].end()
            known = [f for f in agencies.find(doc, start, end)]
            if known:
                f = known[0]
                f.start, f.end = start, max(end, f.end)
                out.append(agencies.to_record(f, doc).model_copy(update={"source": "ner"}))
            else:
                out.append(Agency(**doc.span(start, end), canonical_name=doc.text[start:end], agency_type="khac",
                                  source="ner"))
    return out


def union(vocab: list[Agency], model: list[Agency]) -> list[Agency]:
    extra = [m for m in model if not any(v.start_char < m.end_char and m.start_char < v.end_char for v in vocab)]
    return sorted(vocab + extra, key=lambda a: a.start_char)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--write-data", action="store_true")
    args = ap.parse_args()
    gold = load_gold(ROOT / "tests" / "gold")
    docs = {g["source_name"]: build((ROOT / "data" / "raw" / g["source_name"]).read_text(encoding="utf-8"),
                                    g["source_name"]) for g in gold}
    lines = {name: labelled_lines(doc) for name, doc in docs.items()}
    if args.write_data:
        with DATA.open("w", encoding="utf-8") as fh:
            for name in sorted(lines):
                for item in lines[name]:
                    fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    results = {"vocabulary": {}, "model": {}, "both": {}}
    agree = [0, 0, 0]  # spans in both, vocab only, model only
    for name, doc in docs.items():
        t0 = time.perf_counter()
        nlp = train([x for other, ls in lines.items() if other != name for x in ls], args.epochs)
        trained = time.perf_counter() - t0
        vocab = agencies.extract(doc)
        model = model_agencies(nlp, doc)
        v_spans = {(a.start_char, a.end_char) for a in vocab}
        m_spans = {(a.start_char, a.end_char) for a in model}
        agree[0] += len(v_spans & m_spans)
        agree[1] += len(v_spans - m_spans)
        agree[2] += len(m_spans - v_spans)
        print(f"{name}: trained on the other seeds in {trained:.1f}s; {len(vocab)} vocabulary, {len(model)} model mentions; "
              f"model-only spans: {sorted(doc.text[s:e] for s, e in m_spans - v_spans)[:12]}")
        for label, found in (("vocabulary", vocab), ("model", model), ("both", union(vocab, model))):
            results[label][name] = duties.extract(doc, found, [])
    print(f"mention spans: {agree[0]} same, {agree[1]} vocabulary only, {agree[2]} model only")
    for label, by_doc in results.items():
        print(report(label, score(gold, by_doc)))


if __name__ == "__main__":
    main()
