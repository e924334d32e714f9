"""PLACEHOLDER: replaced by the citations extractor (see its issue)."""

from pipeline.document import Document


def extract(doc: Document) -> list:
    return []
