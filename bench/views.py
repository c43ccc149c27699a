"""The benchmark's reference views, at /bench/ under bench.settings only.

The floor has the shape of TechEmpower's "single query" test: one indexed query and a tiny
template, behind the site's full middleware. Every page's throughput is read against it.
The song page's data alone is what that page reads, without the template: no rendering of the
page, however fast, could serve it faster. The icontains view is the naive search that real
search must beat.
"""

from django.http import Http404, HttpResponse
from django.template import engines
from django.views.decorators.http import require_GET

from catalogue.models import Fact, Song
from catalogue.selectors import load_song_page
from comments.selectors import song_comment_section

_django = engines["django"]
FLOOR = _django.from_string(
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{{ song.title }}'
    "</title></head>\n<body><h1>{{ song.title }}</h1><p>{{ song.release_year }}</p></body></html>"
)
ICONTAINS = _django.from_string(
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{{ query }}</title>'
    "</head>\n<body><ul>{% for fact in facts %}<li>{{ fact.song.title }}: "
    "{{ fact.body|truncatewords:20 }}</li>{% endfor %}</ul></body></html>"
)


@require_GET
def floor(request, pk):
    song = Song.objects.filter(pk=pk).values("title", "release_year").first()
    if song is None:
        raise Http404("No such song.")
    return HttpResponse(FLOOR.render({"song": song}, request))


@require_GET
def song_data(request, artist_slug, slug):
    """What the song page reads (see catalogue.views.song_detail), then a few bytes."""
    page = load_song_page(artist_slug, slug, include_drafts=False)
    if page is None:
        raise Http404("No such song.")
    section = song_comment_section(page.song, request=request)
    return HttpResponse(f"{len(page.facts)} facts, {section.count} comments")


@require_GET
def icontains_search(request):
    query = request.GET.get("q", "")[:200]
    facts = list(
        Fact.objects.filter(body__icontains=query, status="published")
        .select_related("song")
        .order_by()[:20]
    )
    return HttpResponse(ICONTAINS.render({"query": query, "facts": facts}, request))
