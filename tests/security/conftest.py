"""Fixtures for the security tests: fast logins, and the site under gunicorn on a
PostgreSQL of its own that the load tests may stop and start."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from songfacts import embedded_postgres

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Logins here hash many passwords; the real hasher's cost is not what is tested."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class OwnPostgres:
    """A PostgreSQL server of the tests' own, in a temporary folder, to stop and start at will.

    Never the server the test run uses. Each start runs in a new process: pgserver keeps one
    handle per data folder per process, which a stop leaves stale.
    """

    # Trust authentication ignores it; it is there to prove that no log line shows it.
    PASSWORD = "a-database-password-never-logged"

    def __init__(self, data_dir):
        self.data_dir = data_dir
        self.url = None

    def start(self):
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from pathlib import Path;"
                "from songfacts.embedded_postgres import ensure_running;"
                "print(ensure_running(Path(sys.argv[1])))",
                str(self.data_dir),
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        url = result.stdout.strip().splitlines()[-1]
        self.url = url.replace("postgres:@", f"postgres:{self.PASSWORD}@", 1)

    def stop(self):
        return embedded_postgres.stop(self.data_dir)


@pytest.fixture(scope="module")
def own_postgres():
    folder = Path(tempfile.mkdtemp(prefix="songfacts-security-", dir="/tmp"))
    # As root, pgserver runs PostgreSQL as its own user, who must be able to get in.
    folder.chmod(0o755)
    server = OwnPostgres(folder / "pgdata")
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Site:
    base: str
    song_path: str
    song_pk: int
    log: Path
    secret_key: str


@pytest.fixture(scope="module")
def site_on_own_postgres(own_postgres, tmp_path_factory):
    """The site under gunicorn (four workers) on `own_postgres`, with one published song.

    Plain HTTP as behind the TLS proxy; X-Forwarded-For is trusted from one proxy, so each
    test client can stand for a reader of its own and the per-address rate limit holds.
    """
    port = _free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "stderr.log"
    secret_key = "a-production-like-secret-key-that-must-never-be-logged"
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "TRUSTED_PROXY_COUNT": "1",
        "DATABASE_URL": own_postgres.url,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "4",
        "GUNICORN_ACCESS_LOG": "/dev/null",
    }
    env.pop("TEST_DATABASE_NAME", None)

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        ).stdout

    manage("migrate", "--noinput", "--verbosity", "0")
    song_pk, song_path = (
        manage(
            "shell",
            "-c",
            "from tests.conftest import make_artist, make_song;"
            "song = make_song(artist=make_artist(name='David Bowie', slug='david-bowie'),"
            " title='Heroes', slug='heroes');"
            "print(song.pk, song.get_absolute_url())",
        )
        .splitlines()[-1]
        .split()
    )
    with log.open("w") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(f"gunicorn exited: {log.read_text()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if time.monotonic() > deadline:
                pytest.fail("gunicorn did not start within 60 s")
            time.sleep(0.2)
        yield Site(f"http://127.0.0.1:{port}", song_path, int(song_pk), log, secret_key)
    finally:
        server.terminate()
        server.wait(timeout=30)
