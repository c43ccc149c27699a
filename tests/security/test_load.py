"""Under load, against a real gunicorn: concurrent posts, a database that goes away and
comes back, and a stale connection after a restart. Nothing answered with success is lost.

The site runs on a PostgreSQL of its own (see conftest.py), never the test run's server.
"""

import http.client
import itertools
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import psycopg
import pytest

pytestmark = pytest.mark.slow

COMMENT_LOCATION = re.compile(r"^/comments/(\d+)/$")
FRIENDLY_503 = "Songfacts is back in a moment"
_addresses = itertools.count(1)


def reader_address():
    """A reader of its own for every post: the rate limit must not decide these tests."""
    n = next(_addresses)
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


@dataclass
class Answer:
    path: str
    started: float
    elapsed: float
    status: int
    headers: dict
    body: str


def call(site, method, path, *, body=None, headers=None, timeout=10):
    """One request on a new connection; the answer whatever its status."""
    host = urlsplit(site.base).netloc
    connection = http.client.HTTPConnection(host, timeout=timeout)
    started = time.monotonic()
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        elapsed = time.monotonic() - started
        return Answer(path, started, elapsed, response.status, dict(response.getheaders()), text)
    finally:
        connection.close()


class Commenter:
    """A reader's browser posting comments from the song page, which says where they come
    from (songfacts.csrf)."""

    def __init__(self, site):
        self.site = site
        page = call(site, "GET", site.song_path)
        assert page.status == 200, page.status

    def form(self, body):
        return {
            "author_name": "Ken",
            "author_place": "Denmark",
            "author_email": "",
            "body": body,
            "parent": "",
            "submission_token": uuid.uuid4().hex,
            "website": "",
        }

    def post(self, form, address=None):
        return call(
            self.site,
            "POST",
            f"/comments/songs/{self.site.song_pk}/",
            body=urlencode(form),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Sec-Fetch-Site": "same-origin",
                "X-Forwarded-For": address or reader_address(),
            },
        )


def posted_pk(answer):
    """The comment's id when the post was answered with success (a redirect to it)."""
    match = COMMENT_LOCATION.match(answer.headers.get("Location", ""))
    return int(match.group(1)) if answer.status == 302 and match else None


def stored_comments(own_postgres, song_pk):
    """{body: [ids]} of the song's comments, read from the database itself."""
    with psycopg.connect(own_postgres.url) as connection:
        rows = connection.execute(
            "SELECT body, id FROM comments_comment WHERE song_id = %s", [song_pk]
        ).fetchall()
    stored = {}
    for body, pk in rows:
        stored.setdefault(body, []).append(pk)
    return stored


def test_concurrent_posts_are_stored_exactly_once(site_on_own_postgres, own_postgres):
    site = site_on_own_postgres
    before = stored_comments(own_postgres, site.song_pk)
    run = uuid.uuid4().hex[:8]

    def client(n):
        commenter = Commenter(site)
        answers = []
        for i in range(5):
            form = commenter.form(f"Concurrent post {run}-{n}-{i}.")
            answers.append((form["body"], commenter.post(form)))
        # One form submitted twice at once, as a double click on a slow line does.
        twin = commenter.form(f"Double submit {run}-{n}.")
        address = reader_address()
        with ThreadPoolExecutor(2) as pair:
            both = list(pair.map(lambda _: commenter.post(twin, address), range(2)))
        answers += [(twin["body"], answer) for answer in both]
        return answers

    with ThreadPoolExecutor(8) as pool:
        answers = [pair for result in pool.map(client, range(8)) for pair in result]

    stored = stored_comments(own_postgres, site.song_pk)
    new = {body: ids for body, ids in stored.items() if body not in before}
    succeeded = {}
    for body, answer in answers:
        pk = posted_pk(answer)
        assert pk is not None, (answer.status, answer.body[:300])
        succeeded.setdefault(body, set()).add(pk)
    assert len(answers) == 8 * 7
    assert set(new) == set(succeeded)
    for body, ids in new.items():
        assert len(ids) == 1, f"{body!r} stored {len(ids)} times"
        assert succeeded[body] == set(ids)


class Load:
    """Readers and commenters in threads until stopped; every answer kept with its time."""

    def __init__(self, site, readers=3):
        self.site = site
        self.commenter = Commenter(site)
        self.answers = []
        self.posts = []
        self.failures = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._read) for _ in range(readers)]
        self._threads.append(threading.Thread(target=self._comment))

    def _keep(self, function):
        try:
            return function()
        except OSError as error:
            self.failures.append(repr(error))
            return None

    def _read(self):
        for path in itertools.cycle([self.site.song_path, "/healthz", "/songs/", "/"]):
            if self._stop.is_set():
                return
            answer = self._keep(lambda path=path: call(self.site, "GET", path))
            if answer:
                self.answers.append(answer)

    def _comment(self):
        n = itertools.count()
        while not self._stop.is_set():
            form = self.commenter.form(f"Under load {uuid.uuid4().hex} {next(n)}.")
            answer = self._keep(lambda form=form: self.commenter.post(form))
            if answer:
                self.answers.append(answer)
                self.posts.append((form["body"], answer))
            time.sleep(0.05)

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def between(self, start, end):
        return [a for a in self.answers if start <= a.started and a.started + a.elapsed <= end]


