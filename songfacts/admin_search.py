"""A bound on the admin's searches, shared by every ModelAdmin that has a search box."""

from django.contrib import messages
from django.utils.text import smart_split, unescape_string_literal

# Django's search adds a condition per word on every row it reads: a thousand repeats of one
# word kept the comment list busy for half a minute.
SEARCH_WORDS = 10


def search_words(term):
    """The different words of a search term (a quoted phrase counts as one), in order."""
    different = {}
    for word in smart_split(term):
        different.setdefault(word.lower(), word)
    return list(different.values())


def unquoted(word):
    """A word as Django's admin search reads it: a quoted phrase without its quotes."""
    if word.startswith(('"', "'")) and word[0] == word[-1]:
        return unescape_string_literal(word)
    return word


class BoundedSearchMixin:
    """Searches for each different word once, and for the first SEARCH_WORDS only."""

    def bounded_search_term(self, request, search_term):
        words = search_words(search_term)
        # Not for autocomplete requests, whose answer is JSON: the message would wait in the
        # session and show on some later page.
        if len(words) > SEARCH_WORDS and request.resolver_match.url_name != "autocomplete":
            self.message_user(
                request,
                f"Only the first {SEARCH_WORDS} different words were searched for.",
                messages.WARNING,
            )
        return " ".join(words[:SEARCH_WORDS])

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(
            request, queryset, self.bounded_search_term(request, search_term)
        )
