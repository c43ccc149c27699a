"""RSS feeds and sitemap.xml parse with standard tools and list only published content."""

import xml.etree.ElementTree as ET

import pytest

from catalogue.models import Fact, Status
from catalogue.sitemaps import SongSitemap
from comments.models import Comment
from tests.conftest import make_song

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def rss_items(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    return [{child.tag: child.text for child in item} for item in channel.findall("item")]


def test_the_new_songs_feed_lists_published_songs(client):
    make_song(title="Heroes")
    make_song(title="Helden", status=Status.DRAFT)

    items = rss_items(client.get("/feeds/songs/"))

    titles = [item["title"] for item in items]
    assert any(title.startswith("Heroes by") for title in titles)
    assert not any(title.startswith("Helden") for title in titles)
    assert all(item["link"].startswith("http://testserver/songs/") for item in items)


def test_the_new_facts_feed_lists_published_facts_of_published_songs(client):
    song = make_song(title="Heroes")
    draft_song = make_song(title="Helden", status=Status.DRAFT)
    Fact.objects.create(song=song, position=1, body="Told <em>twice</em>.", status="published")
    Fact.objects.create(song=song, position=2, body="A draft.", status=Status.DRAFT)
    Fact.objects.create(song=draft_song, position=1, body="Hidden song.", status="published")

    items = rss_items(client.get("/feeds/facts/"))

    descriptions = [item["description"] for item in items]
    assert descriptions == ["<p>Told <em>twice</em>.</p>"]
    assert items[0]["link"].endswith(f"{song.get_absolute_url()}#fact-{song.facts.first().pk}")


def test_a_songs_comment_feed_lists_its_published_comments(client, published_song):
    Comment.objects.create(song=published_song, author_name="Ken", body="Jojo <b>Rabbit</b>")
    Comment.objects.create(song=published_song, author_name="Spam", body="Buy", status="spam")
    Comment.objects.create(song=make_song(), author_name="Elsewhere", body="Other song")

    response = client.get(f"{published_song.get_absolute_url()}comments/feed/")

    items = rss_items(response)
    assert [item["description"] for item in items] == ["Jojo <b>Rabbit</b>"]
    assert b"<b>Rabbit" not in response.content


def test_there_is_no_comment_feed_for_a_draft(client, draft_song):
    assert client.get(f"{draft_song.get_absolute_url()}comments/feed/").status_code == 404


def test_the_sitemap_is_an_index_of_sections(client):
    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP}sitemapindex"
    locations = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    assert "http://testserver/sitemap-songs.xml" in locations
    assert "http://testserver/sitemap-artists.xml" in locations


def test_the_song_sitemap_lists_published_songs_only(client):
    heroes = make_song(title="Heroes")
    draft = make_song(title="Helden", status=Status.DRAFT)

    response = client.get("/sitemap-songs.xml")

    root = ET.fromstring(response.content)
    locations = {loc.text for loc in root.iter(f"{SITEMAP}loc")}
    assert f"http://testserver{heroes.get_absolute_url()}" in locations
    assert f"http://testserver{draft.get_absolute_url()}" not in locations


def test_the_artist_sitemap_leaves_out_artists_with_only_drafts(client):
    shown = make_song().artist
    hidden = make_song(status=Status.DRAFT).artist

    root = ET.fromstring(client.get("/sitemap-artists.xml").content)

    locations = {loc.text for loc in root.iter(f"{SITEMAP}loc")}
    assert f"http://testserver{shown.get_absolute_url()}" in locations
    assert f"http://testserver{hidden.get_absolute_url()}" not in locations


def test_the_song_sitemap_costs_the_same_queries_with_50_more_songs(
    client, django_assert_num_queries
):
    make_song()

    # Expect 2 queries: the song count (for the paging into 50,000s), the songs with artists.
    with django_assert_num_queries(2):
        client.get("/sitemap-songs.xml")
    for _ in range(50):
        make_song()
    with django_assert_num_queries(2):
        client.get("/sitemap-songs.xml")


def test_robots_txt_points_at_the_sitemap(client):
    assert b"Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content


def test_the_sitemap_index_splits_a_section_past_its_limit(client, monkeypatch):
    # The real limit is the protocol's 50,000 addresses per file; two stands in for it.
    monkeypatch.setattr(SongSitemap, "limit", 2)
    songs = [make_song() for _ in range(3)]

    index = ET.fromstring(client.get("/sitemap.xml").content)
    second = ET.fromstring(client.get("/sitemap-songs.xml", {"p": "2"}).content)

    locations = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert "http://testserver/sitemap-songs.xml?p=2" in locations
    assert [loc.text for loc in second.iter(f"{SITEMAP}loc")] == [
        f"http://testserver{songs[2].get_absolute_url()}"
    ]
    assert client.get("/sitemap-songs.xml", {"p": "3"}).status_code == 404
    assert client.get("/sitemap-songs.xml", {"p": "x"}).status_code == 404


def test_the_sitemap_index_costs_the_same_queries_with_50_more_songs(
    client, django_assert_num_queries
):
    make_song()

    # Expect 12 queries: for songs, artists, albums, people, tags and charts, the count and
    # the latest change; none for the fixed pages.
    with django_assert_num_queries(12):
        client.get("/sitemap.xml")
    for _ in range(50):
        make_song()
    with django_assert_num_queries(12):
        client.get("/sitemap.xml")
