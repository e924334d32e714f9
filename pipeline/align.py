"""Passage alignment: a child's passages against a parent's, labelled.

Passages are compared in a *comparison form*: the matching form
(`core.normalize.match_form`: NFC, one tone-mark placement, emphasis
blanked), lower case, without the list marker, punctuation or place names
(`tỉnh Lai Châu` and `phường Vị Khê` both become `§`). Similarity is
rapidfuzz's `ratio` on that form (`process.cdist`, a child passage at a
time, on the pairs that share enough words and letters to reach a label);
`partial_ratio` is tried on the few best candidates of a passage that
carries only a part of another, when an LCS bound lets it reach one.

Labels (tests/gold_diff/NOTES.md says how the gold reads them):
- `copied`: the comparison forms have the same words, a typo of at most
  `TYPO_EDITS` letters in a word aside (a number never counts as a typo);
- `adapted`: similar (`ADAPTED_RATIO`, or `PARTIAL_RATIO` of the shorter in
  the longer) with words added, removed or replaced; `changed` says which of
  agency, deadline, value, scope the changed words touch (else wording);
- `new`: no parent passage is that close;
- `dropped`: a parent passage that no child passage matches or carries.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.resources import files

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq, Levenshtein

from core.normalize import match_form
from extractors.passages import MARKER

ADAPTED_RATIO = 60.0
PARTIAL_RATIO = 75.0
PARTIAL_MIN_CHARS = 40  # shorter than this, a partial match is a shared phrase, not a shared task
PARTIAL_CANDIDATES = 2
TYPO_EDITS = 2
MIN_CARRIED_WORDS = 8  # a shorter run of words is a shared phrase, not a passage cut out of another
GAP_RATIO = 50.0
OVERLAP_GATE = 30.0  # share of words under which two passages are not compared character by character
PARTIAL_GATE = 50.0  # share of the shorter's words the longer must hold to be searched for it  # enough for a passage standing where its counterpart stands (see `_fill_gaps`)
PLACE = "§"
CACHED_FORMS = 4096  # passages whose forms are kept: bounded, so memory does not follow the corpus


@cache
def _words() -> dict:
    return tomllib.loads(files("pipeline.data").joinpath("diff_words.toml").read_text(encoding="utf-8"))


_TOKEN = re.compile(r"\w+(?:[.,/]\d+)*%?")
# A date or a month: what a deadline is made of.
_DATE = re.compile(r"""
    \d{1,2}/\d{1,2}(?:/\d{2,4})?      # 30/6 or 30/6/2026
  | (?<=tháng\s)\d{1,2}               # tháng 6
  | (?<=năm\s)\d{4}                   # năm 2026
    """, re.VERBOSE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")


# Capital letters of Latin script, Vietnamese ones included (`re` has no \p{Lu}).
_CAPITALS = "".join(chr(c) for c in range(0x41, 0x1F00) if chr(c).isupper() and chr(c).isalpha())


@cache
def _place_pattern() -> re.Pattern[str]:
    words = sorted(_words()["place_words"], key=len, reverse=True)
    # The place word, then the capitalised words of its name (`phường Vị Khê`, `tỉnh Lai Châu`).
    return re.compile(r"(?i:\b(?:" + "|".join(map(re.escape, words)) + r")\b)"
                      + r"(?:\s+[" + re.escape(_CAPITALS) + r"]\w*)*")


def _neutral_places(form: str) -> str:
    return _place_pattern().sub(f" {PLACE} ", form)


@lru_cache(maxsize=CACHED_FORMS)
def _unmarked(text: str) -> str:
    """The matching form of `text` without its list marker."""
    form = match_form(text).strip()
    marker = MARKER.match(form)
    return form[marker.end():] if marker else form


@lru_cache(maxsize=CACHED_FORMS)  # children repeat their parent's passages
def _cased_words(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(_neutral_places(_unmarked(text)).replace(PLACE, " placeword ")))


@lru_cache(maxsize=CACHED_FORMS)
def _folded_words(text: str) -> tuple[str, ...]:
    # One casefold of the joined words: the words hold no blank, casefold makes none.
    words = _cased_words(text)
    return tuple(" ".join(words).casefold().split(" ")) if words else ()


def comparison_words(text: str) -> list[str]:
    """The words of `text`'s comparison form (see module doc)."""
    return list(_folded_words(text))


