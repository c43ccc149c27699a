"""Print, as JSON, the pages `make bench` requests: `python -m bench.pages WORKLOAD_SONGS`.

Run with the benchmark's settings and database (bench/run.py does). The workload's songs are
published songs in an order shuffled with a fixed seed, most popular first, so that popularity
has nothing to do with ids; with a published fact of each of the most popular, for the editor.
"""

import base64
import json
import random
import sys
from urllib.parse import quote, urlencode

import django

MANY_SONGS = 2000
EDITED_SONGS = 200
API_PAGE_SIZE = 50
SEED = 1


def last_page_cursor(queryset, page_size):
    """The API's cursor (api.pagination, by id) of the last page of `queryset`: the position
    after which its last `page_size` rows come."""
    position = queryset.order_by("-pk").values_list("pk", flat=True)[page_size]
    return quote(base64.b64encode(urlencode({"p": position}).encode()).decode())


def main(workload_songs):
    django.setup()
    from api.kinds import KINDS
    from catalogue.models import Fact, Song, Status

    s50 = Song.objects.get(slug="showcase-50-comments")
    s500 = Song.objects.get(slug="showcase-500-comments")
    songs = list(Song.objects.published().select_related("artist").order_by("pk"))
    random.Random(SEED).shuffle(songs)
    ranked = songs[:workload_songs]
    facts = {}
    for song_id, fact_id in (
        Fact.objects.filter(song__in=[song.pk for song in ranked[:EDITED_SONGS]])
        .filter(status=Status.PUBLISHED)
        .order_by("song_id", "position", "pk")
        .values_list("song_id", "pk")
    ):
        facts.setdefault(song_id, fact_id)
    pages = {
        "floor": f"/bench/floor/{s50.pk}/",
        "song": s50.get_absolute_url(),
        "song data": "/bench/song-data/" + s50.get_absolute_url().removeprefix("/songs/"),
        "song500": s500.get_absolute_url(),
        "artist": s50.artist.get_absolute_url(),
        "api song": f"/api/v1/songs/{s50.pk}/",
        # The API's longest list: every comment readers are shown, a million on the benchmark.
        "api comments": f"/api/v1/comments/?page_size={API_PAGE_SIZE}",
        "api comments last": f"/api/v1/comments/?page_size={API_PAGE_SIZE}&cursor="
        + last_page_cursor(KINDS["comments"].queryset(), API_PAGE_SIZE),
        "api comment count": KINDS["comments"].queryset().count(),
        "many": [song.get_absolute_url() for song in random.sample(songs, MANY_SONGS)],
        "published songs": len(songs),
        "workload": [song.get_absolute_url() for song in ranked],
        # Most popular first, as the songs.
        "edited facts": [facts[song.pk] for song in ranked[:EDITED_SONGS] if song.pk in facts],
    }
    json.dump(pages, sys.stdout)


if __name__ == "__main__":
    main(int(sys.argv[1]))
