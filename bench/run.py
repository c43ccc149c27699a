"""The performance benchmark: `make bench` (README.md, "Benchmarks", explains the method).

Builds (once) a synthetic catalogue in its own database, starts gunicorn with the production
settings plus the benchmark's reference views (bench/settings.py), drives it over loopback with
wrk, and prints two tables. The pages one by one: requests per second and p50/p99 latency per
page, each page's throughput as a ratio of the floor measured in the same phase, search latency
against a naive icontains scan, and the workers' memory. Then the readers' workload
(bench/workload.py): song pages by popularity with the page cache on, warmed, without writes
and with a comment a second and an editor's fact edit every ten seconds; directly against
gunicorn, then through Varnish (deploy/varnish) in front of a gunicorn of its own.

Sizes come from the environment: BENCH_SONGS, BENCH_FACTS, BENCH_COMMENTS (100,000 /
1,000,000 / 1,000,000 by default), BENCH_SECONDS per page (10), BENCH_CONNECTIONS (16),
BENCH_WORKLOAD_SONGS (20,000), BENCH_WORKLOAD_SECONDS per workload
phase (twice BENCH_SECONDS). BENCH_ONLY=pages or BENCH_ONLY=workload runs one table's phases.
BENCH_DATABASE_URL names a server (the project's embedded one by default), BENCH_DATABASE_NAME
the database on it (songfacts_bench).
"""

import contextlib
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import workload  # noqa: E402

PYTHON = sys.executable
SONGS = int(os.environ.get("BENCH_SONGS", 100_000))
FACTS = int(os.environ.get("BENCH_FACTS", 1_000_000))
COMMENTS = int(os.environ.get("BENCH_COMMENTS", 1_000_000))
SECONDS = int(os.environ.get("BENCH_SECONDS", 10))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", 16))
# The benchmark's own database, beside the site's, on the embedded server or BENCH_DATABASE_URL's.
DATABASE = os.environ.get("BENCH_DATABASE_NAME", "songfacts_bench")
# The search mix: no match, rare words, two words, common words in a fifth of all facts.
SEARCH_QUERIES = ["qwertyuiop", "zyx0042", "zyx1999", "guitar studio", "recorded", "famous"]
# BENCH_ONLY=pages runs the pages one by one, BENCH_ONLY=workload the readers' workload alone.
ONLY = os.environ.get("BENCH_ONLY", "")
# The workload: song pages by popularity over this many published songs, warmed this long.
WORKLOAD_SONGS = int(os.environ.get("BENCH_WORKLOAD_SONGS", 20_000))
WORKLOAD_SECONDS = int(os.environ.get("BENCH_WORKLOAD_SECONDS", SECONDS * 2))
# Requests drawn in advance: a stretch of them for each wrk thread of each phase.
WORKLOAD_SAMPLES = 2_000_000
EDITOR = ("bencheditor", "bench-editor-password-not-for-production")
ADMIN_PATH = os.environ.get("ADMIN_PATH", "admin/")


def log(message):
    print(message, file=sys.stderr, flush=True)


def ensure_wrk():
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0:
        sys.exit("wrk is missing: install it (Debian: apt-get install wrk) and run again.")
    log("Installing wrk from Debian's packages...")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)


def base_env():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DEBUG", "PAGE_CACHE_SECONDS")
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="benchmark-only-secret-key-not-for-production",
        ALLOWED_HOSTS="127.0.0.1,localhost",  # localhost: Varnish's health probe
        SECURE_SSL_REDIRECT="0",
        # wrk's requests all come from one address: the API's rate limit counts each of them
        # (its cost is measured) but holds none back.
        API_RATE_LIMIT=str(10**12),
        # The production settings plus the reference views at /bench/ (bench/settings.py).
        DJANGO_SETTINGS_MODULE="bench.settings",
    )
    return env


def with_database(url, name):
    """`url` with its database name replaced by `name`."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def bench_database_url():
    """The benchmark's own database on the given server, or on the embedded one."""
    given = os.environ.get("BENCH_DATABASE_URL")
    if not given:
        from songfacts import embedded_postgres

        given = embedded_postgres.ensure_running()
    return with_database(given, DATABASE)


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=REPO, env=env, check=True)


