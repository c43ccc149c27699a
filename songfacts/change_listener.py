"""How every worker hears of each purge: PostgreSQL's LISTEN/NOTIFY.

A purge (songfacts.page_cache.purge) gives its keys new versions in the shared cache and then
notifies CHANNEL with the keys. Each worker listens on a connection of its own and drops its
copies of the pages under those keys as their notice arrives, so it can serve the rest of
its copies without asking the shared cache anything. Notices wait in the listening
connection's socket; looking for them costs no round trip.

A notice reaches the other workers within microseconds of the commit, while the writer's own
response is still on its way (tests/test_gunicorn.py checks that every worker shows a change
at once). A listening connection could fail without closing: once every PROBE_SECONDS a
worker asks it a question, and every notice sent before arrives before the answer. A worker
that loses its connection, or that may not listen (settings.PAGE_CACHE_LISTEN, off behind a
transaction-pooling proxy, which drops notices), forgets its copies and checks versions.
"""

import logging
import threading
import time

import psycopg
from django.conf import settings
from django.db import connection
from psycopg.pq import ConnStatus

CHANNEL = "songfacts_purge"
# PostgreSQL takes notices of up to 8,000 bytes.
PAYLOAD_BYTES = 7_000
PROBE_SECONDS = 1.0
# After a failed attempt to listen, a worker checks versions and tries again after this long.
RETRY_SECONDS = 10.0

logger = logging.getLogger(__name__)


def _payloads(keys):
    payload = []
    size = 0
    for key in sorted(keys):
        if payload and size + len(key) + 1 > PAYLOAD_BYTES:
            yield " ".join(payload)
            payload, size = [], 0
        payload.append(key)
        size += len(key) + 1
    if payload:
        yield " ".join(payload)


class PurgeListener:
    """One worker's listening connection and the number of purges it has heard."""

    def __init__(self):
        self.lock = threading.Lock()
        self.connection = None
        self.lost = False
        self.heard = 0
        self.probed_at = 0.0
        self.retry_at = 0.0
        # Set by songfacts.page_cache: drop the copies under these keys; drop every copy.
        self.on_purge = lambda keys: None
        self.on_lost = lambda: None

    def announce(self, keys):
        """Tell every listening worker that pages under `keys` changed (on Django's
        connection, so that a test's transaction keeps it to itself)."""
        with connection.cursor() as cursor:
            for payload in _payloads(keys):
                cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, payload])

    def poll(self):
        """Hear the notices that have arrived. Returns how many purges this worker has heard
        while listening (two equal answers mean none came between), or None when it does not
        listen and must check the shared cache."""
        with self.lock:
            if not self._listening():
                return None
            try:
                now = time.monotonic()
                if now - self.probed_at > PROBE_SECONDS:
                    self.connection.execute("SELECT 1")
                    self.probed_at = now
                pgconn = self.connection.pgconn
                pgconn.consume_input()
                while (notice := pgconn.notifies()) is not None:
                    self._heard_keys(notice.extra.decode())
                if self.lost or pgconn.status != ConnStatus.OK:
                    raise psycopg.OperationalError("the listening connection closed")
                return self.heard
            except psycopg.Error:
                logger.warning("The page cache's listening connection failed; reconnecting.")
                self._close()
                return None

    def close(self):
        with self.lock:
            self._close()

    def _listening(self):
        if self.connection is not None and not self.connection.closed:
            return True
        self._close()
        if not settings.PAGE_CACHE_LISTEN or time.monotonic() < self.retry_at:
            return False
        try:
            self.connection = psycopg.connect(**connection.get_connection_params(), autocommit=True)
            self.connection.add_notice_handler(self._on_notice)
            # Notices that arrive while the probe runs come here rather than to `poll`.
            self.connection.add_notify_handler(self._heard)
            self.connection.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error:
            logger.exception("The page cache cannot listen for purges; it will check versions.")
            self._close()
            self.retry_at = time.monotonic() + RETRY_SECONDS
            return False
        self.probed_at = time.monotonic()
        # Purges made while this worker was not listening went unheard.
        self.on_lost()
        return True

    def _heard(self, notice):
        self._heard_keys(notice.payload)

    def _heard_keys(self, payload):
        self.heard += 1
        self.on_purge(payload.split())

    def _on_notice(self, diagnostic):
        # The server says why it ends an idle connection (a restart, a terminated backend) in
        # a notice, read with the notices; the socket may not have closed yet.
        if diagnostic.severity_nonlocalized in ("FATAL", "PANIC"):
            self.lost = True

    def _close(self):
        if self.connection is not None:
            self.connection.close()
        self.connection = None
        self.lost = False


listener = PurgeListener()
