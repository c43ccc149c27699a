"""Whole pages for anonymous readers, kept until something they show changes.

Each stored page carries the keys of what it showed (songfacts.cache_keys) and, for each key,
the version it had when the page was stored. A purge gives each of its keys a new version in
the shared cache: a page is served only while every one of its keys still has the version it
was stored with, so a change costs exactly the pages that showed it.

A render that began before a purge may have read the data from before the change: a page is
not stored when any of its keys was purged after its render began (with PURGE_CLOCK_SKEW_NS
for hosts whose clocks differ a little), nor when it was read from a replica that had not yet
replayed a purge of one of its keys (songfacts.replicas): the reader gets it, marked private,
and no cache keeps it.

Each worker also keeps its own copies of the pages it served last, served without asking
the shared cache while it hears every purge by PostgreSQL's LISTEN/NOTIFY
(songfacts.change_listener). A worker that does not listen checks the versions of a copy's keys
in the shared cache, one round trip, before serving it.

A stored page is the same for every reader, forms included: their CSRF protection needs no
per-reader token (songfacts.csrf), so Varnish or a CDN in front may keep it too. A page that
holds a CSRF token anyway is personal and not stored. The ETag is a digest of the page, the
same for the same content.

Pages live PAGE_CACHE_SECONDS at most, or less when they ask (cache_keys.keep_at_most). Pages
that set a lifetime of their own (`Cache-Control: max-age`, such as search results) are stored
for that long without keys.
"""

import hashlib
import logging
import math
import re
import threading
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpResponse
from django.utils.cache import get_max_age, patch_cache_control
from django.utils.http import http_date

from songfacts import cache_keys, replicas
from songfacts.change_listener import listener

logger = logging.getLogger(__name__)

PAGE_PREFIX = "page-cache:page:"
# A key's version says when it was last purged: (time in ns, the primary's WAL position then,
# 0 without replicas). A key never purged has no version: a page stored while it had none is
# current until it is purged. Were a purged key's version lost while a page stored before the
# purge survived, the page would look current again; so versions never expire, and caches drop
# pages first: the database cache culls the first keys in order, and VERSION_PREFIX sorts after
# PAGE_PREFIX; Redis evicts only keys with a lifetime under a volatile-* policy (README.md).
VERSION_PREFIX = "page-cache:purged:"
CSRF_FIELD = b'name="csrfmiddlewaretoken"'
# The forms' token against double submits (comments.forms) is new in every render; the ETag
# leaves it out, so that the same content has the same ETag.
SUBMISSION_FIELD = re.compile(rb'(name="(?:[\w-]+-)?submission_token" value=")[^"]*(")')
# Cookies that mean the page is personal: a login or a pending flash message.
PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
# How far apart the clocks of the hosts that render and purge may be.
PURGE_CLOCK_SKEW_NS = 100_000_000


@dataclass
class StoredPage:
    content: bytes
    content_type: str
    keys: tuple[str, ...]
    versions: tuple[int, ...]
    etag: str
    stored_at: float
    # When it stops being served: PAGE_CACHE_SECONDS after it was stored, or sooner for a
    # page that asked (cache_keys.keep_at_most) or has a lifetime of its own (and no keys),
    # such as search results.
    expires_at: float
    own_lifetime: bool = False

    @property
    def lifetime(self):
        return round(self.expires_at - self.stored_at)

    def fresh(self, now):
        return now < self.expires_at


def purge(keys):
    """The purge target of settings.CACHE_PURGE_TARGETS: new versions for `keys` in the
    shared cache, and a notice to every worker's copies."""
    mark_purged(keys)
    _recent.discard(keys)
    listener.announce(keys)


def mark_purged(keys):
    """New versions for `keys` in the shared cache, which every worker checks."""
    try:
        position = replicas.primary_position() or 0
    except DatabaseError as error:
        # The primary went away just after the commit: the pages must go all the same.
        logger.warning("purging %s without the primary's WAL position: %s", sorted(keys), error)
        position = 0
    version = (time.time_ns(), position)
    cache.set_many({VERSION_PREFIX + key: version for key in keys}, None)


def _page_key(request):
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return PAGE_PREFIX + digest


def _is_cacheable_request(request):
    return (
        request.method == "GET"
        and not request.path.startswith(
            (f"/{settings.ADMIN_PATH}", *settings.PAGE_CACHE_UNCACHED_PREFIXES)
        )
        and not any(name in request.COOKIES for name in PERSONAL_COOKIES)
    )


def _current_versions(keys):
    found = cache.get_many([VERSION_PREFIX + key for key in keys])
    return tuple(found.get(VERSION_PREFIX + key) for key in keys)


def _is_current(page):
    return not page.keys or _current_versions(page.keys) == page.versions


