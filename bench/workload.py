"""The readers' workload of `make bench`: song pages by popularity, with writers beside them.

Readers ask for song pages by a Zipf law (exponent ZIPF_EXPONENT) over a fixed set of
published songs whose popularity rank has nothing to do with their id. The requests are drawn
once, with a fixed seed, into a file of paths; wrk (WORKLOAD_LUA) gives each of its threads its
own stretch of that file, so that every phase of a run (warming, then each measured phase)
reads fresh draws from the same law. The script counts the caches' answers per thread and
sums them when wrk is done: Varnish's (`X-Cache: HIT`, when it is in front) and, for the rest,
the page cache's (`X-Page-Cache: hit` or `miss`).

The writers post through the site as people do, with Python's http.client: a reader's comment
through the song page's form (CommentPoster) and an editor's change to a fact through the admin
(FactEditor). Each runs in a thread at a steady rate and counts what it got.
"""

import contextlib
import http.client
import http.cookies
import itertools
import random
import re
import statistics
import subprocess
import tempfile
import threading
import time
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urlencode

ZIPF_EXPONENT = 1.0
SEED = 20_000
THREADS = 2
# Warming runs in slices of WARM_SLICE_SECONDS until the hit ratio of a slice gains less
# than WARM_STEADY_GAIN on the slice before (the cache has reached its steady state), or
# until WARM_SLICES slices have run.
WARM_SLICES = 9
WARM_SLICE_SECONDS = 20
WARM_STEADY_GAIN = 0.01
# The regions of the paths file: one per warming slice, then the phase without writes and
# the phase with writes.
REGIONS = WARM_SLICES + 2
READERS_REGION = WARM_SLICES
WRITES_REGION = WARM_SLICES + 1
# The name and place the comment writer signs with (bench/run.py removes its comments after).
COMMENT_AUTHOR = ("Bench Reader", "Loopback")

WORKLOAD_LUA = r"""
-- Song pages by popularity: each thread walks its own stretch of a file of drawn paths.
-- Arguments: the file, the stretch's region, the number of regions, the number of threads.
local threads = {}
local count = 0

function setup(thread)
  thread:set("id", count)
  count = count + 1
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  local region, regions, nthreads = tonumber(args[2]), tonumber(args[3]), tonumber(args[4])
  index = math.floor((region * nthreads + id) * #paths / (regions * nthreads)) + 1
  varnish_hits, hits, misses, responses, failures = 0, 0, 0, 0, 0
end

function request()
  local path = paths[index]
  index = index + 1
  if index > #paths then
    index = 1
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  responses = responses + 1
  local cache = headers["X-Page-Cache"] or headers["x-page-cache"]
  if (headers["X-Cache"] or headers["x-cache"]) == "HIT" then
    varnish_hits = varnish_hits + 1
  elseif cache == "hit" then
    hits = hits + 1
  elseif cache == "miss" then
    misses = misses + 1
  end
  if status ~= 200 then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local totals = {varnish_hits = 0, hits = 0, misses = 0, responses = 0, failures = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      totals[name] = totals[name] + thread:get(name)
    end
  end
  io.write(string.format(
    "caches: %d varnish hits, %d hits, %d misses, %d responses, %d failures\n",
    totals.varnish_hits, totals.hits, totals.misses, totals.responses, totals.failures))
end
"""


def zipf_weights(count, exponent=ZIPF_EXPONENT):
    """The popularity of ranks 1..count (unnormalised)."""
    return [1 / rank**exponent for rank in range(1, count + 1)]


def write_paths(paths, samples, seed=SEED):
    """Draw `samples` requests over `paths` (most popular first) into a file; its name."""
    rng = random.Random(seed)
    cumulative = list(itertools.accumulate(zipf_weights(len(paths))))
    drawn = rng.choices(paths, cum_weights=cumulative, k=samples)
    with tempfile.NamedTemporaryFile(
        "w", prefix="bench-paths-", suffix=".txt", delete=False
    ) as handle:
        handle.write("\n".join(drawn) + "\n")
    return handle.name


def run_wrk(base, paths_file, region, seconds, connections):
    """wrk over the drawn paths from stretch `region`; throughput, latency and cache answers."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WORKLOAD_LUA)
        script.flush()
        command = [
            "wrk",
            f"-t{THREADS}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            script.name,
            base,
            "--",
            paths_file,
            str(region),
            str(REGIONS),
            str(THREADS),
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    varnish_hits, hits, misses, responses, failures = map(
        int,
        re.search(
            r"caches: (\d+) varnish hits, (\d+) hits, (\d+) misses, (\d+) responses, "
            r"(\d+) failures",
            output,
        ).groups(),
    )
    timeouts = re.search(r"timeout (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "p50": latency_ms(output, "50%"),
        "p99": latency_ms(output, "99%"),
        "errors": failures + (int(timeouts.group(1)) if timeouts else 0),
        "varnish_hits": varnish_hits,
        "hits": hits,
        "misses": misses,
        "responses": responses,
    }


def latency_ms(output, percentile):
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", output).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


# ---- Writers ----


class Client:
    """One visitor over plain HTTP, with its cookies (Secure ones too: this is loopback)."""

    def __init__(self, base, forwarded_for=None):
        host, port = base.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.cookies = {}
        self.forwarded_for = forwarded_for

    def request(self, method, path, fields=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        body = None
        if fields is not None:
            body = urlencode([tuple(pair) for pair in fields])
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            # As a browser says of a form posted from the site's own page (songfacts.csrf).
            headers["Sec-Fetch-Site"] = "same-origin"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or ():
            cookie = http.cookies.SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response, content.decode("utf-8", "replace")


class _Forms(HTMLParser):
    """Every form of a page: its id, action and the fields a browser would send."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._form = None
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"id": attrs.get("id"), "action": attrs.get("action"), "fields": []}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            self._form["fields"].append([name, attrs.get("value") or ""])
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
            self._form["fields"].append(self._textarea)
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self._form["fields"].append([self._select, attrs.get("value") or ""])

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            # As browsers do, a newline just after <textarea> is not part of the value.
            self._textarea[1] = self._textarea[1].removeprefix("\r").removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None


