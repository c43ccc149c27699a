"""What machines read: JSON-LD on the person, topic, chart, year and list pages, Atom beside
every RSS feed, feeds per artist and per topic, and sitemaps of every kind of page."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from catalogue.models import Artist, Chart, ChartEntry, Credit, Fact, Person, Role, Song, Status
from catalogue.sitemaps import SITEMAPS
from catalogue.views import PEOPLE_PER_PAGE
from comments.models import Comment
from songfacts import cache_keys
from tests.conftest import make_artist, make_song
from tests.reader.conftest import make_album

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def json_ld(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 200, url
    [block] = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(block)


def make_person(name, **fields):
    return Person.objects.create(
        name=name, sort_name=name, slug=name.lower().replace(" ", "-"), **fields
    )


def credit(song, person):
    role, _ = Role.objects.get_or_create(name="Producer", slug="producer")
    return Credit.objects.create(song=song, person=person, role=role)


def make_fact(song, body="A story.", **fields):
    position = song.facts.count() + 1
    fields.setdefault("status", Status.PUBLISHED)
    return Fact.objects.create(song=song, position=position, body=body, **fields)


def listed(data):
    """The items of an ItemList, or of a CollectionPage's, in their positions' order."""
    item_list = data["mainEntity"] if data["@type"] == "CollectionPage" else data
    assert item_list["@type"] == "ItemList"
    elements = item_list["itemListElement"]
    assert [element["@type"] for element in elements] == ["ListItem"] * len(elements)
    return [element["position"] for element in elements], [element["item"] for element in elements]


# ---- JSON-LD ----


def test_the_person_page_describes_a_person(client):
    eno = make_person("Brian Eno", bio="Producer and composer.")

    data = json_ld(client, eno.get_absolute_url())

    assert data == {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": "Brian Eno",
        "url": "http://testserver/people/brian-eno/",
        "description": "Producer and composer.",
    }


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/tags/berlin/", "Berlin"),
        ("/charts/uk/", "UK Singles Chart"),
        ("/years/1977/", "Songs from 1977"),
        ("/decades/1970s/", "Songs of the 1970s"),
    ],
)
def test_topic_chart_year_and_decade_pages_are_collection_pages_of_their_songs(client, url, name):
    bowie = make_artist(name="David Bowie", kind=Artist.Kind.PERSON)
    kraftwerk = make_artist(name="Kraftwerk", kind=Artist.Kind.GROUP)
    chart = Chart.objects.create(name="UK Singles Chart", slug="uk")
    songs = [
        make_song(title="Heroes", artist=bowie, release_year=1977),
        make_song(title="Trans-Europe Express", artist=kraftwerk, release_year=1977),
    ]
    for peak, song in enumerate(songs, start=1):
        song.tags.add("Berlin")
        ChartEntry.objects.create(song=song, chart=chart, peak_position=peak, entry_year=1977)

    data = json_ld(client, url)

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "CollectionPage"
    assert data["name"] == name
    assert data["url"] == f"http://testserver{url}"
    positions, items = listed(data)
    assert positions == [1, 2]
    assert items == [
        {
            "@type": "MusicRecording",
            "name": song.title,
            "url": f"http://testserver{song.get_absolute_url()}",
            "byArtist": {
                "@type": kind,
                "name": song.artist.name,
                "url": f"http://testserver{song.artist.get_absolute_url()}",
            },
        }
        for song, kind in zip(songs, ["Person", "MusicGroup"], strict=True)
    ]


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("/songs/", "MusicRecording"),
        ("/artists/", "Person"),
        ("/albums/", "MusicAlbum"),
        ("/people/", "Person"),
        ("/tags/", "CollectionPage"),
        ("/charts/", "CollectionPage"),
        ("/years/", "CollectionPage"),
        ("/decades/", "CollectionPage"),
    ],
)
def test_every_list_page_is_an_item_list_of_what_it_links(client, url, kind):
    artist = make_artist(name="David Bowie")
    song = make_song(artist=artist, album=make_album(artist), release_year=1977)
    song.tags.add("Berlin")
    credit(song, make_person("Brian Eno"))
    ChartEntry.objects.create(
        song=song,
        chart=Chart.objects.create(name="UK", slug="uk"),
        peak_position=1,
        entry_year=1977,
    )

    data = json_ld(client, url)

    assert data["@context"] == "https://schema.org"
    positions, items = listed(data)
    assert positions == [1]
    assert items[0]["@type"] == kind
    html = client.get(url).content.decode()
    assert f'href="{items[0]["url"].removeprefix("http://testserver")}"' in html


def test_a_later_page_of_a_list_numbers_on_from_the_last(client):
    song = make_song()
    for n in range(PEOPLE_PER_PAGE + 2):
        credit(song, make_person(f"Person {n:03}"))

    positions, items = listed(json_ld(client, "/people/", page="2"))

    assert positions == [PEOPLE_PER_PAGE + 1, PEOPLE_PER_PAGE + 2]
    assert items[0]["name"] == f"Person {PEOPLE_PER_PAGE:03}"


def test_json_ld_is_escaped_inside_its_script(client):
    song = make_song(title="</script><script>alert(1)</script>")
    song.tags.add("Berlin")

    html = client.get("/tags/berlin/").content.decode()

    assert "<script>alert(1)" not in html
    assert listed(json_ld(client, "/tags/berlin/"))[1][0]["name"] == song.title


# ---- Feeds ----


def rss_links(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    return [item.findtext("link") for item in channel.findall("item")]


def atom_links(response):
    """The entries' links, after checking what Atom asks of every feed."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for required in ["id", "title", "updated", "subtitle"]:
        assert feed.findtext(f"{ATOM}{required}"), required
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == response.wsgi_request.build_absolute_uri()
    entries = feed.findall(f"{ATOM}entry")
    for entry in entries:
        assert entry.findtext(f"{ATOM}id") and entry.findtext(f"{ATOM}updated")
    return [entry.find(f"{ATOM}link").get("href") for entry in entries]


