"""One normalization for the documents and the queries, so that accents and case never matter.

Done in Python because `unaccent` is an extension and the site uses core PostgreSQL only.
"""

import re
import unicodedata

# Letters that Unicode does not decompose into a base letter and a combining mark.
_FOLDS = str.maketrans(
    {
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "ħ": "h",
        "ı": "i",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        # Apostrophes join their word ("don't" is found by "dont"), as readers type either.
        "'": "",
        "’": "",
        "‘": "",
    }
)
# Control characters (NUL included, which PostgreSQL refuses in text) become spaces.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Private-use characters mark highlighted words in snippets; text never carries its own.
_PRIVATE = re.compile("[\ue000-\uf8ff]")
_WORD = re.compile(r"[^\W_]+")


def clean(text):
    """The text with control and private-use characters replaced by spaces."""
    return _PRIVATE.sub(" ", _CONTROL.sub(" ", text))


# Every combining mark in the first two planes, for str.translate to drop in one pass.
_MARKS = dict.fromkeys(cp for cp in range(0x20000) if unicodedata.combining(chr(cp)))


def normalize(text):
    """Lower-case text without accents: "Motörhead" -> "motorhead", "Straße" -> "strasse"."""
    text = clean(text)
    if text.isascii():
        # Most text: nothing to decompose, and a million facts are indexed in one rebuild.
        return text.lower().translate(_FOLDS)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return decomposed.translate(_MARKS).translate(_FOLDS)


def words(text):
    """The normalized words of text, as PostgreSQL's 'simple' configuration splits them."""
    return _WORD.findall(normalize(text))
