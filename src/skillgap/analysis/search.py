"""Finding competencies by label, alternative label and description, tolerant of typos.

The index keeps every word of every label (preferred and alternative) with the labels it
appears in. A query word is matched against that vocabulary: the same word scores 100, a
longer word it begins 95 (from three letters on), otherwise the better of rapidfuzz's ratio
and 90 % of its partial ratio against longer words (so "pyhton" finds "python" and "viz"
finds "visualise"), below 60 not at all. Small words ("a", "of", "and" ...) are not scored. A label
scores the mean over the query's words of its best-matching word, less a little for words
the query did not ask for; a description counts (60) when it holds every query word, as a
whole word. Each
competency appears once, with its best match. Retired competencies are left out.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from skillgap.domain import Competency

DESCRIPTION_SCORE = 60.0  # below a good label match
EXACT_SCORE = 100.5  # a label that is the whole query, above any fuzzy match
WORD_CUTOFF = 60.0  # a query word and a label word this alike (0-100) match at all
PARTIAL_WEIGHT = 0.9
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
    ]
)
EXTRA_WORD_WEIGHT = 0.15  # how much label words the query did not ask for cost


@dataclass(frozen=True)
class SearchHit:
    competency: Competency
    score: float  # 0-100 (100.5: the label is exactly the query)
    matched: str  # "name", "alternative label 'X'" or "description"


class CompetencyIndex:
    """Built once per set of competencies; a search touches only labels sharing a word."""

    def __init__(self, competencies: Iterable[Competency]) -> None:
        self._competencies = [c for c in competencies if not c.retired]
        self._labels: list[tuple[int, str | None, tuple[str, ...]]] = []
        postings: dict[str, list[int]] = defaultdict(list)
        described: dict[str, set[int]] = defaultdict(set)
        for index, comp in enumerate(self._competencies):
            for label in (comp.name, *comp.alt_labels):
                words = tuple(utils.default_process(label).split())
                position = len(self._labels)
                self._labels.append((index, None if label == comp.name else label, words))
                for word in set(words):
                    postings[word].append(position)
            for word in utils.default_process(comp.description).split():
                described[word].add(index)
        self._postings = dict(postings)
        self._vocabulary = sorted(self._postings)
        self._described = dict(described)

    def __len__(self) -> int:
        return len(self._competencies)

    def search(self, query: str, *, limit: int = 10, cutoff: float = 65.0) -> list[SearchHit]:
        everything = utils.default_process(query).split()
        words = [w for w in everything if w not in STOPWORDS] or everything
        if not words:
            return []
        similar = [self._similar_words(word) for word in words]
        matched_words: Counter[int] = Counter()
        for found in similar:
            matched_words.update({p for word in found for p in self._postings[word]})
        # A label matching k of the n query words scores at most 100 k / n: skip the labels
        # that cannot reach the cut-off without scoring them.
        enough = max(1, math.ceil(cutoff * len(words) / 100 - 1e-9))
        whole = tuple(everything)
        best: dict[int, SearchHit] = {}
        for position, count in matched_words.items():
            if count < enough:
                continue
            index, alternative, label = self._labels[position]
            score = EXACT_SCORE if label == whole else _label_score(similar, label)
            if score >= cutoff:
                matched = "name" if alternative is None else f"alternative label {alternative!r}"
                self._keep(best, index, round(score, 1), matched)
        holding = [self._described.get(word, set()) for word in words]
        for index in set.intersection(*holding):
            self._keep(best, index, DESCRIPTION_SCORE, "description")
        ranked = sorted(
            best.values(), key=lambda h: (-h.score, len(h.competency.name), h.competency.name)
        )
        return ranked[:limit]

    def _similar_words(self, word: str) -> dict[str, float]:
        """Vocabulary words like ``word``, with how alike they are (0-100)."""
        found: dict[str, float] = {}
        if word in self._postings:
            found[word] = 100.0
        if len(word) >= 3:
            start = bisect.bisect_left(self._vocabulary, word)
            for other in self._vocabulary[start:]:
                if not other.startswith(word):
                    break
                found.setdefault(other, 95.0)
        for other, score, _ in process.extract(
            word, self._vocabulary, scorer=fuzz.ratio, limit=50, score_cutoff=WORD_CUTOFF
        ):
            found[other] = max(found.get(other, 0.0), float(score))
        if len(word) >= 3:
            for other, score, _ in process.extract(
                word,
                self._vocabulary,
                scorer=fuzz.partial_ratio,
                limit=300,
                score_cutoff=WORD_CUTOFF / PARTIAL_WEIGHT,
            ):
                if len(other) > len(word):
                    found[other] = max(found.get(other, 0.0), PARTIAL_WEIGHT * float(score))
        return found

    def _keep(self, best: dict[int, SearchHit], index: int, score: float, matched: str) -> None:
        current = best.get(index)
        if current is None or score > current.score:
            best[index] = SearchHit(self._competencies[index], score, matched)


def _label_score(similar: list[dict[str, float]], label: tuple[str, ...]) -> float:
    per_word = [max((found.get(word, 0.0) for word in label), default=0.0) for found in similar]
    coverage = sum(per_word) / len(per_word)
    unasked = max(0, len(label) - len(similar)) / max(len(label), 1)
    return coverage * (1 - EXTRA_WORD_WEIGHT * unasked)
