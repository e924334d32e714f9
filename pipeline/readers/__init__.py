"""Readers of binary formats: bytes -> (raw text, extraction method).

Each reader turns one format into the plain-text layout the rest of the
pipeline reads (one paragraph per line, blank lines between paragraphs,
headings with their labels, tables as `| a | b |` lines, footnotes as
`¹ text` lines at the end) and raises `IngestFailure` with a problem code
when it cannot: `missing_tool` names the Debian package to install.
"""

# `pipeline.ingest` imports every reader to register it; loading it first
# means that importing one reader directly never meets a half-built ingest.
import pipeline.ingest  # noqa: F401
