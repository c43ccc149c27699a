"""The keys each catalogue row is shown under on cached pages (see songfacts.cache_keys).

A song's own page is known by `song-N` (the song itself, on every page that names it) and three
keys for its parts: `song-N-facts` (facts and their sources), `song-N-details` (credits, chart
runs, certifications, versions, placements, tags) and `song-N-comments` (comments app). Lists
have keys of their own: `home`, `songs-az` (the A-Z, decade and year lists), `artists-az`,
`feeds`, `sitemaps`, `picks` (editor's picks, on every song page); an artist's, album's,
person's, tag's or chart's page is known by its row's key.
"""

from django.contrib.contenttypes.models import ContentType
from taggit.models import Tag, TaggedItem

from catalogue.models import (
    Album,
    Appearance,
    Artist,
    Certification,
    Chart,
    ChartEntry,
    Credit,
    EditorsPick,
    Fact,
    Person,
    Role,
    Song,
    Source,
    Status,
    Version,
)
from songfacts.cache_keys import register, register_m2m

SONG_LISTS = ["home", "songs-az", "artists-az", "feeds", "sitemaps"]


def song_page_keys(song):
    """What a song's page shows beyond the rows it loads: its parts, even while it has none."""
    return [f"song-{song.pk}-facts", f"song-{song.pk}-details", f"song-{song.pk}-comments", "picks"]


def _published(row):
    return row.status == Status.PUBLISHED


def _song_joins(song):
    """A song that readers can now see may join its tags', people's and charts' pages, and
    the related songs of every song sharing them. Queries three times."""
    tags = TaggedItem.objects.filter(
        object_id=song.pk, content_type=ContentType.objects.get_for_model(Song)
    )
    people = Credit.objects.filter(song=song).values_list("person_id", flat=True)
    charts = ChartEntry.objects.filter(song=song).values_list("chart_id", flat=True)
    return [
        *(f"tag-{pk}" for pk in tags.values_list("tag_id", flat=True)),
        *(f"person-{pk}" for pk in people),
        *(f"chart-{pk}" for pk in charts),
    ]


def _source_keys(source):
    """Its fact's song, from a query: a source is loaded with its fact, whose key the page
    has already. None when the fact is gone too (its own delete purges its song's facts)."""
    song_ids = Fact.objects.filter(pk=source.fact_id).values_list("song_id", flat=True)
    return [f"song-{pk}-facts" for pk in song_ids]


def register_all():
    register(
        Song,
        shown_under=["song-{id}"],
        joins=[*SONG_LISTS, "artist-{artist_id}", "album-{album_id}"],
        visible=_published,
        joins_also=_song_joins,
    )
    register(
        Fact, shown_under=["song-{song_id}-facts"], joins=["home", "feeds"], visible=_published
    )
    register(Source, shown_under=[], shown_under_also=_source_keys)
    register(Artist, shown_under=["artist-{id}"], joins=["artists-az", "sitemaps"])
    register(Album, shown_under=["album-{id}"], joins=["artist-{artist_id}"])
    register(Person, shown_under=["person-{id}"])
    register(Role, shown_under=["role-{id}"])
    register(Credit, shown_under=["song-{song_id}-details"], joins=["person-{person_id}"])
    register(Chart, shown_under=["chart-{id}"])
    register(ChartEntry, shown_under=["song-{song_id}-details"], joins=["chart-{chart_id}"])
    register(Certification, shown_under=["song-{song_id}-details"])
    register(Version, shown_under=["song-{original_id}-details", "song-{version_id}-details"])
    register(Appearance, shown_under=["song-{song_id}-details"])
    register(EditorsPick, shown_under=["picks"], visible=_published)
    register_m2m(EditorsPick.songs.through, keys=["picks"])
    register(Tag, shown_under=["tag-{id}"])
    register(TaggedItem, shown_under=["song-{object_id}-details"], joins=["tag-{tag_id}"])
