"""The benchmark's reference views cost what `make bench` says they cost."""

import pytest
from django.urls import include, path

from catalogue.models import Fact, Status
from comments.models import Comment
from songfacts import urls as site_urls
from tests.conftest import make_song

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

urlpatterns = [path("bench/", include("songfacts.benchmark_urls")), *site_urls.urlpatterns]


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
    assert b"Heroes" in response.content


def test_the_song_pages_data_costs_the_song_pages_queries(client, song, django_assert_num_queries):
    url = f"/bench/song-data/{song.artist.slug}/heroes/"
    client.get(url)  # the first request also caches the song's content type
    with django_assert_num_queries(2):
        response = client.get(url)
    assert response.content == b"3 facts, 3 comments"
    with django_assert_num_queries(2):
        assert client.get(song.get_absolute_url()).status_code == 200


def test_the_song_pages_data_answers_404_for_no_such_song(client, song):
    assert client.get(f"/bench/song-data/{song.artist.slug}/nothing/").status_code == 404
