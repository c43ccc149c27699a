"""The benchmark's reference views cost what `make bench` says they cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import settings as bench_settings
from catalogue.models import Fact, Status
from comments.models import Comment
from tests.conftest import make_song

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def bench_urls(settings):
    """What bench.settings adds to the production settings."""
    settings.ROOT_URLCONF = bench_settings.ROOT_URLCONF
    settings.PAGE_CACHE_UNCACHED_PREFIXES = bench_settings.PAGE_CACHE_UNCACHED_PREFIXES


@pytest.fixture
def song():
    song = make_song(title="Heroes", slug="heroes")
    for n in range(3):
        Fact.objects.create(song=song, position=n, body=f"Story {n}.", status=Status.PUBLISHED)
        Comment.objects.create(
            song=song, author_name=f"Reader {n}", body="Hi.", status=Comment.Status.PUBLISHED
        )
    return song


def test_the_floor_costs_one_query(client, song, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(f"/bench/floor/{song.pk}/")
    assert response.status_code == 200
    assert b"<h1>Heroes</h1>" in response.content


@pytest.mark.page_cache
def test_the_page_cache_never_looks_up_the_floor(client, song, django_assert_num_queries):
    # The page cache is on and its store is the database: a look-up would be a query more.
    for _ in range(2):
        with django_assert_num_queries(1):
            response = client.get(f"/bench/floor/{song.pk}/")
        assert "X-Page-Cache" not in response


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def test_the_song_pages_data_costs_the_song_pages_queries(client, song):
    url = f"/bench/song-data/{song.artist.slug}/heroes/"
    client.get(url)  # the first request also caches the song's content type
    response, data_queries = _queries(client, url)
    assert response.content == b"3 facts, 3 comments"
    _, page_queries = _queries(client, song.get_absolute_url())
    assert data_queries == page_queries


def test_the_song_pages_data_answers_404_for_no_such_song(client, song):
    assert client.get(f"/bench/song-data/{song.artist.slug}/nothing/").status_code == 404


def test_the_product_does_not_serve_the_benchmarks_views(client, settings, song):
    settings.ROOT_URLCONF = "songfacts.urls"
    assert client.get(f"/bench/floor/{song.pk}/").status_code == 404