class _RecentPages:
    """This worker's copies of the pages it served last, by cache key, within a byte budget;
    an index from each key to the pages under it lets a purge drop exactly those."""

    def __init__(self, budget):
        self.budget = budget
        self.size = 0
        self.pages = OrderedDict()
        self.under = {}
        self.lock = threading.Lock()

    def get(self, page_key):
        with self.lock:
            page = self.pages.get(page_key)
            if page is not None:
                self.pages.move_to_end(page_key)
            return page

    def put(self, page_key, page):
        with self.lock:
            self._drop(page_key)
            self.pages[page_key] = page
            self.size += len(page.content)
            for key in page.keys:
                self.under.setdefault(key, set()).add(page_key)
            while self.size > self.budget and self.pages:
                self._drop(next(iter(self.pages)))

    def discard(self, keys):
        with self.lock:
            for key in keys:
                for page_key in self.under.pop(key, ()):
                    self._drop(page_key)

    def clear(self):
        with self.lock:
            self.pages.clear()
            self.under.clear()
            self.size = 0

    def _drop(self, page_key):
        page = self.pages.pop(page_key, None)
        if page is None:
            return
        self.size -= len(page.content)
        for key in page.keys:
            pages = self.under.get(key)
            if pages is not None:
                pages.discard(page_key)
                if not pages:
                    del self.under[key]


_recent = _RecentPages(settings.PAGE_CACHE_LOCAL_BYTES)


def forget_local_pages():
    """Drop this worker's copies of pages (the shared cache keeps its own)."""
    _recent.clear()


listener.on_purge = _recent.discard
listener.on_lost = forget_local_pages


class AnonymousPageCacheMiddleware:
    """Serve anonymous GETs from the cache; store what they render, under the keys of what
    they showed, and say those keys in `Surrogate-Key` for an HTTP cache in front.

    Sits before the authentication and messages middleware, which a cache hit never needs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_SECONDS or not _is_cacheable_request(request):
            return self.get_response(request)
        page_key = _page_key(request)
        now = time.time()
        # Before anything shared is read: a purge heard after this may concern what is read.
        heard = listener.poll()
        local = _recent.get(page_key)
        if local is not None and local.fresh(now) and (heard is not None or _is_current(local)):
            return self._serve(request, local)
        shared = cache.get(page_key)
        if shared is not None:
            page = _unpacked(shared)
            if page.fresh(now) and _is_current(page):
                self._keep(page_key, page, heard)
                return self._serve(request, page)
        started_ns = time.time_ns()
        # Before the render: where the replica it reads from (if any) had replayed to.
        replayed = replicas.read_position()
        with cache_keys.collecting() as keys:
            response = self.get_response(request)
        if not _is_storable(response):
            return response
        content = response.content
        own_lifetime = get_max_age(response)
        lifetime = own_lifetime or min(settings.PAGE_CACHE_SECONDS, keys.lifetime or math.inf)
        page = StoredPage(
            content=content,
            content_type=response["Content-Type"],
            keys=() if own_lifetime else tuple(sorted(keys)),
            versions=(),
            etag=_etag(content),
            stored_at=now,
            expires_at=now + lifetime,
            own_lifetime=bool(own_lifetime),
        )
        stored = _store(page_key, page, started_ns, replayed)
        if stored:
            self._keep(page_key, page, heard)
        _describe(response, page, shareable=stored)
        response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _keep(page_key, page, heard):
        # A worker that does not listen checks its copies' versions before serving them; one
        # that listens keeps a copy only if no purge was heard since the page was checked.
        if heard is None or listener.poll() == heard:
            _recent.put(page_key, page)

    @staticmethod
    def _serve(request, page):
        response = HttpResponse(page.content, content_type=page.content_type)
        _describe(response, page)
        response["X-Page-Cache"] = "hit"
        return response


def _store(page_key, page, started_ns, replayed):
    """Store `page` with its keys' current versions; False when it may show data from before
    a change: one of its keys was purged after the render began, or it was read from a replica
    that had not replayed (`replayed`, a WAL position) a purge of one of its keys."""
    if page.own_lifetime:
        cache.set(page_key, _packed(page), page.lifetime)
        return True
    versions = _current_versions(page.keys)
    for version in versions:
        if version is None:
            continue
        purged_ns, purged_at = version
        if purged_ns > started_ns - PURGE_CLOCK_SKEW_NS:
            return False
        if replayed is not None and purged_at > replayed:
            return False
    page.versions = versions
    cache.set(page_key, _packed(page), page.lifetime)
    return True


def _describe(response, page, shareable=True):
    """The headers that an HTTP cache in front, and the reader's browser, go by. A page that
    may be stale (`shareable` false) is this reader's only: no shared cache keeps it."""
    response["ETag"] = page.etag
    response["Last-Modified"] = http_date(page.stored_at)
    if page.own_lifetime:
        patch_cache_control(response, public=True, max_age=int(page.expires_at - time.time()))
        return
    if page.keys:
        response["Surrogate-Key"] = " ".join(page.keys)
    if shareable:
        patch_cache_control(response, public=True, max_age=0, s_maxage=page.lifetime)
    else:
        patch_cache_control(response, private=True, max_age=0)


def _is_storable(response):
    if response.status_code != 200 or response.streaming or response.has_header("ETag"):
        return False
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control:
        return False
    # A page that sets cookies or holds a reader's CSRF token is personal.
    return not response.cookies and CSRF_FIELD not in response.content


def _etag(content):
    content = SUBMISSION_FIELD.sub(rb"\1\2", content)
    return f'"{hashlib.sha256(content).hexdigest()[:32]}"'


def _packed(page):
    return (
        zlib.compress(page.content, 1),
        page.content_type,
        page.keys,
        page.versions,
        page.etag,
        page.stored_at,
        page.expires_at,
        page.own_lifetime,
    )


def _unpacked(stored):
    content, *rest = stored
    return StoredPage(zlib.decompress(content), *rest)
