"""Reads of the search index. Every method ranks a capped candidate set, never every match."""

from django.contrib.postgres.search import SearchHeadline, SearchRank, SearchVector
from django.db import connections, models
from django.db.models import BooleanField, Case, CharField, F, Func, Value, When
from django.db.models.functions import Length

from search import frequencies, query

# How many matches of one kind are ranked. A word found in a fifth of a million facts would
# otherwise be ranked two hundred thousand times for one page.
CANDIDATES = 200
# As-you-type orders this many titles and names that hold every word (enough for any
# prefix of three letters), and CANDIDATES that hold them anywhere (a song by the artist).
SUGGEST_CANDIDATES = 1000
# The words of a title or name alone, as the index search_document_title_words holds them.
TITLE_WORDS = SearchVector("normalized_title", config="simple")
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
# all kinds share one candidate pool, facts and comments have one each (see Matches);
# ts_headline and found_in run only for the rows kept. Written out because the ORM
# spends longer building the equivalent UNION of six ranked subqueries than PostgreSQL takes
# to answer it.
_OVERVIEW = """
WITH candidates (id) AS (
    {candidates}
), scored AS (
    SELECT id, kind, title, detail, url, body, vector, ts_rank(vector, {query}) AS rank
    FROM (
        SELECT *, coalesce(name_vector, fact_vector, comment_vector) AS vector FROM {table}
    ) AS documents
    WHERE id IN (SELECT id FROM candidates)
), placed AS (
    SELECT *, row_number() OVER (
        PARTITION BY kind ORDER BY rank DESC, length(title), title, id
    ) AS place
    FROM scored
)
SELECT id, kind, title, detail, url, rank, ts_headline('simple', body, {query}, %s) AS snippet,
       {found_in} AS found_in
FROM placed WHERE place <= %s
ORDER BY place
"""


def found_in_sql(vector, tsquery):
    """SQL for the weights, "A" to "D", at which `vector` holds a word of `tsquery`: "AC"
    for a song whose title and a tag hold one. Its parameters are the vector's and the
    query's, four times over."""
    cases = ", ".join(
        f"CASE WHEN ts_filter({vector}, '{{{weight}}}') @@ {tsquery} THEN '{weight}' END"
        for weight in "ABCD"
    )
    return f"concat_ws('', {cases})"


class Matches(Func):
    """Whether a document's `vector` matches the reader's query: by its rarest word alone
    and a check of the whole query on what that finds, when that word is rare among the
    facts or the comments (search.frequencies), or else by the whole query.

    "IS TRUE" keeps PostgreSQL from taking the check to the text-search index as well. For a
    query of several words, building this queries the database once a process every ten
    minutes, for PostgreSQL's statistics.
    """

    output_field = BooleanField()

    def __init__(self, vector, terms):
        rarest = frequencies.rarest(vector, terms.required)
        driver = [] if rarest is None else [query.word_query(*rarest)]
        super().__init__(F(vector), terms.tsquery, *driver)

    def as_sql(self, compiler, connection, **extra_context):
        (vector, vector_params), (tsquery, tsquery_params), *rarest = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        if not rarest:
            return f"{vector} @@ {tsquery}", (*vector_params, *tsquery_params)
        [(word, word_params)] = rarest
        return (
            f"{vector} @@ {word} AND ({vector} @@ {tsquery}) IS TRUE",
            (*vector_params, *word_params, *vector_params, *tsquery_params),
        )


