"""Read replicas against a real primary and streaming replica (deploy/postgres.py), with the
site under gunicorn in front of them: which database each request reads, read-your-writes by
WAL position, and a replica that stops or falls behind.

The reader pages read here (the artist page, the comments feed, a comment's permalink) load
their rows through the ORM, so the router decides where they come from. Whether a request
read the replica shows in the data: with replay paused, the replica keeps what the primary
had before.
"""

import contextlib
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest

from deploy.postgres import PostgresServer
from songfacts.replicas import CHECK_SECONDS

REPO = Path(__file__).resolve().parent.parent
MAX_LAG_SECONDS = 5
ARTIST_PAGE = "/artists/david-bowie/"
COMMENTS_FEED = "/songs/david-bowie/heroes/comments/feed/"
SONG_PAGE = "/songs/david-bowie/heroes/"
EDITOR_PASSWORD = "a-long-editor-password-for-tests"

pytestmark = pytest.mark.slow


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def site_environment(primary, replica):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "songfacts.settings",
        "DEBUG": "0",
        "SECRET_KEY": "a-production-like-secret-for-the-replica-test",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": primary.url(),
        "DATABASE_REPLICA_URLS": replica.url(),
        "REPLICA_MAX_LAG_SECONDS": str(MAX_LAG_SECONDS),
        # Every answer rendered from the database: these tests are about where it reads.
        "PAGE_CACHE_SECONDS": "0",
        "CACHE_URL": "locmem://",
    }


def manage(environment, *arguments):
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"manage.py {arguments[0]} failed:\n{done.stderr}"


