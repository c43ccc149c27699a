"""Read replicas: the reader pages read from a streaming replica that has caught up, and
everything else from the primary.

settings.DATABASE_REPLICA_URLS adds the replicas, as the databases "replica_1", "replica_2"...
With none, nothing here runs: the router is not installed and the middleware not used.

Which database a request reads (ReadYourWritesMiddleware, ReplicaRouter):
- Writes go to the primary ("default"); so do all reads of a request that is not a GET or a
  HEAD, of the admin, and of code outside a request (commands, the shell, most tests).
- A GET reads the reader-facing apps (REPLICATED_APPS) from one replica, chosen at its first
  such read among those that answer, are still replicas and lag at most
  REPLICA_MAX_LAG_SECONDS; everything else (sessions, users, the database cache) it reads
  from the primary.
- Read your writes, by WAL position rather than by a timer: once a request writes rows that
  replicas serve, it reads from the primary to its end, and its response carries the
  primary's WAL position after the write in the `wrote_lsn` cookie. A request with that
  cookie reads from a replica only if it has replayed past that position, and the cookie is
  dropped once one has.
- A GET whose replica fails while it runs is run again, once, on the primary.

Each process watches each replica in a thread of its own (ReplicaMonitor): once a second, or
five times a second while after_replayed has callbacks waiting.
"""

import contextlib
import dataclasses
import functools
import logging
import os
import random
import re
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar

from django.apps import apps
from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse

REPLICAS = tuple(alias for alias in settings.DATABASES if alias.startswith("replica_"))
# The apps behind the reader pages. The rest (auth, sessions, admin, axes, messages, the
# database cache's "django_cache") is read where it is written, on the primary.
REPLICATED_APPS = frozenset({"catalogue", "comments", "taggit", "search", "contenttypes"})

COOKIE_NAME = "wrote_lsn"
# A backstop: the cookie is dropped as soon as a replica has replayed the write.
COOKIE_MAX_AGE = 5 * 60
POSITION = re.compile(r"[0-9]{1,20}")

CHECK_SECONDS = 1.0
POLL_SECONDS = 0.2
# A replica that accepts connections but never answers keeps its watcher waiting: a state
# this old means the replica is not to be used.
STALE_SECONDS = 5.0
GIVE_UP_SECONDS = 10 * 60

# pg_last_wal_receive_lsn() <= replay: all that arrived is replayed, so a replica of an idle
# primary lags by nothing (after a restart, the receive position is the start of its WAL
# segment, behind the replay). Otherwise the lag is the age of the last transaction replayed,
# so a paused replay shows as lag; unknown (None) when none was replayed since it started.
HEALTH_QUERY = """
    SELECT pg_is_in_recovery(),
           pg_last_wal_replay_lsn() - '0/0'::pg_lsn,
           CASE WHEN pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
                ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())
           END
"""
REPLAYED_QUERY = "SELECT pg_last_wal_replay_lsn() - '0/0'::pg_lsn"
READ_ONLY_STATEMENT = re.compile(r"\s*(SELECT|SAVEPOINT|RELEASE|ROLLBACK|SET|SHOW)\b", re.I)
WRITTEN_TABLE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class ReplicaState:
    """What the last check of a replica found."""

    # It answered, as a replica still in recovery (not promoted).
    up: bool = False
    # How far it had replayed: bytes of WAL since 0/0.
    position: int = 0
    # Seconds behind the primary; None when unknown.
    lag: float | None = None
    checked_at: float = 0.0

    def is_current(self, now):
        return self.up and now - self.checked_at < STALE_SECONDS

    def can_serve(self, now):
        return (
            self.is_current(now)
            and self.lag is not None
            and self.lag <= settings.REPLICA_MAX_LAG_SECONDS
        )


@dataclasses.dataclass
class _Waiter:
    position: int
    deadline: float
    callback: Callable[[], object]


