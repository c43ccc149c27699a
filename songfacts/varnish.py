"""Purges for the Varnish caches in front (deploy/varnish/songfacts.vcl).

`purge` is a target of settings.CACHE_PURGE_TARGETS: it queues the keys of what changed for
every address in settings.VARNISH_PURGE_URLS and returns at once, so the request that changed
something never waits for a cache, nor fails with one. A daemon thread per address sends what
is queued as one `PURGE` request with the keys in its `xkey-purge` header; keys that queue up
meanwhile are merged into the next request. A purge that fails is logged and sent again, after
a delay that doubles up to MAX_RETRY_DELAY, until the address takes it.

Memory is bounded: past MAX_PENDING_KEYS keys waiting for one address (a cache unreachable for
long), it is told to drop every page instead (`xkey-purge: *`), which costs that cache its
pages but never leaves one that changed.
"""

import atexit
import http.client
import logging
import os
import threading
import time
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)

MAX_PENDING_KEYS = 10_000
EVERYTHING = "*"
# Varnish refuses a request header over 8 KB (its http_req_hdr_len): more keys go in more
# requests.
MAX_HEADER_BYTES = 4_000
TIMEOUT_SECONDS = 5
FIRST_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 30
# How long a process that exits (a management command) waits for its purges to go out.
EXIT_FLUSH_SECONDS = 5


class PurgeRefused(Exception):
    """The address answered, with something else than 200."""


class Sender:
    """The keys waiting for one Varnish, and the daemon thread that sends them."""

    def __init__(self, url):
        parts = urlsplit(url)
        self.url = url
        self._connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        self._netloc = parts.netloc
        self._path = parts.path or "/"
        self._pending = set()
        self._everything = False
        self._sending = False
        self._condition = threading.Condition()
        self._thread = None

    def add(self, keys):
        with self._condition:
            self._queue(keys, everything=False)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name=f"varnish-purge {self.url}", daemon=True
                )
                self._thread.start()
            self._condition.notify_all()

    def wait_until_sent(self, timeout):
        """Wait until nothing is waiting or being sent; False when `timeout` passed first."""
        with self._condition:
            return self._condition.wait_for(self._idle, timeout)

    def _idle(self):
        return not (self._pending or self._everything or self._sending)

    def _queue(self, keys, *, everything):
        # Called with the condition held.
        if self._everything or everything:
            self._everything = True
            self._pending.clear()
            return
        self._pending.update(keys)
        if len(self._pending) > MAX_PENDING_KEYS:
            logger.warning(
                "%s keys wait for Varnish at %s: it will be told to drop every page",
                len(self._pending),
                self.url,
            )
            self._everything = True
            self._pending.clear()

    def _run(self):
        delay = FIRST_RETRY_DELAY
        while True:
            with self._condition:
                self._condition.wait_for(lambda: self._pending or self._everything)
                keys, everything = self._pending, self._everything
                self._pending, self._everything = set(), False
                self._sending = True
            try:
                self._send(keys, everything)
            except (OSError, http.client.HTTPException, PurgeRefused) as error:
                logger.warning(
                    "Varnish purge to %s failed (%s: %s); retrying in %.1f s",
                    self.url,
                    type(error).__name__,
                    error,
                    delay,
                )
                with self._condition:
                    self._queue(keys, everything=everything)
                    self._sending = False
                time.sleep(delay)
                delay = min(delay * 2, MAX_RETRY_DELAY)
            else:
                delay = FIRST_RETRY_DELAY
                with self._condition:
                    self._sending = False
                    self._condition.notify_all()

    def _send(self, keys, everything):
        for header in [EVERYTHING] if everything else _headers(sorted(keys)):
            connection = self._connection_class(self._netloc, timeout=TIMEOUT_SECONDS)
            try:
                connection.request("PURGE", self._path, headers={"xkey-purge": header})
                response = connection.getresponse()
                response.read()
            finally:
                connection.close()
            if response.status != 200:
                raise PurgeRefused(f"{response.status} {response.reason}")


def _headers(keys):
    """The keys as space-separated header values of at most MAX_HEADER_BYTES each."""
    header = []
    size = 0
    for key in keys:
        if header and size + 1 + len(key) > MAX_HEADER_BYTES:
            yield " ".join(header)
            header, size = [], 0
        header.append(key)
        size += len(key) + 1
    if header:
        yield " ".join(header)


_senders = {}
_senders_lock = threading.Lock()


def _forget_parents_senders():
    # A forked child (a gunicorn worker) has none of its parent's threads: it starts its own.
    global _senders_lock
    _senders_lock = threading.Lock()
    _senders.clear()


os.register_at_fork(after_in_child=_forget_parents_senders)


def _sender(url):
    with _senders_lock:
        if url not in _senders:
            _senders[url] = Sender(url)
        return _senders[url]


def purge(keys):
    """The purge target of settings.CACHE_PURGE_TARGETS: queue `keys` for every address in
    settings.VARNISH_PURGE_URLS."""
    for url in settings.VARNISH_PURGE_URLS:
        _sender(url).add(keys)


def wait_until_sent(timeout):
    """Wait until every queued purge is sent; False when `timeout` passed first."""
    deadline = time.monotonic() + timeout
    with _senders_lock:
        senders = list(_senders.values())
    return all(sender.wait_until_sent(max(0, deadline - time.monotonic())) for sender in senders)


atexit.register(wait_until_sent, EXIT_FLUSH_SECONDS)
