"""Writers of the search index: the only code that creates, changes or deletes documents.

Each `documents_refresh_*` takes ids of catalogue rows, writes a document for each that
readers may see and deletes the documents of the others (unpublished, or gone).
"""

import html
import uuid
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.aggregates import ArrayAgg
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Exists, Func, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils.html import strip_tags
from taggit.models import TaggedItem

from catalogue.models import Album, Artist, Credit, Fact, Person, Song, Status
from comments.models import Comment
from search.models import SearchDocument
from search.normalize import clean, words

Kind = SearchDocument.Kind
# Bumped whenever titles or names change, so each process reloads its "Did you mean" words.
NAMES_VERSION_KEY = "search:names-version"
# An id no row has, to reverse a URL once and put each row's id in its place.
_PLACEHOLDER_ID = 9_876_543_210_123

# {vector} is the kind's column: SearchDocument.vector_field.
_UPSERT = f"""
    INSERT INTO {SearchDocument._meta.db_table}
        (kind, object_id, title, detail, url, body, normalized_title, popularity, {{vector}})
    VALUES (
        %(kind)s, %(object_id)s, %(title)s, %(detail)s, %(url)s, %(body)s, %(normalized_title)s,
        %(popularity)s,
        setweight(to_tsvector('simple', %(a)s), 'A')
        || setweight(to_tsvector('simple', %(b)s), 'B')
        || setweight(to_tsvector('simple', %(c)s), 'C')
        || setweight(to_tsvector('simple', %(d)s), 'D')
    )
    ON CONFLICT (kind, object_id) DO UPDATE SET
        title = EXCLUDED.title,
        detail = EXCLUDED.detail,
        url = EXCLUDED.url,
        body = EXCLUDED.body,
        normalized_title = EXCLUDED.normalized_title,
        popularity = EXCLUDED.popularity,
        {{vector}} = EXCLUDED.{{vector}}
"""


def documents_refresh_songs(*, ids: Iterable[int]) -> None:
    ids = set(ids)
    songs = (
        Song.objects.published()
        .filter(pk__in=ids)
        .select_related("artist", "album")
        .only("title", "slug", "release_year", "artist__name", "artist__slug", "album__title")
        .prefetch_related(
            Prefetch(
                "credits", Credit.objects.select_related("person").only("song", "person__name")
            )
        )
        .annotate(popularity=_song_popularity("pk"), tag_names=_tag_names())
    )
    _write(Kind.SONG, ids, (_song_document(song) for song in songs))


def documents_refresh_facts(*, ids: Iterable[int]) -> None:
    ids = set(ids)
    # Values, not instances: a rebuild reads a million facts, and building their instances
    # took longer than everything else done with them in Python.
    facts = (
        Fact.objects.published()
        .filter(pk__in=ids, song__status=Status.PUBLISHED)
        .values_list(
            "pk",
            "body",
            "song_id",
            "song__title",
            "song__slug",
            "song__artist__name",
            "song__artist__slug",
        )
    )
    song_urls = {}
    _write(Kind.FACT, ids, (_fact_document(*fact, song_urls=song_urls) for fact in facts))


def documents_refresh_comments(*, ids: Iterable[int]) -> None:
    ids = set(ids)
    # Values, not instances, as for facts: a rebuild reads a million comments.
    comments = (
        Comment.objects.shown()
        .filter(pk__in=ids, song__status=Status.PUBLISHED)
        .values_list("pk", "body", "author_name", "song__title", "song__artist__name")
    )
    # Comment.get_absolute_url once, not once a comment: for a million, that took minutes.
    url = Comment(pk=_PLACEHOLDER_ID).get_absolute_url()
    _write(
        Kind.COMMENT,
        ids,
        (
            _comment_document(*comment, url=url.replace(str(_PLACEHOLDER_ID), str(comment[0])))
            for comment in comments
        ),
    )


# Artists, albums and people need their songs' documents written first (see popularity).
def documents_refresh_artists(*, ids: Iterable[int]) -> None:
    ids = set(ids)
    artists = (
        Artist.objects.with_published_songs()
        .filter(pk__in=ids)
        .annotate(popularity=_names_popularity(Kind.ARTIST, "pk"))
    )
    _write(Kind.ARTIST, ids, (_artist_document(artist) for artist in artists))


def documents_refresh_albums(*, ids: Iterable[int]) -> None:
    ids = set(ids)
    # Exists rather than a join and distinct(), which summed popularity once per song.
    albums = (
        Album.objects.filter(pk__in=ids)
        .filter(Exists(Song.objects.published().filter(album=OuterRef("pk"))))
        .select_related("artist")
        .annotate(popularity=_names_popularity(Kind.ALBUM, "pk"))
    )
    _write(Kind.ALBUM, ids, (_album_document(album) for album in albums))


def documents_refresh_people(*, ids: Iterable[int]) -> None:
    ids = set(ids)
    credited = Credit.objects.filter(person=OuterRef("pk"), song__status=Status.PUBLISHED)
    people = (
        Person.objects.filter(pk__in=ids)
        .filter(Exists(credited))
        .annotate(popularity=_names_popularity(Kind.PERSON, "pk"))
    )
    _write(Kind.PERSON, ids, (_person_document(person) for person in people))


