"""What the API says of each kind, how its lists page, and how it answers what it does not
take."""

import base64

import pytest
from django.conf import settings
from taggit.models import Tag

from catalogue.models import (
    Appearance,
    Chart,
    ChartEntry,
    Credit,
    Fact,
    Isrc,
    Person,
    Role,
    Source,
    Status,
    Version,
)
from comments.models import Comment
from tests.api.conftest import add_content, get_json, make_album, make_artist, make_song

pytestmark = pytest.mark.django_db


@pytest.fixture
def song(db):
    artist = make_artist(name="David Bowie", slug="david-bowie")
    album = make_album(artist, title="Heroes", slug="heroes")
    song = make_song(title="Heroes", slug="heroes", artist=artist, album=album, release_year=1977)
    fact = Fact.objects.create(
        song=song,
        position=1,
        body="Written at the *Wall*, with <em>Eno</em> & Visconti.\n\nSecond paragraph.",
        standing=Fact.Standing.VERIFIED,
        status=Status.PUBLISHED,
        suggested_by_name="Ada",
        suggested_by_place="Leeds",
    )
    Source.objects.create(fact=fact, kind=Source.Kind.INTERVIEW, citation="Uncut, 2001")
    role = Role.objects.create(name="Producer", slug="producer", group=Role.Group.PRODUCTION)
    person = Person.objects.create(name="Tony Visconti", sort_name="Visconti", slug="visconti")
    Credit.objects.create(song=song, person=person, role=role, note="and bass")
    chart = Chart.objects.create(name="UK Singles", slug="uk", country="UK")
    ChartEntry.objects.create(song=song, chart=chart, peak_position=24, entry_year=1977)
    cover = make_song(title="Heroes", slug="heroes-cover", release_year=1994)
    Version.objects.create(original=song, version=cover, kind=Version.Kind.COVER)
    Appearance.objects.create(song=song, medium="film", title="Christiane F", year=1981)
    song.tags.add("Berlin", "Cold War")
    Isrc.objects.create(song=song, code="GB-AJE-77-00027")
    return song


def test_a_song_says_everything_its_page_shows(client, song):
    response, body = get_json(client, f"/api/v1/songs/{song.pk}/")

    assert response.status_code == 200
    assert body["id"] == song.pk
    assert body["url"] == f"{settings.SITE_URL}/api/v1/songs/{song.pk}/"
    assert body["html_url"] == f"{settings.SITE_URL}/songs/david-bowie/heroes/"
    assert body["artist"]["name"] == "David Bowie"
    assert body["album"]["title"] == "Heroes"
    [fact] = body["facts"]
    assert fact["standing"] == "verified"
    assert "<em>Eno</em>" in fact["body_html"]
    assert fact["text"].startswith("Written at the")
    assert "<" not in fact["text"]
    assert fact["sources"] == [{"kind": "interview", "citation": "Uncut, 2001", "url": ""}]
    assert fact["suggested_by"] == {"name": "Ada", "place": "Leeds"}
    [credit] = body["credits"]
    assert credit["person"]["name"] == "Tony Visconti"
    assert credit["role"] == {"name": "Producer", "slug": "producer", "group": "production"}
    assert credit["note"] == "and bass"
    assert body["chart_entries"][0]["peak_position"] == 24
    assert body["chart_entries"][0]["chart"]["name"] == "UK Singles"
    assert body["versions"][0]["kind"] == "cover"
    assert body["versions"][0]["song"]["release_year"] == 1994
    assert body["appearances"][0]["title"] == "Christiane F"
    assert body["appearances"][0]["song"]["id"] == song.pk
    assert [tag["name"] for tag in body["tags"]] == ["Berlin", "Cold War"]
    assert body["isrcs"] == ["GBAJE7700027"]
    assert body["comments_url"].endswith(f"/api/v1/songs/{song.pk}/comments/")