class ReplicaMonitor:
    """One process's view of its replicas: a watcher thread per replica (one that hangs
    stalls no other), and one that calls after_replayed's callbacks."""

    def __init__(self, aliases):
        self.pid = os.getpid()
        self.changed = threading.Condition()
        # Until its first check: serves no reads and holds up after_replayed (for
        # STALE_SECONDS at most, should that check hang).
        unchecked = ReplicaState(up=True, checked_at=time.monotonic())
        self.states = dict.fromkeys(aliases, unchecked)
        self.waiters = []
        for alias in aliases:
            threading.Thread(
                target=self._watch, args=[alias], name=f"replica-watch-{alias}", daemon=True
            ).start()
        threading.Thread(target=self._release, name="replica-after-replayed", daemon=True).start()
        # A worker's first request reads where later ones will: it waits for the first
        # checks (a few milliseconds), at most CHECK_SECONDS.
        with self.changed:
            self.changed.wait_for(
                lambda: all(state is not unchecked for state in self.states.values()),
                CHECK_SECONDS,
            )

    def snapshot(self):
        with self.changed:
            return dict(self.states)

    def mark_down(self, alias):
        """A request could not use `alias`: skip it until its next check says otherwise."""
        with self.changed:
            self.states[alias] = ReplicaState(checked_at=time.monotonic())

    def call_after(self, position, callback):
        with self.changed:
            self.waiters.append(_Waiter(position, time.monotonic() + GIVE_UP_SECONDS, callback))
            self.changed.notify_all()

    def _watch(self, alias):
        while True:
            state = _check(alias)
            with self.changed:
                self.states[alias] = state
                self.changed.notify_all()
            time.sleep(POLL_SECONDS)
            with self.changed:
                self.changed.wait_for(lambda: self.waiters, CHECK_SECONDS - POLL_SECONDS)

    def _release(self):
        while True:
            with self.changed:
                self.changed.wait_for(lambda: self.waiters)
                # Until a watcher has news, or a replica that hangs goes stale.
                self.changed.wait(POLL_SECONDS)
                ready = self._take_ready(time.monotonic())
            for waiter in ready:
                try:
                    waiter.callback()
                except Exception:
                    logger.exception("after_replayed callback %r failed", waiter.callback)

    def _take_ready(self, now):
        """The waiters that no current replica holds up any more, or that waited too long."""
        positions = [state.position for state in self.states.values() if state.is_current(now)]
        slowest = min(positions, default=None)
        ready, waiting = [], []
        for waiter in self.waiters:
            done = slowest is None or slowest >= waiter.position or waiter.deadline <= now
            (ready if done else waiting).append(waiter)
        self.waiters = waiting
        return ready


def _check(alias):
    """Query the replica once, on its watcher's own connection."""
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute(HEALTH_QUERY)
            in_recovery, position, lag = cursor.fetchone()
    except Exception as error:
        if not isinstance(error, DatabaseError):
            logger.exception("checking %s failed", alias)
        # Connect again at the next check.
        with contextlib.suppress(DatabaseError):
            connection.close()
        return ReplicaState(checked_at=time.monotonic())
    return ReplicaState(
        up=in_recovery,
        position=int(position or 0),
        lag=None if lag is None else float(lag),
        checked_at=time.monotonic(),
    )


_monitor = None
_monitor_lock = threading.Lock()


def monitor():
    """This process's monitor, started on first use: a monitor started before gunicorn
    forks its workers would have no threads in them."""
    global _monitor
    with _monitor_lock:
        if _monitor is None or _monitor.pid != os.getpid():
            _monitor = ReplicaMonitor(REPLICAS)
        return _monitor


@functools.cache
def _replicated_tables():
    return frozenset(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in REPLICATED_APPS
    )


def _changes_replicated_rows(sql):
    """Whether a statement may change rows that replicas serve. Writes to the tables of the
    other apps need no read-your-writes: those are read from the primary anyway."""
    if not isinstance(sql, str):
        return True
    if READ_ONLY_STATEMENT.match(sql):
        return False
    table = WRITTEN_TABLE.match(sql)
    return table is None or table[1] in _replicated_tables()