@pytest.fixture
def feeds_content(db):
    artist = make_artist(name="David Bowie", slug="david-bowie")
    song = make_song(title="Heroes", slug="heroes", artist=artist)
    song.tags.add("Berlin")
    make_fact(song, "Written in Berlin.")
    Comment.objects.create(song=song, author_name="Ken", body="Jojo Rabbit.")
    return song


@pytest.mark.parametrize(
    "rss",
    [
        "/feeds/songs/",
        "/feeds/facts/",
        "/songs/david-bowie/heroes/comments/feed/",
        "/artists/david-bowie/feed/",
        "/tags/berlin/feed/",
    ],
)
def test_every_rss_feed_has_an_atom_twin_with_the_same_entries(client, feeds_content, rss):
    links = rss_links(client.get(rss))

    assert links
    assert atom_links(client.get(f"{rss}atom/")) == links


def test_the_artist_feed_lists_its_new_songs_and_new_facts_newest_first(client):
    now = timezone.now()
    bowie = make_artist(name="David Bowie", slug="david-bowie")
    heroes = make_song(title="Heroes", artist=bowie)
    low = make_song(title="Low", artist=bowie)
    draft = make_song(title="Helden", artist=bowie, status=Status.DRAFT)
    Song.objects.filter(pk=heroes.pk).update(published_at=now - datetime.timedelta(days=3))
    Song.objects.filter(pk=low.pk).update(published_at=now - datetime.timedelta(days=1))
    fact = make_fact(heroes, "Written by the Wall.", created_at=now - datetime.timedelta(days=2))
    make_fact(heroes, "A draft.", status=Status.DRAFT)
    make_fact(draft, "Of a draft.")
    make_fact(make_song(title="Other"), "Of another artist.")

    links = rss_links(client.get("/artists/david-bowie/feed/"))

    assert links == [
        f"http://testserver{path}"
        for path in [low.get_absolute_url(), fact.get_absolute_url(), heroes.get_absolute_url()]
    ]


