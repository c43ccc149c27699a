"""'Did you mean': the closest known words of titles and names, for a query that finds little.

Each process keeps the words of every indexed title and name in memory, loaded on first use
and again after any title or name changes (services.names_changed bumps a shared version).
Corrections are cached, so a misspelling costs the edit-distance work once for the site.
"""

import difflib
import hashlib
import threading
from collections import defaultdict

from django.core.cache import cache

from search.models import SearchDocument
from search.services import NAMES_VERSION_KEY

CORRECTION_SECONDS = 600
# Shorter words are too easy to "correct" into some other word.
MIN_LENGTH = 3


class _Words:
    def __init__(self):
        self.version = object()
        self.by_initial = {}
        self.known = frozenset()
        self.lock = threading.Lock()

    def current(self, version):
        """Queries the database when the titles and names changed since the last load."""
        with self.lock:
            if version != self.version:
                titles = (
                    SearchDocument.objects.exclude(kind=SearchDocument.Kind.FACT)
                    .values_list("normalized_title", flat=True)
                    .iterator(chunk_size=10_000)
                )
                known = {
                    word
                    for title in titles
                    for word in title.split()
                    if len(word) >= MIN_LENGTH and word.isalpha()
                }
                by_initial = defaultdict(list)
                for word in sorted(known):
                    by_initial[word[0]].append(word)
                self.known, self.by_initial, self.version = frozenset(known), by_initial, version
            return self


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
        # A misspelling rarely gets the first letter wrong; the rest is difflib's ratio.
        close = difflib.get_close_matches(word, index.by_initial.get(word[0], ()), n=1, cutoff=0.75)
        corrected.append(close[0] if close else word)
    return " ".join(corrected) if corrected != query_words else ""