def prepare_database(env):
    import psycopg

    url = env["DATABASE_URL"]
    admin_url = with_database(url, "postgres")
    shape = f"{SONGS}/{FACTS}/{COMMENTS}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [DATABASE],
        ).fetchone()
        if exists and exists[0] == shape:
            log(f"Reusing the benchmark catalogue ({shape} songs/facts/comments).")
            manage(env, "migrate", "--noinput", "--verbosity", "0")
            return
        if exists:
            connection.execute(f'DROP DATABASE "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    log(f"Generating {SONGS:,} songs, {FACTS:,} facts, {COMMENTS:,} comments...")
    started = time.monotonic()
    manage(
        env,
        "generate_catalogue",
        f"--songs={SONGS}",
        f"--facts={FACTS}",
        f"--comments={COMMENTS}",
        "--seed=1",
    )
    log(f"Generated in {time.monotonic() - started:.0f} s.")
    with psycopg.connect(admin_url, autocommit=True) as connection:
        # Remember the shape, so the next run reuses the catalogue.
        connection.execute(f"COMMENT ON DATABASE \"{DATABASE}\" IS '{shape}'")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env, page_cache, **extra):
    port = free_port()
    env = {
        **env,
        "BIND": f"127.0.0.1:{port}",
        "BENCH_CACHE_PREFIX": f"bench-{os.getpid()}-{port}",
        **({} if page_cache else {"PAGE_CACHE_SECONDS": "0"}),
        # No recycling after max_requests during the run: a recycled worker would hide the
        # memory growth the table reports.
        "GUNICORN_CMD_ARGS": "--max-requests 0",
        **extra,
    }
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py"], cwd=REPO, env=env
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit("gunicorn did not start")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)
        django_shell(env, CLEAR_CACHE)


def worker_pids(master_pid):
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return [int(pid) for pid in children]


def cpu_seconds(pids):
    """The CPU time the processes have used, user and system."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        ticks += int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15
    return ticks / os.sysconf("SC_CLK_TCK")


def with_cpu(master, run):
    """`run()`'s result, with the workers' CPU time per request it made ("cpu_ms")."""
    workers = worker_pids(master)  # all forked by now, and none recycled (--max-requests 0)
    before = cpu_seconds(workers)
    result = run()
    result["cpu_ms"] = (cpu_seconds(workers) - before) * 1000 / max(result["requests"], 1)
    return result


def rss_mb(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


def get(base, path):
    """One GET; the status and the body."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read()


