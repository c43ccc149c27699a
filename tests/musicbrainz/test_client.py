"""The client asks MusicBrainz as it asks to be asked, and says clearly when it cannot."""

import socket
import time

import pytest

from musicbrainz import client
from tests.musicbrainz.conftest import KNOWING_ME, THINKING_OUT_LOUD, THINKING_OUT_LOUD_WORK

pytestmark = pytest.mark.django_db


def test_it_fetches_a_recording_with_what_the_importer_reads(musicbrainz):
    data = client.fetch("recording", THINKING_OUT_LOUD)
    assert data["title"] == "Thinking Out Loud"
    (request,) = musicbrainz.requests
    assert request["path"] == f"/ws/2/recording/{THINKING_OUT_LOUD}"
    assert request["query"]["fmt"] == ["json"]
    includes = request["query"]["inc"][0].split(" ")
    assert {"artist-credits", "releases", "release-groups", "isrcs"} <= set(includes)
    assert {"artist-rels", "work-rels", "work-level-rels"} <= set(includes)


def test_it_fetches_a_work_with_its_relationships(musicbrainz):
    data = client.fetch("work", THINKING_OUT_LOUD_WORK)
    assert data["title"] == "Thinking Out Loud"
    includes = musicbrainz.requests[0]["query"]["inc"][0].split(" ")
    assert {"artist-rels", "recording-rels", "url-rels"} <= set(includes)


def test_it_says_who_is_asking(musicbrainz):
    client.fetch("recording", THINKING_OUT_LOUD)
    user_agent = musicbrainz.requests[0]["user_agent"]
    assert user_agent.startswith("Songfacts/")
    assert user_agent.endswith("( editors@songfacts.example )")


def test_it_asks_once_for_the_preview_and_the_apply(musicbrainz):
    client.fetch("recording", THINKING_OUT_LOUD)
    client.fetch("recording", THINKING_OUT_LOUD)
    assert len(musicbrainz.requests) == 1


def test_two_fetches_within_a_second_wait_their_turn(musicbrainz):
    started = time.monotonic()
    client.fetch("recording", THINKING_OUT_LOUD)
    client.fetch("recording", KNOWING_ME)
    took = time.monotonic() - started
    first, second = musicbrainz.requests
    assert second["at"] - first["at"] >= client.TURN_SECONDS * 0.95
    assert took < client.TURN_SECONDS + 2


@pytest.mark.parametrize(
    "status, says",
    [
        (404, "MusicBrainz has no recording with the id"),
        (400, "does not take"),
        (503, "busy or limiting requests"),
        (500, r"answered with an error \(500\)"),
    ],
)
def test_it_explains_an_error_of_the_service(musicbrainz, status, says):
    mbid = "00000000-0000-4000-8000-000000000001"
    musicbrainz.serve("recording", mbid, {"error": "..."}, status=status)
    with pytest.raises(client.MusicBrainzUnavailable, match=says):
        client.fetch("recording", mbid)


def test_it_explains_an_answer_that_is_not_json(musicbrainz):
    mbid = "00000000-0000-4000-8000-000000000002"
    musicbrainz.serve("recording", mbid, b"<html>Down for maintenance</html>")
    with pytest.raises(client.MusicBrainzUnavailable, match="other than the expected JSON"):
        client.fetch("recording", mbid)


def test_it_explains_that_the_service_cannot_be_reached(settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.MUSICBRAINZ_URL = f"http://127.0.0.1:{port}/ws/2"
    with pytest.raises(client.MusicBrainzUnavailable, match="could not be reached"):
        client.fetch("recording", THINKING_OUT_LOUD)
