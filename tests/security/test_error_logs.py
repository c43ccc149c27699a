"""An unhandled exception is logged with its request id and path, and nothing secret."""

import io
import logging
import re

import pytest
from django.db import connection
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.urls")]


@pytest.fixture
def console_log():
    """What the configured console handler writes, filters and format included."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(f.__class__.__name__ == "RequestContextFilter" for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_an_unhandled_exception_is_logged_with_its_request_and_no_secret(console_log, settings):
    client = Client(raise_request_exception=False)

    response = client.get(
        "/fail/", {"to": "ann@example.com"}, headers={"x-request-id": "probe-request-0001"}
    )

    log = console_log.getvalue()
    assert response.status_code == 500
    assert response["X-Request-ID"] == "probe-request-0001"
    assert re.search(
        r"^\S+ \S+ ERROR \[probe-request-0001\] django\.request Internal Server Error: /fail/$",
        log,
        re.MULTILINE,
    ), log
    assert "RuntimeError: could not deliver to [e-mail]" in log
    assert "ann@example.com" not in log
    assert settings.SECRET_KEY not in log
    password = connection.settings_dict.get("PASSWORD")
    assert not password or password not in log
    page = response.content.decode()
    assert "Traceback" not in page and "RuntimeError" not in page
    assert "ann@example.com" not in page
