"""Reads of the search index. Every method ranks a capped candidate set, never every match."""

from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.db import models
from django.db.models import Case, F, When
from django.db.models.functions import Length

# How many matches of one kind are ranked. A word found in a fifth of a million facts would
# otherwise be ranked two hundred thousand times for one page.
CANDIDATES = 500
# Highlighted words in a snippet come back between these private-use characters, which the
# indexed text never contains (see normalize.clean), so the template can escape the rest.
MARK_START = "\ue000"
MARK_STOP = "\ue001"


class SearchDocumentQuerySet(models.QuerySet):
    def ranked(self, kind, tsquery):
        """The best matches of one kind first, among the first CANDIDATES that match."""
        return self._ranked(self.filter(kind=kind), tsquery, self.model.vector_field(kind))

    def for_suggestions(self, tsquery, typed):
        """Songs, artists, albums and people for as-you-type: titles that begin with what was
        typed (normalized) first, shorter before longer, then the best ranked."""
        begins = Case(When(normalized_title__startswith=typed, then=0), default=1)
        return (
            self._ranked(self, tsquery, "name_vector")
            .annotate(begins=begins)
            .order_by("begins", Length("title"), "-rank", "title", "pk")
        )

    def _ranked(self, documents, tsquery, vector):
        candidates = documents.filter(**{vector: tsquery}).order_by().values("pk")[:CANDIDATES]
        return (
            self.filter(pk__in=candidates)
            .annotate(rank=SearchRank(F(vector), tsquery))
            .order_by("-rank", Length("title"), "title", "pk")
        )

    def with_snippets(self, tsquery):
        """Annotate `snippet`: the body's best passage, matched words between the marks.

        PostgreSQL computes the snippet only for the rows a LIMIT keeps.
        """
        return self.annotate(
            snippet=SearchHeadline(
                "body",
                tsquery,
                config="simple",
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )

    def for_results_page(self, kind, tsquery):
        """Ranked documents of one kind with the columns a results page shows."""
        return (
            self.ranked(kind, tsquery).with_snippets(tsquery).only("kind", "title", "detail", "url")
        )