def find_form(html, form_id):
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if form["id"] == form_id:
            return form
    raise LookupError(f"no form #{form_id} on the page")


def set_field(form, name, value):
    for field in form["fields"]:
        if field[0] == name:
            field[1] = value
            return
    form["fields"].append([name, value])


def field(form, name):
    return next(value for key, value in form["fields"] if key == name)


class Writer(threading.Thread):
    """Calls `write` every `interval` seconds until stopped; counts what came of each call."""

    interval = 1.0

    def __init__(self, base, seed):
        super().__init__(daemon=True)
        self.base = base
        self.rng = random.Random(seed)
        self.stopping = threading.Event()
        self.succeeded = 0
        self.failures = Counter()
        self.timings = []

    def run(self):
        next_at = time.monotonic()
        while not self.stopping.is_set():
            started = time.perf_counter()
            try:
                self.write()
            except Exception as error:  # noqa: BLE001 - counted and reported, not raised
                self.failures[f"{type(error).__name__}: {error}"[:120]] += 1
            else:
                self.succeeded += 1
            self.timings.append((time.perf_counter() - started) * 1000)
            next_at += self.interval
            self.stopping.wait(max(0.0, next_at - time.monotonic()))

    def stop(self):
        self.stopping.set()
        self.join(timeout=60)

    def summary(self, what):
        failed = sum(self.failures.values())
        median = f", median {statistics.median(self.timings):.0f} ms" if self.timings else ""
        text = f"{what}: {self.succeeded} succeeded, {failed} failed{median}"
        for reason, count in self.failures.most_common(3):
            text += f"\n  {count} x {reason}"
        return text


def _pick(rng, items):
    """One of `items` (most popular first) by the readers' popularity law."""
    return rng.choices(items, weights=zipf_weights(len(items)))[0]


class CommentPoster(Writer):
    """A reader's comment a second, each from its own address, on a song chosen by popularity."""

    interval = 1.0

    def __init__(self, base, song_paths, seed=1):
        super().__init__(base, seed)
        self.song_paths = song_paths
        self.cumulative = list(itertools.accumulate(zipf_weights(len(song_paths))))
        self.posted = 0

    def write(self):
        path = self.rng.choices(self.song_paths, cum_weights=self.cumulative)[0]
        # The site keeps each address to 5 posts in 10 minutes: every post comes from its own.
        address = "127.{}.{}.{}".format(*(self.rng.randrange(1, 255) for _ in range(3)))
        client = Client(self.base, forwarded_for=address)
        status, _, html = client.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET song page answered {status}")
        form = find_form(html, "comment-form")
        self.posted += 1
        set_field(form, "author_name", COMMENT_AUTHOR[0])
        set_field(form, "author_place", COMMENT_AUTHOR[1])
        set_field(form, "body", f"Benchmark comment {self.posted}: I heard this on the radio.")
        status, _, _ = client.request("POST", form["action"], form["fields"])
        if status != 302:
            raise RuntimeError(f"POST comment answered {status}")


class FactEditor(Writer):
    """An editor's change to a fact of a popular song every ten seconds, through the admin."""

    interval = 10.0

    def __init__(self, base, fact_ids, username, password, admin_path="admin/", seed=2):
        super().__init__(base, seed)
        self.fact_ids = fact_ids
        self.admin = f"/{admin_path}"
        self.client = Client(base)
        self.username, self.password = username, password
        self.edits = 0

    def log_in(self):
        status, _, html = self.client.request("GET", f"{self.admin}login/?next={self.admin}")
        if status != 200:
            raise RuntimeError(f"GET admin login answered {status}")
        form = find_form(html, "login-form")
        set_field(form, "username", self.username)
        set_field(form, "password", self.password)
        status, _, _ = self.client.request("POST", form["action"], form["fields"])
        if status != 302 or "sessionid" not in self.client.cookies:
            raise RuntimeError(f"admin login answered {status}")

    def write(self):
        fact_id = _pick(self.rng, self.fact_ids)
        path = f"{self.admin}catalogue/fact/{fact_id}/change/"
        status, _, html = self.client.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET fact change page answered {status}")
        form = find_form(html, "fact_form")
        self.edits += 1
        body = re.sub(r"\s*\(edited \d+\)$", "", field(form, "body").rstrip())
        set_field(form, "body", f"{body} (edited {self.edits})")
        set_field(form, "_save", "Save")
        status, _, html = self.client.request("POST", path, form["fields"])
        if status != 302:
            errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
            raise RuntimeError(f"POST fact answered {status} {errors[:2]}")


@contextlib.contextmanager
def writing(*writers):
    """Run the writers for the duration of the block."""
    for writer in writers:
        writer.start()
    try:
        yield writers
    finally:
        for writer in writers:
            writer.stop()