# In this order, so that songs are written before the names that sum their popularity.
REFRESHERS = {
    Kind.SONG: documents_refresh_songs,
    Kind.FACT: documents_refresh_facts,
    Kind.COMMENT: documents_refresh_comments,
    Kind.ARTIST: documents_refresh_artists,
    Kind.ALBUM: documents_refresh_albums,
    Kind.PERSON: documents_refresh_people,
}


# The rows each kind's documents are made from.
SOURCES = {
    Kind.SONG: Song,
    Kind.FACT: Fact,
    Kind.COMMENT: Comment,
    Kind.ARTIST: Artist,
    Kind.ALBUM: Album,
    Kind.PERSON: Person,
}


def documents_rebuild(kind: str, *, batch_size: int):
    """Refresh the documents of every row of the kind's source, `batch_size` ids at a time;
    yields how many rows are done after each batch."""
    model, last, done = SOURCES[kind], 0, 0
    while True:
        # A keyset query per batch, in ascending runs of ids.
        ids = list(
            model.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return
        REFRESHERS[kind](ids=ids)
        last, done = ids[-1], done + len(ids)
        yield done


def documents_refresh_popularity(*, song_ids: Iterable[int]) -> None:
    """Count again what readers can read about these songs, for their documents and those
    of their artists, albums and people. Fewer queries than rewriting those documents, for
    a change that alters nothing else they hold: a fact or a comment."""
    songs = Song.objects.filter(pk__in=set(song_ids))
    with transaction.atomic():
        _update_popularity(Kind.SONG, songs.values("pk"))
        _update_popularity(Kind.ARTIST, songs.values("artist_id"))
        _update_popularity(Kind.ALBUM, songs.filter(album__isnull=False).values("album_id"))
        _update_popularity(Kind.PERSON, Credit.objects.filter(song__in=songs).values("person_id"))


def _update_popularity(kind, object_ids):
    popularity = (
        _song_popularity("object_id") if kind == Kind.SONG else _names_popularity(kind, "object_id")
    )
    SearchDocument.objects.filter(kind=kind, object_id__in=object_ids).update(popularity=popularity)


def _count(queryset, function="COUNT", field="pk"):
    """The count (or another aggregate) of a correlated queryset, as one subquery."""
    aggregate = Func(field, function=function, output_field=IntegerField())
    value = Subquery(queryset.order_by().values(value=aggregate))
    return Coalesce(value, 0, output_field=IntegerField())


def _song_popularity(song):
    """Published facts and shown comments of the song whose id is the outer row's `song`."""
    return _count(Fact.objects.published().filter(song=OuterRef(song))) + _count(
        Comment.objects.shown().filter(song=OuterRef(song))
    )


def _tag_names():
    """The names of the outer song's tags, in one subquery. Taggit's own prefetch of them
    took longer than everything else done for a batch of songs."""
    tagged = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Song), object_id=OuterRef("pk")
    )
    return Subquery(
        tagged.order_by().values("object_id").annotate(names=ArrayAgg("tag__name")).values("names")
    )


# Which songs each kind of name names, by the outer row's id.
_NAMED_SONGS = {
    Kind.ARTIST: "artist",
    Kind.ALBUM: "album",
    Kind.PERSON: "credits__person",
}


def _names_popularity(kind, name):
    """The popularity of the songs' documents summed, for the name whose id is `name`."""
    songs = Song.objects.filter(**{_NAMED_SONGS[kind]: OuterRef(OuterRef(name))})
    documents = SearchDocument.objects.filter(kind=Kind.SONG, object_id__in=songs.values("pk"))
    return _count(documents, function="SUM", field="popularity")


@transaction.atomic
def documents_refresh_song_family(*, song_ids: Iterable[int]) -> None:
    """Refresh songs and everything whose document depends on whether they are published."""
    song_ids = set(song_ids)
    if not song_ids:
        return
    songs = Song.objects.filter(pk__in=song_ids)
    documents_refresh_songs(ids=song_ids)
    documents_refresh_facts(ids=Fact.objects.filter(song__in=songs).values_list("pk", flat=True))
    documents_refresh_comments(
        ids=Comment.objects.filter(song__in=songs).values_list("pk", flat=True)
    )
    documents_refresh_artists(ids=songs.values_list("artist_id", flat=True))
    documents_refresh_albums(
        ids=songs.filter(album__isnull=False).values_list("album_id", flat=True)
    )
    documents_refresh_people(
        ids=Credit.objects.filter(song__in=songs).values_list("person_id", flat=True)
    )


