"""The topology of deploy/cluster.py under the faults it must survive: a comment through
Varnish, a gunicorn host killed, the replica stopped, the primary restarted.

Each load runs for a bounded time and a bounded number of requests. The figures each test
measured are printed (pytest -s shows them)."""

import http.client
import re
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass

import psycopg
import pytest

from tests.cluster.readers import (
    REQUEST_TIMEOUT_SECONDS,
    SONG,
    comment_form,
    new_client_address,
    post_comment,
    request,
    wait_until,
)

pytestmark = pytest.mark.slow

OTHER_SONG = "/songs/neu/hero/"
SONG_PAGES = [SONG, OTHER_SONG, "/songs/david-bowie/helden/", "/songs/blondie/heroes-live/"]
# Pages that read from the replica, as the song pages do.
ROUTED_PAGES = ["/", "/songs/", "/decades/1970s/", "/artists/"]
MAX_REQUESTS_PER_THREAD = 2_000
# The probe window of songfacts.vcl (3 failed probes a second apart) with room for a busy
# machine.
PROBE_WINDOW_SECONDS = 6
FRIENDLY_503 = "back in a moment"


@dataclass
class Outcome:
    started: float
    seconds: float
    # The status, or the exception's name when there was no answer.
    status: int | str
    body: str = ""

    @property
    def failed(self):
        return not isinstance(self.status, int) or self.status >= 500


class Load:
    """Threads repeating `action(thread, n)` (which returns status and body) until stopped,
    for `max_seconds` and MAX_REQUESTS_PER_THREAD at most; every outcome is kept."""

    def __init__(self, action, *, threads, max_seconds):
        self.action = action
        self.outcomes = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.deadline = time.monotonic() + max_seconds
        self.threads = [
            threading.Thread(target=self._run, args=[number], daemon=True)
            for number in range(threads)
        ]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopping.set()
        for thread in self.threads:
            thread.join(REQUEST_TIMEOUT_SECONDS + 5)

    def _run(self, thread):
        for n in range(MAX_REQUESTS_PER_THREAD):
            if self.stopping.is_set() or time.monotonic() > self.deadline:
                return
            started = time.monotonic()
            try:
                status, body = self.action(thread, n)
            except (OSError, http.client.HTTPException) as error:
                status, body = type(error).__name__, ""
            outcome = Outcome(started, time.monotonic() - started, status, body)
            with self.lock:
                self.outcomes.append(outcome)

    def between(self, start, end=float("inf")):
        with self.lock:
            return [outcome for outcome in self.outcomes if start <= outcome.started < end]


def read_through(base, paths):
    """A reader's GET of one of `paths` that reaches a host: each has a query of its own, so
    neither Varnish nor the page cache has it."""

    def read(thread, n):
        path = f"{paths[n % len(paths)]}?reader={thread}-{n}-{uuid.uuid4().hex[:6]}"
        status, _, body = request(base, "GET", path)
        return status, body

    return read


def test_a_comment_through_varnish_shows_at_once_on_both_hosts_while_other_pages_stay_hits(
    cluster,
):
    front = cluster.varnish_url
    for path in (SONG, OTHER_SONG):
        request(front, "GET", path)
        assert request(front, "GET", path)[1]["x-cache"] == "HIT", path

    body = f"Through Varnish, comment {uuid.uuid4().hex[:8]}."
    _, fields = comment_form(request(front, "GET", SONG)[2])
    assert fields["website"] == "" and fields["submission_token"]
    status, headers, _ = post_comment(front, body, client_address=new_client_address())
    posted = time.monotonic()
    assert status == 302, status
    # The commenter, with the cookie their post set, reads their comment back at once.
    cookie = "; ".join(re.findall(r"(wrote_lsn=[^;]+)", headers.get("set-cookie", "")))
    assert body in request(front, "GET", SONG, headers={"Cookie": cookie})[2]

    # Every other reader, through Varnish and on each host, within moments: the purge
    # reaches Varnish from a thread, just after the commit.
    def everyone_sees_it():
        pages = [request(base, "GET", SONG) for base in [front, *cluster.host_urls]]
        return all(status == 200 and body in page for status, _, page in pages)

    wait_until(everyone_sees_it, 2, "every reader sees the comment")
    shown = time.monotonic() - posted
    assert request(front, "GET", OTHER_SONG)[1]["x-cache"] == "HIT"

    # And Varnish keeps the new page (once the replica has replayed the comment, its keys are
    # purged once more: a copy read from it before then is not kept).
    def varnish_keeps_it():
        _, headers, page = request(front, "GET", SONG)
        return headers["x-cache"] == "HIT" and body in page

    wait_until(varnish_keeps_it, 5, "Varnish keeps the page with the comment")
    print(
        f"\ncomment: shown to every reader {shown:.3f} s after the post, "
        f"a Varnish hit again {time.monotonic() - posted:.3f} s after it"
    )


