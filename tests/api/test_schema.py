"""Schemathesis runs every operation of the API's OpenAPI schema against the app: no answer is
a server error, and every status, content type and body is one the schema declares."""

import pytest
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.openapi import from_dict
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.kinds import KINDS
from tests.api.conftest import add_content

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# The kind each path's {id} names, by its first segment.
KIND_OF_SEGMENT = {
    "songs": "songs",
    "artists": "artists",
    "albums": "albums",
    "people": "people",
    "charts": "charts",
    "tags": "tags",
    "comments": "comments",
}

# The schema as /api/v1/schema/ serves it (tests/api/test_docs.py compares the two).
schema = from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = get_wsgi_application()


@pytest.fixture(scope="module")
def public_ids(django_db_setup, django_db_blocker):
    """The seed content and a song with one of everything, for the module's tests, rolled
    back at its end; the ids of each kind's public rows."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_seed", verbosity=0)
        from catalogue.models import Song

        add_content(Song.objects.published().order_by("pk").first(), 2)
        yield {
            name: list(kind.queryset().values_list("pk", flat=True)) for name, kind in KINDS.items()
        }
        transaction.set_rollback(True)


@pytest.fixture
def connection_kept_between_requests():
    """As Django's test client does: the app's handler would close the database connection
    after each request, and with it the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_its_schema_says(
    case, public_ids, db, connection_kept_between_requests
):
    # Half the generated ids are made those of public rows, so that 200s are checked as well
    # as the 404s that almost any number gives.
    ids = public_ids.get(KIND_OF_SEGMENT.get(case.path.split("/")[3]))
    generated = (case.path_parameters or {}).get("id")
    if isinstance(generated, int) and generated % 2 == 0 and ids:
        case.path_parameters["id"] = ids[generated // 2 % len(ids)]

    # As through the TLS-terminating proxy: the app's handler, built once, redirects plain
    # HTTP to HTTPS.
    case.call_and_validate(checks=CHECKS, headers={"X-Forwarded-Proto": "https"})
