"""gunicorn serves the production settings: static files, health, errors, a dead database,
and cached pages that every worker drops the moment content changes."""

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from catalogue.models import Fact, Status
from tests.conftest import make_song

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url_of_this_run():
    """The URL of the database this test run uses, for a server in another process."""
    params = connection.get_connection_params()
    host = params.get("host") or ""
    query = f"?host={quote(host, safe='')}" if host.startswith("/") else ""
    netloc = "" if query else f"{host}:{params.get('port') or 5432}"
    return f"postgresql://{quote(params['user'])}@{netloc}/{quote(params['dbname'])}{query}"


@contextlib.contextmanager
def gunicorn(database_url, **environment):
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "a-production-like-secret-for-the-gunicorn-test",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": "/dev/null",
        **environment,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise AssertionError(f"gunicorn exited: {process.stderr.read()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if time.monotonic() > deadline:
                raise AssertionError("gunicorn did not start within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def fetch(url):
    """Status, headers and body of a GET through the TLS-terminating proxy, whatever the status."""
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_it_serves_health_and_hashed_static_files(django_db_setup, django_db_blocker):
    from django.contrib.staticfiles.storage import staticfiles_storage

    stylesheet = staticfiles_storage.url("css/site.css")
    icon = staticfiles_storage.url("favicon.svg")
    with django_db_blocker.unblock(), gunicorn(database_url_of_this_run()) as base:
        health = fetch(f"{base}/healthz")
        static = fetch(f"{base}{stylesheet}")
        favicon = fetch(f"{base}{icon}")
        missing = fetch(f"{base}/no/such/page/")

    assert health[0] == 200
    assert "max-age=31536000" in health[1]["Strict-Transport-Security"]
    assert "script-src 'self'" in health[1]["Content-Security-Policy"]
    assert stylesheet != "/static/css/site.css", "names must carry a content hash"
    assert static[0] == 200
    assert "immutable" in static[1]["Cache-Control"]
    assert b"--accent" in static[2]
    # Every page names it, so that browsers ask for no /favicon.ico that is not there.
    assert favicon[0] == 200
    assert favicon[1]["Content-Type"] == "image/svg+xml"
    assert f'<link rel="icon" href="{icon}"'.encode() in missing[2]
    assert missing[0] == 404
    assert b"We can't find that page" in missing[2]


def test_it_redirects_plain_http_to_https(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), gunicorn(database_url_of_this_run()) as base:
        connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=10)
        connection.request("GET", "/healthz")
        response = connection.getresponse()

    assert response.status == 301
    assert response.getheader("Location").startswith("https://127.0.0.1:")


def test_it_answers_503_quickly_when_the_database_is_down():
    with gunicorn("postgresql://postgres@127.0.0.1:1/nothing") as base:
        started = time.monotonic()
        health = fetch(f"{base}/healthz")
        elapsed = time.monotonic() - started

    assert health[0] == 503
    assert elapsed < 5


@pytest.mark.parametrize(
    "environment",
    [
        {},
        # As behind a transaction-pooling proxy: no notices, no prepared statements.
        {"PAGE_CACHE_LISTEN": "0", "DATABASE_PREPARE_THRESHOLD": "0"},
    ],
    ids=["listening", "as-behind-a-pooler"],
)
def test_every_worker_shows_a_change_at_once_and_keeps_other_pages_until_then(
    transactional_db, environment
):
    song = make_song(title="Heroes", slug="heroes")
    Fact.objects.create(song=song, position=1, body="Written in Berlin.", status=Status.PUBLISHED)
    other = make_song(title="Hero", slug="hero")
    url, other_url = song.get_absolute_url(), other.get_absolute_url()
    site = gunicorn(database_url_of_this_run(), **environment)
    with site as base, ThreadPoolExecutor(4) as readers:

        def read_many(path):
            return list(readers.map(lambda _: fetch(f"{base}{path}"), range(40)))

        read_many(url)  # every worker renders the pages and keeps copies
        read_many(other_url)
        before = read_many(url)
        Fact.objects.create(
            song=song, position=2, body="Eno played the EMS.", status=Status.PUBLISHED
        )
        # The notice reaches each worker in microseconds; this leaves room for a busy machine.
        time.sleep(0.05)
        after = read_many(url)
        other_after = read_many(other_url)

    assert all(headers["X-Page-Cache"] == "hit" for _, headers, _ in before)
    stale = [(status, dict(headers)) for status, headers, body in after if b"EMS" not in body]
    assert stale == []
    assert any(headers["X-Page-Cache"] == "hit" for _, headers, _ in after)
    assert all(headers["X-Page-Cache"] == "hit" for _, headers, _ in other_after)
    assert all(f"song-{song.pk}-facts" in headers["Surrogate-Key"] for _, headers, _ in after)