@contextlib.contextmanager
def gunicorn(environment, log_file):
    port = free_port()
    with open(log_file, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=REPO,
            env={
                **environment,
                "BIND": f"127.0.0.1:{port}",
                "WEB_CONCURRENCY": "2",
                "GUNICORN_ACCESS_LOG": "/dev/null",
            },
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise AssertionError(f"gunicorn exited: {log_file.read_text()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if time.monotonic() > deadline:
                raise AssertionError("gunicorn did not start within 60 s")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


class Site:
    """The servers, and requests to gunicorn as the TLS-terminating proxy forwards them."""

    def __init__(self, primary, replica, port, log_file, environment):
        self.primary = primary
        self.replica = replica
        self.port = port
        self.log_file = log_file
        self.environment = environment

    def request(self, method, path, *, cookies=None, form=None):
        """(status, headers, body) of one request; redirects are not followed."""
        headers = {"X-Forwarded-Proto": "https", "Sec-Fetch-Site": "same-origin"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.headers, response.read().decode()
        finally:
            connection.close()

    def get(self, path, **options):
        return self.request("GET", path, **options)


def query(server, sql, parameters=None):
    with psycopg.connect(server.url(), autocommit=True, connect_timeout=5) as connection:
        cursor = connection.execute(sql, parameters)
        return cursor.fetchall() if cursor.description else None


def primary_position(site):
    return query(site.primary, "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")[0][0]


def replay_position(site):
    return query(site.replica, "SELECT pg_last_wal_replay_lsn() - '0/0'::pg_lsn")[0][0]


def wait_until(predicate, *, seconds, every=0.1, message="condition"):
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{message}: not within {seconds} s")
        time.sleep(every)


def rename_heroes(site):
    """Give the song a new title on the primary; returns it."""
    title = f"Heroes {uuid.uuid4().hex[:8]}"
    query(site.primary, "UPDATE catalogue_song SET title = %s WHERE slug = 'heroes'", [title])
    return title


def artist_page_title(site, titles, **options):
    """Which of `titles` the artist page shows."""
    status, _, body = site.get(ARTIST_PAGE, **options)
    assert status == 200
    shown = [title for title in titles if title in body]
    assert len(shown) == 1, shown
    return shown[0]


@contextlib.contextmanager
def replay_paused(site):
    """Replay paused soon after a fresh commit was replayed: from then on, the replica lags
    by the time since that commit. Yields the title the replica keeps."""
    title = rename_heroes(site)
    position = primary_position(site)
    wait_until(lambda: replay_position(site) >= position, seconds=10, message="replay")
    # Every worker checks its replicas once a second: each has seen this one current.
    time.sleep(CHECK_SECONDS + 0.2)
    site.replica.pause_replay()
    try:
        yield title
    finally:
        site.replica.resume_replay()


def post_comment(site, body):
    (song_pk,) = query(site.primary, "SELECT id FROM catalogue_song WHERE slug = 'heroes'")[0]
    return site.request(
        "POST",
        f"/comments/songs/{song_pk}/",
        form={
            "author_name": "Ken",
            "author_place": "Denmark",
            "author_email": "",
            "body": body,
            "parent": "",
            "website": "",
            "submission_token": uuid.uuid4().hex,
        },
    )


def set_cookies(headers):
    """The cookies a response sets, by name: value, or None for one it deletes."""
    found = {}
    for header in headers.get_all("Set-Cookie") or ():
        for name, morsel in SimpleCookie(header).items():
            found[name] = None if morsel["max-age"] == "0" else morsel
    return found


@pytest.fixture(scope="module")
def site():
    # Not in pytest's numbered folders: another pytest session on this machine prunes those,
    # and would take the running servers' data with them.
    folder = Path(tempfile.mkdtemp(prefix="songfacts-replicas-"))
    primary = PostgresServer(folder / "primary", free_port())
    replica = None
    try:
        primary.initialise()
        primary.start()
        primary.create_database()
        replica = primary.make_replica(folder / "replica", free_port())
        replica.start()
        environment = site_environment(primary, replica)
        manage(environment, "migrate", "--noinput")
        manage(environment, "load_seed")
        manage(
            environment,
            "create_editor",
            "editor",
            "--email=editor@example.com",
            f"--password={EDITOR_PASSWORD}",
        )
        log_file = folder / "gunicorn.log"
        with gunicorn(environment, log_file) as port:
            yield Site(primary, replica, port, log_file, environment)
    finally:
        try:
            if replica is not None:
                replica.stop()
            primary.stop()
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def test_it_reads_reader_pages_from_the_replica_and_writes_to_the_primary(site):
    with replay_paused(site) as before:
        after = rename_heroes(site)
        shown = artist_page_title(site, [before, after])
        status, headers, _ = post_comment(site, "Posted while the replica waits.")
        on_primary = query(
            site.primary, "SELECT count(*) FROM comments_comment WHERE body LIKE 'Posted while%'"
        )
        on_replica = query(
            site.replica, "SELECT count(*) FROM comments_comment WHERE body LIKE 'Posted while%'"
        )

    assert shown == before
    assert status == 302
    assert on_primary == [(1,)]
    assert on_replica == [(0,)]


def test_the_song_page_and_its_comments_read_from_the_replica(site):
    body = f"Heard it in Berlin, says {uuid.uuid4().hex[:8]}."
    with replay_paused(site) as before:
        after = rename_heroes(site)
        status, headers, _ = post_comment(site, body)
        writer = {"wrote_lsn": set_cookies(headers)["wrote_lsn"].value}
        _, _, other = site.get(SONG_PAGE)
        _, _, writers = site.get(SONG_PAGE, cookies=writer)

    assert status == 302
    # Its own statements (catalogue.selectors, comments.selectors) go where the router says.
    assert before in other and after not in other and body not in other
    assert after in writers and body in writers


def test_the_writer_reads_their_comment_while_replay_is_paused_and_others_read_the_replica(
    site,
):
    body = f"Eno played the EMS, says {uuid.uuid4().hex[:8]}."
    with replay_paused(site):
        status, headers, _ = post_comment(site, body)
        permalink = headers["Location"]
        cookie = set_cookies(headers)["wrote_lsn"]
        writer = {"wrote_lsn": cookie.value}
        writer_permalink = site.get(permalink, cookies=writer)
        writer_feed = site.get(COMMENTS_FEED, cookies=writer)
        other_permalink = site.get(permalink)
        other_feed = site.get(COMMENTS_FEED)
        position = primary_position(site)

    assert status == 302
    assert int(cookie.value) <= position
    assert cookie["httponly"] and cookie["secure"]
    assert cookie["samesite"] == "Lax"
    assert 0 < int(cookie["max-age"]) <= 600
    # The writer reads the primary: the permalink finds the comment, the feed shows it.
    assert writer_permalink[0] == 302
    assert body in writer_feed[2]
    # Another reader reads the replica, which has not replayed it yet.
    assert other_permalink[0] == 404
    assert body not in other_feed[2]

    # Once the replica has replayed the write, the writer reads it there and loses the cookie.
    def replica_serves_the_writer():
        status, headers, feed = site.get(COMMENTS_FEED, cookies=writer)
        return status == 200 and body in feed and set_cookies(headers) == {"wrote_lsn": None}

    wait_until(replica_serves_the_writer, seconds=10, message="cookie dropped")


def test_the_admin_reads_from_the_primary(site):
    status, headers, _ = site.request(
        "POST",
        "/admin/login/",
        form={"username": "editor", "password": EDITOR_PASSWORD, "next": "/admin/"},
    )
    assert status == 302, "the editor could not log in"
    session = {"sessionid": set_cookies(headers)["sessionid"].value}
    # Logging in writes the session and the user's last login, both read from the primary:
    # no reason to send the editor's reader pages to the primary.
    assert "wrote_lsn" not in set_cookies(headers)

    with replay_paused(site) as before:
        after = rename_heroes(site)
        status, _, changelist = site.get("/admin/catalogue/song/?q=Heroes", cookies=session)
        reader_sees = artist_page_title(site, [before, after])

    assert status == 200
    assert after in changelist
    assert reader_sees == before


def test_a_replica_lagging_beyond_the_maximum_is_skipped(site):
    # The replica lags from its last transaction replayed, a commit made just after this.
    started = time.monotonic()
    with replay_paused(site) as before:
        after = rename_heroes(site)
        at_first = artist_page_title(site, [before, after])
        # Past the maximum, the primary.
        wait_until(
            lambda: artist_page_title(site, [before, after]) == after,
            seconds=MAX_LAG_SECONDS + 5,
            every=0.25,
            message="lagging replica skipped",
        )
        skipped_after = time.monotonic() - started

    assert at_first == before
    assert skipped_after > MAX_LAG_SECONDS - 0.5


def test_a_stopped_replica_is_skipped_without_a_failed_request_and_used_again_once_started(
    site,
):
    stop = threading.Event()

    def read_until_stopped(_):
        statuses = []
        deadline = time.monotonic() + 20
        while not stop.is_set() and time.monotonic() < deadline and len(statuses) < 500:
            statuses.append(site.get(ARTIST_PAGE)[0])
        return statuses

    with ThreadPoolExecutor(3) as readers:
        results = readers.map(read_until_stopped, range(3))
        time.sleep(0.5)
        site.replica.stop()
        time.sleep(1.5)
        while_stopped = rename_heroes(site)
        time.sleep(0.5)
        stop.set()
        statuses = [status for thread in results for status in thread]
    shown_while_stopped = site.get(ARTIST_PAGE)[2]

    site.replica.start()
    with replay_paused(site) as before:
        after = rename_heroes(site)
        # The workers' checks find it again within a second or so.
        wait_until(
            lambda: artist_page_title(site, [before, after]) == before,
            seconds=3,
            message="replica used again",
        )

    assert len(statuses) > 30
    assert set(statuses) == {200}
    assert while_stopped in shown_while_stopped


def test_a_get_whose_replica_dies_midway_is_answered_from_the_primary(site):
    # A lock taken on the primary is replayed on the replica, where the artist page's query
    # of the songs then waits: the replica stops under it. The primary answers the page again
    # once the lock is released there.
    locker = psycopg.connect(site.primary.url(), connect_timeout=5)
    try:
        locker.execute("LOCK TABLE catalogue_song IN ACCESS EXCLUSIVE MODE")
        # The lock's WAL record is sent once flushed: a commit after it flushes it.
        query(site.primary, "SELECT pg_current_xact_id()")
        wait_until(
            lambda: (
                query(
                    site.replica,
                    "SELECT count(*) FROM pg_locks WHERE mode = 'AccessExclusiveLock'"
                    " AND relation = 'catalogue_song'::regclass",
                )
                == [(1,)]
            ),
            seconds=10,
            message="lock replayed",
        )
        with ThreadPoolExecutor(1) as reader:
            answer = reader.submit(site.get, ARTIST_PAGE)
            wait_until(
                lambda: (
                    query(
                        site.replica,
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'",
                    )
                    == [(1,)]
                ),
                seconds=10,
                message="page waiting on the replica",
            )
            site.replica.stop()
            locker.commit()
            status, _, _ = answer.result(timeout=10)
    finally:
        locker.close()
        site.replica.start()

    assert status == 200
    assert "replica_1 failed during GET /artists/david-bowie/" in site.log_file.read_text()


def test_after_replayed_calls_back_once_the_replica_has_replayed_and_not_before(site):
    # Each round: a write, and a callback for its position, with the replica paused; then
    # replay resumes (round one) or the replica stops (round two, a replica that is down
    # holds nothing up). The test says when each step is done on a line of its own.
    script = """
import sys, threading
import django
django.setup()
from django.db import connection
from songfacts import replicas

print(replicas.read_position(), flush=True)
replicas.after_replayed(replicas.primary_position(), lambda: 1 / 0)
for _ in range(2):
    sys.stdin.readline()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE catalogue_song SET title = title WHERE slug = 'heroes'")
    replayed = threading.Event()
    replicas.after_replayed(replicas.primary_position(), replayed.set)
    print("called early" if replayed.wait(1.5) else "held", flush=True)
    sys.stdin.readline()
    print("called" if replayed.wait(5) else "still held", flush=True)
"""
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=site.environment,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(30, process.kill)
    watchdog.start()

    def step(done):
        """Tell the script that `done` happened; its next line of output."""
        process.stdin.write(f"{done}\n")
        process.stdin.flush()
        return process.stdout.readline().strip()

    try:
        outside_a_request = process.stdout.readline().strip()
        site.replica.pause_replay()
        while_paused = step("paused")
        site.replica.resume_replay()
        once_resumed = step("resumed")
        site.replica.pause_replay()
        while_paused_again = step("paused")
        site.replica.stop()
        once_stopped = step("stopped")
        _, errors = process.communicate(timeout=10)
    finally:
        watchdog.cancel()
        process.kill()
        site.replica.start()

    assert outside_a_request == "None"
    assert (while_paused, once_resumed) == ("held", "called")
    assert (while_paused_again, once_stopped) == ("held", "called")
    # A callback that fails is logged, and the others are still called.
    assert "ZeroDivisionError" in errors


@pytest.mark.parametrize(
    "value",
    ["nonsense", "-1", "0/3000000", "1" * 30, "12abc", ""],
    ids=["word", "negative", "lsn-text", "too-long", "trailing", "empty"],
)
def test_a_malformed_wrote_lsn_cookie_is_ignored_and_dropped(site, value):
    status, headers, _ = site.get(ARTIST_PAGE, cookies={"wrote_lsn": value})

    assert status == 200
    assert set_cookies(headers) == {"wrote_lsn": None}


def test_a_position_no_replica_has_reached_reads_from_the_primary_and_keeps_the_cookie(site):
    with replay_paused(site) as before:
        after = rename_heroes(site)
        status, headers, body = site.get(ARTIST_PAGE, cookies={"wrote_lsn": "9" * 20})

    assert status == 200
    assert after in body and before not in body
    assert "wrote_lsn" not in set_cookies(headers)
