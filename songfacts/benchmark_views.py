"""Views that exist only under the benchmark's settings (BENCHMARK_VIEWS=1).

The floor has the shape of TechEmpower's "single query" test: one indexed query and a tiny
template, behind the site's full middleware. Every page's throughput is read against it.
The icontains view is the naive search that real search must beat.
"""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalogue.models import Fact, Song


@require_GET
def floor(request, pk):
    song = Song.objects.filter(pk=pk).values("title", "release_year").first()
    if song is None:
        raise Http404("No such song.")
    return render(request, "benchmark/floor.html", {"song": song})


@require_GET
def icontains_search(request):
    query = request.GET.get("q", "")[:200]
    facts = list(
        Fact.objects.filter(body__icontains=query, status="published")
        .select_related("song")
        .order_by()[:20]
    )
    return render(request, "benchmark/icontains.html", {"query": query, "facts": facts})