def test_the_topic_feed_lists_its_new_songs_and_the_new_facts_about_them(client):
    heroes = make_song(title="Heroes")
    heroes.tags.add("Berlin")
    fact = make_fact(heroes, "Written by the Wall.")
    make_song(title="Helden", status=Status.DRAFT).tags.add("Berlin")
    make_fact(make_song(title="Untagged"), "Elsewhere.")

    links = rss_links(client.get("/tags/berlin/feed/"))

    assert sorted(links) == sorted(
        f"http://testserver{path}" for path in [fact.get_absolute_url(), heroes.get_absolute_url()]
    )


def test_there_is_no_feed_of_an_unknown_artist_or_topic(client):
    for url in ["/artists/nobody/feed/", "/artists/nobody/feed/atom/", "/tags/none/feed/"]:
        assert client.get(url).status_code == 404, url


def test_each_feed_is_linked_from_its_page(client, feeds_content):
    song = feeds_content
    pages = {
        "/": ["/feeds/songs/", "/feeds/songs/atom/", "/feeds/facts/", "/feeds/facts/atom/"],
        song.get_absolute_url(): [
            f"{song.get_absolute_url()}comments/feed/",
            f"{song.get_absolute_url()}comments/feed/atom/",
        ],
        song.artist.get_absolute_url(): [
            "/artists/david-bowie/feed/",
            "/artists/david-bowie/feed/atom/",
        ],
        "/tags/berlin/": ["/tags/berlin/feed/", "/tags/berlin/feed/atom/"],
    }
    for url, feeds in pages.items():
        head = client.get(url).content.decode().split("</head>")[0]
        for feed in feeds:
            kind = "atom" if feed.endswith("atom/") else "rss"
            link = f'type="application/{kind}\\+xml" title="[^"]+" href="{feed}">'
            assert re.search(rf'<link rel="alternate" {link}', head), (url, feed)


@pytest.mark.parametrize("url", ["/artists/david-bowie/feed/atom/", "/tags/berlin/feed/atom/"])
def test_a_feed_costs_the_same_queries_with_3_songs_and_with_30(
    client, url, django_assert_num_queries
):
    artist = make_artist(slug="david-bowie")

    def add_songs(n):
        for _ in range(n):
            song = make_song(artist=artist, album=make_album(artist))
            song.tags.add("Berlin")
            make_fact(song)

    add_songs(3)
    # Expect 3 queries: the artist or tag, its newest songs, the newest facts about them.
    with django_assert_num_queries(3):
        client.get(url)
    add_songs(27)
    with django_assert_num_queries(3):
        response = client.get(url)
    assert response.content.decode().count("<entry>") == 30


purged = []


def record(keys):
    """A purge target for these tests (settings.CACHE_PURGE_TARGETS)."""
    purged.append(set(keys))


def test_a_new_fact_or_song_purges_the_artist_and_topic_feeds(
    client, feeds_content, settings, django_capture_on_commit_callbacks
):
    settings.CACHE_PURGE_TARGETS = ["tests.reader.test_machine_readable.record"]
    feeds = ["/artists/david-bowie/feed/atom/", "/tags/berlin/feed/"]
    feed_keys = {}
    for url in feeds:
        with cache_keys.collecting() as feed_keys[url]:
            client.get(url)

    for change in ["fact", "song"]:
        purged.clear()
        with django_capture_on_commit_callbacks(execute=True):
            if change == "fact":
                make_fact(feeds_content, "Another story.")
            else:
                make_song(artist=feeds_content.artist).tags.add("Berlin")
        for url in feeds:
            assert feed_keys[url] & set().union(*purged), (change, url)


# ---- Sitemaps ----


def locations(response):
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in root.iter(f"{SITEMAP}url")
    }


@pytest.fixture
def listed_pages(db):
    artist = make_artist(name="David Bowie")
    album = make_album(artist, title="Heroes")
    song = make_song(artist=artist, album=album, release_year=1977)
    song.tags.add("Berlin")
    credit(song, make_person("Brian Eno"))
    chart = Chart.objects.create(name="UK", slug="uk")
    ChartEntry.objects.create(song=song, chart=chart, peak_position=3, entry_year=1977)
    hidden = make_song(artist=artist, album=make_album(artist, title="Toy"), status=Status.DRAFT)
    hidden.tags.add("Unseen")
    credit(hidden, make_person("Nobody Yet"))
    ChartEntry.objects.create(
        song=hidden, chart=Chart.objects.create(name="Empty", slug="empty"), entry_year=1977
    )
    return song


