"""How common each word is among the facts and among the comments, from the statistics that
ANALYZE keeps (pg_stats' most common lexemes), so that a query's rarest word can find the
matches by itself.

PostgreSQL takes a prefix ("band:*") to the text-search index as a bitmap of every row with
a word so begun, however rare the query's other words: 60 ms for a word in two of five of a
million facts beside one in five of them, 0.2 ms when the rare word alone goes to the index
and the whole query is checked on the rows it finds. PostgreSQL cannot split a tsquery so.
"""

import bisect
import math
import threading
import time

from django.apps import apps
from django.db import connection

REFRESH_SECONDS = 600
# A word in fewer of the rows than this finds the matches alone.
RARE = 0.02
COLUMNS = ("fact_vector", "comment_vector")
# PostgreSQL's DEFAULT_TS_MATCH_SEL.
DEFAULT_SHARE = 0.005


class _Statistics:
    def __init__(self):
        self.loaded_at = -math.inf
        self.columns = {}
        self.lock = threading.Lock()

    def current(self):
        """Queries the database once every REFRESH_SECONDS, for PostgreSQL's latest figures."""
        with self.lock:
            if time.monotonic() - self.loaded_at > REFRESH_SECONDS:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT attname, most_common_elems::text::text[], most_common_elem_freqs"
                        " FROM pg_stats WHERE schemaname = current_schema()"
                        " AND tablename = %s AND attname = ANY(%s)",
                        [apps.get_model("search", "SearchDocument")._meta.db_table, list(COLUMNS)],
                    )
                    self.columns = {
                        column: _Column(words, shares)
                        for column, words, shares in cursor.fetchall()
                        if words
                    }
                self.loaded_at = time.monotonic()
            return self.columns


class _Column:
    def __init__(self, words, shares):
        # PostgreSQL stores the smallest and largest share after the lexemes' own.
        pairs = sorted(zip(words, shares, strict=False))
        self.words = [word for word, _ in pairs]
        self.shares = [share for _, share in pairs]
        # What PostgreSQL takes for a word too rare to be listed (ts_selfuncs.c).
        self.unlisted = min(DEFAULT_SHARE, shares[len(words)] / 2)

    def share(self, word, prefix):
        """The share of rows holding `word`, or a word it begins when `prefix`."""
        start = bisect.bisect_left(self.words, word)
        if not prefix:
            listed = start < len(self.words) and self.words[start] == word
            return self.shares[start] if listed else self.unlisted
        absent = 1.0
        for index in range(start, len(self.words)):
            if not self.words[index].startswith(word):
                break
            absent *= 1 - self.shares[index]
        return max(1 - absent, self.unlisted)


_statistics = _Statistics()


def rarest(column, required):
    """Of `required` (word, prefix) pairs, each held by every match, the one fewest rows of
    `column` hold, when it is rare enough to find the matches alone and others remain to be
    checked on them; otherwise None. May query the database (see _Statistics.current)."""
    if len(required) < 2 or column not in COLUMNS:
        return None
    statistics = _statistics.current().get(column)
    if statistics is None:
        return None
    share, word = min((statistics.share(*pair), pair) for pair in required)
    return word if share < RARE else None
