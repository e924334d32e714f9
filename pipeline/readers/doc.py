"""`.doc` (Word 97-2003) -> text with the `antiword` command.

antiword writes one paragraph per line when told not to wrap (`-w 0`),
tables as `|cell|cell|` rows, and list labels as Word shows them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from pipeline.readers.common import IngestFailure
from pipeline.readers.common import require_tools, run_tool

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # every Word 97 file is an OLE2 compound file


def read(data: bytes, path: Path) -> tuple[str, str]:
    if not data.startswith(OLE_MAGIC):
        raise IngestFailure(path, "unreadable", "not a Word 97-2003 (.doc) file; if it is a .docx or "
                            "an .rtf, rename it with that suffix")
    require_tools(path, ["antiword"], "antiword")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "plan.doc"
        copy.write_bytes(data)
        text = run_tool(path, ["antiword", "-m", "UTF-8.txt", "-w", "0", str(copy)], "unreadable")
    # antiword separates paragraphs with one newline; the pipeline reads blank-line paragraphs.
    return "\n\n".join(line for line in text.splitlines() if line.strip()), "doc"
