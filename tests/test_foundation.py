"""The foundation: settings from the environment, health check, error pages."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from songfacts.views import server_error

REPO = Path(__file__).resolve().parent.parent


def run_python(code, **env):
    """Run Python in a fresh interpreter with the settings module and the given environment."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "CACHE_URL")
    }
    environment["DJANGO_SETTINGS_MODULE"] = "songfacts.settings"
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


SETUP = "import django; django.setup(); from django.conf import settings; "


def test_it_answers_healthz_when_the_database_is_up(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_it_shows_its_own_404_page(client, db):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert b"We can't find that page" in response.content
    assert b"Traceback" not in response.content


def test_it_shows_its_own_500_page_without_a_traceback():
    request = RequestFactory().get("/")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        response = server_error(request)

    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"boom" not in response.content


def test_it_answers_503_when_the_database_is_unreachable():
    request = RequestFactory().get("/songs/")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(request)

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert b"back in a moment" in response.content
    assert b"connection refused" not in response.content


def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = run_python(SETUP, DEBUG="0", DATABASE_URL="postgres://nobody@127.0.0.1:1/none")

    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: SECRET_KEY must")


def test_it_refuses_the_development_key_in_production():
    result = run_python(
        SETUP,
        DEBUG="0",
        SECRET_KEY="django-insecure-development-only",
        DATABASE_URL="postgres://nobody@127.0.0.1:1/none",
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_refuses_a_malformed_boolean():
    result = run_python(SETUP, DEBUG="maybe", DATABASE_URL="postgres://nobody@127.0.0.1:1/none")

    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_it_uses_the_given_database_url_and_starts_nothing():
    code = SETUP + (
        "import sys; db = settings.DATABASES['default']; "
        "print(db['HOST'], db['PORT'], db['NAME'], 'pgserver' in sys.modules)"
    )
    result = run_python(
        code, DEBUG="1", DATABASE_URL="postgres://songs@db.example.invalid:6543/catalogue"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["db.example.invalid", "6543", "catalogue", "False"]


def test_it_prepares_statements_unless_told_not_to():
    code = SETUP + "print(settings.DATABASES['default']['OPTIONS']['prepare_threshold'])"

    default = run_python(code, DEBUG="1", DATABASE_URL="postgres://x@h/d")
    off = run_python(
        code, DEBUG="1", DATABASE_URL="postgres://x@h/d", DATABASE_PREPARE_THRESHOLD="0"
    )

    assert default.stdout.strip() == "5"
    assert off.stdout.strip() == "None"


def test_it_reads_the_cache_url():
    code = SETUP + "print(settings.CACHES['default']['BACKEND'])"

    redis = run_python(code, DEBUG="1", DATABASE_URL="postgres://x@h/d", CACHE_URL="redis://h:1/0")
    shared = run_python(code, DEBUG="1", DATABASE_URL="postgres://x@h/d")
    wrong = run_python(code, DEBUG="1", DATABASE_URL="postgres://x@h/d", CACHE_URL="memcache://h")

    assert redis.stdout.strip() == "django.core.cache.backends.redis.RedisCache"
    assert shared.stdout.strip() == "django.core.cache.backends.db.DatabaseCache"
    assert wrong.returncode != 0
    assert "CACHE_URL must start with" in wrong.stderr


def test_it_serves_robots_txt_with_the_sitemap(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert b"Sitemap: http://testserver/sitemap.xml" in response.content
    assert b"Disallow: /search/" in response.content


@pytest.mark.slow
def test_a_given_server_answers_like_the_embedded_one(db):
    """The PostgreSQL on 127.0.0.1:5432 stands in for a server the project is given."""
    url = os.environ.get("EXTERNAL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    code = SETUP + (
        "from django.db import connection; "
        "print(connection.cursor().execute('select current_setting(%s)', ['server_version_num'])"
        ".fetchone()[0])"
    )
    result = run_python(code, DEBUG="1", DATABASE_URL=url)

    if "Connection refused" in result.stderr and os.environ.get("CI") != "true":
        pytest.skip(f"no PostgreSQL at {url} on this machine")
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 140000