def test_a_version_names_its_original_and_a_fact_without_credit_has_none(client, song):
    cover = song.versions.get().version
    Fact.objects.create(song=cover, body="A cover.", status=Status.PUBLISHED)

    _, body = get_json(client, f"/api/v1/songs/{cover.pk}/")

    assert body["originals"][0]["song"]["id"] == song.pk
    assert body["originals"][0]["kind"] == "cover"
    assert body["facts"][0]["suggested_by"] is None


def test_a_song_lists_the_placements_of_its_covers_as_its_page_does(client, song):
    cover = song.versions.get().version
    Appearance.objects.create(song=cover, medium="tv", title="Stranger Things", year=2016)
    sampler = make_song(title="Sampler")
    Version.objects.create(original=song, version=sampler, kind=Version.Kind.SAMPLE)
    Appearance.objects.create(song=sampler, medium="advert", title="A car", year=2001)

    _, body = get_json(client, f"/api/v1/songs/{song.pk}/")

    assert [(row["title"], row["song"]["id"]) for row in body["appearances"]] == [
        ("Christiane F", song.pk),
        ("Stranger Things", cover.pk),
    ]


def test_a_drafts_versions_and_facts_are_left_out(client, song):
    draft = make_song(title="Heroes (demo)", slug="demo", status=Status.DRAFT)
    Version.objects.create(original=song, version=draft, kind=Version.Kind.EDIT)
    Fact.objects.create(song=song, position=2, body="Not yet.", status=Status.DRAFT)

    _, body = get_json(client, f"/api/v1/songs/{song.pk}/")

    assert [version["song"]["title"] for version in body["versions"]] == ["Heroes"]
    assert len(body["facts"]) == 1


def test_artists_albums_people_charts_and_tags_link_their_lists(client, song):
    artist_id, album_id = song.artist_id, song.album_id
    person = Person.objects.get()
    chart = Chart.objects.get()
    tag = Tag.objects.get(name="Berlin")

    _, artist = get_json(client, f"/api/v1/artists/{artist_id}/")
    _, album = get_json(client, f"/api/v1/albums/{album_id}/")
    _, someone = get_json(client, f"/api/v1/people/{person.pk}/")
    _, chart_body = get_json(client, f"/api/v1/charts/{chart.pk}/")
    _, tag_body = get_json(client, f"/api/v1/tags/{tag.pk}/")

    assert artist["albums"][0]["id"] == album_id
    assert [track["id"] for track in album["tracks"]] == [song.pk]
    assert album["artist"]["name"] == "David Bowie"
    assert tag_body["html_url"] == f"{settings.SITE_URL}/tags/{tag.slug}/"
    _, songs = get_json(client, artist["songs_url"].removeprefix(settings.SITE_URL))
    _, credits = get_json(client, someone["credits_url"].removeprefix(settings.SITE_URL))
    _, entries = get_json(client, chart_body["entries_url"].removeprefix(settings.SITE_URL))
    _, tagged = get_json(client, tag_body["songs_url"].removeprefix(settings.SITE_URL))
    assert [row["id"] for row in songs["results"]] == [song.pk]
    assert credits["results"][0]["song"]["id"] == song.pk
    assert credits["results"][0]["role"]["name"] == "Producer"
    assert entries["results"][0]["song"]["id"] == song.pk
    assert [row["id"] for row in tagged["results"]] == [song.pk]


def test_a_songs_comments_name_the_parent_of_a_reply(client, song):
    comment = Comment.objects.create(
        song=song, author_name="Kim", author_place="Oslo", body="Loud!"
    )
    reply = Comment.objects.create(song=song, parent=comment, author_name="Lee", body="Yes.")

    _, body = get_json(client, f"/api/v1/songs/{song.pk}/comments/")
    _, detail = get_json(client, f"/api/v1/comments/{reply.pk}/")

    assert [(row["id"], row["parent"]) for row in body["results"]] == [
        (comment.pk, None),
        (reply.pk, comment.pk),
    ]
    assert body["results"][0]["author"] == {"name": "Kim", "place": "Oslo"}
    assert body["results"][0]["body_html"] == "<p>Loud!</p>"
    assert detail["song"]["id"] == song.pk
    assert detail["html_url"] == f"{settings.SITE_URL}/comments/{reply.pk}/"