def wrk(base, path, seconds=SECONDS, paths=None):
    """wrk on `path`, or on a random one of `paths` per request (a script of wrk's)."""
    for checked in paths[:3] if paths else [path]:
        status, _ = get(base, checked)
        if status != 200:
            sys.exit(f"{checked} answered {status}; the benchmark needs 200s")
    get(base, path)  # warm the cache and the workers
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        if paths:
            listed = ",".join(f'"{p}"' for p in paths)
            script.write(
                f"local paths = {{{listed}}}\n"
                "request = function()\n"
                '  return wrk.format("GET", paths[math.random(#paths)])\n'
                "end\n"
            )
            script.flush()
            command += ["-s", script.name]
        result = subprocess.run(
            [*command, f"{base}{path}"], capture_output=True, text=True, check=True
        ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", result).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result)
    return {
        "rps": rps,
        "requests": int(re.search(r"(\d+) requests in", result).group(1)),
        "p50": workload.latency_ms(result, "50%"),
        "p99": workload.latency_ms(result, "99%"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def single_client_p95(base, path_template):
    # Let the requests left from the last wrk run drain, then warm each worker (its first
    # misspelling loads the titles and names for Did you mean): the figure is the steady state.
    time.sleep(2)
    for _ in range(3):
        for query in SEARCH_QUERIES:
            get(base, path_template.format(q=quote(query)))
    timings = []
    for _ in range(5):
        for query in SEARCH_QUERIES:
            started = time.perf_counter()
            status, _ = get(base, path_template.format(q=quote(query)))
            timings.append((time.perf_counter() - started) * 1000)
            if status != 200:
                sys.exit(f"{path_template} answered {status} for {query!r}")
    return statistics.quantiles(timings, n=20)[18]


def find_pages(env):
    """The pages to measure, found in the benchmark database (bench/pages.py)."""
    output = subprocess.run(
        [PYTHON, "-m", "bench.pages", str(WORKLOAD_SONGS)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output)


# What a gunicorn stored in the cache: its own keys on Redis, the benchmark database's cache table.
CLEAR_CACHE = """
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
if isinstance(cache, RedisCache):
    client = cache._cache.get_client()
    keys = list(client.scan_iter(match=settings.CACHES["default"]["KEY_PREFIX"] + ":*"))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])
else:
    cache.clear()
"""


def django_shell(env, code):
    """Run `code` with Django set up on the benchmark database."""
    subprocess.run(
        [PYTHON, "-c", f"import django\ndjango.setup()\n{code}"], cwd=REPO, env=env, check=True
    )


def page_phases(env, pages):
    """The pages one by one: page cache off, then on; search; the workers' memory."""
    rows = []
    with gunicorn(env, page_cache=False) as (base, master):
        floor = wrk(base, pages["floor"])
        rows.append(("floor (1 query, tiny template)", floor, floor))
        rows.append(("song page, uncached (50 comments)", wrk(base, pages["song"]), floor))
        rows.append(("song page, uncached (500 comments)", wrk(base, pages["song500"]), floor))
        rows.append(
            (
                "song page's data alone (50 comments: its queries, no template)",
                wrk(base, pages["song data"]),
                floor,
            )
        )
        rows.append(
            (
                f"song pages, uncached ({len(pages['many']):,} songs at random)",
                wrk(base, pages["many"][0], paths=pages["many"]),
                floor,
            )
        )
        rows.append(("artist page, uncached", wrk(base, pages["artist"]), floor))
        rows.append(
            ("API song detail, uncached (50 comments' song)", wrk(base, pages["api song"]), floor)
        )
        comments = f"{pages['api comment count']:,}"
        rows.append(
            (
                f"API comments list, uncached: first page of {comments}",
                wrk(base, pages["api comments"]),
                floor,
            )
        )
        rows.append(
            (
                f"API comments list, uncached: last page of {comments}",
                wrk(base, pages["api comments last"]),
                floor,
            )
        )
        rows.append(("home page, uncached", wrk(base, "/"), floor))
        rows.append(
            ("search 'guitar studio', uncached", wrk(base, "/search/?q=guitar+studio"), floor)
        )
        search_p95 = single_client_p95(base, "/search/?q={q}")
        naive_p95 = single_client_p95(base, "/bench/icontains/?q={q}")
    with gunicorn(env, page_cache=True) as (base, master):
        cached_floor = wrk(base, pages["floor"])
        rows.append(("floor, cache phase", cached_floor, cached_floor))
        rows.append(("song page, cached", wrk(base, pages["song"]), cached_floor))
        rows.append(("API song detail, cached", wrk(base, pages["api song"]), cached_floor))
        workers = worker_pids(master)
        wrk(base, pages["song"], seconds=SECONDS * 3)
        middle = {pid: rss_mb(pid) for pid in workers}
        wrk(base, pages["song500"], seconds=SECONDS * 3)
        end = {pid: rss_mb(pid) for pid in workers if Path(f"/proc/{pid}").exists()}
    return rows, search_p95, naive_p95, middle, end


def ensure_editor(env):
    """The editor whose changes the workload makes (created once per database)."""
    username, password = EDITOR
    django_shell(
        {**env, "CACHE_URL": "dummy://"},
        "from django.contrib.auth.models import User; "
        "from django.core.management import call_command; "
        f"User.objects.filter(username={username!r}).exists() or call_command("
        f"'create_editor', {username!r}, email='bench-editor@example.com', "
        f"password={password!r})",
    )


def remove_bench_comments(env):
    """What the comment writer posted, so that every run reads the catalogue as generated."""
    name, place = workload.COMMENT_AUTHOR
    # No cache: every gunicorn reads a cache of its own (bench/settings.py, KEY_PREFIX).
    django_shell(
        {**env, "CACHE_URL": "dummy://"},
        "from comments.models import Comment; "
        f"Comment.objects.filter(author_name={name!r}, author_place={place!r}).delete()",
    )


def warm(base, paths_file, songs):
    """Every song of the workload once, as a site that has served its pages before has them
    cached (a crawler's visit), then the workload in slices until the page cache's hit ratio
    stops growing; the slices' ratios."""
    log(f"Warming: each of the {len(songs):,} songs once...")
    started = time.monotonic()
    with ThreadPoolExecutor(CONNECTIONS) as readers:
        statuses = Counter(status for status, _ in readers.map(lambda path: get(base, path), songs))
    log(f"  in {time.monotonic() - started:.0f} s: {dict(statuses)}")
    ratios = []
    for region in range(workload.WARM_SLICES):
        run = workload.run_wrk(base, paths_file, region, workload.WARM_SLICE_SECONDS, CONNECTIONS)
        ratios.append(cached_share(run))
        log(f"Warming, slice {region + 1}: {run['rps']:.0f} req/s, {ratios[-1]:.1%} hits")
        if len(ratios) > 1 and ratios[-1] - ratios[-2] < workload.WARM_STEADY_GAIN:
            break
    return ratios


def cached_share(run):
    """The share of a run's responses that a cache answered, Varnish's or the page cache."""
    return (run["varnish_hits"] + run["hits"]) / max(run["responses"], 1)


@contextlib.contextmanager
def varnish_in_front(base, port):
    """Varnish with the site's VCL (deploy/varnish) on `port`, in front of the host `base`."""
    from deploy.cluster import Varnish, install_missing_packages

    install_missing_packages()
    host, host_port = base.removeprefix("http://").split(":")
    with tempfile.TemporaryDirectory(prefix="bench-varnish-") as directory:
        varnish = Varnish(directory, port, [(host, int(host_port))], admin_path=ADMIN_PATH)
        varnish.start()
        try:
            yield varnish.url
        finally:
            varnish.stop()


def reader_phases(base, master, paths_file, songs, pages, results, prefix=""):
    """Warming, the readers alone, then the readers with the writers, against `base`."""
    results[f"{prefix}warming"] = warm(base, paths_file, songs)
    results[f"{prefix}readers"] = with_cpu(
        master,
        lambda: workload.run_wrk(
            base, paths_file, workload.READERS_REGION, WORKLOAD_SECONDS, CONNECTIONS
        ),
    )
    editor = workload.FactEditor(base, pages["edited facts"], *EDITOR, admin_path=ADMIN_PATH)
    editor.log_in()
    poster = workload.CommentPoster(base, songs)
    with workload.writing(poster, editor):
        results[f"{prefix}writes"] = with_cpu(
            master,
            lambda: workload.run_wrk(
                base, paths_file, workload.WRITES_REGION, WORKLOAD_SECONDS, CONNECTIONS
            ),
        )
    results[f"{prefix}poster"] = poster.summary("comments posted (1 a second)")
    results[f"{prefix}editor"] = editor.summary("fact edits in the admin (1 every 10 s)")


def workload_phases(env, pages):
    """Readers by popularity on one gunicorn with the page cache on, warmed: the floor, the
    readers alone, then the readers with a comment a second and a fact edit every 10 s; then
    the same through Varnish in front of a gunicorn of its own."""
    songs = pages["workload"]
    if len(songs) < WORKLOAD_SONGS:
        log(f"Only {len(songs):,} published songs: the workload spreads over all of them.")
    remove_bench_comments(env)
    ensure_editor(env)
    paths_file = workload.write_paths(songs, WORKLOAD_SAMPLES)
    # The floor goes through the same wrk script as the readers, whose work per response
    # (reading the headers in Lua) takes a share of the same two cores.
    floor_file = workload.write_paths([pages["floor"]], 1)
    results = {}
    try:
        # Each comment comes from its own X-Forwarded-For address, which the site believes
        # from one proxy (songfacts/proxy.py): the rate limit would refuse most posts else.
        with gunicorn(env, page_cache=True, TRUSTED_PROXY_COUNT="1") as (base, master):
            status, _ = get(base, songs[0])
            if status != 200:
                sys.exit(f"{songs[0]} answered {status}; the benchmark needs 200s")
            results["floor"] = with_cpu(
                master,
                lambda: workload.run_wrk(base, floor_file, 0, WORKLOAD_SECONDS, CONNECTIONS),
            )
            reader_phases(base, master, paths_file, songs, pages, results)
        remove_bench_comments(env)
        # Varnish adds its own hop to X-Forwarded-For, and the site purges its keys there.
        varnish_port = free_port()
        host = gunicorn(
            env,
            page_cache=True,
            TRUSTED_PROXY_COUNT="2",
            VARNISH_PURGE_URLS=f"http://127.0.0.1:{varnish_port}/",
        )
        with host as (base, master), varnish_in_front(base, varnish_port) as front:
            reader_phases(front, master, paths_file, songs, pages, results, prefix="varnish ")
    finally:
        os.unlink(paths_file)
        os.unlink(floor_file)
        remove_bench_comments(env)
    return results


def main():
    if ONLY not in ("", "pages", "workload"):
        sys.exit(f"BENCH_ONLY={ONLY!r}: 'pages' or 'workload', or leave it out for both.")
    ensure_wrk()
    env = base_env()
    env["DATABASE_URL"] = bench_database_url()
    prepare_database(env)
    pages = find_pages(env)
    if ONLY in ("", "pages"):
        print_table(*page_phases(env, pages))
    if ONLY in ("", "workload"):
        print_workload_table(pages, workload_phases(env, pages))


def print_table(rows, search_p95, naive_p95, middle, end):
    print(
        f"\nSongfacts benchmark: {SONGS:,} songs, {FACTS:,} facts, {COMMENTS:,} comments; "
        f"wrk, {CONNECTIONS} connections, {SECONDS} s per page, {os.cpu_count()} cores\n"
    )
    print("| page | req/s | p50 ms | p99 ms | p99/p50 | vs floor | non-2xx |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, result, floor in rows:
        print(
            f"| {name} | {result['rps']:.0f} | {result['p50']:.1f} | {result['p99']:.1f} | "
            f"{result['p99'] / result['p50']:.2f} | {result['rps'] / floor['rps']:.0%} | "
            f"{result['errors']} |"
        )
    song50 = next(r for n, r, _ in rows if n.startswith("song page, uncached (50"))
    song500 = next(r for n, r, _ in rows if n.startswith("song page, uncached (500"))
    print(f"\n500 comments vs 50 comments, uncached: {song500['rps'] / song50['rps']:.0%}")
    print(
        f"search p95, single client: {search_p95:.1f} ms; icontains scan p95: "
        f"{naive_p95:.1f} ms; search is {naive_p95 / search_p95:.1f}x faster"
    )
    for pid, before in middle.items():
        after = end.get(pid)
        growth = f"{(after - before) / before:+.1%}" if after else "recycled"
        print(
            f"worker {pid}: {before:.0f} MB at half time, {after:.0f} MB at the end ({growth})"
            if after
            else f"worker {pid}: recycled"
        )


def print_workload_table(pages, results):
    warming = ", ".join(f"{ratio:.0%}" for ratio in results["warming"])
    through_varnish = ", ".join(f"{ratio:.0%}" for ratio in results["varnish warming"])
    backend = "Redis" if os.environ.get("CACHE_URL", "").startswith("redis") else "database"
    print(
        f"\nReaders' workload: song pages by popularity (Zipf, exponent "
        f"{workload.ZIPF_EXPONENT:g}) over {len(pages['workload']):,} of "
        f"{pages['published songs']:,} published songs; page cache on ({backend} cache), "
        f"warmed with each song once, then in slices of {workload.WARM_SLICE_SECONDS} s until "
        f"steady (hits: {warming}; through Varnish: {through_varnish}); "
        f"wrk, {CONNECTIONS} connections, {WORKLOAD_SECONDS} s per "
        f"phase, {os.cpu_count()} cores\n"
    )
    print(
        "| phase | req/s | p50 ms | p99 ms | Varnish hits | page-cache hits | vs floor "
        "| worker CPU ms/req | non-2xx |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    floor = results["floor"]
    rows = [
        ("floor (1 query, tiny template)", floor),
        ("readers, no writes", results["readers"]),
        ("readers + 1 comment/s + 1 fact edit/10 s", results["writes"]),
        ("through Varnish: readers, no writes", results["varnish readers"]),
        ("through Varnish: readers + writes", results["varnish writes"]),
    ]
    for name, result in rows:
        responses = max(result["responses"], 1)
        varnish = f"{result['varnish_hits'] / responses:.1%}" if "Varnish" in name else "-"
        hits = "never cached" if result is floor else f"{result['hits'] / responses:.1%}"
        print(
            f"| {name} | {result['rps']:.0f} | {result['p50']:.1f} | {result['p99']:.1f} | "
            f"{varnish} | {hits} | {result['rps'] / floor['rps']:.0%} | "
            f"{result['cpu_ms']:.2f} | {result['errors']} |"
        )
    print(f"\n{results['poster']}\n{results['editor']}")
    print(f"through Varnish: {results['varnish poster']}\n{results['varnish editor']}", flush=True)


if __name__ == "__main__":
    main()
