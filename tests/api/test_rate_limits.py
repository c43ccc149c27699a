"""Each client address gets API_RATE_LIMIT requests per window, counted in the shared cache:
every answer says where it stands, and past the limit it gets a 429 with Retry-After."""

import itertools
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from api import rate_limits
from tests.api.conftest import make_song
from tests.test_gunicorn import database_url_of_this_run, fetch, gunicorn

pytestmark = pytest.mark.django_db

_addresses = (f"198.51.100.{n}" for n in itertools.count(1))


@pytest.fixture
def address():
    """An address of the test's own, whose count starts at nothing."""
    return next(_addresses)


@pytest.fixture(params=["database", "locmem"])
def shared_cache(request, settings):
    """The database cache (the default) and the others' add-and-incr (Redis, memory)."""
    if request.param == "locmem":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return request.param


def test_every_answer_says_where_its_client_stands(client, settings, address, shared_cache):
    settings.API_RATE_LIMIT = 5
    settings.API_RATE_LIMIT_WINDOW = 60

    answers = [client.get("/api/v1/songs/", REMOTE_ADDR=address) for _ in range(3)]

    assert [answer["X-RateLimit-Remaining"] for answer in answers] == ["4", "3", "2"]
    assert {answer["X-RateLimit-Limit"] for answer in answers} == {"5"}
    assert all(1 <= int(answer["X-RateLimit-Reset"]) <= 60 for answer in answers)


def test_past_the_limit_it_answers_429_with_retry_after(client, settings, address, shared_cache):
    settings.API_RATE_LIMIT = 2
    make_song()

    answers = [client.get("/api/v1/songs/", REMOTE_ADDR=address) for _ in range(4)]

    assert [answer.status_code for answer in answers] == [200, 200, 429, 429]
    refused = answers[2]
    assert refused["Content-Type"] == "application/json"
    assert "Too many requests" in refused.json()["detail"]
    assert 1 <= int(refused["Retry-After"]) <= settings.API_RATE_LIMIT_WINDOW
    assert refused["X-RateLimit-Remaining"] == "0"
    assert "no-store" in refused["Cache-Control"]


def test_each_address_has_a_count_of_its_own(client, settings, address):
    settings.API_RATE_LIMIT = 1
    other = next(_addresses)

    assert client.get("/api/v1/songs/", REMOTE_ADDR=address).status_code == 200
    assert client.get("/api/v1/songs/", REMOTE_ADDR=address).status_code == 429
    assert client.get("/api/v1/songs/", REMOTE_ADDR=other).status_code == 200


def test_a_new_window_starts_a_new_count(client, settings, address, monkeypatch):
    settings.API_RATE_LIMIT = 1
    settings.API_RATE_LIMIT_WINDOW = 60
    # A window starts at 1,000,020 (a multiple of 60).
    clock = iter([1_000_020.0, 1_000_050.0, 1_000_081.0])
    monkeypatch.setattr(rate_limits, "time", SimpleNamespace(time=lambda: next(clock)))

    statuses = [client.get("/api/v1/songs/", REMOTE_ADDR=address).status_code for _ in range(3)]

    assert statuses == [200, 429, 200]


def test_the_site_outside_the_api_is_not_counted(client, settings, address, published_song):
    settings.API_RATE_LIMIT = 1

    for _ in range(3):
        response = client.get(published_song.get_absolute_url(), REMOTE_ADDR=address)
        assert response.status_code == 200
        assert "X-RateLimit-Limit" not in response
    assert client.get("/api/v1/songs/", REMOTE_ADDR=address).status_code == 200


@pytest.mark.slow
def test_the_limit_holds_across_workers(transactional_db):
    """Two gunicorn workers, one count: 40 requests over 8 connections at once, against a
    limit of 25, get 25 answers and 15 refusals, whichever worker each reached."""
    make_song()
    limit, requests = 25, 40
    environment = {
        "API_RATE_LIMIT": str(limit),
        # A day: no window ends during the test (but for one run in some 20,000).
        "API_RATE_LIMIT_WINDOW": "86400",
        "WEB_CONCURRENCY": "2",
    }
    site = gunicorn(database_url_of_this_run(), **environment)
    # Each request on a connection of its own, so that both workers take some.
    with site as base, ThreadPoolExecutor(8) as clients:
        answers = list(clients.map(lambda _: fetch(f"{base}/api/v1/songs/"), range(requests)))

    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [200] * limit + [429] * (requests - limit)
    remaining = sorted(int(headers["X-RateLimit-Remaining"]) for _, headers, _ in answers)
    assert remaining == [0] * (requests - limit + 1) + list(range(1, limit))


def test_a_refusal_is_in_the_request_log_with_the_sites_headers(client, settings, address, caplog):
    settings.API_RATE_LIMIT = 1
    client.get("/api/v1/songs/", REMOTE_ADDR=address)

    with caplog.at_level("INFO", logger="songfacts.requests"):
        refused = client.get("/api/v1/songs/", REMOTE_ADDR=address)

    assert refused.status_code == 429
    assert any("/api/v1/songs/ 429" in record.getMessage() for record in caplog.records)
    assert "script-src 'self'" in refused["Content-Security-Policy"]