def _walk(client, path):
    """Every row of a list, following `next` links (at most 50 pages)."""
    ids = []
    for _ in range(50):
        _, body = get_json(client, path)
        ids += [row["id"] for row in body["results"]]
        if body["next"] is None:
            return ids
        path = body["next"].removeprefix(settings.SITE_URL)
    raise AssertionError("more pages than expected")


def test_lists_page_by_id_and_say_where_the_next_page_starts(client):
    songs = [make_song() for _ in range(7)]

    _, first = get_json(client, "/api/v1/songs/?page_size=3")

    assert [row["id"] for row in first["results"]] == [song.pk for song in songs[:3]]
    assert first["previous"] is None
    assert first["next"].startswith(f"{settings.SITE_URL}/api/v1/songs/?cursor=")
    assert _walk(client, "/api/v1/songs/?page_size=3") == [song.pk for song in songs]


def test_rows_added_while_a_reader_pages_neither_repeat_nor_skip_a_row(client):
    songs = [make_song() for _ in range(4)]
    _, first = get_json(client, "/api/v1/songs/?page_size=2")
    added = make_song()

    rest = _walk(client, first["next"].removeprefix(settings.SITE_URL))

    assert [row["id"] for row in first["results"]] + rest == [
        *(song.pk for song in songs),
        added.pk,
    ]


@pytest.mark.parametrize("page_size", ["0", "101", "-1", "x", "1.5", "", "１"])
def test_a_bad_page_size_is_a_400_that_says_why(client, page_size):
    response, body = get_json(client, f"/api/v1/songs/?page_size={page_size}")

    assert response.status_code == 400
    assert "page_size" in body["detail"]


@pytest.mark.parametrize(
    "cursor",
    [
        "zz",
        "%00",
        base64.b64encode(b"p=abc").decode(),
        base64.b64encode(b"p=" + b"9" * 40).decode(),
        base64.b64encode(b"o=-1").decode(),
        base64.b64encode("p=١٢".encode()).decode(),
    ],
)
def test_a_cursor_that_is_not_ours_is_a_json_404(client, cursor):
    make_song()

    response, body = get_json(client, f"/api/v1/comments/?cursor={cursor}")

    assert response.status_code == 404
    assert body["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/songs/0/",
        "/api/v1/songs/999999999999999999/",
        "/api/v1/songs/9999999999999999999999/",
        "/api/v1/songs/-1/",
        "/api/v1/songs/abc/comments/",
        "/api/v1/nothing-here/",
        "/api/v1/comments/%0A%C3%B9/",
    ],
)
def test_an_address_with_nothing_behind_it_is_a_json_404(client, path):
    response, body = get_json(client, path)

    assert response.status_code == 404
    assert body["detail"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_only_reads(client, song, method):
    response = getattr(client, method)(f"/api/v1/songs/{song.pk}/", content_type="text/plain")

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_it_answers_json_whatever_the_client_accepts(client, song):
    response = client.get(f"/api/v1/songs/{song.pk}/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_any_site_may_read_it_from_a_script_without_credentials(client, song):
    response = client.get(f"/api/v1/songs/{song.pk}/", HTTP_ORIGIN="https://apps.example")
    preflight = client.options(
        "/api/v1/songs/",
        HTTP_ORIGIN="https://apps.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "X-RateLimit-Remaining" in response["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in preflight["Access-Control-Allow-Methods"]


def test_pages_outside_the_api_get_no_cors_headers(client, song):
    response = client.get(song.get_absolute_url(), HTTP_ORIGIN="https://apps.example")

    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_every_kind_lists_its_public_rows(client):
    artist = make_artist()
    song = make_song(artist=artist, album=make_album(artist))
    add_content(song)

    for kind in ["songs", "artists", "albums", "people", "charts", "tags", "comments"]:
        response, body = get_json(client, f"/api/v1/{kind}/")
        assert response.status_code == 200, kind
        assert body["results"], kind
