"""Every vocabulary file has its declared shape, and every example in it is
recognised by the code that uses its entry.

The model is reporters-db's `check_regexes`: every entry the code matches
on has an example (the schema makes `examples` required and non-empty on
such entries), and every example is recognised by its entry, through the
extractor function or the compiled pattern the extractor itself uses.
Example lists are found through the schema (every field typed `Examples`),
so a new list without a check below fails `test_every_example_list_has_a_check`.
"""

from __future__ import annotations

import tomllib
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Literal, NamedTuple, Union, get_args, get_origin

import pytest

from core.document import Document
from core.normalize import clean_text, match_form
from core.vocab import VOCAB_DIR, load, load_file
from core.vocab.schema import SCHEMAS, ExampleList, Table, VocabularyError, validate
from extractors import admin, agencies, citation_grammar, citations, dates, duties, targets, topics
from extractors.dates import scan, target_year_atoms
from extractors.sections import section_kind, segment
from extractors.statements import Span, find_cue
from extractors.task_tables import _column_kind, deadline
from extractors.themes import themes_of
from pipeline.labels import short_issuer
from places import WARD
from schemas.records import DocumentMeta

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(VOCAB_DIR.glob("*.toml")) + sorted((ROOT / "extractors" / "data").glob("*.toml"))


# --- every file has its shape ------------------------------------------------------

@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_file_has_its_shape(path):
    load_file(path)


def _set(key, value) -> Callable[[dict], None]:
    """Break a table by setting `key` (a path of keys and indexes) to `value`."""
    *path, last = key

    def breaks(data):
        for k in path:
            data = data[k]
        data[last] = value
    return breaks


# (file, break, what the message must say: the file, the key as the file reads, the fault)
BROKEN = [
    ("roles", lambda v: v["role"][2].pop("examples"), ["roles.toml", "role[2] (tham_muu).examples", "Field required"]),
    ("themes", _set(("theme", 0, "examples"), []), ["themes.toml", "theme[0] (lanh_dao).examples", "at least 1"]),
    ("themes", _set(("theme", 1, "keyword"), ["x"]), ["themes.toml", "theme[1] (van_ban_huong_dan).keyword", "Extra"]),
    ("themes", _set(("theme", 0, "layer"), "ma_tuyy"), ["themes.toml", "undeclared layers: ma_tuyy"]),
    ("roles", _set(("window",), "40"), ["roles.toml", "window", "valid integer"]),
    ("agencies", _set(("agency", 1, "variants"), []), ["agencies.toml", "agency[1] (Công an)", "`exact`"]),
    ("date_cues", _set(("periodic", "every", "tháng", 0), "monthly"), ["date_cues.toml", "periodic.every.tháng[0]"]),
    ("admin_context", _set(("superior_bodies", "ubnd"), "UBND tỉnh"), ["admin_context.toml", "superior_bodies.ubnd"]),
]


@pytest.mark.parametrize("name, breaks, says", BROKEN, ids=[f"{b[0]}:{b[2][1]}" for b in BROKEN])
def test_broken_file_fails_at_load_naming_file_and_key(name, breaks, says):
    source = next(p for p in FILES if p.stem == name)
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    breaks(data)
    with pytest.raises(VocabularyError) as err:
        validate(source, data)
    for words in says:
        assert words in str(err.value)


def test_file_without_schema_fails_at_load(tmp_path):
    (tmp_path / "colours.toml").write_text('red = ["đỏ"]\n', encoding="utf-8")
    with pytest.raises(VocabularyError, match="colours.toml: no schema"):
        load_file(tmp_path / "colours.toml")


def test_every_schema_has_its_file():
    assert {p.stem for p in FILES} == set(SCHEMAS)


def test_every_agency_type_is_declared():
    declared = set(load("agency_types")["type"])
    assert {e["type"] for e in load("agencies")["agency"]} <= declared


# --- finding the examples ------------------------------------------------------------

