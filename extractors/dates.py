"""PLACEHOLDER: replaced by the dates extractor (see its issue)."""

from pipeline.document import Document


def extract(doc: Document) -> list:
    return []
