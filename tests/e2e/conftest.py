"""End-to-end fixtures: the site under gunicorn on a database of its own, and Debian's chromium.

The site runs exactly as in production (gunicorn, DEBUG off, WhiteNoise) on a fresh database
with the seed content, so browser tests see what readers see and change nothing that the
rest of the suite relies on.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
E2E_DATABASE = "songfacts_e2e"
EDITOR = ("e2e-editor", "a-long-e2e-editor-password")


def require(condition, message):
    """Skip loudly when a tool is missing; under CI a skip would hide a gap, so fail."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true: browser tests may not be skipped)")
    print(f"\n*** SKIPPING BROWSER TESTS: {message} ***", file=sys.stderr)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require(Path(CHROMIUM).exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        # This machine has no network but loopback: keep chromium from calling out.
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def axe_source():
    require(AXE.exists(), "axe-core is missing (npm install)")
    return AXE.read_text()


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_url(database):
    """A URL for `database` on the server the test run uses."""
    params = connection.get_connection_params()
    host = params.get("host") or "localhost"
    if host.startswith("/"):
        return f"postgresql://{params['user']}@/{database}?host={host}"
    password = f":{params['password']}" if params.get("password") else ""
    return f"postgresql://{params['user']}{password}@{host}:{params.get('port') or 5432}/{database}"


@pytest.fixture(scope="session")
def site(django_db_blocker):
    """The site under gunicorn, with the seed content and an editor; yields its base URL."""
    with django_db_blocker.unblock():
        admin_url = _server_url("postgres")
        database_url = _server_url(E2E_DATABASE)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{E2E_DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{E2E_DATABASE}"')
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "end-to-end-tests-only-secret-key",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        # Browsers keep secure cookies on http://127.0.0.1 only when told it is secure;
        # the tests speak plain HTTP to gunicorn, as the proxy would.
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
    }

    def manage(*args):
        subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env, check=True)

    manage("migrate", "--noinput", "--verbosity", "0")
    manage("load_seed", "--if-empty")
    manage("create_editor", EDITOR[0], "--email", "editor@example.com", "--password", EDITOR[1])
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"], cwd=REPO, env=env
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("gunicorn did not start for the browser tests")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{E2E_DATABASE}" WITH (FORCE)')


@pytest.fixture
def screenshot():
    """Save a screenshot under test-artifacts/ (kept by CI as the run's artifacts)."""

    def take(page, name):
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def java():
    require(shutil.which("java") is not None, "java is missing (apt-get install default-jre)")
