"""Per-client rate limits for the API: a fixed window per client address, counted in the
shared cache so that every worker and every host count together.

Each address may make API_RATE_LIMIT requests in each window of API_RATE_LIMIT_WINDOW
seconds (windows start on multiples of it since the epoch). Every API answer says where its
client stands (`X-RateLimit-Limit`, `-Remaining`, `-Reset`: seconds until the window ends);
past the limit the answer is a 429 with `Retry-After`. The middleware sits before the page
cache and ConditionalGetMiddleware: an answer from the cache counts like any other, a 304 carries
the headers too, and no stored page keeps one client's figures (the page cache stores the body
alone; Varnish drops these headers from what it keeps, deploy/varnish/songfacts.vcl).
"""

import datetime
import json
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.http import HttpResponse

API_PREFIX = "/api/"

# Django's database cache increments by a read and a write (and a count of the whole table
# before each write), which two workers can interleave: the count is kept in its table by one
# statement instead. The row is ours alone (a key no cache.get asks for) and expires with its
# window, so the cache's own culling deletes it.
_UPSERT = """
INSERT INTO {table} (cache_key, value, expires) VALUES (%s, '1', %s)
ON CONFLICT (cache_key) DO UPDATE SET value = ({table}.value::bigint + 1)::text
RETURNING value::bigint
"""


def count_request(address, window_start, window):
    """Count one request from `address` in the window that began at `window_start`; return
    how many it has made in it, this one included."""
    key = f"api-rate:{address}:{window_start}"
    cache = caches["default"]
    if isinstance(cache, DatabaseCache):
        expires = datetime.datetime.fromtimestamp(window_start + window, tz=datetime.UTC)
        connection = connections[router.db_for_write(cache.cache_model_class)]
        table = connection.ops.quote_name(cache._table)
        with connection.cursor() as cursor:
            cursor.execute(_UPSERT.format(table=table), [cache.make_key(key), expires])
            return cursor.fetchone()[0]
    # Redis and the local memory cache add and increment atomically.
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:
        # A cache that keeps nothing (dummy://) cannot count: no client is ever held back.
        return 1


class ApiRateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        limit = settings.API_RATE_LIMIT
        window = settings.API_RATE_LIMIT_WINDOW
        now = time.time()
        window_start = int(now // window) * window
        reset = max(1, round(window_start + window - now))
        made = count_request(request.META.get("REMOTE_ADDR", ""), window_start, window)
        if made > limit:
            response = HttpResponse(
                json.dumps(
                    {
                        "detail": f"Too many requests: {limit} per {window} seconds from one "
                        f"address. Try again in {reset} seconds."
                    }
                ),
                content_type="application/json",
                status=429,
            )
            response["Retry-After"] = str(reset)
            response["Cache-Control"] = "no-store"
        else:
            response = self.get_response(request)
        response["X-RateLimit-Limit"] = str(limit)
        response["X-RateLimit-Remaining"] = str(max(0, limit - made))
        response["X-RateLimit-Reset"] = str(reset)
        return response
