"""One document through every step; many documents into the store."""

from __future__ import annotations

from extractors import agencies, citations, dates, duties, targets
from pipeline import header
from pipeline.document import Document
from pipeline.normalize import clean_text
from pipeline.segment import segment
from schemas.records import DocumentRecords

PIPELINE_VERSION = "0.1.0"


def process_document(doc: Document, extraction_method: str = "text", quality: str = "ok",
                     content_hash: str = "") -> DocumentRecords:
    """Run header, segmentation and every extractor over a built Document."""
    sections, footnotes, issues = segment(doc)
    doc.sections = sections
    doc.meta, recipients = header.read_header(doc)
    doc.meta.extraction_method = extraction_method
    doc.meta.quality = quality
    doc.meta.content_hash = content_hash
    doc.meta.pipeline_version = PIPELINE_VERSION
    found_agencies = agencies.extract(doc)
    found_dates = dates.extract(doc)
    return DocumentRecords(
        document=doc.meta,
        sections=sections,
        footnotes=footnotes,
        recipients=recipients,
        issues=issues,
        citations=citations.extract(doc),
        agencies=found_agencies,
        duties=duties.extract(doc, agencies=found_agencies, dates=found_dates),
        dates=found_dates,
        targets=targets.extract(doc),
    )


def process_text(text: str, name: str = "<text>") -> DocumentRecords:
    """Records of one raw text, without touching any database."""
    cleaned, repaired = clean_text(text)
    return process_document(Document(cleaned, name), quality="repaired" if repaired else "ok")
