"""The admin at a configurable address, and password guessing there locked out."""

import datetime
import importlib

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ImproperlyConfigured
from django.urls import clear_url_caches, reverse

import songfacts.urls
from songfacts.page_cache import _is_cacheable_request
from songfacts.settings import _admin_path

PASSWORD = "a-long-test-password"


@pytest.fixture
def move_admin(settings):
    """Serve the admin at another path for one test (the URLconf reads it when loaded)."""
    original = settings.ADMIN_PATH

    def move(path):
        settings.ADMIN_PATH = path
        importlib.reload(songfacts.urls)
        clear_url_caches()

    yield move
    move(original)


def log_in(client, username, password, address="198.51.100.1"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def is_logged_in(client):
    return "_auth_user_id" in client.session


def test_it_serves_the_admin_at_the_configured_path(client, db, move_admin):
    move_admin("backstage-7f3a/")

    moved = client.get("/backstage-7f3a/")
    old = client.get("/admin/")
    robots = client.get("/robots.txt").content.decode()

    assert moved.status_code == 302
    assert moved["Location"].startswith("/backstage-7f3a/login/")
    assert old.status_code == 404
    # A configurable admin path is only worth having while nothing public names it.
    assert "backstage" not in robots
    assert "/admin/" not in robots


def test_the_page_cache_skips_the_admin_wherever_it_is(rf, move_admin):
    move_admin("backstage-7f3a/")

    assert not _is_cacheable_request(rf.get("/backstage-7f3a/login/"))
    assert _is_cacheable_request(rf.get("/admin/login/"))


@pytest.mark.parametrize("value", ["", "/", "a b/", "admin?x/", "a//b/", "100%/"])
def test_it_refuses_an_admin_path_that_is_not_a_plain_path(value):
    with pytest.raises(ImproperlyConfigured, match="ADMIN_PATH"):
        _admin_path(value)


@pytest.mark.parametrize(("value", "path"), [("admin", "admin/"), ("/staff/desk/", "staff/desk/")])
def test_it_normalises_the_admin_path(value, path):
    assert _admin_path(value) == path


def test_it_lets_an_editor_in_with_the_right_password(client, editor):
    response = log_in(client, "editor", PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_it_locks_out_a_username_and_address_at_the_fifth_failure(client, editor):
    answers = [log_in(client, "editor", f"wrong-{n}").status_code for n in range(5)]
    locked = log_in(client, "editor", PASSWORD)

    assert answers == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed sign-ins" in page
    assert "15 minutes" in page
    assert not is_logged_in(client)


def test_the_lockout_holds_one_username_from_one_address_only(client, editor, moderator):
    for n in range(5):
        log_in(client, "editor", f"wrong-{n}")

    other_user = log_in(client, "moderator", PASSWORD)
    client.logout()
    other_address = log_in(client, "editor", PASSWORD, address="203.0.113.50")

    assert other_user.status_code == 302
    assert other_address.status_code == 302
    assert is_logged_in(client)


def test_the_lockout_ends_after_the_cool_off(client, editor):
    for n in range(5):
        log_in(client, "editor", f"wrong-{n}")
    assert log_in(client, "editor", PASSWORD).status_code == 429

    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    )

    assert log_in(client, "editor", PASSWORD).status_code == 302
    assert is_logged_in(client)


def test_a_success_clears_the_failures(client, editor):
    for n in range(4):
        log_in(client, "editor", f"wrong-{n}")
    log_in(client, "editor", PASSWORD)
    client.logout()
    for n in range(4):
        log_in(client, "editor", f"again-wrong-{n}")

    assert log_in(client, "editor", PASSWORD).status_code == 302
