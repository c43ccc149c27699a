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


@dataclass(frozen=True)
class _Clause:
    """Words that must come in a row (one word, a hyphenated token or a quoted phrase)."""

    words: tuple
    negated: bool = False
    # Quoted or excluded by the reader: the words as typed, none of them a prefix.
    exact: bool = False
    # Joined to the clause before it by "or" rather than "and".
    alternative: bool = False


@dataclass
class Terms:
    """A reader's query: `text` to show back, `problem` when there is nothing to search for.

    `tsquery` finds the documents; `any_word` matches a vector holding any one wanted word,
    to say where a result's words were found; `required` holds the (word, prefix) pairs that
    every match holds (none when "or" joins any), for the rarest to find them alone.
    """

    text: str
    problem: str = ""
    normalized: str = ""
    words: list = field(default_factory=list)
    tsquery: SearchQuery | None = None
    any_word: SearchQuery | None = None
    required: tuple = ()


def parse(raw):
    text = " ".join(clean(raw).split())
    truncated = len(text) > MAX_LENGTH
    text = text[:MAX_LENGTH]
    normalized = normalize(text)
    found = _allowed(words(normalized))
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
        # "or" alone is a word to look for, not an operator.
        clauses = _clauses(normalized) or [_Clause((word,)) for word in found]
        terms.tsquery = _raw(_render(clauses))
        wanted = [clause for clause in clauses if not clause.negated]
        if not any(clause.alternative for clause in clauses):
            terms.required = tuple(
                (word, _is_prefix(word, clause.exact)) for clause in wanted for word in clause.words
            )
        if wanted:
            terms.any_word = _raw(
                _render([_Clause(c.words, exact=c.exact, alternative=True) for c in wanted])
            )
        if truncated:
            terms.problem = f"Only the first {MAX_LENGTH} characters were searched."
    return terms


def _clauses(normalized):
    """The query's clauses: every word required unless "or" stands between two of them, a
    leading minus excludes, quotes keep words together and whole.

    Only words (letters and digits) come out, so no character can reach PostgreSQL as an
    operator by accident.
    """
    clauses, alternative, budget = [], False, MAX_WORDS
    for phrase, minus, token in _TOKEN.findall(normalized):
        if not phrase and not minus and token == "or":
            alternative = bool(clauses)
            continue
        quoted = bool(phrase) or not token
        found = _allowed(words(phrase if quoted else token))[:budget]
        if not found:
            continue
        budget -= len(found)
        clauses.append(
            _Clause(
                tuple(found),
                negated=bool(minus),
                exact=quoted or bool(minus),
                alternative=alternative,
            )
        )
        alternative = False
    return clauses


def _render(clauses):
    """The clauses in to_tsquery's syntax, each word of a plain clause as a prefix."""
    pieces = []
    for clause in clauses:
        operands = [_operand(word, clause.exact) for word in clause.words]
        piece = operands[0] if len(operands) == 1 else f"({' <-> '.join(operands)})"
        if pieces:
            pieces.append("|" if clause.alternative else "&")
        pieces.append(f"!{piece}" if clause.negated else piece)
    return " ".join(pieces)


def _operand(word, exact):
    return f"{word}:*" if _is_prefix(word, exact) else word


def _is_prefix(word, exact):
    return len(word) >= MIN_PREFIX_LENGTH and not exact


def word_query(word, prefix):
    """A query for one of `Terms.required`."""
    return _raw(f"{word}:*" if prefix else word)


def _raw(text):
    return SearchQuery(text, config="simple", search_type="raw")


def _allowed(found):
    return [word for word in found if len(word) <= MAX_WORD_LENGTH][:MAX_WORDS]
