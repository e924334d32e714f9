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


@cache
def document_types() -> tuple[dict[str, str], dict[str, str]]:
    """(type word in lower case -> type, symbol code -> base type).

    From doc_types.toml (the types a plan cites) plus header.toml's
    `extra_types` (types that open documents but are never cited).
    """
    types = load("doc_types")["type"]
    names = [t["name"] for t in types] + load("header")["extra_types"]
    codes = {code: t["base"] for t in types for code in t.get("codes", [])}
    return {name.lower(): name for name in names}, codes