class _Reading:
    """Where one request reads from."""

    def __init__(self, *, may_use_replica, needed):
        self.may_use_replica = may_use_replica
        # The WAL position a replica must have replayed (from `wrote_lsn`), or None.
        self.needed = needed
        self.chosen = False
        self.replica = None
        self.position = None
        self.wrote = False
        # The error of a replica that failed while the request ran, if it did.
        self.replica_failure = None

    def database(self):
        """The alias for a read of a replicated app. May connect to a replica."""
        if self.wrote or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            # Its own writes, or a transaction's reads (select_for_update, read-then-write).
            return DEFAULT_DB_ALIAS
        return self.choose() or DEFAULT_DB_ALIAS

    def choose(self):
        """Pick this request's replica, once; None for the primary."""
        if self.chosen:
            return self.replica
        self.chosen = True
        if not self.may_use_replica or self.wrote:
            return None
        now = time.monotonic()
        candidates = [
            (alias, state)
            for alias, state in monitor().snapshot().items()
            if state.can_serve(now) and (self.needed is None or state.position >= self.needed)
        ]
        if not candidates:
            return None
        alias, state = random.choice(candidates)
        connection = connections[alias]
        try:
            # A connection kept from an earlier request may have died with a restart.
            connection.close_if_health_check_failed()
            # Where it has replayed to now, which the page cache compares with the purges of
            # what the page shows: the last check's figure may be a second old, and a page
            # read after a purge would then look stale and go uncached.
            with connection.cursor() as cursor:
                cursor.execute(REPLAYED_QUERY)
                (position,) = cursor.fetchone()
        except DatabaseError as error:
            logger.warning("%s is unreachable, reading from the primary: %s", alias, error)
            monitor().mark_down(alias)
            return None
        self.replica, self.position = alias, int(position or 0)
        return alias

    def watch_writes(self, execute, sql, params, many, context):
        """An execute wrapper on the primary's connection."""
        if not self.wrote and _changes_replicated_rows(sql):
            self.wrote = True
        return execute(sql, params, many, context)

    def failed_on_replica(self, exception):
        return (
            isinstance(exception, OperationalError | InterfaceError)
            and self.replica is not None
            and not self.wrote
            and connections[self.replica].errors_occurred
        )


_reading = ContextVar("replica_reading", default=None)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        reading = _reading.get()
        if reading is None or model._meta.app_label not in REPLICATED_APPS:
            return DEFAULT_DB_ALIAS
        return reading.database()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Every alias holds the same data.
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS


class ReadYourWritesMiddleware:
    """Chooses what each request reads from and keeps the writer's `wrote_lsn` cookie."""

    def __init__(self, get_response):
        if not REPLICAS:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        cookie = request.COOKIES.get(COOKIE_NAME)
        needed = int(cookie) if cookie is not None and POSITION.fullmatch(cookie) else None
        reading = _Reading(
            may_use_replica=request.method in ("GET", "HEAD")
            and not request.path.startswith(f"/{settings.ADMIN_PATH}"),
            needed=needed,
        )
        response = self._respond(request, reading)
        if reading.replica_failure is not None:
            # Safe to run again: a GET or HEAD changes nothing, and this one wrote nothing
            # (failed_on_replica). The first answer, a placeholder, is dropped.
            logger.warning(
                "%s failed during %s %s; answered from the primary: %s",
                reading.replica,
                request.method,
                request.path,
                reading.replica_failure,
            )
            reading = _Reading(may_use_replica=False, needed=needed)
            response = self._respond(request, reading)
        if reading.wrote:
            self._remember_write(response)
        elif cookie is not None and (needed is None or reading.replica is not None):
            # Malformed, or a replica has replayed the write: no longer needed.
            response.delete_cookie(COOKIE_NAME, samesite="Lax")
        return response

    def process_exception(self, request, exception):
        """A replica that failed under a GET: answer with a placeholder, which __call__
        replaces by running the request again on the primary."""
        reading = _reading.get()
        if reading is None or not reading.failed_on_replica(exception):
            return None
        reading.replica_failure = exception
        monitor().mark_down(reading.replica)
        return HttpResponse(status=503)

    def _respond(self, request, reading):
        token = _reading.set(reading)
        try:
            with connections[DEFAULT_DB_ALIAS].execute_wrapper(reading.watch_writes):
                return self.get_response(request)
        finally:
            _reading.reset(token)

    @staticmethod
    def _remember_write(response):
        try:
            position = primary_position()
        except DatabaseError as error:
            logger.warning("no WAL position for the write's cookie: %s", error)
            return
        response.set_cookie(
            COOKIE_NAME,
            str(position),
            max_age=COOKIE_MAX_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


def read_position() -> int | None:
    """The WAL position the replica this request reads from had replayed when it was chosen
    (a lower bound: replay only moves forward); None when it reads from the primary. Chooses
    the replica if the request has not yet read from one, which may connect to it."""
    reading = _reading.get()
    if reading is None or reading.choose() is None:
        return None
    return reading.position


def primary_position() -> int | None:
    """The primary's current WAL position (one query); None without replicas."""
    if not REPLICAS:
        return None
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
        return int(cursor.fetchone()[0])


def after_replayed(lsn: int, callback: Callable[[], object]) -> None:
    """Call `callback()` from a background thread once every replica that answers has
    replayed past `lsn` (a replica that is down holds nothing up), or after GIVE_UP_SECONDS.
    Its exceptions are logged. Without replicas, nothing is called."""
    if REPLICAS:
        monitor().call_after(lsn, callback)
