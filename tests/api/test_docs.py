"""The OpenAPI schema at its stable address, and the reference page for people, which loads
nothing but our own static files under the site's strict Content-Security-Policy."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_schema_is_openapi_3_1_with_every_operation(client):
    response = client.get("/api/v1/schema/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    schema = response.json()
    assert schema["openapi"] == "3.1.0"
    assert {method for item in schema["paths"].values() for method in item} == {"get"}
    for kind in ["songs", "artists", "albums", "people", "charts", "tags", "comments"]:
        assert f"/api/v1/{kind}/" in schema["paths"]
        assert f"/api/v1/{kind}/{{id}}/" in schema["paths"]
    for list_of_a_row in ["songs/{id}/comments", "artists/{id}/songs", "people/{id}/credits"]:
        assert f"/api/v1/{list_of_a_row}/" in schema["paths"]
    for list_of_a_row in ["tags/{id}/songs", "charts/{id}/entries"]:
        assert f"/api/v1/{list_of_a_row}/" in schema["paths"]
    song = schema["paths"]["/api/v1/songs/{id}/"]["get"]["responses"]
    assert set(song) == {"200", "304", "404", "429"}
    assert set(schema["paths"]["/api/v1/songs/"]["get"]["responses"]) == {
        "200",
        "304",
        "400",
        "404",
        "429",
    }


def test_the_reference_page_loads_only_our_own_static_files(client):
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle" in source for source in sources)
    assert any(source.startswith("/static/api/docs.") for source in sources)
    assert all(source.startswith("/static/") for source in sources), sources
    # No inline script: each <script> only names its file.
    assert re.findall(r"<script[^>]*>([^<]+)</script>", html) == []
    assert 'data-schema-url="/api/v1/schema/"' in html


def test_the_reference_page_keeps_the_strict_policy(client):
    policy = client.get("/api/v1/docs/")["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert "http" not in directives["script-src"] + directives["style-src"]


def test_the_site_footer_links_the_api(client, published_song):
    html = client.get(published_song.get_absolute_url()).content.decode()

    assert 'href="/api/v1/docs/"' in html
