"""Reads of the MusicBrainz web service (https://musicbrainz.org/doc/MusicBrainz_API), JSON.

MusicBrainz asks every client to say who it is in its User-Agent, with a way to reach its
maintainers, and to send at most one request a second from one address: more are answered
with a 503. All workers of the site share one address, so they take turns through the shared
cache (`_wait_for_turn`). Every failure is a MusicBrainzUnavailable whose message an editor
can read.
"""

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from importlib.metadata import PackageNotFoundError, version

from django.conf import settings
from django.core.cache import cache

RECORDING_INCLUDES = (
    "artist-credits",
    "releases",
    "release-groups",
    "isrcs",
    "artist-rels",
    "work-rels",
    "work-level-rels",
    "url-rels",
)
WORK_INCLUDES = ("artist-rels", "recording-rels", "url-rels")
INCLUDES = {"recording": RECORDING_INCLUDES, "work": WORK_INCLUDES}
KEEP_SECONDS = 600
TIMEOUT_SECONDS = 10
# One request a second: the key lives that long after a request is sent.
TURN_KEY = "musicbrainz-last-request"
TURN_SECONDS = 1
# A fetch waits this long at most for its turn, behind other editors' fetches.
LONGEST_WAIT_SECONDS = 10
_POLL_SECONDS = 0.05


class MusicBrainzUnavailable(Exception):
    """MusicBrainz did not give what was asked; the message says why, for an editor."""


def user_agent():
    try:
        site_version = version("songfacts")
    except PackageNotFoundError:
        site_version = "dev"
    return f"Songfacts/{site_version} ( {settings.MUSICBRAINZ_CONTACT} )"


def fetch(entity, mbid):
    """The "recording" `mbid` with its artist credits, releases and their release groups,
    ISRCs, and its artist, work and URL relationships (and those of its works); or the
    "work" `mbid` with its artist, recording and URL relationships.

    A response is kept in the cache for KEEP_SECONDS, so that the preview and the apply that
    follows it read the same one, and MusicBrainz is asked once.
    """
    key = f"musicbrainz-{entity}-{mbid}"
    data = cache.get(key)
    if data is None:
        data = _lookup(entity, mbid, INCLUDES[entity])
        cache.set(key, data, KEEP_SECONDS)
    return data


def _lookup(entity, mbid, includes):
    query = urllib.parse.urlencode({"inc": "+".join(includes), "fmt": "json"}, safe="+")
    url = f"{settings.MUSICBRAINZ_URL.rstrip('/')}/{entity}/{mbid}?{query}"
    request = urllib.request.Request(
        url, headers={"User-Agent": user_agent(), "Accept": "application/json"}
    )
    _wait_for_turn()
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        raise MusicBrainzUnavailable(_http_error_message(error.code, entity, mbid)) from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise MusicBrainzUnavailable(
            "MusicBrainz could not be reached just now; try again in a minute."
        ) from error
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise MusicBrainzUnavailable(
            "MusicBrainz answered with something other than the expected JSON; "
            "try again in a minute."
        ) from error
    if not isinstance(data, dict) or data.get("id") != mbid:
        raise MusicBrainzUnavailable(f"MusicBrainz answered about another {entity} than {mbid}.")
    return data


def _http_error_message(status, entity, mbid):
    if status == 404:
        return f"MusicBrainz has no {entity} with the id {mbid}."
    if status == 400:
        return f"MusicBrainz does not take {mbid} as a {entity} id."
    if status in (429, 503):
        return "MusicBrainz is busy or limiting requests just now; try again in a minute."
    return f"MusicBrainz answered with an error ({status}); try again in a minute."


def _wait_for_turn():
    """Wait until no request went to MusicBrainz from any worker in the last second.

    cache.add stores the key only when it is absent, in one step, so of the workers that try
    at once one gets the turn; the key expires after TURN_SECONDS, opening the next turn.
    """
    deadline = time.monotonic() + LONGEST_WAIT_SECONDS
    while not cache.add(TURN_KEY, time.time(), timeout=TURN_SECONDS):
        if time.monotonic() > deadline:
            raise MusicBrainzUnavailable(
                "Other fetches from MusicBrainz are waiting their turn; try again in a minute."
            )
        # Sleep until the last request is a second old (the key holds when it was sent),
        # rather than ask the cache all along.
        sent = cache.get(TURN_KEY)
        wait = TURN_SECONDS - (time.time() - sent) if sent else _POLL_SECONDS
        time.sleep(min(max(wait, _POLL_SECONDS), TURN_SECONDS))