class Examples(NamedTuple):
    file: str
    where: str  # `role[2].examples`: the list's key in the file
    shape: str  # `role[].examples`: the same with indexes and table keys left out, which picks the check
    owner: dict | str  # the entry the list belongs to (the table key for a table of phrase -> examples)
    examples: list[str]


def _lists(file: str, tp, metadata, value, where: str, shape: str, owner) -> Iterator[Examples]:
    """Example lists inside `value` of `file`, read by its annotation `tp`."""
    if any(isinstance(m, ExampleList) for m in metadata):
        yield Examples(file, where, shape, owner, value)
    elif get_origin(tp) is Annotated:
        yield from _lists(file, get_args(tp)[0], get_args(tp)[1:], value, where, shape, owner)
    elif isinstance(tp, type) and issubclass(tp, Table):
        for name, field in tp.model_fields.items():
            key = field.alias or name
            if key in value:
                yield from _lists(file, field.annotation, field.metadata, value[key],
                                  f"{where}.{key}".lstrip("."), f"{shape}.{key}".lstrip("."), value)
    elif get_origin(tp) is list:
        for i, item in enumerate(value):
            yield from _lists(file, get_args(tp)[0], (), item, f"{where}[{i}]", f"{shape}[]", owner)
    elif get_origin(tp) is dict:
        for key, item in value.items():
            yield from _lists(file, get_args(tp)[1], (), item, f"{where}.{key}", f"{shape}.*", key)
    else:  # a plain value: no list of examples can hide in it
        assert get_origin(tp) in (None, Union, types.UnionType, Literal, tuple), f"{file}: {where}: {tp} not walked"


def example_lists() -> list[Examples]:
    return [found for path in FILES for found in _lists(path.stem, SCHEMAS[path.stem], (), load_file(path), "", "", None)]


# --- the documents the examples are read in -----------------------------------------

def _doc(text: str, where=WARD, doc_type: str | None = None) -> Document:
    """A one-example document with its sections, issued by `where`."""
    doc = Document(clean_text(text)[0], "example.txt")
    level, locality, province = where
    doc.meta = DocumentMeta(doc_id=doc.doc_id, source_name="example.txt", text=doc.text, doc_type=doc_type,
                            issuer_level=level, locality=locality, province=province)
    doc.sections = segment(doc)[0]
    return doc


def _target(example: str):
    """The target rows of the example read as an aim (`Phấn đấu ...`)."""
    rows = targets.extract(_doc("Phấn đấu " + example))
    assert rows, "no target read"
    return rows


def _agency_after(doc: Document, pos: int):
    """The first agency the recogniser finds at or after `pos` of the document."""
    found = [f for f in agencies.find(doc) if f.start >= pos]
    assert found, "no agency after the cue"
    return found[0]


# --- one check per kind of list: (owner entry, example) -> assertion ------------------

def _agency(entry, example):
    assert entry["canonical"] in {f.entry.canonical for f in agencies.find(_doc(example))}


def _date_kind(kind: str) -> Callable:
    def check(entry, example):
        assert kind in {r.kind for r in dates.extract(_doc(example))}
    return check


def _period(entry, example):
    assert {"period_start", "period_end"} <= {r.kind for r in dates.extract(_doc(example))}


def _year(entry, example):
    assert any(r.granularity == "year" and r.value is not None for r in dates.extract(_doc(example)))


def _recurring(entry, example):
    rule = entry.get("rule", "")  # `periodic` says no rule
    assert any(r.kind == "recurring" and (r.recurrence or "").startswith(rule) for r in dates.extract(_doc(example)))


def _recurring_list(entry, example):
    # every day of the list gets the rule, each its own day and month
    rules = [r.recurrence for r in dates.extract(_doc(example)) if r.kind == "recurring"]
    assert len(rules) == 2 and all((r or "").startswith("FREQ=YEARLY;BYMONTH=") for r in rules) and rules[0] != rules[1]


def _event(entry, example):
    assert any(r.event == entry["name"] and r.kind in ("event", "recurring") for r in dates.extract(_doc(example)))


