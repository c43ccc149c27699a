"""Writers of the search index: the only code that creates, changes or deletes documents.

Each `documents_refresh_*` takes ids of catalogue rows, writes a document for each that
readers may see and deletes the documents of the others (unpublished, or gone).
"""

import html
import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils.html import strip_tags

from catalogue.models import Album, Artist, Credit, Fact, Person, Song, Status
from search.models import SearchDocument
from search.normalize import clean, words

Kind = SearchDocument.Kind
# Bumped whenever titles or names change, so each process reloads its "Did you mean" words.
NAMES_VERSION_KEY = "search:names-version"

# {vector} is the kind's column: SearchDocument.vector_field.
_UPSERT = f"""
    INSERT INTO {SearchDocument._meta.db_table}
        (kind, object_id, title, detail, url, body, normalized_title, {{vector}})
    VALUES (
        %(kind)s, %(object_id)s, %(title)s, %(detail)s, %(url)s, %(body)s, %(normalized_title)s,
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


def documents_refresh_artists(*, ids: Iterable[int]) -> None:
    ids = set(ids)
    artists = Artist.objects.with_published_songs().filter(pk__in=ids)
    _write(Kind.ARTIST, ids, (_artist_document(artist) for artist in artists))


def documents_refresh_albums(*, ids: Iterable[int]) -> None:
    ids = set(ids)
    albums = (
        Album.objects.filter(pk__in=ids, songs__status=Status.PUBLISHED)
        .distinct()
        .select_related("artist")
    )
    _write(Kind.ALBUM, ids, (_album_document(album) for album in albums))


def documents_refresh_people(*, ids: Iterable[int]) -> None:
    ids = set(ids)
    people = Person.objects.filter(pk__in=ids, credits__song__status=Status.PUBLISHED).distinct()
    _write(Kind.PERSON, ids, (_person_document(person) for person in people))


REFRESHERS = {
    Kind.SONG: documents_refresh_songs,
    Kind.FACT: documents_refresh_facts,
    Kind.ARTIST: documents_refresh_artists,
    Kind.ALBUM: documents_refresh_albums,
    Kind.PERSON: documents_refresh_people,
}


@transaction.atomic
def documents_refresh_song_family(*, song_ids: Iterable[int]) -> None:
    """Refresh songs and everything whose document depends on whether they are published."""
    song_ids = set(song_ids)
    if not song_ids:
        return
    songs = Song.objects.filter(pk__in=song_ids)
    documents_refresh_songs(ids=song_ids)
    documents_refresh_facts(ids=Fact.objects.filter(song__in=songs).values_list("pk", flat=True))
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
    documents_refresh_artists(ids=artist_ids)
    documents_refresh_songs(ids=songs.values_list("pk", flat=True))
    documents_refresh_facts(ids=Fact.objects.filter(song__in=songs).values_list("pk", flat=True))
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
    if kind != Kind.FACT and ids:
        names_changed()


def names_changed():
    """Tell every process, once the transaction commits, to reload its titles and names."""
    transaction.on_commit(lambda: cache.set(NAMES_VERSION_KEY, uuid.uuid4().hex, None))


def _row(kind, object_id, url, *, title, detail="", body="", a="", b="", c="", d=""):
    return {
        "kind": kind,
        "object_id": object_id,
        "title": clean(title)[:300],
        "detail": clean(detail)[:300],
        "url": url,
        "body": body,
        "normalized_title": " ".join(words(title))[:300],
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
    return _row(
        Kind.SONG,
        song.pk,
        song.get_absolute_url(),
        title=song.title,
        detail=f"{artist}, {song.release_year}" if song.release_year else artist,
        a=song.title,
        b=f"{artist} {album} {credits}",
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


def _artist_document(artist):
    bio = _plain(artist.bio)
    return _row(
        Kind.ARTIST,
        artist.pk,
        artist.get_absolute_url(),
        title=artist.name,
        detail=artist.country,
        body=bio,
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
        a=person.name,
        d=bio,
    )
