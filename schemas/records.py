"""Pydantic models of every record the pipeline produces.

One class per output table (docs/tables.md describes each; the contract tables
and the extra ones this project adds). Every extracted record with a `text` is a `Mention`: it
carries the span of `Document.text` that produced it, so
`text == document_text[start_char:end_char]` holds for every row. A
`Section` spans more than the words that head it, so it has no `text`.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Mention(Record):
    """A span of the stored document text that produced a record."""

    doc_id: str
    section_id: str | None = None
    text: str
    start_char: int = Field(ge=0)
    end_char: int = Field(ge=0)


class DocumentMeta(Record):
    """`documents`: one row per ingested document (header and signature)."""

    doc_id: str
    source_name: str  # file name of `source_path`
    text: str
    doc_type: str | None = None
    number: str | None = None
    symbol: str | None = None
    issuer: str | None = None
    issuer_level: str | None = None
    locality: str | None = None
    province: str | None = None  # after the 2025 merger
    province_at_issue: str | None = None  # on the issue date (before the merger: the old province)
    admin_code: str | None = None
    issued_date: dt.date | None = None
    issued_date_text: str | None = None
    title: str | None = None
    title_start: int | None = None  # where the title's words stand in `text`
    title_end: int | None = None
    signer: str | None = None
    signer_title: str | None = None
    # Additions beyond the contract.
    parent_issuer: str | None = None  # e.g. `UBND TỈNH LAI CHÂU` above `SỞ Y TẾ`
    place: str | None = None  # the place of the date line, `Vị Khê`
    extraction_method: str = "text"  # text | docx | pdf | ocr | ...
    quality: str = "ok"  # ok | repaired | low (e.g. OCR)
    content_hash: str = ""
    pipeline_version: str = ""
    # The input path the document was read from, relative to the folder given
    # to `plans run` (starting with that folder's name); where several files
    # hold the same text, the first of them in sorted order (all are in `sources`).
    source_path: str = ""
    # The policy area (a code of core/vocab/topics.toml, `other` when none
    # fits) and the words that decided it: text[topic_start:topic_end].
    topic: str | None = None
    topic_evidence: str | None = None
    topic_start: int | None = None
    topic_end: int | None = None


class Recipient(Mention):
    """`recipients`: one row per line of the `Nơi nhận` block."""

    position: int


class Section(Record):
    """`sections`: one node of the heading tree.

    The span (start_char, end_char) covers the whole section, heading
    included; `heading_line` is the line that opens it, as written:
    `document_text[start_char:heading_end]`. (Not `text`: that name promises
    the whole span, the offsets invariant.)
    """

    doc_id: str
    section_id: str
    heading_line: str
    start_char: int = Field(ge=0)
    end_char: int = Field(ge=0)
    parent_id: str | None = None
    depth: int
    label: str
    path: str
    heading: str
    kind: str = "other"
    style: str  # part | dieu | roman | arabic | decimal | letter
    heading_end: int  # end of the heading line inside the span
    appendix: str | None = None  # `PL`, `PL1`... for headings inside an appendix


class Footnote(Mention):
    """`footnotes`: a footnote line (`¹ 14 xã là ...`) tied to its marker."""

    marker: str
    marker_start: int | None = None  # offset of the marker in the body, if found


class DocumentIssue(Record):
    """`document_issues`: anomalies an auditor should know about."""

    doc_id: str
    section_id: str | None = None
    kind: str  # duplicate_label | skipped_label | out_of_order | missing_appendix ...
    message: str
    text: str | None = None
    start_char: int | None = None
    end_char: int | None = None


class Citation(Mention):
    """`citations`: one row per mention of another document."""

    doc_type: str | None = None
    number: str | None = None
    issued_date: dt.date | None = None
    issuer: str | None = None
    # Comparable form of `issuer` (see extractors.citekeys.issuer_key), computed
    # at extraction from the bodies as read and the citing document's place:
    # a joint issuer cannot be split back out of `issuer`, so the graph reuses it.
    issuer_key: str | None = None
    title: str | None = None
    name: str | None = None  # for references by name only (`Luật Phòng, chống ma túy`)
    cited_key: str
    is_short_form: bool = False
    # What was repaired to read it: number_spaces, number_line_break, date_typo, date_invalid.
    anomalies: list[str] = Field(default_factory=list)
    # The key the text alone gives, kept by `citegraph.refresh`, which may
    # then join `cited_key` of a mention without its year to the one dated
    # document of that number in the corpus (None until the first refresh).
    written_key: str | None = None


class CitedDocument(Record):
    """`cited_documents`: one row per `cited_key`, rebuilt from all citations
    by pipeline.citegraph.refresh: the best-known description, how many
    documents cite it, and `doc_id` when the cited document is stored too."""

    cited_key: str
    doc_type: str | None = None
    number: str | None = None
    issued_date: dt.date | None = None
    issuer: str | None = None
    title: str | None = None
    name: str | None = None
    n_citing_docs: int
    n_mentions: int
    doc_id: str | None = None


class CitationFinding(Mention):
    """`citation_findings`: a mention that shows a problem, with its span as evidence."""

    cited_key: str
    kind: str  # date_conflict | issuer_conflict | no_date | ambiguous_key | malformed_* | cited_after_citing
    message: str
    severity: str = "info"  # error | warning | info (pipeline.citegraph.SEVERITY)
    other_start_char: int | None = None  # the other mention of a conflict inside one document
    other_end_char: int | None = None


class Agency(Mention):
    """`agencies`: one row per mention of an agency or body."""

    canonical_name: str
    agency_type: str
    level: str | None = None
    source: str = "vocab"  # vocab | ner | both: which recognizer found it


class Duty(Mention):
    """`duties`: one row per assigned task."""

    duty_id: str
    agency: str
    agency_type: str
    role: str
    requested: bool = False
    deadline: dt.date | None = None
    themes: list[str] = Field(default_factory=list)


class DutyPartner(Mention):
    """`duty_partners`: an agency a task names as partner (`phối hợp với X, Y`)."""

    duty_id: str
    agency: str
    agency_type: str


class DateMention(Mention):
    """`dates`: one row per date expression."""

    kind: str
    value: dt.date | None = None
    granularity: str | None = None  # day | month | quarter | year
    # Additions beyond the contract.
    range_end: dt.date | None = None  # last day of a span of years (`giai đoạn 2025 - 2030`)
    recurrence: str | None = None  # RFC 5545 RRULE of a recurring date (`FREQ=MONTHLY;BYMONTHDAY=14`)
    event: str | None = None  # the named day a date belongs to (`Ngày toàn dân phòng, chống ma túy`)
    parser: str | None = None  # dateparser | regex: what computed `value`


class Target(Mention):
    """`targets`: one row per quantified target (chỉ tiêu)."""

    value: float | None = None
    unit: str | None = None
    target_year: int | None = None
    subject: str | None = None
    # Additions beyond the contract.
    direction: str | None = None  # giảm | tăng | không phát sinh
    comparator: str | None = None  # >=, <=, > (`ít nhất 01 buổi` -> >=); None for an exact figure
    cue: str | None = None  # why the sentence is an aim: phan_dau, quyet_tam, bao_dam, ... or muc_tieu / chi_tieu


class IngestError(Record):
    """`ingest_errors`: a file that could not be read as a document."""

    source_name: str
    path: str
    problem: str  # empty | binary | encoding | too_large | not_a_document | unsupported | ...
    message: str


class DutyTheme(Record):
    """`duty_themes`: a theme of a duty (`vocab/themes.toml`) and the words of its text that show it."""

    doc_id: str
    duty_id: str
    theme: str
    layer: str  # `general`, or the topic layer the theme belongs to
    text: str
    start_char: int = Field(ge=0)
    end_char: int = Field(ge=0)


class DocumentRecords(Record):
    """Everything extracted from one document: what `process_text` returns."""

    document: DocumentMeta
    sections: list[Section] = Field(default_factory=list)
    footnotes: list[Footnote] = Field(default_factory=list)
    recipients: list[Recipient] = Field(default_factory=list)
    document_issues: list[DocumentIssue] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    agencies: list[Agency] = Field(default_factory=list)
    duties: list[Duty] = Field(default_factory=list)
    duty_partners: list[DutyPartner] = Field(default_factory=list)
    dates: list[DateMention] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    duty_themes: list[DutyTheme] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)


class Passage(Mention):
    """`passages`: a comparable piece of a plan (list item, bullet, table row
    or paragraph, with the lines it wraps over), what `plans diff` aligns."""

    passage_id: str  # `<doc_id>:p<n>`, n in text order
    kind: str  # item | bullet | row | paragraph
    path: str | None = None  # the section path it stands in (`II.1.2`)
    duty_id: str | None = None  # the first duty whose span starts inside it
    target_start: int | None = None  # start_char of the first target inside it (targets have no id)


class PassageLink(Record):
    """`passage_links`: one child passage against its parent's (or a parent
    passage no child passage carries, label `dropped`)."""

    child_doc: str
    parent_doc: str
    child_passage: str | None = None
    child_start: int | None = None
    child_end: int | None = None
    parent_passage: str | None = None
    parent_start: int | None = None
    parent_end: int | None = None
    similarity: float | None = None  # rapidfuzz ratio of the comparison forms, 0..1
    label: str  # copied | adapted | new | dropped
    changed: str | None = None  # for adapted: `agency, deadline, value, scope` or `wording`
    # The output contract's names: this side (the child, or one sibling) and the other.
    doc_id: str | None = None
    passage_id: str | None = None
    other_doc_id: str | None = None
    other_passage_id: str | None = None


class DiffSummary(Record):
    """`diff_summary`: one row per (child, parent) pair the citations give."""

    child_doc: str
    parent_doc: str
    child_passages: int
    parent_passages: int
    copied: float  # shares of the child's passages
    adapted: float
    new: float
    dropped: float  # share of the parent's passages
    lag_days: int | None = None  # child's issue date minus the parent's
    note: str | None = None  # why the pair is odd (cites itself, mutual citation, no passages, ...)


class PassageGroup(Record):
    """`passage_groups`: passages of plans citing the same document that say
    the same thing, one row per passage in a group."""

    cited_key: str
    group_id: int
    doc_id: str
    passage_id: str
    start_char: int
    end_char: int
    plans_in_group: int  # distinct plans carrying the group
    plans_citing: int  # plans in the db citing `cited_key`
    spread: str  # all | some | one
    values_differ: bool = False  # the group's passages state different numbers


DocumentRecords.model_rebuild()  # `passages` names a model defined after it
