"""Vocabularies: data files, not code.

Each `*.toml` file beside this module holds one vocabulary (document types,
agency names, roles, themes, section kinds...). Entries carry `examples`
that the tests check the entry matches, so a vocabulary edit that breaks
recognition fails loudly. Files load once per process.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

VOCAB_DIR = Path(__file__).parent


@cache
def load(name: str) -> dict:
    """Parsed contents of `<name>.toml` from this folder."""
    with open(VOCAB_DIR / f"{name}.toml", "rb") as fh:
        return tomllib.load(fh)