def failed_fetches(cluster):
    """How many of Varnish's fetches from a host have failed (refused, reset or timed out),
    whether or not their retry on another host answered."""
    output = subprocess.run(
        ["varnishstat", "-n", str(cluster.varnish.work_dir), "-1", "-I", "MAIN.fetch_failed"],
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    ).stdout
    return int(output.split()[1])


def test_a_killed_host_costs_no_failed_request_after_the_probe_window(cluster):
    front = cluster.varnish_url
    failed_before = failed_fetches(cluster)
    with Load(read_through(front, SONG_PAGES), threads=4, max_seconds=60) as readers:
        time.sleep(2)
        killed = time.monotonic()
        cluster.kill_host(0)
        wait_until(
            lambda: "web1" not in cluster.varnish.healthy_hosts(), 15, "Varnish counts it sick"
        )
        marked_sick = time.monotonic()
        time.sleep(4)
    retried = failed_fetches(cluster) - failed_before
    cluster.start_host(0)

    before = readers.between(0, killed)
    inside = readers.between(killed, marked_sick)
    after = readers.between(marked_sick)
    print(
        f"\nkilled host: {len(before)} reads before, {len(inside)} in the "
        f"{marked_sick - killed:.1f} s until Varnish counted it sick "
        f"({sum(o.failed for o in inside)} failed), {len(after)} after "
        f"({sum(o.failed for o in after)} failed); {retried} fetches failed on the killed "
        f"host and were retried on the other"
    )
    assert before and inside and after
    assert [o for o in before if o.failed] == []
    assert marked_sick - killed < PROBE_WINDOW_SECONDS
    assert [o.status for o in after if o.failed] == []
    # Fetches that failed on the killed host were sent to the other.
    assert retried > 0
    assert [o.status for o in inside if o.failed] == []


def test_with_every_host_down_a_reader_gets_a_friendly_503_at_once_and_cached_pages(cluster):
    front = cluster.varnish_url
    request(front, "GET", OTHER_SONG)
    cluster.kill_host(0)
    cluster.kill_host(1)
    try:
        # At once (the probes have not noticed yet, the fetch and its retry fail) and once
        # Varnish counts them sick.
        started = time.monotonic()
        at_once = request(front, "GET", f"{SONG}?reader={uuid.uuid4().hex}")
        at_once_seconds = time.monotonic() - started
        wait_until(lambda: not cluster.varnish.healthy_hosts(), 15, "every host counted sick")
        started = time.monotonic()
        once_sick = request(front, "GET", f"{SONG}?reader={uuid.uuid4().hex}")
        once_sick_seconds = time.monotonic() - started
        cached = request(front, "GET", OTHER_SONG)
    finally:
        cluster.start_host(0)
        cluster.start_host(1)

    print(
        f"\nevery host down: a 503 in {at_once_seconds * 1000:.0f} ms at once, "
        f"{once_sick_seconds * 1000:.0f} ms once counted sick"
    )
    for status, headers, page in (at_once, once_sick):
        assert status == 503
        assert headers["retry-after"] == "10"
        assert headers["content-type"].startswith("text/html")
        assert FRIENDLY_503 in page
    assert max(at_once_seconds, once_sick_seconds) < 1
    assert (cached[0], cached[1]["x-cache"]) == (200, "HIT")


