"""Readers of binary formats: bytes -> (raw text, extraction method).

Each reader turns one format into the plain-text layout the rest of the
pipeline reads (one paragraph per line, blank lines between paragraphs,
headings with their labels, tables as `| a | b |` lines, footnotes as
`¹ text` lines at the end) and raises `IngestFailure` with a problem code
when it cannot: `missing_tool` names the Debian package to install.
"""
