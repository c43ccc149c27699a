"""Reads of the search index. Every method ranks a capped candidate set, never every match."""

from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.db import connections, models
from django.db.models import Case, F, When
from django.db.models.functions import Length

# How many matches of one kind are ranked. A word found in a fifth of a million facts would
# otherwise be ranked two hundred thousand times for one page.
CANDIDATES = 200
# Highlighted words in a snippet come back between these private-use characters, which the
# indexed text never contains (see normalize.clean), so the template can escape the rest.
MARK_START = "\ue000"
MARK_STOP = "\ue001"
SNIPPET = {
    "start_sel": MARK_START,
    "stop_sel": MARK_STOP,
    "max_words": 30,
    "min_words": 12,
    "max_fragments": 2,
    "fragment_delimiter": " … ",
}

# The first results page: every kind's best matches in one statement. Titles and names of
# all kinds share one candidate pool, facts have their own; ts_headline runs only for the
# rows kept. Written out because the ORM spends longer building the equivalent UNION of five
# ranked subqueries than PostgreSQL takes to answer it.
_OVERVIEW = """
WITH candidates AS (
    (SELECT id FROM {table} WHERE name_vector @@ {query} LIMIT %s)
    UNION ALL
    (SELECT id FROM {table} WHERE fact_vector @@ {query} LIMIT %s)
), scored AS (
    SELECT id, kind, title, detail, url, body,
           ts_rank(coalesce(name_vector, fact_vector), {query}) AS rank
    FROM {table} WHERE id IN (SELECT id FROM candidates)
), placed AS (
    SELECT *, row_number() OVER (
        PARTITION BY kind ORDER BY rank DESC, length(title), title, id
    ) AS place
    FROM scored
)
SELECT id, kind, title, detail, url, rank, ts_headline('simple', body, {query}, %s) AS snippet
FROM placed WHERE place <= %s
ORDER BY place
"""


class SearchDocumentQuerySet(models.QuerySet):
    def overview(self, tsquery, per_kind):
        """Up to `per_kind` best matches of each kind, each among its capped candidates.

        Documents with `rank` and `snippet`, best first within each kind. One query.
        """
        connection = connections[self.db]
        compiler = self.query.get_compiler(self.db)
        query_sql, query_params = tsquery.resolve_expression(self.query).as_sql(
            compiler, connection
        )
        table = connection.ops.quote_name(self.model._meta.db_table)
        # Quoted as SearchHeadline quotes them, for the same snippets as on a page of one kind.
        options = ", ".join(
            connection.ops.compose_sql(f"{option}=%s", [value])
            for option, value in SearchHeadline("body", tsquery, **SNIPPET).options.items()
        )
        params = [
            *query_params,
            CANDIDATES * len(self.model.Kind.values),
            *query_params,
            CANDIDATES,
            *query_params,
            *query_params,
            options,
            per_kind,
        ]
        return self.raw(_OVERVIEW.format(table=table, query=query_sql), params)

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
        return self.annotate(snippet=SearchHeadline("body", tsquery, config="simple", **SNIPPET))

    def for_results_page(self, kind, tsquery):
        """Ranked documents of one kind with the columns a results page shows."""
        return (
            self.ranked(kind, tsquery).with_snippets(tsquery).only("kind", "title", "detail", "url")
        )