def p99(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def test_the_site_answers_503_while_the_database_is_down_and_recovers(
    site_on_own_postgres, own_postgres
):
    site = site_on_own_postgres
    with Load(site) as load:
        time.sleep(1.5)
        own_postgres.stop()
        down = time.monotonic()
        time.sleep(3)
        restarting = time.monotonic()
        own_postgres.start()
        up = time.monotonic()
        recovered = None
        while recovered is None and time.monotonic() < up + 10:
            answer = call(site, "GET", site.song_path)
            if answer.status == 200:
                recovered = time.monotonic()
            time.sleep(0.1)
        time.sleep(2)
        end = time.monotonic()

    outage = load.between(down, restarting)
    # Once one page is served again, every request is: no worker keeps a dead connection.
    after = load.between(recovered or end, end)
    assert not load.failures, load.failures[:5]
    assert len(outage) > 20, "the load must keep running through the outage"
    assert {a.status for a in outage} == {503}
    for answer in outage:
        assert "Traceback" not in answer.body and "psycopg" not in answer.body
        if answer.path == "/healthz":
            # The health check answers load balancers in plain text.
            assert answer.body == "database unavailable\n"
        else:
            assert FRIENDLY_503 in answer.body
            assert answer.headers["Retry-After"] == "10"
    assert p99([a.elapsed for a in outage]) < 1.0
    assert max(a.elapsed for a in load.answers) < 5, "no request may wait for gunicorn's timeout"
    assert recovered is not None and recovered - up < 5, "the site recovers by itself"
    assert after and {a.status for a in after} <= {200, 302}

    stored = stored_comments(own_postgres, site.song_pk)
    succeeded = [(body, posted_pk(a)) for body, a in load.posts if posted_pk(a)]
    assert succeeded
    for body, pk in succeeded:
        assert stored.get(body) == [pk], (
            f"{body!r} answered with success, stored {stored.get(body)}"
        )
    assert_logged_with_request_ids_and_no_secrets(site, own_postgres)
    print(
        f"\noutage: {len(outage)} answers, p99 {p99([a.elapsed for a in outage]) * 1000:.0f} ms;"
        f" recovered {(recovered - up) * 1000:.0f} ms after the restart, then {len(after)} answers"
        f" all served;"
        f" {len(succeeded)} comments answered with success, all stored"
    )


def test_a_burst_after_a_restart_during_idle_time_costs_no_request(
    site_on_own_postgres, own_postgres
):
    site = site_on_own_postgres
    commenter = Commenter(site)

    def burst(n):
        if n % 4 == 0:
            form = commenter.form(f"After the restart {uuid.uuid4().hex}.")
            return form["body"], commenter.post(form)
        return None, call(site, "GET", [site.song_path, "/healthz", "/"][n % 3])

    # Every worker holds a database connection (CONN_MAX_AGE) when the server restarts.
    with ThreadPoolExecutor(8) as pool:
        warm = list(pool.map(burst, range(1, 40)))
    assert {answer.status for _, answer in warm} <= {200, 302}
    time.sleep(1)
    own_postgres.stop()
    own_postgres.start()
    time.sleep(1)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(burst, range(40)))

    assert [a.status for _, a in answers if a.status not in (200, 302)] == []
    stored = stored_comments(own_postgres, site.song_pk)
    for body, answer in answers:
        if body is not None:
            assert stored.get(body) == [posted_pk(answer)]


def assert_logged_with_request_ids_and_no_secrets(site, own_postgres):
    """The outage's errors are logged with their request and path, and no secret."""
    log = site.log.read_text()

    assert site.secret_key not in log
    assert own_postgres.PASSWORD not in log
    unavailable = re.findall(
        r"WARNING \[([0-9a-f]{32})\] songfacts\.views database unavailable for (/\S*):", log
    )
    assert unavailable, "the outage above is logged"
    assert {path for _, path in unavailable} <= {
        site.song_path,
        "/songs/",
        "/",
        f"/comments/songs/{site.song_pk}/",
    }
    for line in log.splitlines():
        if " songfacts." in line and re.match(r"^\d{4}-\d\d-\d\d ", line):
            assert re.search(r" \[[0-9a-f]{32}\] songfacts\.", line), line
