"""Near matches for a number or name `plans trace` does not find.

A user who types `537/TTg-KGVX` for `573/TTg-KGVX`, `36/CT-TW` for
`36-CT/TW` or the start of a number (`573/TTg`) gets the stored numbers and names
closest to it, by rapidfuzz's weighted ratio (whole-string and partial
similarity, so a typo and a prefix both score high) over the numbers of the
cited and stored documents and the names of documents cited by name.
"""

from __future__ import annotations

import re
import unicodedata

import duckdb
from rapidfuzz import fuzz, process

from core.normalize import fold_key

# Below this score (0-100) a stored number is not offered: measured on the
# sample corpus, a swapped digit scores 90 or more, unrelated numbers of the
# same symbol (`195/KH-UBND` for `4290/KH-UBND`) under 80.
CUTOFF = 80
LIMIT = 5


def stored_references(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every number and name a trace can be asked for, once each."""
    rows = con.execute("""SELECT number FROM cited_documents WHERE number IS NOT NULL
                          UNION SELECT name FROM cited_documents WHERE number IS NULL AND name IS NOT NULL
                          UNION SELECT number FROM documents WHERE number IS NOT NULL
                          ORDER BY 1""").fetchall()
    return [r[0] for r in rows]


# Separators a user swaps or drops: `36/CT-TW` is `36-CT/TW`.
_SEPARATORS = re.compile(r"[\s/\-.,]+")


def _comparable(text: str) -> str:
    """Case, tone marks, spacing and separators unified; letters without
    their accents too, since a user may type `Luat phong chong ma tuy`."""
    bare = unicodedata.normalize("NFD", fold_key(text).replace("đ", "d"))
    return _SEPARATORS.sub(" ", "".join(c for c in bare if not unicodedata.combining(c))).strip()


def near_matches(con: duckdb.DuckDBPyConnection, query: str, limit: int = LIMIT) -> list[str]:
    """The stored numbers and names closest to `query`, best first."""
    found = process.extract(query, stored_references(con), scorer=fuzz.WRatio, processor=_comparable,
                            limit=limit, score_cutoff=CUTOFF)
    return [choice for choice, _, _ in sorted(found, key=lambda f: (-f[1], f[0]))]


def render(suggestions: list[str]) -> str:
    """The lines `plans trace` prints after `no cited document ...`."""
    if not suggestions:
        return "no stored number or name is close to it\n"
    return "did you mean:\n" + "".join(f"  {s}\n" for s in suggestions)
