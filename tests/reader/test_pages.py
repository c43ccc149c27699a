"""Artist, album, person, tag and chart pages, and browsing (the home page has its own file)."""

import json
import re

import pytest

from catalogue.models import Artist, Chart, ChartEntry, Credit, Person, Role, Status
from catalogue.views import SONGS_PER_PAGE
from tests.conftest import make_artist, make_song
from tests.reader.conftest import make_album

pytestmark = pytest.mark.django_db


def json_ld(html):
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S)
    return json.loads(block)


def make_songs(n, **fields):
    return [make_song(**fields) for _ in range(n)]


# ---- Artist ----


def test_the_artist_page_lists_published_songs_and_albums(client):
    artist = make_artist(name="David Bowie", slug="david-bowie", kind=Artist.Kind.PERSON)
    album = make_album(artist, title="Low")
    make_song(title="Sound and Vision", artist=artist, album=album)
    make_song(title="Unreleased", artist=artist, status=Status.DRAFT)

    response = client.get("/artists/david-bowie/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Sound and Vision" in html
    assert "Unreleased" not in html
    assert f'href="{album.get_absolute_url()}">Low</a>' in html
    data = json_ld(html)
    assert data["@type"] == "Person"
    assert data["album"][0]["@type"] == "MusicAlbum"


def test_a_band_is_a_music_group(client):
    band = make_artist(name="Blondie", slug="blondie", kind=Artist.Kind.GROUP)

    assert json_ld(client.get(band.get_absolute_url()).content.decode())["@type"] == "MusicGroup"


def test_a_renamed_artist_redirects_permanently(client):
    artist = make_artist(slug="bowie")
    artist.slug = "david-bowie"
    artist.save()

    response = client.get("/artists/bowie/")

    assert response.status_code == 301
    assert response["Location"] == "/artists/david-bowie/"


def test_a_slug_that_a_renamed_artist_left_belongs_to_whoever_holds_it_now(client):
    renamed = make_artist(name="Prince", slug="prince")
    renamed.slug = "the-artist"
    renamed.save()
    make_artist(name="Prince Buster", slug="prince")

    response = client.get("/artists/prince/")

    assert response.status_code == 200
    assert "Prince Buster" in response.content.decode()


def test_an_unknown_artist_is_a_404(client):
    assert client.get("/artists/nobody/").status_code == 404


def test_the_artist_page_costs_the_same_queries_with_50_songs(client, django_assert_num_queries):
    artist = make_artist()
    make_song(artist=artist, album=make_album(artist))

    # Expect 4 queries: the artist, its albums, the song count, a page of songs with albums.
    with django_assert_num_queries(4):
        client.get(artist.get_absolute_url())
    for _ in range(50):
        make_song(artist=artist, album=make_album(artist))
    with django_assert_num_queries(4):
        response = client.get(artist.get_absolute_url())
    assert response.content.decode().count("/albums/") >= 51


# ---- Album ----


def test_the_album_page_lists_its_tracks_in_order(client):
    artist = make_artist(slug="david-bowie")
    album = make_album(artist, title="Heroes", slug="heroes")
    make_song(title="Sons of the Silent Age", artist=artist, album=album, track_number=4)
    make_song(title="Beauty and the Beast", artist=artist, album=album, track_number=1)

    response = client.get("/artists/david-bowie/albums/heroes/")

    html = response.content.decode()
    assert html.index("Beauty and the Beast") < html.index("Sons of the Silent Age")
    data = json_ld(html)
    assert data["@type"] == "MusicAlbum"
    assert [track["name"] for track in data["track"]] == [
        "Beauty and the Beast",
        "Sons of the Silent Age",
    ]


def test_an_album_under_a_former_artist_slug_redirects(client):
    artist = make_artist(slug="bowie")
    album = make_album(artist, slug="low")
    artist.slug = "david-bowie"
    artist.save()

    response = client.get("/artists/bowie/albums/low/")

    assert response.status_code == 301
    assert response["Location"] == album.get_absolute_url() == "/artists/david-bowie/albums/low/"


def test_the_album_page_costs_the_same_queries_with_50_tracks(client, django_assert_num_queries):
    artist = make_artist()
    album = make_album(artist)
    make_song(artist=artist, album=album, track_number=1)

    # Expect 3 queries: the artist, the album, its tracks.
    with django_assert_num_queries(3):
        client.get(album.get_absolute_url())
    for n in range(2, 52):
        make_song(artist=artist, album=album, track_number=n)
    with django_assert_num_queries(3):
        client.get(album.get_absolute_url())


# ---- Person ----


def test_the_person_page_lists_credits_by_role(client):
    eno = Person.objects.create(name="Brian Eno", sort_name="Eno, Brian", slug="brian-eno")
    writer = Role.objects.create(name="Songwriter", slug="songwriter", position=1)
    producer = Role.objects.create(name="Producer", slug="producer", position=2)
    heroes = make_song(title="Heroes")
    hidden = make_song(title="Secret", status=Status.DRAFT)
    Credit.objects.create(song=heroes, person=eno, role=producer)
    Credit.objects.create(song=heroes, person=eno, role=writer)
    Credit.objects.create(song=hidden, person=eno, role=producer)

    html = client.get("/people/brian-eno/").content.decode()

    assert html.index('<h2 id="role-songwriter">') < html.index('<h2 id="role-producer">')
    assert html.count("Heroes</a>") == 2
    assert "Secret" not in html


def test_the_person_page_costs_the_same_queries_with_50_credits(client, django_assert_num_queries):
    person = Person.objects.create(name="P", sort_name="P", slug="p")
    role = Role.objects.create(name="Producer", slug="producer")
    Credit.objects.create(song=make_song(), person=person, role=role)

    # Expect 3 queries: the person, the credit count, a page of credits with song, artist, role.
    with django_assert_num_queries(3):
        client.get(person.get_absolute_url())
    for n in range(50):
        other_role = Role.objects.create(name=f"Role {n}", slug=f"role-{n}")
        Credit.objects.create(song=make_song(), person=person, role=other_role)
    with django_assert_num_queries(3):
        client.get(person.get_absolute_url())


# ---- Tag and chart ----


def test_the_tag_page_lists_published_songs_with_the_tag(client):
    song = make_song(title="Heroes")
    song.tags.add("Songs about Berlin")
    draft = make_song(title="Helden", status=Status.DRAFT)
    draft.tags.add("Songs about Berlin")
    make_song(title="Warszawa").tags.add("Poland")
    make_song(title="Sound and Vision")

    response = client.get("/tags/songs-about-berlin/")

    html = response.content.decode()
    assert "<h1>Songs about Berlin</h1>" in html
    assert "<title>Songs about Berlin - Songfacts</title>" in html
    assert "Heroes" in html
    assert "Helden" not in html
    assert "Warszawa" not in html
    assert "Sound and Vision" not in html
    assert client.get("/tags/nowhere/").status_code == 404


def test_the_tag_page_costs_the_same_queries_with_50_songs(client, django_assert_num_queries):
    make_song().tags.add("Berlin")

    # Expect 3 queries: the tag, the song count, a page of songs with artist and album.
    with django_assert_num_queries(3):
        client.get("/tags/berlin/")
    for song in make_songs(50):
        song.tags.add("Berlin")
    with django_assert_num_queries(3):
        client.get("/tags/berlin/")


def test_the_chart_page_lists_songs_by_peak_then_those_that_did_not_chart(client):
    chart = Chart.objects.create(name="UK Singles Chart", slug="uk")
    ChartEntry.objects.create(
        chart=chart, song=make_song(title="Number Twelve"), peak_position=12, entry_year=2016
    )
    ChartEntry.objects.create(
        chart=chart, song=make_song(title="Number One"), peak_position=1, entry_year=2010
    )
    ChartEntry.objects.create(
        chart=chart, song=make_song(title="Never Charted"), peak_position=None, entry_year=1977
    )

    html = client.get("/charts/uk/").content.decode()

    assert html.index("Number One") < html.index("Number Twelve") < html.index("Never Charted")


def test_the_chart_page_costs_the_same_queries_with_50_entries(client, django_assert_num_queries):
    chart = Chart.objects.create(name="C", slug="c")
    ChartEntry.objects.create(chart=chart, song=make_song(), peak_position=1, entry_year=2000)

    # Expect 3 queries: the chart, the entry count, a page of entries with song and artist.
    with django_assert_num_queries(3):
        client.get(chart.get_absolute_url())
    for n, song in enumerate(make_songs(50), start=2):
        ChartEntry.objects.create(chart=chart, song=song, peak_position=n, entry_year=2000)
    with django_assert_num_queries(3):
        client.get(chart.get_absolute_url())


# ---- Browsing ----


def test_songs_a_to_z_filters_by_letter(client):
    make_song(title="Heroes")
    make_song(title="Ashes to Ashes")
    make_song(title="1984")

    letter_h = client.get("/songs/", {"letter": "h"}).content.decode()
    digits = client.get("/songs/", {"letter": "0-9"}).content.decode()

    assert "Heroes" in letter_h and "Ashes to Ashes" not in letter_h
    assert "1984" in digits and "Heroes" not in digits
    assert client.get("/songs/", {"letter": "ä"}).status_code == 404
    assert client.get("/songs/", {"letter": "AB"}).status_code == 404


def test_artists_a_to_z_lists_artists_with_published_songs_by_sort_name(client):
    make_song(artist=make_artist(name="The Wallflowers", sort_name="Wallflowers, The"))
    make_song(artist=make_artist(name="Blondie", sort_name="Blondie"))
    make_song(artist=make_artist(name="Unheard", sort_name="Unheard"), status=Status.DRAFT)

    html = client.get("/artists/").content.decode()

    assert html.index("Blondie") < html.index("Wallflowers, The")
    assert "Unheard" not in html
    assert "Wallflowers" in client.get("/artists/", {"letter": "W"}).content.decode()


def test_decades_and_years(client):
    make_song(title="Heroes", release_year=1977)
    make_song(title="Ashes to Ashes", release_year=1980)

    decades = client.get("/decades/").content.decode()
    seventies = client.get("/decades/1970s/").content.decode()
    year = client.get("/years/1977/").content.decode()

    assert 'href="/decades/1970s/">The 1970s</a>' in decades
    assert 'href="/decades/1980s/">The 1980s</a>' in decades
    assert "Heroes" in seventies and "Ashes to Ashes" not in seventies
    assert 'href="/years/1977/">1977</a>' in seventies
    assert "Heroes" in year and "Ashes to Ashes" not in year
    assert client.get("/decades/1975s/").status_code == 404


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # The initials in use, the count and a page of songs with artist and album.
        ("/songs/?letter=H", 3),
        # The initials in use, the count and a page of artists.
        ("/artists/", 3),
        # The years of the decade, the count and a page of songs.
        ("/decades/1970s/", 3),
        # The count and a page of songs.
        ("/years/1977/", 2),
        # The tag, the count and a page of songs.
        ("/tags/berlin/", 3),
    ],
)
def test_browse_pages_cost_the_same_queries_with_50_more_songs(
    client, url, queries, django_assert_num_queries
):
    def add_song():
        artist = make_artist(name="Hero Artist", sort_name="Hero Artist")
        make_song(title="Hero", release_year=1977, artist=artist, album=make_album(artist))
        artist.songs.get().tags.add("Berlin")

    add_song()
    with django_assert_num_queries(queries):
        client.get(url)
    for _ in range(50):
        add_song()
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.content.decode().count("Hero") >= 50


