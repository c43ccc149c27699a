"""Builders and a client for the API's tests."""

import pytest

from tests.reader.conftest import add_content, make_album, make_artist, make_song


@pytest.fixture(autouse=True)
def _rate_limit_out_of_the_way(settings):
    # Every test's requests come from the test client's one address: a limit well above any
    # test's requests. The rate limit's own tests lower it, each for an address of its own.
    settings.API_RATE_LIMIT = 100_000


def get_json(client, path, **headers):
    response = client.get(path, **headers)
    assert response["Content-Type"] == "application/json", (path, response.status_code)
    return response, response.json()


__all__ = ["add_content", "get_json", "make_album", "make_artist", "make_song"]
