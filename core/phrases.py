"""Vocabulary phrases -> a regex: the one compiler every extractor uses.

The rule, what `phrases_regex(phrases)` does with no option:

- each phrase is put in match form (`core.normalize.match_form`), the form
  of the text patterns run on;
- the longest phrase is tried first (`Kế hoạch phối hợp` before `Kế
  hoạch`), phrases of one length in the vocabulary's order;
- between two words any run of blanks matches, line breaks included (PDF
  text wraps lines anywhere): `\\s+`;
- a comma written before a space may be left out (`phòng, chống` also
  matches `phòng chống`);
- letters keep the case written: a caller that ignores case compiles the
  pattern with `re.IGNORECASE`.

The result is one non-capturing group, safe to put anywhere in a pattern.
`phrase_alternatives` gives the same branches without the group, for a
caller that puts them straight into an alternation of its own: a group
around them hides their first letters from the regex engine, which then
tries the alternation at every position instead of skipping to those
letters (measured: a scan for citation type words 6x slower).

The options are the forms some callers need instead, each named by what it
changes (who uses it and why is said where it is used):

- `gap`: what stands between two words (`LINE_BLANKS`: on one line;
  `WRAPPED`: one line, or a single line break; `BLANKS_OR_HYPHENS`: hyphens
  count as blanks, in the phrase and in the text; `BLANKS_OR_COMMAS`: commas
  count as blanks in the text, for terms compared without punctuation;
  `ONE_SPACE`: one space, as written);
- `comma`: `OPTIONAL` (the rule), `AS_WRITTEN` (a comma must be there), or
  `LOOSE` (`,`, `-` and `&` must be there, blanks around them optional);
- `case`: `AS_WRITTEN` (the rule), `LOWER` (for text lower-cased letter for
  letter, `core.scan.lowered`), `FIRST_LETTER` (the first letter in either
  case and the rest in any case, grouped by first letter: the regex engine
  then skips straight to the letters a match can open with);
- `backward`: every phrase read backwards, for a pattern matched on reversed
  text (Python's `re` cannot search backwards from a position);
- `tree`: the alternation written as a prefix tree, one branch per next
  character, for vocabularies of hundreds of phrases; longer phrases still
  win (a branch that goes on is tried before the phrase that ends there);
- `by_first`: the branches grouped by their first character, longest first
  within each group: the same matches as the rule (phrases opening with
  different characters never both match), found faster where the engine
  must try every position anyway (a pattern opening with a lookbehind):
  one test of the first character instead of one per phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from core.normalize import match_form


class Gap(NamedTuple):
    """How two words of a phrase are told apart and what may join them in the text."""

    splits: str  # regex for what separates two words in a phrase
    between: str  # regex for what stands between them in the text
    around: str  # regex for optional blanks around a `LOOSE` mark


ANY_BLANKS = Gap(r"\s+", r"\s+", r"\s*")
LINE_BLANKS = Gap(r"\s+", r"[ \t]+", r"[ \t]*")
WRAPPED = Gap(r"\s+", r"(?:[ \t]+|[ \t]*\n[ \t]*)", r"[ \t]*")
BLANKS_OR_HYPHENS = Gap(r"[\s-]+", r"[\s-]+", r"[\s-]*")
BLANKS_OR_COMMAS = Gap(r"\s+", r"[\s,]+", r"[\s,]*")
ONE_SPACE = Gap(r"\s+", r"\ ", r"\ ?")  # exactly one space, as written

# comma
OPTIONAL, AS_WRITTEN, LOOSE = "optional", "as_written", "loose"
# case (AS_WRITTEN as above)
LOWER, FIRST_LETTER = "lower", "first_letter"

_LOOSE_MARKS = re.compile(r"\s*([,\-&])\s*")


def phrases_regex(phrases: Iterable[str], **options) -> str:
    """One non-capturing group matching any of `phrases` (see the module doc)."""
    return "(?:" + phrase_alternatives(phrases, **options) + ")"


def phrase_alternatives(phrases: Iterable[str], *, gap: Gap = ANY_BLANKS, comma: str = OPTIONAL,
                        case: str = AS_WRITTEN, backward: bool = False, tree: bool = False,
                        by_first: bool = False) -> str:
    """The branches of `phrases_regex`, `|`-joined, without a group around them."""
    forms = [match_form(p) for p in phrases]
    if case == LOWER:
        forms = [f.lower() for f in forms]
    forms = sorted(dict.fromkeys(forms), key=len, reverse=True)
    units = [_units(f, gap, comma) for f in forms]
    if backward:
        units = [u[::-1] for u in units]
    if case == FIRST_LETTER:
        return _by_first_letter(forms, units)
    if tree:
        return _tree(units, [len(f) for f in forms])
    if by_first:
        return _by_first_unit(units)
    return "|".join("".join(u) for u in units)


def _units(form: str, gap: Gap, comma: str) -> list[str]:
    """A phrase as regex pieces, one per character, gap or mark, so that
    reading the list backwards gives the phrase read backwards."""
    out: list[str] = []
    text = _LOOSE_MARKS.sub(r" \1 ", form) if comma == LOOSE else form
    words = [w for w in re.split(gap.splits, text.strip()) if w]
    after_mark = False  # blanks around a loose mark are its own
    for i, word in enumerate(words):
        if comma == LOOSE and word in ",-&":
            out.append(gap.around + re.escape(word) + gap.around)
            after_mark = True
            continue
        if out and not after_mark:
            out.append(gap.between)
        after_mark = False
        if comma == OPTIONAL and word.endswith(",") and i + 1 < len(words):
            out += [re.escape(ch) for ch in word[:-1]] + [",?"]
        else:
            out += [re.escape(ch) for ch in word]
    return out


def _by_first_letter(forms: list[str], units: list[list[str]]) -> str:
    """`K(?:(?i:ế hoạch)|(?i:ết luận))|k(?:...)`: longest first within each letter.
    Lower and upper case are all IGNORECASE adds on NFC text."""
    by_first: dict[str, list[str]] = {}
    for form, pieces in zip(forms, units):
        for first in dict.fromkeys((form[0].upper(), form[0].lower())):
            by_first.setdefault(first, []).append(f"(?i:{''.join(pieces[1:])})")
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in by_first.items())


def _by_first_unit(units: list[list[str]]) -> str:
    """`m(?:a túy|...)|c(?:ai nghiện|...)`: the order of the branches kept within each group."""
    groups: dict[str, list[str]] = {}
    for pieces in units:
        groups.setdefault(pieces[0], []).append("".join(pieces[1:]))
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


def _tree(units: list[list[str]], lengths: list[int]) -> str:
    trie: dict = {}
    for pieces, length in zip(units, lengths):
        node = trie
        for unit in pieces:
            node = node.setdefault(unit, {})
            node[""] = max(node.get("", 0), length)  # longest phrase through here
        node[None] = True  # a phrase ends here

    def render(node: dict) -> str:
        branches = sorted((u for u in node if u), key=lambda u: -node[u][""])
        if not branches:
            return ""
        body = "|".join(u + render(node[u]) for u in branches)
        if None in node:
            return f"(?:{body})?"
        return f"(?:{body})" if len(branches) > 1 else body

    return render(trie)


def first_words(phrases: Iterable[str]) -> tuple[str, ...]:
    """The lowercase first word of each phrase, sorted: where a match of
    `phrases_regex` can start (a comma after a word being optional)."""
    return tuple(sorted({match_form(p).split()[0].rstrip(",").lower() for p in phrases}))
