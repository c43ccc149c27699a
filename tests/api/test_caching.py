"""API answers are cached as pages are: the same ETag for the same content, 304s, and a
change purges exactly the answers that show it."""

import pytest

from catalogue.models import Fact, Status
from comments.models import Comment
from songfacts import page_cache
from tests.api.conftest import make_song

pytestmark = [pytest.mark.page_cache, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def one_clock(monkeypatch):
    # As in tests/test_page_cache.py: every request comes within the hosts' clock allowance.
    monkeypatch.setattr(page_cache, "PURGE_CLOCK_SKEW_NS", 0)


@pytest.fixture
def song(db):
    song = make_song(title="Heroes")
    Fact.objects.create(song=song, position=1, body="Written in Berlin.", status=Status.PUBLISHED)
    return song


@pytest.fixture
def other_song(db):
    return make_song(title="Hero")


def test_three_identical_requests_get_one_etag_and_a_match_gets_a_304(client, song):
    path = f"/api/v1/songs/{song.pk}/"
    answers = [client.get(path) for _ in range(3)]

    assert [answer["X-Page-Cache"] for answer in answers] == ["miss", "hit", "hit"]
    assert len({answer["ETag"] for answer in answers}) == 1
    assert answers[0]["Last-Modified"] == answers[2]["Last-Modified"]
    assert "public" in answers[0]["Cache-Control"]
    assert f"song-{song.pk}" in answers[0]["Surrogate-Key"].split()
    not_modified = client.get(path, HTTP_IF_NONE_MATCH=answers[0]["ETag"])
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["X-RateLimit-Remaining"]


def test_a_list_has_a_content_etag_with_the_cache_off_too(client, song, settings):
    settings.PAGE_CACHE_SECONDS = 0
    answers = [client.get("/api/v1/songs/") for _ in range(3)]

    assert len({answer["ETag"] for answer in answers}) == 1
    assert client.get("/api/v1/songs/", HTTP_IF_NONE_MATCH=answers[0]["ETag"]).status_code == 304


def test_a_new_fact_shows_at_once_and_other_songs_stay_cached(
    client, song, other_song, django_capture_on_commit_callbacks
):
    path = f"/api/v1/songs/{song.pk}/"
    other_path = f"/api/v1/songs/{other_song.pk}/"
    etag = client.get(path)["ETag"]
    client.get(other_path)
    with django_capture_on_commit_callbacks(execute=True):
        Fact.objects.create(song=song, position=2, body="Eno played.", status=Status.PUBLISHED)

    response = client.get(path, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["X-Page-Cache"] == "miss"
    assert "Eno played." in response.content.decode()
    assert client.get(other_path)["X-Page-Cache"] == "hit"


def test_a_first_fact_of_a_song_without_any_purges_it(
    client, other_song, django_capture_on_commit_callbacks
):
    path = f"/api/v1/songs/{other_song.pk}/"
    client.get(path)
    with django_capture_on_commit_callbacks(execute=True):
        Fact.objects.create(song=other_song, body="The first.", status=Status.PUBLISHED)

    assert "The first." in client.get(path).content.decode()


def test_a_newly_published_song_joins_the_api_list_at_once(
    client, song, django_capture_on_commit_callbacks
):
    client.get("/api/v1/songs/")
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_song(title="Unreleased", status=Status.DRAFT)
    assert client.get("/api/v1/songs/")["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        draft.status = Status.PUBLISHED
        draft.save()

    response = client.get("/api/v1/songs/")

    assert [row["id"] for row in response.json()["results"]] == [song.pk, draft.pk]


def test_a_comment_purges_its_songs_comments_and_not_another_songs_detail(
    client, song, other_song, django_capture_on_commit_callbacks
):
    comments_path = f"/api/v1/songs/{song.pk}/comments/"
    client.get(comments_path)
    client.get("/api/v1/comments/")
    client.get(f"/api/v1/songs/{other_song.pk}/")
    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.create(song=song, author_name="Kim", body="Loud!")

    assert "Loud!" in client.get(comments_path).content.decode()
    assert "Loud!" in client.get("/api/v1/comments/").content.decode()
    assert client.get(f"/api/v1/songs/{other_song.pk}/")["X-Page-Cache"] == "hit"


def test_a_comment_waiting_for_a_moderator_keeps_the_cached_answers(
    client, song, django_capture_on_commit_callbacks
):
    comments_path = f"/api/v1/songs/{song.pk}/comments/"
    client.get(comments_path)
    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.create(song=song, author_name="S", body="buy", status="pending")

    assert client.get(comments_path)["X-Page-Cache"] == "hit"


def test_a_stored_answer_keeps_no_clients_rate_limit_figures(client, song):
    path = f"/api/v1/songs/{song.pk}/"
    first = client.get(path, REMOTE_ADDR="192.0.2.10")
    for _ in range(3):
        client.get(path, REMOTE_ADDR="192.0.2.10")

    another = client.get(path, REMOTE_ADDR="192.0.2.20")

    assert another["X-Page-Cache"] == "hit"
    assert int(another["X-RateLimit-Remaining"]) == int(first["X-RateLimit-Remaining"])
    assert b"RateLimit" not in another.content