def _doc_type(entry, example):
    # read in a document of another type, so that the example is no self-reference
    assert entry["name"] in [c.doc_type for c in citations.extract(_doc(example, doc_type="Báo cáo"))]


def _issuer(entry, example):
    text = match_form(example)
    spans, end = citation_grammar.read_bodies(text, 0)
    assert spans and end == len(text), "not read whole as issuing bodies"


def _role(entry, example):
    assert duties.role_of(example) == entry["name"]


def _theme(entry, example):
    # A topic layer's theme is found only in a document of one of its topics.
    topics = load("themes")["layer"][entry["layer"]]["topics"]
    assert entry["name"] in themes_of(example, topics[0] if topics else None)


def _short_form(entry, example):
    # Places as the header reads them: the last two words of the issuer.
    place = " ".join(example.split()[-2:])
    short = short_issuer(example, (place,))
    assert entry["short"] in short and entry["long"].lower() not in short.lower()


def _heading_filler(entry, example):
    assert duties.grammar().filler.match(match_form(example))


def _assign(entry, example):
    doc = _doc(example)
    cue = duties.grammar().assign.match(doc.match_text)
    assert cue and _agency_after(doc, cue.end()).start == cue.end(), "the agency must open where the cue ends"


def _subject(entry, example):
    doc = _doc(example)
    agency = _agency_after(doc, 0)
    assert duties.grammar().subject_verb.match(doc.match_text[agency.end:agency.end + 40])


def _generic(entry, example):
    assert duties.grammar().generic.match(match_form(example))


def _closing(entry, example):
    assert duties.grammar().closing.match(match_form(example))


def _problems(entry, example):
    """The problem words stand before the `Đề nghị` they make a closing formula."""
    g, form = duties.grammar(), match_form(example)
    problem = g.problems.search(form)
    assert problem and g.assign.search(form, problem.end())


def _field(entry, example):
    doc = _doc(example)
    label = duties.grammar().field.match(doc.match_text)
    assert label and _agency_after(doc, label.end()).start == label.end(), "an agency must follow the label"


def _partners(entry, example):
    g, doc = duties.grammar(), _doc(example)
    cue = g.partner_cue.search(doc.match_text)
    assert cue and g.joiner.match(doc.match_text[cue.end():_agency_after(doc, cue.end()).start])


def _section_kind(entry, example):
    assert section_kind(example) == entry["name"]


def _column(entry, example):
    assert _column_kind(example) == entry["kind"]


def _recurring_cell(entry, example):
    assert deadline(match_form(example), 2026) is None


def _target_cue(entry, example):
    doc = _doc(example)
    assert find_cue(doc, Span(0, len(doc.text)))[0] == entry["name"]


def _direction(entry, example):
    assert _target(example)[0].direction == entry["name"]


def _comparator(entry, example):
    assert _target(example)[0].comparator == entry["symbol"]


def _range(entry, example):
    (row,) = _target(example)
    assert row.comparator == ">="


def _unit(entry, example):
    assert _target(example)[0].unit is not None


def _quantity_subject(entry, example):
    (row,) = _target(example)
    assert row.subject, "no subject"
    after = match_form(example).split(row.subject, 1)[1].lstrip().lower()
    assert after.startswith(tuple(entry["stops"])), "the subject does not stop at a stop word"


def _programme_name(entry, example):
    doc = _doc("Phấn đấu thực hiện " + example)
    atoms = scan(doc)
    assert atoms and target_year_atoms(doc, atoms, Span(0, len(doc.text)), 0) == []


def _baseline(entry, example):
    assert all(t.target_year is None for t in _target(example))


def _topic(entry, example):
    """A title alone gets the entry's topic, and the evidence is the term it wrote."""
    doc = Document(example)
    doc.meta = DocumentMeta(doc_id=doc.doc_id, source_name="<title>", text=example, title=example)
    result = topics.classify(doc, [])
    assert result.topic == entry["code"]
    assert topics._term_key(example[result.evidence.start:result.evidence.end]) == result.evidence.term


