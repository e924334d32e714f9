"""Pieces every reader shares: table rows, footnote markers, external tools."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
TOOL_TIMEOUT = 300  # seconds for one external command (one page of OCR, one .doc)


class IngestFailure(Exception):
    """A file refused: `problem` is the short code stored in `ingest_errors`,
    the message names the file and says what to do."""

    def __init__(self, path: Path | str, problem: str, detail: str):
        self.path = str(path)
        self.problem = problem
        self.detail = detail
        super().__init__(f"{path}: {problem}: {detail}")


def table_row(cells: list[list[str]]) -> str:
    """One table row as a `| a | b |` line.

    Each cell is a list of paragraphs, joined by `<br>` (the header reader
    and the task-table reader split on it); a `|` inside a cell would open
    a new cell, so it becomes `/`.
    """
    texts = ["<br>".join(" ".join(p.split()) for p in paras if p.strip()).replace("|", "/") for paras in cells]
    return "| " + " | ".join(texts) + " |"


def require_tools(path: Path | str, tools: list[str], packages: str) -> None:
    """Refuse with `missing_tool` unless every command in `tools` is on PATH."""
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        raise IngestFailure(path, "missing_tool",
                            f"{', '.join(missing)} not installed; run `apt-get install {packages}` and retry")


def run_tool(path: Path | str, args: list[str], problem: str, env: dict | None = None) -> str:
    """Stdout of an external command; its failure is an `IngestFailure(problem)`."""
    try:
        done = subprocess.run(args, capture_output=True, timeout=TOOL_TIMEOUT, check=False, env=env)
    except subprocess.TimeoutExpired:
        raise IngestFailure(path, problem, f"{args[0]} did not finish within {TOOL_TIMEOUT} s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise IngestFailure(path, problem, f"{args[0]} failed: {message[-1] if message else f'exit {done.returncode}'}")
    return done.stdout.decode("utf-8", "replace")
