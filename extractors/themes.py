"""Themes of a task: which fields of work its words name (`vocab/themes.toml`).

Prose duties (`duties.py`) and task-table rows (`task_tables.py`) tag their
task text the same way, from here.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from core.normalize import match_form
from core.phrases import AS_WRITTEN, first_words, phrases_regex
from core.vocab import load


@cache
def _themes() -> list[tuple[str, re.Pattern, tuple[str, ...]]]:
    """(name, keywords, first words of the keywords) per theme, in the vocabulary's order.
    A comma in a keyword must be written, as the themes were always read."""
    return [(t["name"],
             re.compile(rf"(?<!\w){phrases_regex(t['keywords'], comma=AS_WRITTEN)}(?!\w)", re.IGNORECASE),
             first_words(t["keywords"]))
            for t in load("themes")["theme"]]


def themes_of(task: str) -> list[str]:
    return themes_in(match_form(task))


def themes_in(form: str) -> list[str]:
    """`themes_of` for text already in match form (a slice of `Document.match_text`)."""
    return list(_tagged(form))


@lru_cache(maxsize=4096)  # every agency of a task shares its text
def _tagged(form: str) -> tuple[str, ...]:
    # A text holding none of a theme's first words cannot match its keywords.
    lower = form.lower()
    return tuple(name for name, kw, first in _themes() if any(w in lower for w in first) and kw.search(form))