def rows_read(server):
    """How many rows the site's database on `server` has fetched: a replica keeps its own
    count, of the reads it serves."""
    with psycopg.connect(server.url("postgres"), autocommit=True, connect_timeout=5) as connection:
        (rows,) = connection.execute(
            "SELECT tup_fetched FROM pg_stat_database WHERE datname = 'songfacts'"
        ).fetchone()
    return rows


def reads_during(server, seconds):
    """Rows `server` fetched over `seconds` (a backend reports its counts within a second
    or so of each transaction)."""
    start = rows_read(server)
    time.sleep(seconds)
    return rows_read(server) - start


def test_reads_move_to_the_primary_while_the_replica_is_down_and_return_to_it(cluster):
    front = cluster.varnish_url
    with Load(read_through(front, ROUTED_PAGES), threads=3, max_seconds=90) as readers:
        time.sleep(1)
        on_replica_before = reads_during(cluster.replica, 2)
        on_primary_before = reads_during(cluster.primary, 2)

        stopped = time.monotonic()
        cluster.stop_replica()
        time.sleep(1)
        on_primary_without = reads_during(cluster.primary, 2)

        started = time.monotonic()
        cluster.start_replica()

        def replica_reads_again():
            return reads_during(cluster.replica, 1) > 0

        wait_until(replica_reads_again, 20, "reads return to the replica")
        returned = time.monotonic()
        on_replica_after = reads_during(cluster.replica, 2)

    down = readers.between(stopped, started)
    print(
        f"\nreplica: rows read on the replica {on_replica_before} / primary "
        f"{on_primary_before} in 2 s before; on the primary {on_primary_without} in 2 s with "
        f"the replica down ({len(down)} reads, {sum(o.failed for o in down)} failed); back on "
        f"the replica {returned - started:.1f} s after its start, {on_replica_after} in 2 s; "
        f"{len(readers.outcomes)} reads in all"
    )
    assert [o.status for o in readers.outcomes if o.failed] == []
    assert on_replica_before > 0
    assert down
    assert on_primary_without > max(10, 10 * on_primary_before)
    assert on_replica_after > 0


def test_a_primary_restart_answers_quick_503s_and_loses_no_comment_that_was_accepted(cluster):
    front = cluster.varnish_url
    tag = uuid.uuid4().hex[:8]

    accepted = []

    def comment(thread, n):
        text = f"Restart {tag} comment {thread}-{n}."
        status, _, body = post_comment(front, text, client_address=new_client_address())
        if status == 302:
            accepted.append(text)
        return status, body

    pids = [host.process.pid for host in cluster.hosts] + [cluster.varnish.process.pid]
    with Load(comment, threads=2, max_seconds=90) as commenters:
        time.sleep(2)
        restart_began = time.monotonic()
        cluster.restart_primary()
        restarted = time.monotonic()
        wait_until(
            lambda: any(o.status == 302 for o in commenters.between(restarted)),
            30,
            "a comment is accepted again",
        )
        recovered = min(o.started for o in commenters.between(restarted) if o.status == 302)
        time.sleep(2)

    outcomes = commenters.outcomes
    refused = [o for o in outcomes if o.status == 503]
    with psycopg.connect(cluster.primary.url(), autocommit=True) as connection:
        stored = {
            body
            for (body,) in connection.execute(
                "SELECT body FROM comments_comment WHERE body LIKE %s", [f"Restart {tag} %"]
            )
        }
    print(
        f"\nprimary restart: took {restarted - restart_began:.1f} s; {len(outcomes)} posts, "
        f"{len(accepted)} accepted, {len(refused)} answered 503 (slowest "
        f"{max((o.seconds for o in refused), default=0):.2f} s), first accepted again "
        f"{recovered - restarted:.1f} s after the restart; slowest answer "
        f"{max(o.seconds for o in outcomes):.2f} s; {len(stored)} stored"
    )
    assert {o.status for o in outcomes} <= {302, 503}, {o.status for o in outcomes}
    assert all(FRIENDLY_503 in o.body for o in refused)
    assert max(o.seconds for o in outcomes) < 5
    assert set(accepted) - stored == set()
    assert [host.process.pid for host in cluster.hosts] + [cluster.varnish.process.pid] == pids