def _admin_cue(weight: int) -> Callable:
    def check(phrase, example):
        assert list(admin.province_scores(example).values()) == [weight]
    return check


CHECKS: dict[tuple[str, str], Callable] = {
    ("agencies", "agency[].examples"): _agency,
    ("date_cues", "year.examples"): _year,
    ("date_cues", "range.examples"): _date_kind("range"),
    ("date_cues", "period.examples"): _period,
    ("date_cues", "deadline.examples"): _date_kind("deadline"),
    ("date_cues", "recurring[].examples"): _recurring,
    ("date_cues", "periodic.examples"): _recurring,
    ("date_cues", "recurring_list.examples"): _recurring_list,
    ("date_cues", "event[].examples"): _event,
    ("doc_types", "type[].examples"): _doc_type,
    ("issuers", "examples"): _issuer,
    ("roles", "role[].examples"): _role,
    ("roles", "heading.examples"): _heading_filler,
    ("roles", "assign.examples"): _assign,
    ("roles", "subject.examples"): _subject,
    ("roles", "generic.examples"): _generic,
    ("roles", "generic.closing_examples"): _closing,
    ("roles", "generic.problem_examples"): _problems,
    ("roles", "fields.examples"): _field,
    ("roles", "partners.examples"): _partners,
    ("themes", "theme[].examples"): _theme,
    ("section_kinds", "kind[].examples"): _section_kind,
    ("table_columns", "column[].examples"): _column,
    ("table_columns", "recurring.examples"): _recurring_cell,
    ("target_cues", "cue[].examples"): _target_cue,
    ("target_cues", "direction[].examples"): _direction,
    ("target_cues", "comparator[].examples"): _comparator,
    ("target_cues", "range.examples"): _range,
    ("target_cues", "units.examples"): _unit,
    ("target_cues", "measures.examples"): _unit,
    ("target_cues", "subject.examples"): _quantity_subject,
    ("target_cues", "names.examples"): _programme_name,
    ("target_cues", "baseline.examples"): _baseline,
    ("topics", "topic[].examples"): _topic,
    ("labels", "short[].examples"): _short_form,
    # what a cue phrase weighs in admin.province_scores
    ("admin_context", "province_words.*"): _admin_cue(1),
    ("admin_context", "superior_bodies.*"): _admin_cue(3),
    ("admin_context", "party_committees.*"): _admin_cue(3),
}

LISTS = example_lists()


def test_every_example_list_has_a_check():
    assert {(e.file, e.shape) for e in LISTS} == set(CHECKS)


CASES = [pytest.param(e, example, id=f"{e.file}:{e.where}:{example[:40]}") for e in LISTS for example in e.examples]


@pytest.mark.parametrize("examples, example", CASES)
def test_example_is_recognised(examples, example):
    CHECKS[examples.file, examples.shape](examples.owner, example)


# --- entries whose examples are the file's: each needs one of its own -----------------

def _local_heads() -> list:
    """A `[[local]]` issuer head each, failing strictly where no real example has been found yet."""
    missing = {"Thường trực Thành ủy": "no real phrase in data/ yet",
               "Đại hội Đảng bộ": "no real phrase in data/ yet (only `Đại hội đại biểu Đảng bộ`)"}
    return [pytest.param(e["head"], marks=[pytest.mark.xfail(strict=True, reason=missing[e["head"]])]
                         if e["head"] in missing else []) for e in load("issuers")["local"]]


@pytest.mark.parametrize("head", _local_heads())
def test_every_local_issuer_opens_an_example(head):
    """The issuers' examples are one list for the whole file; the heads are
    its entries, so each must be the head the body pattern reads in one."""
    forms = {match_form(f) for f in citation_grammar._with_abbreviations([head])}  # `UBND` for `Ủy ban nhân dân`
    bodies = (citation_grammar._body_pattern().match(match_form(e)) for e in load("issuers")["examples"])
    assert any(body and body.group("head") in forms for body in bodies)
