"""Every response carries the site's Content-Security-Policy (songfacts.content_security)."""

import pytest
from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory

from songfacts.content_security import SitePolicyCSPMiddleware

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]


def test_pages_and_cached_pages_carry_the_policy_django_csp_builds(client, published_song):
    url = published_song.get_absolute_url()
    responses = [client.get(url), client.get(url), client.get("/no-such-page/")]

    assert responses[1]["X-Page-Cache"] == "hit"
    policy = build_policy()
    assert "script-src 'self'" in policy
    assert [response["Content-Security-Policy"] for response in responses] == [policy] * 3


def test_a_view_with_a_policy_of_its_own_gets_it_from_django_csp():
    @csp_update({"img-src": ["https://covers.example"]})
    def view(request):
        return HttpResponse("a cover")

    middleware = SitePolicyCSPMiddleware(view)
    request = RequestFactory().get("/")
    middleware.process_request(request)

    response = middleware.process_response(request, view(request))

    assert "https://covers.example" in response["Content-Security-Policy"]
    assert response["Content-Security-Policy"] != build_policy()


def test_a_page_that_asks_for_a_nonce_gets_it_in_its_policy(settings):
    policy = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**policy["DIRECTIVES"], "script-src": [SELF, NONCE]}
    }

    def view(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}"></script>')

    middleware = SitePolicyCSPMiddleware(view)
    request = RequestFactory().get("/")
    middleware.process_request(request)
    response = middleware.process_response(request, view(request))

    assert f"'nonce-{request._csp_nonce}'" in response["Content-Security-Policy"]