def comparison_form(text: str) -> str:
    return " ".join(comparison_words(text))


def _is_typo(a: str, b: str) -> bool:
    if _NUMBER.fullmatch(a) or _NUMBER.fullmatch(b):
        return False
    return Levenshtein.distance(a, b) <= TYPO_EDITS and min(len(a), len(b)) > TYPO_EDITS


def same_words(a: list[str], b: list[str]) -> bool:
    """The same words, word for word, but for typos."""
    if a == b:
        return True
    if len(a) != len(b):
        return False
    return all(x == y or _is_typo(x, y) for x, y in zip(a, b))


def carried_whole(part: list[str], whole: list[str]) -> bool:
    """`part` is a run of `whole`'s words (a passage cut out of a longer one)."""
    if len(part) < MIN_CARRIED_WORDS or len(part) >= len(whole):
        return False
    joined = f" {' '.join(whole)} "
    return f" {' '.join(part)} " in joined


def _changed_words(a: str, b: str) -> tuple[list[str], list[str]]:
    """The words only text `a` has and only `b` has, in order, as written
    (compared case-blind, through the cached folded words)."""
    cased_a, cased_b = _cased_words(a), _cased_words(b)
    only_a, only_b = [], []
    for tag, a0, a1, b0, b1 in Levenshtein.opcodes(_folded_words(a), _folded_words(b)).as_list():
        if tag != "equal":
            only_a += cased_a[a0:a1]
            only_b += cased_b[b0:b1]
    return only_a, only_b


