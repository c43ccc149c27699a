"""The keys each catalogue row is shown under on cached pages (see songfacts.cache_keys).

A song's own page is known by `song-N` (the song itself, on every page that names it) and three
keys for its parts: `song-N-facts` (facts and their sources), `song-N-details` (credits, ISRCs,
chart runs, certifications, versions, placements, tags) and `song-N-comments` (comments app). Lists
have keys of their own: `home`, `songs-az` (the A-Z, decade and year lists), `artists-az`,
`feeds`, `sitemaps`, `picks` (editor's picks, on every song page), and the indexes, which
count published songs rather than show them: `people-az`, `albums-az`, `tags`, `charts` and
`years`; an artist's, album's, person's, tag's or chart's page is known by its row's key.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save, pre_save
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
    Isrc,
    Person,
    Role,
    Song,
    Source,
    Status,
    Version,
)
from songfacts.cache_keys import purge_on_commit, register, register_m2m

SONG_LISTS = ["home", "songs-az", "artists-az", "feeds", "sitemaps"]
# The lists that count published songs, or list what has them, without showing each song:
# no song's key is on them, so a song leaving them purges them itself (_counts_left).
COUNTING_LISTS = [
    "songs-az",
    "artists-az",
    "people-az",
    "albums-az",
    "tags",
    "charts",
    "years",
    "sitemaps",
]


def song_page_keys(song):
    """What a song's page shows beyond the rows it loads: its parts, even while it has none."""
    return [f"song-{song.pk}-facts", f"song-{song.pk}-details", f"song-{song.pk}-comments", "picks"]


def _published(row):
    return row.status == Status.PUBLISHED


def _song_joins(song):
    """A song that readers can now see may join its tags', people's and charts' pages, the
    related songs of every song sharing them, and the indexes that count them. Queries three
    times."""
    tags = TaggedItem.objects.filter(
        object_id=song.pk, content_type=ContentType.objects.get_for_model(Song)
    )
    tag_keys = [f"tag-{pk}" for pk in tags.values_list("tag_id", flat=True)]
    people = Credit.objects.filter(song=song).values_list("person_id", flat=True)
    person_keys = [f"person-{pk}" for pk in people]
    charts = ChartEntry.objects.filter(song=song).values_list("chart_id", flat=True)
    chart_keys = [f"chart-{pk}" for pk in charts]
    indexes = {
        "tags": tag_keys,
        "people-az": person_keys,
        "charts": chart_keys,
        "albums-az": song.album_id,
        "years": song.release_year,
    }
    return [
        *tag_keys,
        *person_keys,
        *chart_keys,
        *(index for index, counted in indexes.items() if counted),
    ]


def _counted_as(status, release_year, album_id):
    """What the indexes count a song under: (year, album) while it is published, else None."""
    return (release_year, album_id) if status == Status.PUBLISHED else None


def _counts_left(before, after):
    """The counting lists a song leaves going from `before` to `after` (each _counted_as):
    all of them when it stops being published, else those of a year or album it left.
    Joining them is the register's `joins`."""
    if before is None or before == after:
        return []
    if after is None:
        return COUNTING_LISTS
    (year, album), (new_year, new_album) = before, after
    return [
        *(["years", "songs-az"] if year != new_year else []),
        *(["albums-az"] if album != new_album else []),
    ]


def _song_saving(sender, instance, using, **kwargs):
    # How the indexes counted the song until now. Queries once for a song that exists: its
    # loaded values may be deferred, or older than the row.
    instance._counted_before = None
    if not instance._state.adding:
        row = (
            Song.objects.using(using)
            .filter(pk=instance.pk)
            .values_list("status", "release_year", "album_id")
            .first()
        )
        instance._counted_before = row and _counted_as(*row)


def _song_saved(sender, instance, using, **kwargs):
    after = _counted_as(instance.status, instance.release_year, instance.album_id)
    before = instance.__dict__.pop("_counted_before", None)
    purge_on_commit(_counts_left(before, after), using=using)


def _song_deleted(sender, instance, using, **kwargs):
    before = _counted_as(instance.status, instance.release_year, instance.album_id)
    purge_on_commit(_counts_left(before, None), using=using)


def _counted_on_published_song(*keys, song_field):
    """Keys of the lists that count a row (a credit, a tag, a chart run) while its song is
    published: purged when one is made, changed or deleted. Queries once."""

    def keys_of(row):
        published = Song.objects.published().filter(pk=getattr(row, song_field)).exists()
        return list(keys) if published else []

    return keys_of


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
    register(
        Credit,
        shown_under=["song-{song_id}-details"],
        joins=["person-{person_id}"],
        shown_under_also=_counted_on_published_song("people-az", "sitemaps", song_field="song_id"),
    )
    register(Chart, shown_under=["chart-{id}"])
    register(
        ChartEntry,
        shown_under=["song-{song_id}-details"],
        joins=["chart-{chart_id}"],
        shown_under_also=_counted_on_published_song("charts", "sitemaps", song_field="song_id"),
    )
    register(Certification, shown_under=["song-{song_id}-details"])
    register(Isrc, shown_under=["song-{song_id}-details"])
    register(Version, shown_under=["song-{original_id}-details", "song-{version_id}-details"])
    register(Appearance, shown_under=["song-{song_id}-details"])
    register(EditorsPick, shown_under=["picks"], visible=_published)
    register_m2m(EditorsPick.songs.through, keys=["picks"])
    register(Tag, shown_under=["tag-{id}"])
    register(
        TaggedItem,
        shown_under=["song-{object_id}-details"],
        joins=["tag-{tag_id}"],
        shown_under_also=_counted_on_published_song("tags", "sitemaps", song_field="object_id"),
    )
    pre_save.connect(_song_saving, sender=Song, dispatch_uid="catalogue-song-counts-pre")
    post_save.connect(_song_saved, sender=Song, dispatch_uid="catalogue-song-counts-save")
    post_delete.connect(_song_deleted, sender=Song, dispatch_uid="catalogue-song-counts-delete")
