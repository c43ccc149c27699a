import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import get_text_list
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from search import query, spelling
from search.models import PLACES, SearchDocument
from search.normalize import normalize
from search.querysets import CANDIDATES, MARK_START, MARK_STOP

Kind = SearchDocument.Kind
# Matches shown per kind on the first page, which shows every kind.
OVERVIEW_PER_KIND = 5
PER_PAGE = 20
# Results follow the catalogue within this long, rather than by the keys of what they show.
RESULTS_SECONDS = 60
# "Did you mean" is offered when a query finds fewer results than this.
FEW_RESULTS = 3
SUGGESTIONS = 8
SUGGEST_SECONDS = 60


@require_GET
@cache_control(public=True, max_age=RESULTS_SECONDS)
def search(request):
    """The results page: every kind's best matches, or one kind's matches page by page."""
    terms = query.parse(request.GET.get("q", ""))
    kind = request.GET.get("kind", "")
    context = {"terms": terms, "search_query": terms.text, "candidates": CANDIDATES}
    if kind and kind not in Kind.values:
        context["problem"] = "There is no such kind of result; here are all of them."
        kind = ""
    if terms.tsquery is None:
        return render(request, "search/results.html", context)
    if kind:
        # Expect 2 queries: the count of the capped candidates, and the page.
        documents = SearchDocument.objects.for_results_page(kind, terms)
        page = Paginator(documents, PER_PAGE).get_page(request.GET.get("page"))
        context.update(kind=kind, kind_label=Kind(kind).label, page=page, groups=[])
        if page.paginator.count:
            context["groups"] = [_group(kind, page.object_list, more=False)]
        return render(request, "search/results.html", context)
    context["groups"] = _overview(terms)
    if sum(len(group["documents"]) for group in context["groups"]) < FEW_RESULTS:
        # A cache round trip; loads the known words on a process's first misspelling.
        context["did_you_mean"] = spelling.did_you_mean(terms.normalized)
    return render(request, "search/results.html", context)


def _overview(terms):
    """Expect 1 query: each kind's best matches, one more than shown to know of others."""
    rows = list(SearchDocument.objects.overview(terms, OVERVIEW_PER_KIND + 1))
    groups = []
    for kind in Kind.values:
        documents = [row for row in rows if row.kind == kind]
        if documents:
            more = len(documents) > OVERVIEW_PER_KIND
            groups.append(_group(kind, documents[:OVERVIEW_PER_KIND], more=more))
    return groups


def _group(kind, documents, *, more):
    for document in documents:
        document.snippet_html = _marked(document.snippet)
        document.places = _places(kind, document.found_in)
    return {"kind": kind, "label": Kind(kind).label, "documents": documents, "more": more}


def _places(kind, found_in):
    """Where a document holds the reader's words, as a result says it: "the title and a tag"."""
    places = [place for weight, place in PLACES[kind].items() if weight in found_in]
    return get_text_list(places, "and")


def _marked(snippet):
    """The snippet as HTML: its text escaped, the matched words in <mark>. Built here rather
    than by a loop in the template, which took longer than the rest of the page."""
    pieces = snippet.replace(MARK_STOP, MARK_START).split(MARK_START)
    html = (
        format_html("<mark>{}</mark>", piece) if index % 2 else escape(piece)
        for index, piece in enumerate(pieces)
        if piece
    )
    return mark_safe("".join(html))  # Every piece escaped above.


@require_GET
@cache_control(public=True, max_age=SUGGEST_SECONDS)
def suggest(request):
    """As-you-type suggestions: songs, artists, albums and people with words that start like
    the query's, those named by them first. JSON."""
    terms = query.parse(request.GET.get("q", ""))
    if terms.tsquery is None:
        return JsonResponse({"query": terms.text, "suggestions": []})
    key = "search:suggest:" + hashlib.sha256(normalize(terms.text).encode()).hexdigest()
    suggestions = cache.get(key)
    if suggestions is None:
        suggestions = list(
            SearchDocument.objects.for_suggestions(terms.tsquery).values(
                "kind", "title", "detail", "url"
            )[:SUGGESTIONS]
        )
        cache.set(key, suggestions, SUGGEST_SECONDS)
    return JsonResponse({"query": terms.text, "suggestions": suggestions})
