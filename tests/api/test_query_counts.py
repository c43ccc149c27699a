"""Every API page costs the same queries for one row as for many: each is counted with one
row of everything, then again after ten more rows with all their relations."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from catalogue.models import Chart, Person
from comments.models import Comment
from tests.api.conftest import add_content, make_album, make_artist, make_song

pytestmark = pytest.mark.django_db

# Every API request counts itself against the rate limit first: one statement.
RATE_LIMIT = 1


@pytest.fixture
def catalogue():
    artist = make_artist()
    song = make_song(artist=artist, album=make_album(artist), release_year=1977)
    add_content(song)
    return song


def _grow(song):
    """Ten more of everything: on the song itself, and in ten more songs of its artist and
    album, tagged like it."""
    add_content(song, 10)
    tag = song.tags.first()
    for _ in range(10):
        other = make_song(artist=song.artist, album=song.album)
        add_content(other)
        other.tags.add(tag)


def _paths(song):
    person = Person.objects.filter(credits__song=song).order_by("pk").first()
    chart = Chart.objects.filter(entries__song=song).order_by("pk").first()
    tag = song.tags.order_by("pk").first()
    comment = Comment.objects.filter(song=song).order_by("pk").first()
    return {
        # The songs (1).
        "/api/v1/songs/": 1,
        # The song with artist and album (1); facts, sources, credits, chart runs,
        # certifications, versions, originals, appearances, same-song versions and their
        # appearances, tags, ISRCs (12).
        f"/api/v1/songs/{song.pk}/": 13,
        # The song (1), its comments (1).
        f"/api/v1/songs/{song.pk}/comments/": 2,
        "/api/v1/artists/": 1,
        # The artist (1), its albums (1).
        f"/api/v1/artists/{song.artist_id}/": 2,
        # The artist (1), its songs (1).
        f"/api/v1/artists/{song.artist_id}/songs/": 2,
        "/api/v1/albums/": 1,
        # The album with its artist (1), its tracks (1).
        f"/api/v1/albums/{song.album_id}/": 2,
        "/api/v1/people/": 1,
        f"/api/v1/people/{person.pk}/": 1,
        # The person (1), the credits (1).
        f"/api/v1/people/{person.pk}/credits/": 2,
        "/api/v1/charts/": 1,
        f"/api/v1/charts/{chart.pk}/": 1,
        # The chart (1), its runs (1).
        f"/api/v1/charts/{chart.pk}/entries/": 2,
        "/api/v1/tags/": 1,
        f"/api/v1/tags/{tag.pk}/": 1,
        # The tag (1), the tagged songs with the content type's id (1, ContentType's cache
        # holds the type).
        f"/api/v1/tags/{tag.pk}/songs/": 2,
        "/api/v1/comments/": 1,
        f"/api/v1/comments/{comment.pk}/": 1,
    }


def _queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries) - RATE_LIMIT


def test_every_api_page_costs_the_same_queries_for_one_row_as_for_many(client, catalogue):
    # The content type of songs, which taggit asks for, is cached from the first request on.
    Tag.objects.first()
    client.get(f"/api/v1/tags/{catalogue.tags.first().pk}/songs/")
    paths = _paths(catalogue)
    with_one = {path: _queries(client, path) for path in paths}

    _grow(catalogue)
    with_many = {path: _queries(client, path) for path in paths}

    assert with_one == paths
    assert with_many == paths
