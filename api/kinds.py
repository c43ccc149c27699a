"""The public kinds of the catalogue, each defined once: what rows readers may see, loaded
with everything their detail representation needs, and the serializer that writes it.

The API's detail views answer from these querysets and serializers, and the data dumps
(`manage.py export_dump`) iterate them, so a dump holds exactly what the API shows. What
"published" or "shown" means comes from the models' named QuerySets, never spelled here. Each
queryset is ordered by primary key, and costs a fixed number of queries however many rows it
holds (the prefetches run once per batch).

A kind's rows are what the site's own indexes list: songs that are published, comments that
readers are shown on published songs, and the artists, albums, people, tags and charts of
published songs.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, Prefetch, QuerySet
from rest_framework.serializers import Serializer

from api import serializers
from catalogue.models import (
    Album,
    Artist,
    ChartEntry,
    Credit,
    Fact,
    Song,
    Source,
    Version,
)
from comments.models import Comment


@dataclass(frozen=True)
class Kind:
    name: str
    queryset: Callable[[], QuerySet]
    serializer: type[Serializer]


def songs():
    """Published songs with their artist, album, published facts (with sources), credits,
    chart runs, certifications, published versions both ways, appearances (its own and its
    published same-song versions'), tags and ISRCs. Queries: 1 for the songs, 12 for the
    parts."""
    return (
        Song.objects.published()
        .select_related("artist", "album__artist")
        .prefetch_related(
            Prefetch(
                "facts",
                queryset=Fact.objects.published().prefetch_related(
                    Prefetch("sources", queryset=Source.objects.order_by(*Source._meta.ordering))
                ),
                to_attr="published_facts",
            ),
            Prefetch("credits", queryset=Credit.objects.select_related("person", "role")),
            Prefetch("chart_entries", queryset=ChartEntry.objects.select_related("chart")),
            "certifications",
            Prefetch(
                "versions",
                queryset=Version.objects.filter(
                    version__in=Song.objects.published()
                ).select_related("version__artist"),
                to_attr="published_versions",
            ),
            Prefetch(
                "version_of",
                queryset=Version.objects.filter(original__in=Song.objects.published())
                .select_related("original__artist")
                .order_by("pk"),
                to_attr="published_originals",
            ),
            "appearances",
            # The placements of its published versions that are the song played again, which
            # its page lists too (Version.SAME_SONG_KINDS).
            Prefetch(
                "versions",
                queryset=Version.objects.filter(
                    version__in=Song.objects.published(), kind__in=Version.SAME_SONG_KINDS
                )
                .select_related("version__artist")
                .prefetch_related("version__appearances"),
                to_attr="same_song_versions",
            ),
            "tags",
            "isrcs",
        )
        .order_by("pk")
    )


def artists():
    """Artists with published songs, with their albums. Queries: 2."""
    return (
        Artist.objects.with_published_songs()
        .prefetch_related(Prefetch("albums", queryset=Album.objects.select_related("artist")))
        .order_by("pk")
    )


def albums():
    """Albums holding published songs, with their artist and their published songs in
    track order (those whose number is unknown last, by title). Queries: 2."""
    tracks = (
        Song.objects.published()
        .select_related("artist")
        .order_by(F("track_number").asc(nulls_last=True), "title", "pk")
    )
    return (
        Song.objects.published()
        .albums_holding()
        .prefetch_related(Prefetch("songs", queryset=tracks, to_attr="published_tracks"))
        .order_by("pk")
    )


def people():
    """People credited on published songs, with the artist they perform as. Queries: 1."""
    return Song.objects.published().credited_people().select_related("artist").order_by("pk")


def tags():
    """Tags of published songs. Queries: 1."""
    return Song.objects.published().tags_used().order_by("pk")


def charts():
    """Charts with runs of published songs. Queries: 1."""
    return ChartEntry.objects.for_chart_page().charts_holding().order_by("pk")


def comments():
    """Comments readers are shown (published, in published threads) on published songs,
    with their song and its artist. Queries: 1."""
    return (
        Comment.objects.shown()
        .filter(song__in=Song.objects.published())
        .select_related("song__artist")
        .order_by("pk")
    )


KINDS = {
    kind.name: kind
    for kind in [
        Kind("songs", songs, serializers.SongSerializer),
        Kind("artists", artists, serializers.ArtistSerializer),
        Kind("albums", albums, serializers.AlbumSerializer),
        Kind("people", people, serializers.PersonSerializer),
        Kind("charts", charts, serializers.ChartSerializer),
        Kind("tags", tags, serializers.TagSerializer),
        Kind("comments", comments, serializers.CommentSerializer),
    ]
}
