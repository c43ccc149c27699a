"""Production settings and logs that keep readers safe."""

import logging
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_production_settings_pass_the_deploy_checks():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS")
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-key-for-the-deploy-check-0123456789",
        ALLOWED_HOSTS="songfacts.example",
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_every_response_carries_a_request_id(client, db):
    response = client.get("/healthz")
    kept = client.get("/healthz", headers={"x-request-id": "proxy-abc-12345"})
    refused = client.get("/healthz", headers={"x-request-id": "<script>"})

    assert len(response["X-Request-ID"]) == 32
    assert kept["X-Request-ID"] == "proxy-abc-12345"
    assert refused["X-Request-ID"] != "<script>"


def test_it_logs_one_line_per_request_with_its_id(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="songfacts.requests"):
        response = client.get("/healthz", headers={"x-request-id": "proxy-abc-12345"})

    lines = [r for r in caplog.records if r.name == "songfacts.requests"]
    assert len(lines) == 1
    assert lines[0].getMessage() == f"GET /healthz 200 {lines[0].args[3]:.1f}ms"
    assert lines[0].request_id == response["X-Request-ID"] == "proxy-abc-12345"


def test_logs_never_hold_email_addresses(caplog):
    from songfacts.request_logging import RequestContextFilter

    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "reply mail to %s failed", ("ann@example.com",), None
    )
    RequestContextFilter().filter(record)

    assert record.getMessage() == "reply mail to [e-mail] failed"


def test_it_takes_the_readers_address_from_our_own_proxy_only(rf, settings):
    from songfacts.proxy import ForwardedForMiddleware

    seen = []
    middleware = ForwardedForMiddleware(lambda request: seen.append(request.META["REMOTE_ADDR"]))
    spoofed = "203.0.113.9, 198.51.100.7"

    settings.TRUSTED_PROXY_COUNT = 0
    middleware(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=spoofed))
    settings.TRUSTED_PROXY_COUNT = 1
    middleware(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=spoofed))
    settings.TRUSTED_PROXY_COUNT = 2
    middleware(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7"))

    assert seen == ["127.0.0.1", "198.51.100.7", "127.0.0.1"]
