"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py` from the checkout."""

import gc
import multiprocessing
import os

wsgi_app = "songfacts.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000")
# Synchronous workers: one per core plus one. A page here is mostly Python (the database
# answers in about a millisecond), so workers beyond the cores only share the CPU and
# stretch the latency tail: on two cores, the benchmark's floor managed 900 requests a second
# at a p99/p50 of 2.4 with five workers, and 1,150 at 1.6 with three.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
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
# gunicorn's control socket (`gunicornc`) lives in the home folder by default, shared by every
# gunicorn of the machine: several hosts, tests and benchmarks run side by side here, and
# nothing of ours reads or writes outside the checkout. Signals do its work.
control_socket_disable = True


def pre_fork(server, worker):
    # Everything the master loaded lives as long as the worker: freezing it spares each
    # collection a walk over Django, the URLconf and the templates (a source of slow
    # requests in the latency tail), and leaves those pages shared with the master.
    gc.freeze()


def post_fork(server, worker):
    # Every request leaves objects in reference cycles, which only the collector frees: Django's
    # template contexts and the request's message storage refer back to themselves, and hold
    # what the page showed (about 460 objects a song page, 70 on the benchmark's floor).
    # Collecting the youngest generation every 2,000 new objects keeps each pause near 2 ms; at
    # 50,000 a collection freed some 50,000 objects at once and held its request for 50-170 ms
    # under load, which doubled every page's p99 (`make bench`).
    gc.set_threshold(2_000, 10, 10)
