"""A replica that stops replaying: the commenter reads their comment from the primary, other
readers get at worst the page from before it, and no cache keeps that page once replay
resumes (songfacts.replicas, songfacts.page_cache, deploy/varnish)."""

import re
import uuid

import psycopg
import pytest

from tests.cluster.readers import SONG, new_client_address, request, wait_until
from tests.cluster.readers import post_comment as posted

pytestmark = pytest.mark.slow

OTHER_SONG = "/songs/neu/hero/"
READS = 30
CATCH_UP_SECONDS = 30


def post_comment(base, body):
    """Post a comment through Varnish; the cookie its answer sets, which carries the
    writer's WAL position."""
    status, headers, _ = posted(base, body, client_address=new_client_address())
    assert status == 302, status
    cookies = re.findall(r"(wrote_lsn=[^;]+)", headers.get("set-cookie", ""))
    assert cookies, headers
    return "; ".join(cookies)


def replica_has_replayed_primary(cluster):
    with psycopg.connect(cluster.primary.url(), autocommit=True) as primary:
        written = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    with psycopg.connect(cluster.replica.url(), autocommit=True) as replica:
        return replica.execute("SELECT pg_last_wal_replay_lsn() >= %s", [written]).fetchone()[0]


def test_with_replay_paused_the_commenter_sees_their_comment_and_no_stale_page_is_kept(cluster):
    front = cluster.varnish_url
    # A write just before the pause, so that the replica's lag counts from now and it stays
    # in use (REPLICA_MAX_LAG_SECONDS) while replay is paused.
    post_comment(front, f"Warming up {uuid.uuid4().hex[:8]}.")
    wait_until(lambda: replica_has_replayed_primary(cluster), CATCH_UP_SECONDS, "catching up")
    for path in (SONG, SONG, OTHER_SONG, OTHER_SONG):
        request(front, "GET", path)
    assert request(front, "GET", OTHER_SONG)[1]["x-cache"] == "HIT"

    cluster.replica.pause_replay()
    try:
        body = f"Paused replay, comment {uuid.uuid4().hex[:8]}."
        cookie = post_comment(front, body)

        # The others first (a page the commenter's reads rendered from the primary would be
        # stored fresh): the page from before the comment or after it; but a copy from before
        # it is never a hit, in Varnish or in a host's page cache, since the comment's purge.
        stale_hits = []
        stale_pages = 0
        for _ in range(READS):
            status, headers, page = request(front, "GET", SONG)
            assert status == 200
            cached = headers.get("x-cache") == "HIT" or headers.get("x-page-cache") == "hit"
            if cached and body not in page:
                stale_hits.append(headers)
            stale_pages += body not in page
        for host in cluster.host_urls:
            status, headers, page = request(host, "GET", SONG)
            assert status == 200
            if headers.get("x-page-cache") == "hit" and body not in page:
                stale_hits.append(headers)
        assert stale_hits == []
        # They did read the replica, which had not replayed the comment.
        assert stale_pages > 0
        assert request(front, "GET", OTHER_SONG)[1]["x-cache"] == "HIT"
        # The commenter reads from the primary, through Varnish, on every try.
        for _ in range(5):
            status, _, page = request(front, "GET", SONG, headers={"Cookie": cookie})
            assert status == 200 and body in page
    finally:
        cluster.replica.resume_replay()

    wait_until(lambda: replica_has_replayed_primary(cluster), CATCH_UP_SECONDS, "catching up")

    # Within moments (the second purge follows the replay), every reader sees the comment.
    def everyone_sees_it():
        pages = [request(base, "GET", SONG) for base in [front, front, *cluster.host_urls]]
        return all(status == 200 and body in page for status, _, page in pages)

    wait_until(everyone_sees_it, 5, "every reader sees the comment")