def test_a_list_is_paged(client):
    make_songs(SONGS_PER_PAGE + 1, title="Heroes")

    first = client.get("/songs/")
    second = client.get("/songs/", {"page": "2"})

    assert first.content.decode().count("by Artist") == SONGS_PER_PAGE
    assert 'href="?page=2" rel="next"' in first.content.decode()
    assert second.content.decode().count("by Artist") == 1
    assert 'href="/songs/" rel="prev"' in second.content.decode()
    assert '<link rel="canonical" href="http://testserver/songs/?page=2">' in (
        second.content.decode()
    )


def test_paging_keeps_the_letter(client):
    make_songs(SONGS_PER_PAGE + 1, title="Heroes")

    html = client.get("/songs/", {"letter": "H"}).content.decode()

    assert 'href="?letter=H&amp;page=2" rel="next"' in html


@pytest.mark.parametrize(
    "value", ["0", "-1", "2", "abc", "1.5", " 1", "١", "99999999999999999999999", ""]
)
def test_a_page_that_does_not_exist_is_a_404_never_an_error(client, value):
    make_song()

    for url in ["/songs/", "/artists/", "/decades/1970s/", "/years/1977/"]:
        assert client.get(url, {"page": value}).status_code == 404, url


def test_a_huge_year_is_a_404_or_empty_never_an_error(client):
    assert client.get("/years/99999999999999999999/").status_code in (200, 404)
    assert client.get("/decades/99999999999999999990s/").status_code in (200, 404)


# ---- All pages ----


def test_pages_answer_head_requests_and_refuse_posts(client, published_song):
    for url in ["/", "/songs/", published_song.get_absolute_url(), "/artists/", "/decades/"]:
        assert client.head(url).status_code == 200, url
        assert client.post(url).status_code == 405, url
