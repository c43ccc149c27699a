"""Anonymous readers get cached pages; a change shows up at once."""

import re

import pytest

from catalogue.models import Fact, Status
from comments.models import Comment

pytestmark = [pytest.mark.page_cache, pytest.mark.django_db]


@pytest.fixture
def song_url(published_song):
    Fact.objects.create(
        song=published_song, position=1, body="Written in Berlin.", status=Status.PUBLISHED
    )
    return published_song.get_absolute_url()


def test_it_serves_the_second_anonymous_visit_from_the_cache(client, song_url):
    first = client.get(song_url)
    second = client.get(song_url)

    assert first.status_code == second.status_code == 200
    assert "X-Page-Cache" not in first
    assert second["X-Page-Cache"] == "hit"
    assert b"Written in Berlin." in second.content


def test_a_cache_hit_costs_one_cache_lookup_and_nothing_else(
    client, song_url, django_assert_num_queries
):
    client.get(song_url)

    # Expect 1 query: the database cache's lookup of the generation and the page together.
    with django_assert_num_queries(1):
        response = client.get(song_url)
    assert response["X-Page-Cache"] == "hit"


def test_an_editors_change_shows_up_at_once(
    client, song_url, published_song, django_capture_on_commit_callbacks
):
    client.get(song_url)
    with django_capture_on_commit_callbacks(execute=True):
        Fact.objects.create(
            song=published_song, position=2, body="Eno played the EMS.", status=Status.PUBLISHED
        )

    response = client.get(song_url)

    assert "X-Page-Cache" not in response
    assert b"Eno played the EMS." in response.content


def test_a_published_comment_shows_up_at_once(
    client, song_url, published_song, django_capture_on_commit_callbacks
):
    client.get(song_url)
    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.create(song=published_song, author_name="Cp", body="Louder has a story.")

    response = client.get(song_url)

    assert b"Louder has a story." in response.content


def test_a_comment_held_for_review_keeps_the_cached_page(
    client, song_url, published_song, django_capture_on_commit_callbacks
):
    client.get(song_url)
    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.create(
            song=published_song, author_name="Spam", body="buy now", status="pending"
        )

    assert client.get(song_url)["X-Page-Cache"] == "hit"


def test_logged_in_readers_never_get_cached_pages(client, song_url, reader):
    client.get(song_url)
    client.force_login(reader)

    response = client.get(song_url)

    assert "X-Page-Cache" not in response


def test_it_answers_304_when_the_reader_has_the_page(client, song_url):
    etag = client.get(song_url)["ETag"]

    response = client.get(song_url, headers={"if-none-match": etag})

    assert response.status_code == 304


def test_a_cached_form_carries_the_readers_own_csrf_token(client, song_url):
    from django.test import Client

    client.get(song_url)
    newcomer = Client(enforce_csrf_checks=True)

    page = newcomer.get(song_url)

    assert page["X-Page-Cache"] == "hit"
    tokens = set(re.findall(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content))
    assert tokens, "the song page has forms"
    assert b"__csrf_token__" not in page.content
    assert "csrftoken" in newcomer.cookies
