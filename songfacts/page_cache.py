"""Whole-page caching for anonymous readers, invalidated the moment content changes.

Every page stored carries the content generation it was rendered under. Any save or delete
of catalogue or comment data sets a new generation once its transaction commits, so a page
rendered before the change is never served after it. One cache round trip fetches both the
current generation and the page; a worker that has served the page lately keeps its own
copy. A worker that knows the current generation (songfacts.change_listener: it hears of every
change) serves that copy with no round trip at all; otherwise it asks the shared cache for the
generation alone (a few bytes instead of the whole page to fetch and unpickle).

Pages with forms hold a CSRF token that must be the reader's own: the stored copy keeps a
placeholder, filled per request with a token for the reader's CSRF cookie.
"""

import hashlib
import re
import threading
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control

from songfacts.change_listener import announce_change, listener

GENERATION_KEY = "page-cache:generation"
CSRF_PLACEHOLDER = b"__csrf_token__"
CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
# Pages each worker keeps its own copy of, the most recently served; at tens of kilobytes a
# page, a few megabytes.
LOCAL_PAGES = 64
# Caching app labels whose rows appear on reader pages.
CONTENT_APPS = {"catalogue", "comments", "taggit"}
# Never cached: the admin, the health check, and the benchmark's views (BENCHMARK_VIEWS=1),
# whose floor must cost its one query and template in every phase of `make bench`.
UNCACHED_PREFIXES = ("/healthz", "/bench/")
# Cookies that mean the page is personal: a login or a pending flash message.
PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")


def content_changed():
    """Start a new content generation once the current transaction commits."""
    transaction.on_commit(_new_generation)


def _new_generation():
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    listener.forget()
    announce_change()


def on_content_saved(sender, instance=None, created=False, **kwargs):
    if sender._meta.app_label not in CONTENT_APPS:
        return
    # A new comment that waits for moderation changes no page.
    if created and sender._meta.label == "comments.Comment" and instance.status != "published":
        return
    content_changed()


def on_content_deleted(sender, **kwargs):
    if sender._meta.app_label in CONTENT_APPS:
        content_changed()


def on_m2m_changed(sender, action, **kwargs):
    if action.startswith("post_") and sender._meta.app_label in CONTENT_APPS:
        content_changed()


def _is_cacheable_request(request):
    return (
        request.method == "GET"
        and not request.path.startswith((f"/{settings.ADMIN_PATH}", *UNCACHED_PREFIXES))
        and not any(name in request.COOKIES for name in PERSONAL_COOKIES)
    )


def _page_key(request):
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page-cache:page:{digest}"


def _etag(generation, key):
    return f'"{hashlib.sha256(f"{generation}{key}".encode()).hexdigest()[:32]}"'


class _RecentPages:
    """This worker's copies of the pages it served last, by cache key."""

    def __init__(self, size):
        self.size = size
        self.pages = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            stored = self.pages.get(key)
            if stored is not None:
                self.pages.move_to_end(key)
            return stored

    def clear(self):
        with self.lock:
            self.pages.clear()

    def put(self, key, stored):
        with self.lock:
            self.pages[key] = stored
            self.pages.move_to_end(key)
            if len(self.pages) > self.size:
                self.pages.popitem(last=False)


_recent = _RecentPages(LOCAL_PAGES)


def forget_local_pages():
    """Drop this worker's copies of pages (the shared cache keeps its own)."""
    _recent.clear()


class AnonymousPageCacheMiddleware:
    """Serve anonymous GETs from the cache; store what they render.

    Sits after CsrfViewMiddleware (so a served page can carry a fresh CSRF token) and before
    the authentication and messages middleware, which a cache hit never needs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = settings.PAGE_CACHE_SECONDS
        if not timeout or not _is_cacheable_request(request):
            return self.get_response(request)
        key = _page_key(request)
        local = _recent.get(key)
        if local is not None and listener.generation() == local["generation"]:
            return self._serve(request, local, key)
        ticket = listener.listen()
        if local is not None:
            generation = cache.get(GENERATION_KEY)
            if generation == local["generation"]:
                listener.remember(generation, ticket)
                return self._serve(request, local, key)
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            generation = uuid.uuid4().hex
            cache.add(GENERATION_KEY, generation, None)
        listener.remember(generation, ticket)
        stored = found.get(key)
        if stored and stored["generation"] == generation:
            _recent.put(key, stored)
            return self._serve(request, stored, key)
        response = self.get_response(request)
        if self._is_storable(response):
            stored = {
                "generation": generation,
                "content": CSRF_FIELD.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content),
                "content_type": response["Content-Type"],
            }
            cache.set(key, stored, timeout)
            _recent.put(key, stored)
            response["ETag"] = _etag(generation, key)
            patch_cache_control(response, no_cache=True)
        return response

    def _serve(self, request, stored, key):
        content = stored["content"]
        if CSRF_PLACEHOLDER in content:
            content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(content, content_type=stored["content_type"])
        response["ETag"] = _etag(stored["generation"], key)
        response["X-Page-Cache"] = "hit"
        patch_cache_control(response, no_cache=True)
        return response

    @staticmethod
    def _is_storable(response):
        if response.status_code != 200 or response.streaming or response.has_header("ETag"):
            return False
        if response.get("Cache-Control", "") and (
            "private" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
        ):
            return False
        # A page that sets cookies of its own (other than the CSRF one) is personal.
        return all(name == settings.CSRF_COOKIE_NAME for name in response.cookies)
