"""A real Varnish with deploy/varnish/songfacts.vcl: what it keeps and what it passes, and
the app's purges (songfacts.varnish): exactly the pages under the keys go, a purge to an
address that is down is delivered once it answers, and the request that changed something
never waits for Varnish."""

import contextlib
import gzip
import hashlib
import http.server
import logging
import shutil
import socket
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import transaction

from catalogue.models import Fact, Status
from deploy.cluster import ClusterError, Varnish, free_port, install_missing_packages
from songfacts import cache_keys, varnish
from tests.conftest import make_song

pytestmark = pytest.mark.slow


class TaggedPages(http.server.BaseHTTPRequestHandler):
    """A backend whose page /<name>?keys=a+b is public and known by the keys a and b; each
    page says the cookies it was sent."""

    def do_GET(self):
        body = f"{self.path} cookies: {self.headers.get('Cookie')}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if self.path != "/healthz":
            _, _, query = self.path.partition("?keys=")
            self.send_header("Surrogate-Key", query.replace("+", " "))
            self.send_header("Cache-Control", "public, max-age=0, s-maxage=600")
            self.send_header("ETag", f'"{hashlib.sha256(self.path.encode()).hexdigest()[:16]}"')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def varnish_url():
    try:
        install_missing_packages()
    except ClusterError as error:
        pytest.skip(str(error))
    backend = http.server.ThreadingHTTPServer(("127.0.0.1", 0), TaggedPages)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    # Not under pytest's temporary folder, which another pytest run may make private to root
    # while varnishd's own user reads the files it includes.
    directory = Path(tempfile.mkdtemp(prefix="songfacts-varnish-"))
    cache = Varnish(directory, free_port(), [backend.server_address])
    try:
        cache.start()
        yield cache.url
    finally:
        cache.stop()
        backend.shutdown()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(autouse=True)
def own_senders(monkeypatch):
    """Each test's purge threads are its own: one left retrying a dead address is not
    waited for by the next test, nor at exit."""
    monkeypatch.setattr(varnish, "_senders", {})
    monkeypatch.setattr(varnish, "FIRST_RETRY_DELAY", 0.1)