class FoundIn(Func):
    """Annotate where a document holds the words of a query: see found_in_sql."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra_context):
        vector, vector_params = compiler.compile(self.source_expressions[0])
        tsquery, tsquery_params = compiler.compile(self.source_expressions[1])
        return found_in_sql(vector, tsquery), (*vector_params, *tsquery_params) * 4


class SearchDocumentQuerySet(models.QuerySet):
    def overview(self, terms, per_kind):
        """Up to `per_kind` best matches of each kind, each among its capped candidates.

        Documents with `rank`, `snippet` and `found_in` (the weights holding a word of
        `terms.any_word`, "" without it), best first within each kind. One query (and, now
        and then, one for Matches).
        """
        connection = connections[self.db]
        compiler = self.query.get_compiler(self.db)

        def compiled(expression):
            return expression.resolve_expression(self.query).as_sql(compiler, connection)

        table = connection.ops.quote_name(self.model._meta.db_table)
        pools = {
            "name_vector": CANDIDATES * len(self.model.Kind.values),
            "fact_vector": CANDIDATES,
            "comment_vector": CANDIDATES,
        }
        candidates, candidate_params = [], []
        for vector, limit in pools.items():
            where, params = compiled(Matches(vector, terms))
            candidates.append(f"(SELECT id FROM {table} WHERE {where} LIMIT %s)")
            candidate_params += [*params, limit]
        query_sql, query_params = compiled(terms.tsquery)
        if terms.any_word is None:
            found_in, found_in_params = "''", []
        else:
            any_sql, any_params = compiled(terms.any_word)
            found_in, found_in_params = found_in_sql("vector", any_sql), [*any_params] * 4
        # Quoted as SearchHeadline quotes them, for the same snippets as on a page of one kind.
        headline = SearchHeadline("body", terms.tsquery, **SNIPPET)
        options = ", ".join(
            connection.ops.compose_sql(f"{option}=%s", [value])
            for option, value in headline.options.items()
        )
        params = [
            *candidate_params,
            *query_params,
            *query_params,
            options,
            *found_in_params,
            per_kind,
        ]
        sql = _OVERVIEW.format(
            candidates="\n    UNION ALL\n    ".join(candidates),
            table=table,
            query=query_sql,
            found_in=found_in,
        )
        return self.raw(sql, params)

    def ranked(self, kind, terms):
        """The best matches of one kind first, among the first CANDIDATES that match."""
        vector = self.model.vector_field(kind)
        candidates = (
            self.filter(Matches(vector, terms), kind=kind).order_by().values("pk")[:CANDIDATES]
        )
        return (
            self.filter(pk__in=candidates)
            .annotate(rank=SearchRank(F(vector), terms.tsquery))
            .order_by("-rank", Length("title"), "title", "pk")
        )

    def for_suggestions(self, tsquery):
        """Songs, artists, albums and people for as-you-type: those whose title or name holds
        every word first, then those that hold them anywhere (a song by the artist typed);
        the most read first, then the shortest."""
        names = self.filter(name_vector__isnull=False).alias(title_words=TITLE_WORDS)
        candidates = (
            names.filter(title_words=tsquery)
            .order_by()
            .values("pk")[:SUGGEST_CANDIDATES]
            .union(names.filter(name_vector=tsquery).order_by().values("pk")[:CANDIDATES])
        )
        in_title = Case(When(title_words=tsquery, then=0), default=1)
        # Ties (a song and the album named after it) in the kinds' order.
        kind_order = Case(
            *(When(kind=kind, then=place) for place, kind in enumerate(self.model.Kind.values))
        )
        return (
            self.alias(title_words=TITLE_WORDS)
            .filter(pk__in=candidates)
            .order_by(in_title, "-popularity", Length("title"), "title", kind_order, "pk")
        )

    def with_snippets(self, tsquery):
        """Annotate `snippet`: the body's best passage, matched words between the marks.

        PostgreSQL computes the snippet only for the rows a LIMIT keeps.
        """
        return self.annotate(snippet=SearchHeadline("body", tsquery, config="simple", **SNIPPET))

    def with_found_in(self, kind, any_word):
        """Annotate `found_in`: the weights at which each document holds a word of
        `any_word`, "" without it (see found_in_sql)."""
        vector = F(self.model.vector_field(kind))
        return self.annotate(found_in=Value("") if any_word is None else FoundIn(vector, any_word))

    def for_results_page(self, kind, terms):
        """Ranked documents of one kind with the columns a results page shows."""
        return (
            self.ranked(kind, terms)
            .with_snippets(terms.tsquery)
            .with_found_in(kind, terms.any_word)
            .only("kind", "title", "detail", "url")
        )
