"""How much one input may hold, unpacked: a small file must not take the
machine's memory (issue 17: a 647 KB .docx unpacking to 200 MB of
paragraphs peaked at 2.7 GB).

Each limit is checked from what a file declares before anything is
unpacked (a zip's directory, a PDF's page list, an image's header), so a
refused file costs next to nothing; what passes is bounded, and so is the
memory of reading it (figures in benchmarks/limits.md).
"""

from __future__ import annotations

MB = 1024 * 1024

# Any input file, as stored.
MAX_BYTES = 20 * MB

# A .docx: zipfile never unpacks more of a part than the zip's directory
# declares, so the declared sizes bound what is read. The XML parts become
# lxml trees of about eight times their size.
MAX_DOCX_UNPACKED = 100 * MB  # every part (images too)
MAX_DOCX_XML = 24 * MB  # the XML parts (a 100-page plan's is under 5 MB)
# Word's XML packs 5 to 15 times; a part packed 100 times tighter and
# larger than MIN_RATIO_CHECKED is a zip bomb, not a document.
MAX_RATIO = 100
MIN_RATIO_CHECKED = 1 * MB

# A PDF: pages are read one at a time, but the page list and the text of
# every page stay until the document's lines are laid out.
MAX_PDF_PAGES = 500

# An image for Tesseract, and a scanned PDF page once rasterized at the OCR
# resolution: an A4 page at 300 dpi is 8.7 million pixels, A3 17.4 million.
MAX_PIXELS = 40_000_000

# The text any reader gives (antiword, pdfminer and Tesseract included).
MAX_TEXT_CHARS = MAX_BYTES  # as many characters as the largest text file holds bytes
