"""Anonymous readers get cached pages, kept until something they show changes."""

import re
import time

import psycopg
import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse

from catalogue.models import Fact, Status
from catalogue.views import HOME_LIFETIME
from comments.models import Comment
from comments.services import unsubscribe_token
from search.services import documents_refresh_facts
from songfacts import cache_keys, change_listener, page_cache, replicas
from songfacts.change_listener import CHANNEL, listener
from tests.conftest import make_song

pytestmark = [pytest.mark.page_cache, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def one_clock(monkeypatch):
    # Every request of a test comes within the allowance for hosts' clocks, which would keep
    # a page rendered just after a purge from being stored (one test looks at that).
    monkeypatch.setattr(page_cache, "PURGE_CLOCK_SKEW_NS", 0)


@pytest.fixture
def song_url(published_song):
    Fact.objects.create(
        song=published_song, position=1, body="Written in Berlin.", status=Status.PUBLISHED
    )
    return published_song.get_absolute_url()


@pytest.fixture
def other_song_url(db):
    song = make_song(title="Hero", slug="hero")
    Fact.objects.create(song=song, position=1, body="Neu! wrote it.", status=Status.PUBLISHED)
    return song.get_absolute_url()


def _purge_from_another_worker(keys):
    """What another process's purge leaves: new versions in the shared cache (here in the
    test's transaction) and a notice over a connection of its own."""
    page_cache.mark_purged(keys)
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_notify(%s, %s)", [CHANNEL, " ".join(keys)])


def _wait_for_a_notice(heard_before):
    deadline = time.monotonic() + 5
    while listener.poll() == heard_before:
        assert time.monotonic() < deadline, "the notice never arrived"
        time.sleep(0.01)


def test_it_serves_the_second_anonymous_visit_from_the_cache(client, song_url):
    first = client.get(song_url)
    second = client.get(song_url)

    assert first.status_code == second.status_code == 200
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert b"Written in Berlin." in second.content


def test_a_copy_costs_no_query_while_the_worker_listens_for_purges(
    client, song_url, django_assert_num_queries
):
    client.get(song_url)

    with django_assert_num_queries(0):
        response = client.get(song_url)
    assert response["X-Page-Cache"] == "hit"


def test_a_copy_costs_one_lookup_of_its_keys_versions_when_listening_is_off(
    client, song_url, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_LISTEN = False
    listener.close()
    client.get(song_url)

    # Expect 1 query: the database cache's look-up of the versions of the page's keys.
    with django_assert_num_queries(1):
        response = client.get(song_url)
    assert response["X-Page-Cache"] == "hit"


def test_a_page_from_the_shared_cache_costs_two_lookups(
    client, song_url, django_assert_num_queries
):
    client.get(song_url)
    page_cache.forget_local_pages()

    # Expect 2 queries: the page, then the versions of its keys.
    with django_assert_num_queries(2):
        response = client.get(song_url)
    assert response["X-Page-Cache"] == "hit"


def test_a_purge_by_another_worker_drops_only_the_pages_under_its_keys(
    client, song_url, other_song_url, published_song
):
    client.get(song_url)
    client.get(other_song_url)
    heard = listener.poll()

    _purge_from_another_worker([f"song-{published_song.pk}-facts"])
    _wait_for_a_notice(heard)

    assert client.get(song_url)["X-Page-Cache"] == "miss"
    assert client.get(song_url)["X-Page-Cache"] == "hit"
    assert client.get(other_song_url)["X-Page-Cache"] == "hit"


def test_a_worker_that_does_not_listen_still_sees_another_workers_purge(
    client, song_url, published_song, settings
):
    settings.PAGE_CACHE_LISTEN = False
    listener.close()
    client.get(song_url)
    client.get(song_url)

    page_cache.mark_purged([f"song-{published_song.pk}"])

    assert client.get(song_url)["X-Page-Cache"] == "miss"


def test_a_worker_whose_listening_connection_dies_checks_versions_then_listens_again(
    client, song_url, published_song, django_assert_num_queries
):
    client.get(song_url)
    client.get(song_url)
    pid = listener.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    # A purge it cannot hear: the versions tell it.
    page_cache.mark_purged([f"song-{published_song.pk}"])

    assert client.get(song_url)["X-Page-Cache"] == "miss"
    # It listens again, and forgets its copies, which purges may have passed by meanwhile.
    assert client.get(song_url)["X-Page-Cache"] == "hit"
    with django_assert_num_queries(0):
        assert client.get(song_url)["X-Page-Cache"] == "hit"


def test_a_worker_that_cannot_listen_checks_versions_on_every_hit(
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
    assert "cannot listen for purges" in caplog.text


def test_a_listening_worker_asks_its_connection_a_question_now_and_then(
    client, song_url, monkeypatch
):
    client.get(song_url)
    monkeypatch.setattr(change_listener, "PROBE_SECONDS", 0)
    probed = listener.probed_at

    assert client.get(song_url)["X-Page-Cache"] == "hit"
    assert listener.probed_at > probed


def test_an_editors_change_shows_up_at_once(
    client, song_url, published_song, django_capture_on_commit_callbacks
):
    client.get(song_url)
    with django_capture_on_commit_callbacks(execute=True):
        Fact.objects.create(
            song=published_song, position=2, body="Eno played the EMS.", status=Status.PUBLISHED
        )

    response = client.get(song_url)

    assert response["X-Page-Cache"] == "miss"
    assert b"Eno played the EMS." in response.content


def test_a_published_comment_purges_its_songs_page_and_not_another_songs(
    client, song_url, other_song_url, published_song, django_capture_on_commit_callbacks
):
    client.get(song_url)
    client.get(other_song_url)
    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.create(song=published_song, author_name="Cp", body="Louder has a story.")

    response = client.get(song_url)

    assert b"Louder has a story." in response.content
    assert client.get(other_song_url)["X-Page-Cache"] == "hit"


def test_a_comment_held_for_review_keeps_the_cached_page(
    client, song_url, published_song, django_capture_on_commit_callbacks
):
    client.get(song_url)
    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.create(
            song=published_song, author_name="Spam", body="buy now", status="pending"
        )

    assert client.get(song_url)["X-Page-Cache"] == "hit"


def test_a_page_is_not_stored_soon_after_a_purge_of_what_it_shows_by_a_skewed_clock(
    client, song_url, published_song, monkeypatch
):
    monkeypatch.setattr(page_cache, "PURGE_CLOCK_SKEW_NS", 10**12)
    cache_keys.purge([f"song-{published_song.pk}"])

    assert client.get(song_url)["X-Page-Cache"] == "miss"
    assert client.get(song_url)["X-Page-Cache"] == "miss"


def test_a_page_rendered_across_a_purge_of_what_it_shows_is_not_stored(
    client, song_url, published_song, monkeypatch
):
    render = page_cache.AnonymousPageCacheMiddleware.__call__

    def purged_while_rendering(self, request):
        def get_response(request):
            response = original(request)
            cache_keys.purge([f"song-{published_song.pk}"])
            return response

        original = self.get_response
        self.get_response = get_response
        try:
            return render(self, request)
        finally:
            self.get_response = original

    with monkeypatch.context() as patched:
        patched.setattr(page_cache.AnonymousPageCacheMiddleware, "__call__", purged_while_rendering)
        across = client.get(song_url)
    assert across["X-Page-Cache"] == "miss"
    # Nor may a cache in front keep it.
    assert "private" in across["Cache-Control"]
    assert "public" not in across["Cache-Control"]

    assert client.get(song_url)["X-Page-Cache"] == "miss"
    assert client.get(song_url)["X-Page-Cache"] == "hit"


def test_a_page_read_from_a_replica_that_had_not_replayed_a_purge_is_not_stored(
    client, song_url, published_song, monkeypatch
):
    # The purge went out when the primary's WAL was at 2000; the replica had replayed 1000.
    monkeypatch.setattr(replicas, "primary_position", lambda: 2000)
    page_cache.purge([f"song-{published_song.pk}"])
    monkeypatch.setattr(replicas, "read_position", lambda: 1000)

    behind = [client.get(song_url), client.get(song_url)]

    assert [response["X-Page-Cache"] for response in behind] == ["miss", "miss"]
    assert all("private" in response["Cache-Control"] for response in behind)
    monkeypatch.setattr(replicas, "read_position", lambda: 2000)
    assert client.get(song_url)["X-Page-Cache"] == "miss"
    assert client.get(song_url)["X-Page-Cache"] == "hit"
    # Read from the primary: always current.
    page_cache.purge([f"song-{published_song.pk}"])
    monkeypatch.setattr(replicas, "read_position", lambda: None)
    assert client.get(song_url)["X-Page-Cache"] == "miss"
    assert client.get(song_url)["X-Page-Cache"] == "hit"


def test_a_full_database_cache_drops_pages_before_the_versions_that_guard_them(
    client, song_url, published_song, monkeypatch
):
    client.get(song_url)
    cache_keys.purge([f"song-{published_song.pk}"])
    page_key = next(k for k in _cache_keys() if page_cache.PAGE_PREFIX in k)
    version_key = next(k for k in _cache_keys() if f"song-{published_song.pk}" in k)
    database_cache = caches["default"]
    monkeypatch.setattr(database_cache, "_max_entries", 1)
    monkeypatch.setattr(database_cache, "_cull_frequency", 2)

    database_cache.set("one-more", 1)

    assert page_key not in _cache_keys()
    assert version_key in _cache_keys()


def _cache_keys():
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM songfacts_cache")
        return {key for (key,) in cursor.fetchall()}


def test_logged_in_readers_never_get_cached_pages(client, song_url, reader):
    client.get(song_url)
    client.force_login(reader)

    response = client.get(song_url)

    assert "X-Page-Cache" not in response
    assert "Surrogate-Key" not in response


def test_it_answers_304_to_the_same_etag_or_a_later_date(client, song_url):
    first = client.get(song_url)

    by_etag = client.get(song_url, headers={"if-none-match": first["ETag"]})
    by_date = client.get(song_url, headers={"if-modified-since": first["Last-Modified"]})

    assert by_etag.status_code == by_date.status_code == 304


def test_the_same_content_has_the_same_etag_and_new_content_another(
    client, song_url, published_song, django_capture_on_commit_callbacks
):
    first = client.get(song_url)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        cache_keys.purge([f"song-{published_song.pk}"])
    rendered_again = client.get(song_url)
    with django_capture_on_commit_callbacks(execute=True):
        published_song.title = "“Heroes”"
        published_song.save()
    changed = client.get(song_url)

    assert rendered_again["X-Page-Cache"] == "miss"
    assert rendered_again["ETag"] == first
    assert changed["ETag"] != first


def test_pages_say_their_keys_and_how_long_shared_caches_may_keep_them(client, settings):
    settings.PAGE_CACHE_SECONDS = 600
    make_song()

    response = client.get("/songs/")

    assert "songs-az" in response["Surrogate-Key"].split()
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=0", "s-maxage=600"}


def test_a_page_with_forms_is_the_same_for_every_reader(client, song_url):
    first, second = client.get(song_url), Client().get(song_url)

    assert b'action="/comments/songs/' in second.content
    assert second["X-Page-Cache"] == "hit"
    for response in (first, second):
        assert {"public", "max-age=0"} <= set(response["Cache-Control"].split(", "))
        assert response["Surrogate-Key"]
        assert not response.cookies
        assert b"csrfmiddlewaretoken" not in response.content


def test_search_results_live_a_minute_and_have_no_keys(client, song_url):
    documents_refresh_facts(ids=Fact.objects.values_list("pk", flat=True))

    first = client.get("/search/?q=berlin")
    second = client.get("/search/?q=berlin")

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert "Surrogate-Key" not in second
    assert 0 < int(re.search(r"max-age=(\d+)", second["Cache-Control"])[1]) <= 60


def test_a_page_holding_a_csrf_token_is_personal_and_not_stored(client, published_song):
    comment = Comment.objects.create(
        song=published_song, author_name="Ken", author_email="ken@example.com", body="Hi"
    )
    url = reverse("comments:unsubscribe", args=[unsubscribe_token(comment)])

    first, second = client.get(url), client.get(url)

    assert b"csrfmiddlewaretoken" in second.content
    assert second.get("X-Page-Cache") != "hit"
    assert "public" not in second.get("Cache-Control", "")
    assert first.status_code == second.status_code == 200


def test_a_worker_keeps_copies_within_its_budget(client, song_url, other_song_url, monkeypatch):
    client.get(song_url)
    size = page_cache._recent.size
    monkeypatch.setattr(page_cache._recent, "budget", size + 1)

    client.get(other_song_url)

    assert page_cache._recent.get(page_cache.PAGE_PREFIX) is None
    assert len(page_cache._recent.pages) == 1
    assert page_cache._recent.size <= size + 1


def test_a_page_is_rendered_again_once_its_lifetime_is_over(
    client, song_url, settings, monkeypatch
):
    client.get(song_url)
    assert client.get(song_url)["X-Page-Cache"] == "hit"

    later = time.time() + settings.PAGE_CACHE_SECONDS
    monkeypatch.setattr(page_cache.time, "time", lambda: later)

    assert client.get(song_url)["X-Page-Cache"] == "miss"


def test_a_page_that_asks_is_kept_no_longer_than_it_asked(client, song_url, monkeypatch):
    first = client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"

    later = time.time() + HOME_LIFETIME
    monkeypatch.setattr(page_cache.time, "time", lambda: later)

    assert f"s-maxage={HOME_LIFETIME}" in first["Cache-Control"]
    assert client.get("/")["X-Page-Cache"] == "miss"
