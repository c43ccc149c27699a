"""'Did you mean': the closest known words of titles and names, for a query that finds little.

Each process keeps the words of every indexed title and name in memory with how much
readers read about them, loaded on first use and again after any title or name changes
(services.names_changed bumps a shared version). Corrections are cached, so a misspelling
costs the edit-distance work once for the site.

A word's weight is the sum, over the titles and names holding it, of one for the title and
its document's popularity (the facts and comments readers can read about it), as of the
last load: "heroes", in the titles of songs with many stories, outweighs a word of one
obscure title at the same distance.
"""

import hashlib
import threading
from collections import Counter, defaultdict

from django.core.cache import cache

from search.models import SearchDocument
from search.services import NAMES_VERSION_KEY

CORRECTION_SECONDS = 600
# Shorter words are too easy to "correct" into some other word.
MIN_LENGTH = 3
# A word may have one slip in this many letters, and one at least: as difflib's ratio of
# 0.75, which this replaced, allowed.
LETTERS_PER_SLIP = 4


class _Words:
    def __init__(self):
        self.version = object()
        # Known words by first letter and length, each with its weight.
        self.by_initial = {}
        self.known = frozenset()
        self.lock = threading.Lock()

    def current(self, version):
        """Queries the database when the titles and names changed since the last load."""
        with self.lock:
            if version != self.version:
                titles = (
                    SearchDocument.objects.filter(name_vector__isnull=False)
                    .values_list("normalized_title", "popularity")
                    .iterator(chunk_size=10_000)
                )
                weights = Counter()
                for title, popularity in titles:
                    for word in set(title.split()):
                        if len(word) >= MIN_LENGTH and word.isalpha():
                            weights[word] += 1 + popularity
                by_initial = defaultdict(lambda: defaultdict(list))
                for word, weight in weights.items():
                    by_initial[word[0]][len(word)].append((word, weight))
                self.known, self.by_initial, self.version = frozenset(weights), by_initial, version
            return self

    def candidates(self, word, slips):
        """Known words that may be `word` with up to `slips` slips: those of a length within
        reach that begin with its first letter, or with its second (a swap of the first two)."""
        for initial in dict.fromkeys(word[:2]):
            lengths = self.by_initial.get(initial, {})
            for length in range(len(word) - slips, len(word) + slips + 1):
                yield from lengths.get(length, ())


_words = _Words()


def did_you_mean(normalized):
    """A query with each unknown word replaced by the closest known one, or "" if none.

    `normalized` is a query's space-separated normalized words (query.Terms.normalized).
    """
    version = cache.get(NAMES_VERSION_KEY, "")
    key = "search:did-you-mean:" + hashlib.sha256(f"{version}:{normalized}".encode()).hexdigest()
    correction = cache.get(key)
    if correction is None:
        correction = _correct(normalized.split(), _words.current(version))
        cache.set(key, correction, CORRECTION_SECONDS)
    return correction


def _correct(query_words, index):
    corrected = []
    for word in query_words:
        if len(word) < MIN_LENGTH or word in index.known or not word.isalpha():
            corrected.append(word)
            continue
        slips = max(1, len(word) // LETTERS_PER_SLIP)
        best = None
        for candidate, weight in index.candidates(word, slips):
            distance = slips_between(word, candidate, slips)
            if distance <= slips:
                # The fewest slips, then the most read, then the first in the alphabet.
                score = (distance, -weight, candidate)
                best = score if best is None or score < best else best
        corrected.append(best[2] if best else word)
    return " ".join(corrected) if corrected != query_words else ""


def slips_between(typed, known, most):
    """How many typing slips turn `typed` into `known`: letters left out, added or wrong, and
    two neighbours swapped (the optimal string alignment distance). Past `most`, any number
    above it, found without finishing."""
    if abs(len(typed) - len(known)) > most:
        return most + 1
    before, previous = None, list(range(len(known) + 1))
    for i, letter in enumerate(typed, 1):
        current = [i]
        for j, other in enumerate(known, 1):
            cost = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (letter != other),
            )
            if i > 1 and j > 1 and letter == known[j - 2] and typed[i - 2] == other:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if min(current) > most:
            return most + 1
        before, previous = previous, current
    return previous[-1]
