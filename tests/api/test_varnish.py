"""The API through a real Varnish (deploy/varnish/songfacts.vcl) in front of a real gunicorn:
it keeps API answers as pages, one copy for every origin with its CORS headers, and no copy
carries the rate-limit figures of the client that fetched it."""

import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from deploy.cluster import ClusterError, Varnish, free_port, install_missing_packages
from tests.api.conftest import make_song
from tests.test_gunicorn import database_url_of_this_run, gunicorn

pytestmark = pytest.mark.slow


@pytest.fixture
def api_through_varnish(transactional_db):
    try:
        install_missing_packages()
    except ClusterError as error:
        pytest.skip(str(error))
    # Not under pytest's temporary folder, which varnishd's own user may not read.
    directory = Path(tempfile.mkdtemp(prefix="songfacts-api-varnish-"))
    # localhost: Varnish's health probe asks for it.
    site = gunicorn(
        database_url_of_this_run(), WEB_CONCURRENCY="1", ALLOWED_HOSTS="127.0.0.1,localhost"
    )
    with site as base:
        port = urllib.parse.urlsplit(base).port
        cache = Varnish(directory, free_port(), [("127.0.0.1", port)])
        try:
            cache.start()
            yield cache.url
        finally:
            cache.stop()
            shutil.rmtree(directory, ignore_errors=True)


def _get(url, **headers):
    # As through the TLS-terminating proxy in front of Varnish.
    return fetch_with(url, {"X-Forwarded-Proto": "https", **headers})


def fetch_with(url, headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def test_varnish_keeps_api_answers_for_every_origin_without_rate_limit_figures(
    api_through_varnish,
):
    song = make_song()
    url = f"{api_through_varnish}/api/v1/songs/{song.pk}/"

    first = _get(url)
    from_a_site = _get(url, Origin="https://apps.example")
    from_another = _get(url, Origin="https://other.example")

    assert [status for status, _ in (first, from_a_site, from_another)] == [200] * 3
    assert [headers["X-Cache"] for _, headers in (first, from_a_site, from_another)] == [
        "MISS",
        "HIT",
        "HIT",
    ]
    for _, headers in (first, from_a_site, from_another):
        assert headers["Access-Control-Allow-Origin"] == "*"
        assert "X-RateLimit-Remaining" not in headers
        assert f"song-{song.pk}" in headers["Surrogate-Key"]
    assert from_a_site[1]["ETag"] == first[1]["ETag"]


def test_a_refusal_is_passed_on_with_its_figures(api_through_varnish):
    status, headers = _get(f"{api_through_varnish}/api/v1/nothing/")

    assert status == 404
    assert headers["X-Cache"] == "PASS"
    assert headers["X-RateLimit-Limit"]