def fetch(url, method="GET", headers=None):
    """Status, headers and body, whatever the status."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def x_cache(url, headers=None):
    return fetch(url, headers=headers)[1]["X-Cache"]


def cached(base, *paths):
    """Fetch each page twice, so that Varnish keeps it; the second must be a hit."""
    for path in paths:
        x_cache(base + path)
        assert x_cache(base + path) == "HIT", path


def test_it_keeps_public_pages_for_anonymous_readers_whatever_their_other_cookies(varnish_url):
    page = f"{varnish_url}/anonymous?keys=song-40"
    cached(varnish_url, "/anonymous?keys=song-40")

    status, headers, body = fetch(page, headers={"Cookie": "csrftoken=abc; _ga=GA1.1"})

    assert (status, headers["X-Cache"]) == (200, "HIT")
    assert "cookies: None" in body
    assert "xkey" not in headers
    assert headers["Surrogate-Key"] == "song-40"


def test_it_keeps_pages_compressed_and_unzips_them_for_readers_that_take_no_gzip(varnish_url):
    page = f"{varnish_url}/compressed?keys=song-47"
    cached(varnish_url, "/compressed?keys=song-47")

    zipped = urllib.request.urlopen(
        urllib.request.Request(page, headers={"Accept-Encoding": "gzip"}), timeout=5
    )
    status, headers, body = fetch(page)

    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.read()).decode().startswith("/compressed?keys=song-47")
    assert (status, headers["X-Cache"], headers["Content-Encoding"]) == (200, "HIT", None)
    assert body.startswith("/compressed?keys=song-47")


def test_it_answers_a_conditional_request_from_its_copy(varnish_url):
    page = f"{varnish_url}/conditional?keys=song-41"
    cached(varnish_url, "/conditional?keys=song-41")
    etag = fetch(page)[1]["ETag"]

    status, headers, body = fetch(page, headers={"If-None-Match": etag})

    assert (status, headers["X-Cache"], body) == (304, "HIT", "")


@pytest.mark.parametrize(
    "method, path, cookie",
    [
        ("POST", "/posted?keys=song-42", None),
        ("GET", "/admin/catalogue/song/?keys=song-43", None),
        ("GET", "/logged-in?keys=song-44", "sessionid=abc"),
        ("GET", "/flash-message?keys=song-45", "csrftoken=abc; messages=xyz"),
        ("GET", "/own-comment?keys=song-46", "wrote_lsn=123456"),
    ],
    ids=["post", "admin", "login", "flash-message", "read-your-writes"],
)
def test_it_passes_posts_the_admin_and_personal_requests_with_their_cookies(
    varnish_url, method, path, cookie
):
    headers = {"Cookie": cookie} if cookie else {}
    answers = [fetch(varnish_url + path, method, headers) for _ in range(2)]

    assert [(status, headers["X-Cache"]) for status, headers, _ in answers] == [(200, "PASS")] * 2
    assert all(f"cookies: {cookie}" in body for _, _, body in answers)


def test_it_refuses_a_purge_without_keys_and_methods_it_does_not_know(varnish_url):
    assert fetch(f"{varnish_url}/", "PURGE")[0] == 400
    assert fetch(f"{varnish_url}/", "BREW")[0] == 405


SONG_1 = "/songs/1?keys=song-1+artist-7"
SONG_2 = "/songs/2?keys=song-2+artist-7"
HOME = "/home?keys=home+song-1"
ARTIST_8 = "/artists/8?keys=artist-8"


def test_a_purge_drops_exactly_the_pages_under_its_keys(varnish_url, settings):
    settings.CACHE_PURGE_TARGETS = ["songfacts.varnish.purge"]
    settings.VARNISH_PURGE_URLS = [f"{varnish_url}/"]
    cached(varnish_url, SONG_1, SONG_2, HOME, ARTIST_8)

    cache_keys.purge({"song-1"})
    assert varnish.wait_until_sent(timeout=5)

    assert x_cache(varnish_url + SONG_1) == "MISS"
    assert x_cache(varnish_url + HOME) == "MISS"
    assert x_cache(varnish_url + SONG_2) == "HIT"
    assert x_cache(varnish_url + ARTIST_8) == "HIT"

    cache_keys.purge({"artist-7", "artist-8"})
    assert varnish.wait_until_sent(timeout=5)

    assert x_cache(varnish_url + SONG_1) == "MISS"
    assert x_cache(varnish_url + SONG_2) == "MISS"
    assert x_cache(varnish_url + ARTIST_8) == "MISS"
    assert x_cache(varnish_url + HOME) == "HIT"


class Forwarder:
    """A TCP port that forwards to `target` once opened, and refuses connections until then:
    an address whose Varnish is down, then back."""

    def __init__(self, target):
        self.target = target
        self.port = free_port()
        self.listener = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/"

    def open(self):
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self):
        if self.listener is not None:
            self.listener.close()

    def _accept(self):
        with contextlib.suppress(OSError):
            while True:
                client, _ = self.listener.accept()
                upstream = socket.create_connection(self.target)
                for source, sink in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self._pump, args=[source, sink], daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        with contextlib.suppress(OSError), source, sink:
            while data := source.recv(65536):
                sink.sendall(data)


def test_a_purge_to_an_address_that_is_down_is_logged_and_sent_once_it_answers(
    varnish_url, settings, caplog
):
    address = Forwarder(("127.0.0.1", int(varnish_url.rsplit(":", 1)[1])))
    settings.CACHE_PURGE_TARGETS = ["songfacts.varnish.purge"]
    settings.VARNISH_PURGE_URLS = [address.url]
    cached(varnish_url, SONG_1, SONG_2, ARTIST_8)

    with caplog.at_level(logging.WARNING, logger="songfacts.varnish"):
        cache_keys.purge({"song-1"})
        assert not varnish.wait_until_sent(timeout=0.5)
        cache_keys.purge({"artist-8"})
        try:
            assert not varnish.wait_until_sent(timeout=0.5)
            assert x_cache(varnish_url + SONG_1) == "HIT"
            address.open()
            assert varnish.wait_until_sent(timeout=10)
        finally:
            address.close()

    # (Other tests' threads may still be retrying addresses of their own.)
    failures = [
        record.getMessage() for record in caplog.records if address.url in record.getMessage()
    ]
    assert failures
    assert all("ConnectionRefusedError" in message for message in failures)
    # Both purges, merged while they waited.
    assert x_cache(varnish_url + SONG_1) == "MISS"
    assert x_cache(varnish_url + ARTIST_8) == "MISS"
    assert x_cache(varnish_url + SONG_2) == "HIT"


def test_past_its_bound_a_queue_asks_varnish_to_drop_every_page(
    varnish_url, settings, monkeypatch, caplog
):
    monkeypatch.setattr(varnish, "MAX_PENDING_KEYS", 3)
    address = Forwarder(("127.0.0.1", int(varnish_url.rsplit(":", 1)[1])))
    settings.CACHE_PURGE_TARGETS = ["songfacts.varnish.purge"]
    settings.VARNISH_PURGE_URLS = [address.url]
    cached(varnish_url, SONG_1, SONG_2, ARTIST_8)

    with caplog.at_level(logging.WARNING, logger="songfacts.varnish"):
        for number in range(10):
            cache_keys.purge({f"unrelated-{number}"})
    # The sender's thread may hold the keys while it tries to send them, so what proves the
    # bound is the warning and, below, pages purged that none of the keys named.
    assert any(
        "it will be told to drop every page" in record.getMessage()
        and address.url in record.getMessage()
        for record in caplog.records
    )
    (sender,) = varnish._senders.values()
    assert len(sender._pending) <= varnish.MAX_PENDING_KEYS
    try:
        address.open()
        assert varnish.wait_until_sent(timeout=10)
    finally:
        address.close()

    assert x_cache(varnish_url + SONG_1) == "MISS"
    assert x_cache(varnish_url + SONG_2) == "MISS"
    assert x_cache(varnish_url + ARTIST_8) == "MISS"


class TakesPurges(http.server.BaseHTTPRequestHandler):
    def do_PURGE(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def unreachable_varnish(kind):
    """The URL of a Varnish that is down (connections refused) or hangs (connections
    accepted by the kernel, never answered). Afterwards the address answers, so that the
    purges left waiting for it go and their thread falls quiet."""
    port = free_port()
    if kind == "down":
        yield f"http://127.0.0.1:{port}/"
    else:
        with socket.create_server(("127.0.0.1", port), backlog=64):
            yield f"http://127.0.0.1:{port}/"
    answering = http.server.ThreadingHTTPServer(("127.0.0.1", port), TakesPurges)
    threading.Thread(target=answering.serve_forever, daemon=True).start()
    try:
        assert varnish.wait_until_sent(timeout=10)
    finally:
        answering.shutdown()
        answering.server_close()


@pytest.mark.parametrize("kind", ["down", "hanging"])
def test_a_change_commits_at_once_whatever_state_varnish_is_in(transactional_db, settings, kind):
    song = make_song()
    settings.CACHE_PURGE_TARGETS = ["songfacts.varnish.purge"]
    with unreachable_varnish(kind) as url:
        settings.VARNISH_PURGE_URLS = [url]
        timings = []
        for position in range(1, 6):
            started = time.monotonic()
            with transaction.atomic():
                Fact.objects.create(
                    song=song, position=position, body="A fact.", status=Status.PUBLISHED
                )
            timings.append(time.monotonic() - started)

        assert not varnish.wait_until_sent(timeout=0.2)
    # A hanging Varnish holds the thread for TIMEOUT_SECONDS (5 s) a try; the writes never wait.
    assert max(timings) < 0.5, timings
