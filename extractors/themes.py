"""Themes of a task: which fields of work its own words name (`vocab/themes.toml`).

The themes come in layers: the `general` layer every plan shares, and topic
layers (anti-drug, digital transformation, elections, ...) that apply only
when the document's topic (`documents.topic`) is one of the layer's topics,
so that the same words (`rà soát`, `mô hình`) are not read as another
field's work. Each theme found is kept with the words that showed it
(`duty_themes`); `duties.themes` lists the same codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from core.document import Document
from core.normalize import match_form
from core.phrases import AS_WRITTEN, first_words, phrases_regex
from core.vocab import load
from schemas.records import Duty, DutyTheme

GENERAL = "general"


@dataclass(frozen=True)
class _Theme:
    name: str
    layer: str
    keywords: re.Pattern
    first: tuple[str, ...]  # first words of the keywords, lower case: a cheap test before the regex
    not_after: re.Pattern | None  # ends the text before a keyword that is not the task's (`theo chỉ đạo`)

    def search(self, form: str) -> re.Match | None:
        """The first keyword not right after a `not_after` word."""
        for hit in self.keywords.finditer(form):
            if self.not_after is None or not self.not_after.search(form, max(0, hit.start() - _BEFORE), hit.start()):
                return hit
        return None


# How far back a `not_after` word is looked for: the longest is a few words.
_BEFORE = 40


@cache
def _themes() -> tuple[_Theme, ...]:
    """In the vocabulary's order. A comma in a keyword must be written, as the themes were always read."""
    return tuple(_Theme(t["name"], t["layer"],
                        re.compile(rf"(?<!\w){phrases_regex(t['keywords'], comma=AS_WRITTEN)}(?!\w)", re.IGNORECASE),
                        first_words(t["keywords"]),
                        re.compile(rf"(?<!\w){phrases_regex(t['not_after'], comma=AS_WRITTEN)}\s*$", re.IGNORECASE)
                        if t.get("not_after") else None)
                 for t in load("themes")["theme"])


@cache
def layers_for(topic: str | None) -> frozenset[str]:
    """The layers whose themes a document of `topic` may get: the general
    layer, and every layer listing the topic."""
    return frozenset(name for name, layer in load("themes")["layer"].items()
                     if name == GENERAL or (topic is not None and topic in layer["topics"]))


def labels() -> dict[str, str]:
    """Theme code -> its Vietnamese label."""
    return {t["name"]: t["label"] for t in load("themes")["theme"]}


def themes_of(task: str, topic: str | None = None) -> list[str]:
    return themes_in(match_form(task), topic)


def themes_in(form: str, topic: str | None = None) -> list[str]:
    """`themes_of` for text already in match form (a slice of `Document.match_text`)."""
    return [name for name, *_ in _found(form, layers_for(topic))]


@lru_cache(maxsize=4096)  # every agency of a task shares its text
def _found(form: str, layers: frozenset[str]) -> tuple[tuple[str, str, int, int], ...]:
    """(theme, layer, start, end) of the first keyword of each theme in `form`."""
    lower = form.lower()
    out = []
    for theme in _themes():
        if theme.layer in layers and any(w in lower for w in theme.first):
            hit = theme.search(form)
            if hit:
                out.append((theme.name, theme.layer, hit.start(), hit.end()))
    return tuple(out)


def tag(doc: Document, duties: list[Duty], topic: str | None) -> list[DutyTheme]:
    """The themes of each duty, from its own text, with the words that show
    each; sets `duty.themes` to the same codes."""
    layers = layers_for(topic)
    out: list[DutyTheme] = []
    for duty in duties:
        found = _found(doc.match_text[duty.start_char:duty.end_char], layers)
        duty.themes = [name for name, *_ in found]
        for name, layer, start, end in found:
            at, to = duty.start_char + start, duty.start_char + end
            out.append(DutyTheme(doc_id=duty.doc_id, duty_id=duty.duty_id, theme=name, layer=layer,
                                 text=doc.text[at:to], start_char=at, end_char=to))
    return out
