"""Vocabularies: data files, not code.

Each `*.toml` file beside this module holds one vocabulary (document types,
agency names, roles, themes, section kinds...). Entries carry `examples`
that tests/test_vocab.py checks the entry recognises, so a vocabulary edit
that breaks recognition fails loudly. Each file is validated against its
model in `schema.py` when it is read, so a malformed file fails at load,
naming the file and the key. Files load once per process.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from core.vocab.schema import validate

VOCAB_DIR = Path(__file__).parent


@cache
def load(name: str) -> dict:
    """Parsed contents of `<name>.toml` from this folder."""
    return load_file(VOCAB_DIR / f"{name}.toml")


def load_file(path: Path) -> dict:
    """Parsed contents of a vocabulary file anywhere (extractors keep their
    own beside them), once it has the shape `schema.py` declares for it."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    validate(path, data)
    return data


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