@lru_cache(maxsize=16)
def _any_phrase(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One of `phrases` as whole words of a blank-padded text (alternation
    backtracks, so this finds any phrase a substring test would)."""
    return re.compile(" (?:" + "|".join(map(re.escape, phrases)) + ") ")


def _has_phrase(words: list[str], phrases: tuple[str, ...]) -> bool:
    return bool(phrases) and _any_phrase(phrases).search(f" {' '.join(words).casefold()} ") is not None


@cache
def _agency_heads() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The agency heads of one word, then those of several."""
    heads = _words()["agency_words"]
    return tuple(h for h in heads if " " not in h), tuple(h for h in heads if " " in h)


def _names_agency(words: list[str]) -> bool:
    """An agency head among `words`, written as a name (`Sở`, `Công an`, `Ban Chỉ huy`):
    in lower case most heads are common words (`phòng, chống`, `đồng bộ`, `xã hội`)."""
    single, several = _agency_heads()
    return _has_phrase([w for w in words if w[:1].isupper()], single) or _has_phrase(words, several)


@lru_cache(maxsize=CACHED_FORMS)  # a parent's passages are compared with each child's
def _figures(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The dates of `text` and its other numbers."""
    form = _unmarked(text)
    dates = frozenset(_DATE.findall(form))
    return dates, frozenset(_NUMBER.findall(_DATE.sub(" ", form))) - dates


def stated_values(text: str) -> frozenset[str]:
    """The numbers of `text` that are not dates: two passages state different
    values (`what_changed` says `value`) exactly when these differ."""
    return _figures(text)[1]


def what_changed(child: str, parent: str) -> list[str]:
    """Which of agency, deadline, value, scope changed from `parent` to `child` (else wording)."""
    changed = []
    if _figures(child)[0] != _figures(parent)[0]:
        changed.append("deadline")
    if stated_values(child) != stated_values(parent):
        changed.append("value")
    only_child, only_parent = _changed_words(child, parent)
    if _names_agency(only_child) or _names_agency(only_parent):
        changed.append("agency")
    scope = tuple(_words()["scope_words"])
    if ("placeword" in only_child or "placeword" in only_parent
            or _has_phrase(only_child, scope) or _has_phrase(only_parent, scope)):
        changed.append("scope")
    return changed or ["wording"]


@dataclass
class Link:
    child: int | None  # index into the child's passages
    parent: int | None  # index into the parent's passages
    label: str
    similarity: float | None = None
    changed: list[str] = field(default_factory=list)


def _partial_bound(a: str, b: str) -> float:
    """An upper bound of `partial_ratio(a, b)` from three bit-parallel LCS
    (microseconds, where `partial_ratio` on long passages takes milliseconds).
    The shorter s (length m) is scored against windows w of the longer l:
    whole windows (|w| = m) score 100 LCS(s, w) / m <= 100 L / m, L = LCS(s, l);
    the shorter ones are prefixes or suffixes of l, within l[:m] or l[-m:],
    and score 200 c / (m + |w|) with c <= min(|w|, P), P their LCS with s:
    at most 200 P / (m + P)."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    m = len(short)
    whole = LCSseq.similarity(short, long_)
    head = LCSseq.similarity(short, long_[:m])
    tail = LCSseq.similarity(short, long_[len(long_) - m:])
    return max(100 * whole / m, 200 * head / (m + head), 200 * tail / (m + tail))


def _partial_ratio(a: str, b: str) -> float:
    if _partial_bound(a, b) < PARTIAL_RATIO - 1e-9:  # the margin covers rounding in either figure
        return 0.0
    return fuzz.partial_ratio(a, b, score_cutoff=PARTIAL_RATIO)


@dataclass
class Parent:
    """A parent's passages read once for any number of children: their
    comparison forms and which words each holds."""

    texts: list[str]
    words: list[list[str]]
    forms: list[str]
    exact: dict[str, int]  # comparison form -> first passage with it
    vocabulary: dict[str, int]  # word -> its row in `incidence`
    incidence: np.ndarray  # word x passage: 1 where the passage holds the word
    sizes: np.ndarray  # distinct words per passage
    # Characters of the forms, for a bound of `ratio` (see `_ratios`):
    letters: np.ndarray  # code point -> column of `letter_counts` (the last: a letter no passage has)
    letter_counts: np.ndarray  # passage x letter: how often the passage's form has it
    lengths: np.ndarray  # characters per form
    coded: list[str]  # the forms spelt in `letters`' columns (see `_spelt`)
    # The word overlap (`_overlap`) of each passage with every other: the row
    # of any child passage the parent has word for word.
    own_overlap: np.ndarray = field(default=None, repr=False)
    # `partial_ratio` of two of the parent's own forms (children copy most of
    # them): at most passages squared, however many children.
    own_partials: dict[tuple[str, str], float] = field(default_factory=dict, repr=False)

    @classmethod
    def read(cls, texts: list[str]) -> Parent:
        words = [comparison_words(t) for t in texts]
        forms = [" ".join(w) for w in words]
        vocabulary: dict[str, int] = {}
        for ws in words:
            for w in ws:
                vocabulary.setdefault(w, len(vocabulary))
        incidence = np.zeros((len(vocabulary), len(words)), dtype=np.int32)
        for j, ws in enumerate(words):
            incidence[[vocabulary[w] for w in set(ws)], j] = 1
        exact: dict[str, int] = {}
        for j, form in enumerate(forms):
            exact.setdefault(form, j)
        codes = [_code_points(form) for form in forms]
        alphabet = np.unique(np.concatenate(codes)) if forms else np.zeros(0, dtype=np.uint32)
        letters = np.full(int(alphabet.max(initial=0)) + 2, len(alphabet), dtype=np.intp)
        letters[alphabet] = np.arange(len(alphabet))
        parent = cls(list(texts), words, forms, exact, vocabulary, incidence,
                     np.array([len(set(ws)) for ws in words], dtype=np.float32), letters,
                     np.array([_letter_counts(c, letters)[:-1] for c in codes], dtype=np.int32).reshape(len(forms), len(alphabet)),
                     np.array([len(form) for form in forms], dtype=np.int64),
                     [_spelt(form, c, letters) for form, c in zip(forms, codes)])
        parent.own_overlap = _word_overlap(words, parent)
        return parent

    def partial(self, a: str, b: str, overlap: float) -> float:
        """`partial_ratio` of the shorter of `a`, `b` in the longer, when it can
        reach `PARTIAL_RATIO`: most of the shorter's words must be in the longer."""
        if min(len(a), len(b)) < PARTIAL_MIN_CHARS or overlap < PARTIAL_GATE:
            return 0.0
        if a not in self.exact or b not in self.exact:
            return _partial_ratio(a, b)
        if (a, b) not in self.own_partials:
            self.own_partials[(a, b)] = _partial_ratio(a, b)
        return self.own_partials[(a, b)]


def _word_overlap(child_words: list[list[str]], parent: Parent) -> np.ndarray:
    """Shared distinct words over the smaller passage's, 0..100, for all pairs:
    each child passage's sum of the parent's incidence rows of its words, all
    in one `add.reduceat` (no matrix product: BLAS threads cost more than
    they give on matrices this small)."""
    sizes = np.zeros(len(child_words), dtype=np.float32)
    shared = np.zeros((len(child_words), len(parent.forms)), dtype=np.float32)
    rows, starts, known = [], [], []
    for row, words in enumerate(child_words):
        distinct = set(words)
        sizes[row] = len(distinct)
        ids = [parent.vocabulary[w] for w in distinct if w in parent.vocabulary]
        if ids:
            rows.append(row)
            starts.append(len(known))
            known += ids
    if rows:
        shared[rows] = np.add.reduceat(parent.incidence[known], starts, axis=0)
    smaller = np.minimum(sizes[:, None], parent.sizes[None, :])
    return np.divide(100 * shared, smaller, out=np.zeros_like(shared), where=smaller > 0)


def _overlap(child_words: list[list[str]], child_forms: list[str], parent: Parent) -> np.ndarray:
    """`_word_overlap`, where a passage the parent has word for word takes
    that passage's row (read once with the parent)."""
    own = [parent.exact.get(form) for form in child_forms]
    overlap = parent.own_overlap[[j or 0 for j in own]]
    fresh = [i for i, j in enumerate(own) if j is None]
    if fresh:
        overlap[fresh] = _word_overlap([child_words[i] for i in fresh], parent)
    return overlap


def _code_points(form: str) -> np.ndarray:
    return np.frombuffer(form.encode("utf-32-le"), dtype=np.uint32)


def _letter_counts(codes: np.ndarray, letters: np.ndarray) -> np.ndarray:
    """How often each of the parent's letters is in `codes`, the last column counting the others."""
    return np.bincount(letters[np.minimum(codes, len(letters) - 1)], minlength=int(letters[-1]) + 1)


def _spelt(form: str, codes: np.ndarray, letters: np.ndarray) -> str:
    """`form` with each letter replaced by its column in `letters` (the letters
    no parent passage has all by one more): rapidfuzz compares one-byte
    strings through a lookup table, wider ones through a hash map, and
    `ratio` reads only which letters are equal and the lengths, which this
    keeps. A parent of more than 255 letters keeps its forms as they are."""
    if letters[-1] > 255:
        return form
    return letters[np.minimum(codes, len(letters) - 1)].astype(np.uint8).tobytes().decode("latin-1")


def _ratios(child_forms: list[str], parent: Parent, overlap: np.ndarray) -> np.ndarray:
    """`ratio` of child forms to parent forms: a form the parent has word for
    word scores 100 without a comparison; a pair sharing under
    `OVERLAP_GATE` of its words, or a ratio under `GAP_RATIO` (no label reads
    either), is 0. A pair's common subsequence holds at most the letters
    both forms have (counted with repeats), so `ratio` is at most 200 times
    those over the two lengths: a pair whose bound is under `GAP_RATIO` is 0
    without rapidfuzz; the others are scored a row at a time against one
    cached child form (`process.cdist`)."""
    scores = np.zeros((len(child_forms), len(parent.forms)), dtype=np.float32)
    fresh = []
    for i, form in enumerate(child_forms):
        if form in parent.exact:
            scores[i, parent.exact[form]] = 100.0
        else:
            fresh.append(i)
    if not fresh:
        return scores
    codes = [_code_points(child_forms[i]) for i in fresh]
    counts = np.array([_letter_counts(c, parent.letters)[:-1] for c in codes])
    shared = np.minimum(counts[:, None, :], parent.letter_counts[None, :, :]).sum(axis=2)
    lengths = np.array([len(child_forms[i]) for i in fresh])[:, None] + parent.lengths[None, :]
    bound = np.divide(200 * shared, lengths, out=np.zeros(shared.shape), where=lengths > 0)
    # The margin covers rounding in either figure.
    worth = (overlap[fresh] >= OVERLAP_GATE) & (bound >= GAP_RATIO - 1e-9)
    for row, i in enumerate(fresh):
        js = np.flatnonzero(worth[row])
        if len(js):
            spelt = _spelt(child_forms[i], codes[row], parent.letters)
            scores[i, js] = process.cdist([spelt], [parent.coded[j] for j in js], scorer=fuzz.ratio,
                                          score_cutoff=GAP_RATIO, dtype=np.float32, workers=1)[0]
    return scores


def _candidates(ratio_row: np.ndarray, overlap_row: np.ndarray) -> list[int]:
    """The few parent passages worth a closer look: best by ratio, then by word overlap."""
    best = [int(k) for k in np.argsort(ratio_row)[::-1][:PARTIAL_CANDIDATES]]
    return best + [int(k) for k in np.argsort(overlap_row)[::-1][:PARTIAL_CANDIDATES] if int(k) not in best]


def align(child_texts: list[str], parent: Parent | list[str]) -> list[Link]:
    """One link per child passage (copied / adapted / new, in the child's
    order), then one per parent passage nothing carries (dropped). Read a
    parent aligned with many children once (`Parent.read`)."""
    if not isinstance(parent, Parent):
        parent = Parent.read(parent)
    parent_texts, parent_words, parent_forms = parent.texts, parent.words, parent.forms
    child_words = [comparison_words(t) for t in child_texts]
    child_forms = [" ".join(w) for w in child_words]
    if not parent_forms:
        return [Link(i, None, "new") for i in range(len(child_forms))]
    if not child_forms:
        return [Link(None, j, "dropped") for j in range(len(parent_forms))]
    # Word overlap finds the passage a short one was cut out of, which `ratio` ranks low.
    overlap = _overlap(child_words, child_forms, parent)
    scores = _ratios(child_forms, parent, overlap)
    links: list[Link] = []
    covered = np.zeros(len(parent_forms), dtype=bool)
    for i, row in enumerate(scores):
        j = int(row.argmax())
        score = float(row[j])
        if same_words(child_words[i], parent_words[j]):
            links.append(Link(i, j, "copied", score))
            covered[j] = True
            continue
        candidates = _candidates(row, overlap[i])
        carried = next((k for k in candidates if carried_whole(child_words[i], parent_words[k])), None)
        if carried is not None:
            links.append(Link(i, carried, "copied", float(row[carried])))
            covered[carried] = True
            continue
        if score < ADAPTED_RATIO:
            # A passage that carries a part of another (or is carried in a longer one).
            best = max(((parent.partial(child_forms[i], parent_forms[k], overlap[i, k]), k) for k in candidates),
                       default=(0.0, j))
            if best[0] < PARTIAL_RATIO:
                links.append(Link(i, None, "new", score))
                continue
            j, score = best[1], float(row[best[1]])
        links.append(Link(i, j, "adapted", score, what_changed(child_texts[i], parent_texts[j])))
        covered[j] = True
    _fill_gaps(links, scores, covered, child_texts, parent_texts)
    column_best = scores.max(axis=0)
    for j in np.flatnonzero(~covered):
        if column_best[j] >= ADAPTED_RATIO:
            continue
        top = np.argsort(overlap[:, j])[::-1][:PARTIAL_CANDIDATES]
        if any(parent.partial(parent_forms[j], child_forms[int(i)], overlap[int(i), j]) >= PARTIAL_RATIO
               for i in top):
            continue
        links.append(Link(None, int(j), "dropped", float(column_best[j])))
    return links


def _fill_gaps(links: list[Link], scores: np.ndarray, covered: np.ndarray,
               child_texts: list[str], parent_texts: list[str]) -> None:
    """A child passage left new that stands between two aligned passages,
    where an uncovered parent passage stands between their counterparts, is
    that passage adapted when they are `GAP_RATIO` alike: plans that follow
    their parent keep its order, and a rewritten task stays in its place."""
    anchors = [(link.child, link.parent) for link in links if link.parent is not None]
    for link in links:
        if link.label != "new":
            continue
        before = [p for c, p in anchors if c < link.child]
        after = [p for c, p in anchors if c > link.child]
        lo = max(before, default=-1)
        hi = min(after, default=len(parent_texts))
        if hi - lo < 2:
            continue
        gap = [j for j in range(lo + 1, hi) if not covered[j]]
        if not gap:
            continue
        j = max(gap, key=lambda k: scores[link.child, k])
        if scores[link.child, j] >= GAP_RATIO:
            link.parent, link.label, link.similarity = j, "adapted", float(scores[link.child, j])
            link.changed = what_changed(child_texts[link.child], parent_texts[j])
            covered[j] = True
