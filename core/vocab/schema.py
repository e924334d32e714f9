"""The shape of every vocabulary file, one model per file.

`load` validates each file against its model, so a misspelt key, a missing
`examples` list or a string where a list belongs fails when the file is read,
with the file and the key named, instead of matching nothing later. The
models only check: the extractors keep reading the parsed TOML as it is.

Every entry the code matches on carries `Examples` (at least one phrase it
must recognise); tests/test_vocab.py finds them all and checks each.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints, ValidationError, model_validator

Phrase = Annotated[str, StringConstraints(min_length=1)]
Phrases = Annotated[list[Phrase], Field(min_length=1)]


class ExampleList:
    """Marks a field as examples, so that tests find every such list by the
    models (tests/test_vocab.py), whatever its key is called."""


# Phrases an entry must recognise; never empty, so no entry goes unchecked.
Examples = Annotated[list[Phrase], Field(min_length=1), ExampleList()]


class Table(BaseModel):
    # A key the model does not know is a typo, not an extension; and no
    # value is converted (`window = "40"` is an error, not 40).
    model_config = ConfigDict(extra="forbid", strict=True)


# --- agencies.toml, agency_types.toml -------------------------------------------

class Agency(Table):
    canonical: Phrase
    type: Phrase
    level: Phrase | None = None
    variants: list[Phrase] = []
    exact: list[Phrase] = []
    as_written: bool = False
    plural_only: bool = False
    named: bool = False
    party_committee: bool = False
    examples: Examples

    @model_validator(mode="after")
    def _has_a_form(self):
        if not (self.variants or self.exact):
            raise ValueError("an agency needs `variants` or `exact` forms")
        return self


class Cities(Table):
    cities: Phrases


class Compounds(Table):
    before_head: Phrases


class Agencies(Table):
    levels: dict[str, Phrases]
    provinces: Cities
    compounds: Compounds
    abbreviations: dict[str, Phrase]
    agency: list[Agency]


class AgencyType(Table):
    label: Phrase


class AgencyTypes(Table):
    type: dict[str, AgencyType]


# --- date_cues.toml --------------------------------------------------------------

class YearCues(Table):
    leads: Phrases
    examples: Examples


class PeriodCues(Table):
    start: Phrases
    join: Phrases
    open_start: Phrases
    scope: Phrases
    examples: Examples
    own_span_types: Phrases  # document types whose title's span of years is their own


class DeadlineCues(Table):
    before: Phrases
    examples: Examples


class Recurring(Table):
    rule: Annotated[str, StringConstraints(pattern=r"^FREQ=[A-Z]+(;[A-Z]+=[^;]+)*$")]
    phrases: Phrases
    examples: Examples


Frequency = Literal["YEARLY", "MONTHLY", "WEEKLY", "DAILY"]


class Periodic(Table):
    phrases: Phrases
    # TOML has arrays, not tuples: only the pair itself may be converted.
    every: dict[str, Annotated[tuple[Frequency, Annotated[int, Field(gt=0)]], Strict(False)]]
    examples: Examples


class Event(Table):
    name: Phrase
    month: int = Field(ge=1, le=12)
    day: int | None = Field(None, ge=1, le=31)
    phrases: Phrases
    examples: Examples


class RecurringList(Table):
    joins: Phrases
    examples: Examples


class DateCues(Table):
    kinds: dict[str, Phrase]  # dates.kind -> Vietnamese label
    year: YearCues
    range: YearCues
    period: PeriodCues
    deadline: DeadlineCues
    recurring: list[Recurring]
    recurring_list: RecurringList
    periodic: Periodic
    event: list[Event]


# --- doc_types.toml, header.toml, issuers.toml ------------------------------------

class DocType(Table):
    name: Phrase
    base: Phrase
    codes: list[Phrase]
    named: list[Literal["title", "period", "quoted", "programme"]] = []
    scoped: bool = False
    examples: Examples


class CitationGrammar(Table):
    self_markers: Phrases
    plural_markers: Phrases
    self_verbs: Phrases
    issuing_verbs: Phrases
    name_expansions: dict[str, Phrase]
    name_stops: Phrases
    amending_leads: Phrases
    issued_before_verbs: Phrases
    authored_before: Phrases  # `đề nghị của X tại Công văn số ...`: X wrote it
    name_comma_words: Phrases
    title_openers: Phrases


class DocTypes(Table):
    type: list[DocType]
    grammar: CitationGrammar


class Header(Table):
    motto: Phrases
    extra_types: Phrases
    signer_titles: Phrases
    parents_by_place: Phrases
    levels: dict[str, Phrase]
    body_levels: dict[str, Phrase]
    party_committees: dict[str, Phrase]
    level_labels: dict[str, Phrase]  # every level code -> Vietnamese label
    abbreviations: dict[str, Phrase]


class LocalIssuer(Table):
    head: Phrase
    implies: Phrase | None = None
    names_its_acts: bool = False
    named_by_domain: bool = False


class Places(Table):
    provinces: Phrases


class Issuers(Table):
    national: Phrases
    ministries: Phrases
    ministry_heads: Phrases
    department_levels: Phrases
    qualifiers: Phrases
    levels: Phrases
    examples: Examples
    abbreviations: dict[str, Phrase]
    same: dict[str, Phrase]
    local: list[LocalIssuer]
    symbols: dict[str, Phrase]
    symbol_patterns: dict[str, Phrase]
    places: Places


# --- roles.toml, themes.toml -----------------------------------------------------

class Role(Table):
    name: Phrase
    label: Phrase
    cues: Phrases
    examples: Examples


class HeadingWords(Table):
    fillers: Phrases
    leads: Phrases
    requested: Phrases
    examples: Examples


class AssignCues(Table):
    cues: Phrases
    titles: Phrases
    examples: Examples


class SubjectVerbs(Table):
    section_kinds: Phrases
    verbs: Phrases
    heading_verbs: Phrases
    examples: Examples


class GenericOpeners(Table):
    openers: Phrases
    examples: Examples
    closings: Phrases
    closing_examples: Examples
    problems: Phrases
    problem_examples: Examples


class TaskFields(Table):
    lead: Phrases
    partner: Phrases
    objects: Phrases
    examples: Examples


class PartnerCues(Table):
    cues: Phrases
    joiners: Phrases
    examples: Examples


class Roles(Table):
    window: int = Field(gt=0)
    default: Phrase
    default_label: Phrase
    role: list[Role]
    heading: HeadingWords
    assign: AssignCues
    subject: SubjectVerbs
    generic: GenericOpeners
    fields: TaskFields
    partners: PartnerCues


class ThemeLayer(Table):
    label: Phrase
    topics: list[Phrase]  # document topics (topics.toml codes) the layer applies to; none: every document


class Theme(Table):
    name: Phrase
    label: Phrase
    layer: Phrase  # a key of `layer`
    keywords: Phrases
    not_after: list[Phrase] = []  # words before a keyword that make it another's act or a name (`theo chỉ đạo`)
    examples: Examples


class Themes(Table):
    layer: dict[str, ThemeLayer]
    theme: list[Theme]

    @model_validator(mode="after")
    def _layers_declared(self):
        unknown = sorted({t.layer for t in self.theme} - set(self.layer))
        if unknown:
            raise ValueError(f"themes name undeclared layers: {', '.join(unknown)}")
        return self


# --- section_kinds.toml, table_columns.toml ----------------------------------------

class SectionKind(Table):
    name: Phrase
    label: Phrase
    starts: Phrases
    examples: Examples


class SectionKinds(Table):
    other_label: Phrase  # the kind of a heading no entry fits
    kind: list[SectionKind]


class Column(Table):
    kind: Phrase
    starts: Phrases
    examples: Examples


class RecurringCells(Table):
    starts: Phrases
    examples: Examples


class TableColumns(Table):
    column: list[Column]
    recurring: RecurringCells


# --- target_cues.toml --------------------------------------------------------------

class AimSections(Table):
    kinds: Phrases


class TargetCue(Table):
    name: Phrase
    phrases: Phrases
    quantity_next: bool
    not_after: list[Phrase]
    examples: Examples


class Direction(Table):
    name: Phrase
    phrases: Phrases
    examples: Examples


class Comparator(Table):
    symbol: Literal[">=", "<=", ">", "<", "="]
    phrases: Phrases
    after: list[Phrase] = []
    examples: Examples


class RangeWords(Table):
    from_: Phrases = Field(alias="from")
    examples: Examples


class Units(Table):
    phrases: Phrases
    magnitudes: Phrases
    examples: Examples


class Measures(Table):
    phrases: Phrases
    per: Phrases
    examples: Examples


class QuantitySubject(Table):
    stops: Phrases
    trailing_verbs: Phrases
    examples: Examples


class NameOpeners(Table):
    openers: Phrases
    examples: Examples


class Baseline(Table):
    phrases: Phrases
    examples: Examples


class TargetCues(Table):
    sections: AimSections
    cue: list[TargetCue]
    direction: list[Direction]
    comparator: list[Comparator]
    range: RangeWords
    units: Units
    measures: Measures
    subject: QuantitySubject
    names: NameOpeners
    baseline: Baseline


# --- topics.toml ---------------------------------------------------------------------

class Strength(Table):
    strong: int
    medium: int
    weak: int


class TopicPlaces(Table):
    title: int
    implemented_title: int
    title_head: int
    cited_title: int
    body: int
    body_repeats: int
    minimum: int


class Topic(Table):
    code: Phrase
    label: Phrase
    strong: list[Phrase] = []
    medium: list[Phrase] = []
    weak: list[Phrase] = []
    examples: Examples

    @model_validator(mode="after")
    def _has_terms(self):
        if not (self.strong or self.medium or self.weak):
            raise ValueError("a topic needs `strong`, `medium` or `weak` terms")
        return self


class Topics(Table):
    other_label: Phrase  # the topic of a document no entry fits
    agency_heads: Phrases
    strength: Strength
    places: TopicPlaces
    topic: list[Topic]


# --- labels.toml ---------------------------------------------------------------------

class ShortForm(Table):
    long: Phrase
    short: str  # empty: the body is named by its place alone
    examples: Examples


class Labels(Table):
    province_words: Phrases
    max_words: int = Field(gt=0)
    short: list[ShortForm]


# --- extractors/data/admin_context.toml -----------------------------------------------

class AdminContext(Table):
    merger_date: dt.date
    # Each cue phrase maps to the real phrasings it must be found in.
    province_words: dict[str, Examples]
    superior_bodies: dict[str, Examples]
    party_committees: dict[str, Examples]
    aliases: dict[str, Phrase]


# File name (without `.toml`) -> its model. A vocabulary file without one
# cannot be loaded, so a new file comes with its shape.
SCHEMAS: dict[str, type[Table]] = {
    "agencies": Agencies,
    "agency_types": AgencyTypes,
    "date_cues": DateCues,
    "doc_types": DocTypes,
    "header": Header,
    "issuers": Issuers,
    "roles": Roles,
    "themes": Themes,
    "section_kinds": SectionKinds,
    "table_columns": TableColumns,
    "target_cues": TargetCues,
    "topics": Topics,
    "labels": Labels,
    "admin_context": AdminContext,
}


class VocabularyError(ValueError):
    """A vocabulary file that does not have the shape its model declares."""


def validate(path: Path, data: dict) -> None:
    """Raise VocabularyError naming the file and each bad key unless `data`
    (the parsed `path`) fits the model for its file name."""
    model = SCHEMAS.get(path.stem)
    if model is None:
        raise VocabularyError(f"{path}: no schema for this vocabulary in core/vocab/schema.py")
    try:
        model.model_validate(data)
    except ValidationError as err:
        problems = "\n".join(f"  {_key(data, e['loc'])}: {e['msg']}" for e in err.errors())
        raise VocabularyError(f"{path}:\n{problems}") from None


def _key(data, loc: tuple) -> str:
    """`agency[3] (Công an).examples`: the path of a bad key as the file
    reads, with the name of each list entry on the way so it can be found."""
    out, node = "", data
    for part in loc:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            name = next((node[k] for k in ("name", "canonical", "head", "kind", "rule", "symbol")
                         if isinstance(node, dict) and k in node), None)
            out += f"[{part}]" + (f" ({name})" if name else "")
        else:
            node = node.get(part) if isinstance(node, dict) else None
            out += f".{part}" if out else str(part)
    return out or "(top level)"