@transaction.atomic
def documents_refresh_artist_family(*, artist_ids: Iterable[int]) -> None:
    """Refresh artists and every document that shows their name or links to their pages."""
    songs = Song.objects.filter(artist__in=set(artist_ids))
    documents_refresh_songs(ids=songs.values_list("pk", flat=True))
    documents_refresh_artists(ids=artist_ids)
    documents_refresh_facts(ids=Fact.objects.filter(song__in=songs).values_list("pk", flat=True))
    documents_refresh_comments(
        ids=Comment.objects.filter(song__in=songs).values_list("pk", flat=True)
    )
    documents_refresh_albums(
        ids=Album.objects.filter(artist__in=set(artist_ids)).values_list("pk", flat=True)
    )


@transaction.atomic
def documents_refresh_album_family(*, album_ids: Iterable[int]) -> None:
    """Refresh albums and the songs that name them."""
    documents_refresh_albums(ids=album_ids)
    documents_refresh_songs(
        ids=Song.objects.filter(album__in=set(album_ids)).values_list("pk", flat=True)
    )


@transaction.atomic
def documents_refresh_person_family(*, person_ids: Iterable[int]) -> None:
    """Refresh people and the songs that credit them."""
    documents_refresh_people(ids=person_ids)
    documents_refresh_songs(
        ids=Credit.objects.filter(person__in=set(person_ids)).values_list("song_id", flat=True)
    )


def _write(kind, ids, documents):
    ids = set(ids)
    rows = list(documents)
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(_UPSERT.format(vector=SearchDocument.vector_field(kind)), rows)
    kept = {row["object_id"] for row in rows}
    SearchDocument.objects.filter(kind=kind, object_id__in=ids - kept).delete()
    if kind not in (Kind.FACT, Kind.COMMENT) and ids:
        names_changed()


def names_changed():
    """Tell every process, once the transaction commits, to reload its titles and names."""
    transaction.on_commit(lambda: cache.set(NAMES_VERSION_KEY, uuid.uuid4().hex, None))


def _row(kind, object_id, url, *, title, detail="", body="", popularity=0, a="", b="", c="", d=""):
    return {
        "kind": kind,
        "object_id": object_id,
        "title": clean(title)[:300],
        "detail": clean(detail)[:300],
        "url": url,
        "body": body,
        "normalized_title": " ".join(words(title))[:300],
        "popularity": popularity,
        # The vectors get the same words the queries are split into (see query.parse).
        "a": " ".join(words(a)),
        "b": " ".join(words(b)),
        "c": " ".join(words(c)),
        "d": " ".join(words(d)),
    }


def _plain(markup):
    """Text a reader sees, without tags or entities, on one line."""
    if "<" in markup or "&" in markup:
        markup = html.unescape(strip_tags(markup))
    return " ".join(clean(markup).split())


def _song_document(song):
    artist = song.artist.name
    credits = " ".join(credit.person.name for credit in song.credits.all())
    album = song.album.title if song.album else ""
    # The tags are the song's snippet: a song found by one shows it highlighted.
    tags = " · ".join(sorted(clean(name) for name in song.tag_names or ()))
    return _row(
        Kind.SONG,
        song.pk,
        song.get_absolute_url(),
        title=song.title,
        detail=f"{artist}, {song.release_year}" if song.release_year else artist,
        body=tags,
        popularity=song.popularity,
        a=song.title,
        b=f"{artist} {album} {credits}",
        c=tags,
    )


def _fact_document(pk, body, song_id, title, slug, artist_name, artist_slug, *, song_urls):
    """A fact's document from its values, reversing each song's URL once for all its facts."""
    song_url = song_urls.get(song_id)
    if song_url is None:
        song = Song(slug=slug, artist=Artist(slug=artist_slug))
        song_url = song_urls[song_id] = song.get_absolute_url()
    body = _plain(body)
    return _row(
        Kind.FACT,
        pk,
        f"{song_url}#fact-{pk}",  # Fact.get_absolute_url
        title=title,
        detail=artist_name,
        body=body,
        c=f"{title} {artist_name}",
        d=body,
    )


def _comment_document(pk, body, author_name, title, artist_name, *, url):
    # Readers' comments are plain text: what they typed is what readers see.
    body = " ".join(clean(body).split())
    return _row(
        Kind.COMMENT,
        pk,
        url,
        title=title,
        detail=f"{artist_name} · comment by {author_name}",
        body=body,
        c=f"{title} {artist_name}",
        d=body,
    )


def _artist_document(artist):
    bio = _plain(artist.bio)
    return _row(
        Kind.ARTIST,
        artist.pk,
        artist.get_absolute_url(),
        title=artist.name,
        detail=artist.country,
        body=bio,
        popularity=artist.popularity,
        a=artist.name,
        d=bio,
    )


def _album_document(album):
    artist = album.artist.name
    return _row(
        Kind.ALBUM,
        album.pk,
        album.get_absolute_url(),
        title=album.title,
        detail=f"{artist}, {album.release_year}" if album.release_year else artist,
        popularity=album.popularity,
        a=album.title,
        b=artist,
    )


def _person_document(person):
    bio = _plain(person.bio)
    return _row(
        Kind.PERSON,
        person.pk,
        person.get_absolute_url(),
        title=person.name,
        body=bio,
        popularity=person.popularity,
        a=person.name,
        d=bio,
    )
