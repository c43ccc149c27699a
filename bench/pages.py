"""Print, as JSON, the pages `make bench` requests: `python -m bench.pages WORKLOAD_SONGS`.

Run with the benchmark's settings and database (bench/run.py does). The workload's songs are
published songs in an order shuffled with a fixed seed, most popular first, so that popularity
has nothing to do with ids; with a published fact of each of the most popular, for the editor.
"""

import json
import random
import sys

import django

MANY_SONGS = 2000
EDITED_SONGS = 200
SEED = 1


def main(workload_songs):
    django.setup()
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
        "many": [song.get_absolute_url() for song in random.sample(songs, MANY_SONGS)],
        "published songs": len(songs),
        "workload": [song.get_absolute_url() for song in ranked],
        # Most popular first, as the songs.
        "edited facts": [facts[song.pk] for song in ranked[:EDITED_SONGS] if song.pk in facts],
    }
    json.dump(pages, sys.stdout)


if __name__ == "__main__":
    main(int(sys.argv[1]))
