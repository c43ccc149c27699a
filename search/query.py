"""Turn what a reader typed into a PostgreSQL text-search query, whatever they typed."""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery

from search.normalize import clean, normalize, words

MAX_LENGTH = 200
MAX_WORDS = 10
# Longer "words" are pasted junk, and PostgreSQL refuses lexemes past 2 kB.
MAX_WORD_LENGTH = 60
# A prefix this short would expand to most of the dictionary.
MIN_PREFIX_LENGTH = 3
# A quoted phrase, or a token with an optional leading minus.
_TOKEN = re.compile(r'"([^"]*)"?|(-?)([^\s"]+)')


@dataclass
class Terms:
    """A reader's query: `text` to show back, `problem` when there is nothing to search for."""

    text: str
    problem: str = ""
    normalized: str = ""
    words: list = field(default_factory=list)
    tsquery: SearchQuery | None = None


def parse(raw):
    text = " ".join(clean(raw).split())
    truncated = len(text) > MAX_LENGTH
    text = text[:MAX_LENGTH]
    normalized = normalize(text)
    found = [word for word in words(normalized) if len(word) <= MAX_WORD_LENGTH][:MAX_WORDS]
    terms = Terms(text=text, normalized=" ".join(found), words=found)
    if not found:
        terms.problem = (
            "Type a word or two from a title, a name or a story."
            if not text
            else "Type some letters or numbers: punctuation and symbols on their own find nothing."
        )
    elif sum(len(word) for word in found) < 2:
        terms.problem = "Type at least two letters."
    else:
        terms.tsquery = _tsquery(normalized, found)
        if truncated:
            terms.problem = f"Only the first {MAX_LENGTH} characters were searched."
    return terms


def _tsquery(normalized, found):
    """A prefix query when the reader typed plain words, websearch syntax when they used it.

    Plain words: every word must match and the last may be unfinished ("bowi" finds Bowie).
    Quotes, "or" and a leading minus: PostgreSQL's websearch_to_tsquery, fed only words
    rebuilt from their tokens, so no character can reach it as an operator by accident.
    """
    pieces, advanced = [], False
    for phrase, minus, token in _TOKEN.findall(normalized):
        if phrase or (not minus and not token):
            phrase_words = _allowed(words(phrase))
            if phrase_words:
                pieces.append(f'"{" ".join(phrase_words)}"')
            advanced = True
        elif token == "or":
            pieces.append("or")
            advanced = True
        else:
            token_words = _allowed(words(token))
            if not token_words:
                continue
            joined = " ".join(token_words)
            quoted = f'"{joined}"' if len(token_words) > 1 else joined
            pieces.append(f"-{quoted}" if minus else quoted)
            advanced = advanced or bool(minus)
    if advanced:
        return SearchQuery(" ".join(pieces), config="simple", search_type="websearch")
    operands = list(found)
    if len(operands[-1]) >= MIN_PREFIX_LENGTH:
        operands[-1] += ":*"
    return SearchQuery(" & ".join(operands), config="simple", search_type="raw")


def _allowed(found):
    return [word for word in found if len(word) <= MAX_WORD_LENGTH][:MAX_WORDS]
