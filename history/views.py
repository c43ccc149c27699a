"""The public history of a song: who changed its page, when, and what they did."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from catalogue.models import Song
from catalogue.views import _canonical, _page
from history.selectors import HistoryEntry, song_history_entries
from history.signals import editor_key, history_key
from songfacts import cache_keys

REVISIONS_PER_PAGE = 50


@require_safe
def song_history(request, artist_slug, slug):
    """A published song's revisions, newest first, 50 a page. Queries: the song (1), the count
    and the page of revisions with their editors' names (2): 3. A draft's is a 404, for
    editors too: its history is public only once the song is."""
    song = get_object_or_404(
        Song.objects.published().select_related("artist"), artist__slug=artist_slug, slug=slug
    )
    # The catalogue pages' own rules for ?page= (a 404 for anything but a page that exists)
    # and for the canonical address, shared rather than copied.
    page = _page(request, song_history_entries(song), REVISIONS_PER_PAGE)
    page.object_list = [HistoryEntry(version) for version in page.object_list]
    cache_keys.add(history_key(song.pk))
    cache_keys.add(*{editor_key(entry.user_id) for entry in page.object_list if entry.user_id})
    context = {
        "song": song,
        "page": page,
        "canonical_url": _canonical(request, page),
    }
    return render(request, "history/song_history.html", context)
