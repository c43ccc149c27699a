"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py` from the checkout."""

import multiprocessing
import os

wsgi_app = "songfacts.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000")
# Synchronous workers: two per core plus one, the usual fit for a database-bound site.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Load Django once in the master, so a broken setting fails before any worker forks.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = 5000
max_requests_jitter = 500
# Behind the reverse proxy, which terminates TLS and sets X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Django logs one line per request with its request id; gunicorn's own access log is optional.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