def test_the_sitemap_index_has_a_section_for_every_kind_of_page(client, listed_pages):
    root = ET.fromstring(client.get("/sitemap.xml").content)

    sections = {
        sitemap.findtext(f"{SITEMAP}loc"): sitemap.findtext(f"{SITEMAP}lastmod")
        for sitemap in root.iter(f"{SITEMAP}sitemap")
    }
    for name in ["pages", "songs", "artists", "albums", "people", "tags", "charts"]:
        assert f"http://testserver/sitemap-{name}.xml" in sections, name
    for name in ["albums", "people", "tags", "charts"]:
        assert sections[f"http://testserver/sitemap-{name}.xml"], name


@pytest.mark.parametrize("section", ["albums", "people", "tags", "charts"])
def test_a_section_lists_the_pages_its_index_lists(client, listed_pages, section):
    index = {"albums": "/albums/", "people": "/people/", "tags": "/tags/", "charts": "/charts/"}
    links = {item["url"] for item in listed(json_ld(client, index[section]))[1]}

    urls = locations(client.get(f"/sitemap-{section}.xml"))

    assert set(urls) == links
    assert len(links) == 1, "the draft's album, person, topic and chart are left out"
    assert all(urls.values()), "every page has a lastmod"


def test_a_page_is_last_modified_when_a_song_it_lists_or_its_own_row_last_changed(
    client, listed_pages
):
    song = listed_pages
    later = timezone.now() + datetime.timedelta(days=1)
    Song.objects.filter(pk=song.pk).update(updated_at=later)
    eno = Person.objects.get(slug="brian-eno")
    latest = later + datetime.timedelta(days=1)
    Person.objects.filter(pk=eno.pk).update(updated_at=latest)

    albums = locations(client.get("/sitemap-albums.xml"))
    people = locations(client.get("/sitemap-people.xml"))
    tags = locations(client.get("/sitemap-tags.xml"))

    assert albums[f"http://testserver{song.album.get_absolute_url()}"] == later.date().isoformat()
    assert people["http://testserver/people/brian-eno/"] == latest.date().isoformat()
    assert tags["http://testserver/tags/berlin/"] == later.date().isoformat()


def test_the_pages_section_lists_every_index(client):
    urls = locations(client.get("/sitemap-pages.xml"))

    for index in ["/songs/", "/artists/", "/albums/", "/people/", "/tags/", "/charts/", "/years/"]:
        assert f"http://testserver{index}" in urls, index


@pytest.mark.parametrize("section", ["albums", "people", "tags", "charts"])
def test_a_section_costs_the_same_queries_with_3_pages_and_with_30(
    client, section, django_assert_num_queries
):
    chart = Chart.objects.create(name="UK", slug="uk")

    def add_pages(start, n):
        for i in range(start, start + n):
            artist = make_artist()
            song = make_song(artist=artist, album=make_album(artist))
            song.tags.add(f"Topic {i}")
            credit(song, make_person(f"Person {i}"))
            ChartEntry.objects.create(song=song, chart=chart, peak_position=i + 1, entry_year=1977)
            ChartEntry.objects.create(
                song=song, chart=Chart.objects.create(name=f"C{i}", slug=f"c{i}"), entry_year=1977
            )

    add_pages(0, 3)
    # Expect 3 queries: the count, the section's pages, when each last changed.
    with django_assert_num_queries(3):
        client.get(f"/sitemap-{section}.xml")
    add_pages(3, 27)
    with django_assert_num_queries(3):
        response = client.get(f"/sitemap-{section}.xml")
    assert len(locations(response)) >= 30


def test_every_section_is_known_by_the_sitemaps_key_alone(client, listed_pages):
    for section in SITEMAPS:
        with cache_keys.collecting() as keys:
            client.get(f"/sitemap-{section}.xml")
        assert keys == {"sitemaps"}, section
