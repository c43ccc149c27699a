"""Anonymous readers get cached pages; a change shows up at once."""

import re
import time

import psycopg
import pytest
from django.core.cache import cache
from django.db import connection

from catalogue.models import Fact, Status
from comments.models import Comment
from songfacts import change_listener
from songfacts.change_listener import CHANNEL, listener
from songfacts.page_cache import GENERATION_KEY

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


def test_a_cache_hit_costs_no_query_while_the_worker_listens_for_changes(
    client, song_url, django_assert_num_queries
):
    client.get(song_url)

    with django_assert_num_queries(0):
        response = client.get(song_url)
    assert response["X-Page-Cache"] == "hit"


def test_a_cache_hit_costs_one_lookup_when_listening_is_off(
    client, song_url, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_LISTEN = False
    listener.close()
    client.get(song_url)

    # Expect 1 query: the database cache's lookup of the generation.
    with django_assert_num_queries(1):
        response = client.get(song_url)
    assert response["X-Page-Cache"] == "hit"


def _other_worker_changes_content():
    """What another process's change leaves: a new generation in the shared cache (here in the
    test's transaction) and a notice over a connection of its own."""
    cache.set(GENERATION_KEY, "set-by-another-worker", None)
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute(f"NOTIFY {CHANNEL}")


def _wait_for_the_notice():
    deadline = time.monotonic() + 5
    while listener.generation() is not None:
        assert time.monotonic() < deadline, "the notice never arrived"
        time.sleep(0.01)


def test_a_change_made_by_another_worker_shows_up_once_its_notice_arrives(
    client, song_url, monkeypatch
):
    # Only the notice, not the end of the trust, may make the worker ask again.
    monkeypatch.setattr(change_listener, "TRUST_SECONDS", 60)
    client.get(song_url)
    assert client.get(song_url)["X-Page-Cache"] == "hit"

    _other_worker_changes_content()
    _wait_for_the_notice()

    assert "X-Page-Cache" not in client.get(song_url)
    assert client.get(song_url)["X-Page-Cache"] == "hit"


def test_a_worker_whose_listening_connection_dies_asks_the_cache_again(
    client, song_url, django_assert_num_queries
):
    client.get(song_url)
    client.get(song_url)
    pid = listener.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    cache.set(GENERATION_KEY, "set-while-deaf", None)

    assert "X-Page-Cache" not in client.get(song_url)
    # It listens again: the next hit needs no query.
    with django_assert_num_queries(0):
        assert client.get(song_url)["X-Page-Cache"] == "hit"


def test_a_worker_that_cannot_listen_asks_the_cache_on_every_hit(
    client, song_url, monkeypatch, caplog, django_assert_num_queries
):
    def refused(*args, **kwargs):
        raise psycopg.OperationalError("connection refused")

    listener.close()
    monkeypatch.setattr(change_listener.psycopg, "connect", refused)
    # Restored after the test, so that later tests listen again at once.
    monkeypatch.setattr(listener, "retry_at", listener.retry_at)
    client.get(song_url)

    with django_assert_num_queries(1):
        assert client.get(song_url)["X-Page-Cache"] == "hit"
    assert "cannot listen for changes" in caplog.text


def test_a_worker_asks_the_cache_again_after_trusting_what_it_knows_for_a_while(
    client, song_url, monkeypatch, django_assert_num_queries
):
    client.get(song_url)
    monkeypatch.setattr(change_listener, "TRUST_SECONDS", 0)

    with django_assert_num_queries(1):
        assert client.get(song_url)["X-Page-Cache"] == "hit"


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
