"""The site's production settings plus the benchmark's reference views: `make bench` only.

gunicorn runs with DJANGO_SETTINGS_MODULE=bench.settings; nothing in the product imports this.
"""

import os

from songfacts.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The floor must cost its one query and template in every phase of `make bench`: the page
# cache neither looks its views up nor stores them.
PAGE_CACHE_UNCACHED_PREFIXES = (*PAGE_CACHE_UNCACHED_PREFIXES, "/bench/")  # noqa: F405
# Each gunicorn that bench/run.py starts keeps its cache entries under a prefix of its own, so
# that no phase reads pages another run left (nor another user of the same Redis database).
# A new dict: the product's CACHES stays as it is in a process that imports both.
_PREFIX = os.environ.get("BENCH_CACHE_PREFIX", "bench")
CACHES = {**CACHES, "default": {**CACHES["default"], "KEY_PREFIX": _PREFIX}}  # noqa: F405
