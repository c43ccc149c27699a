"""Share cards (og:image): one drawn for each song, the site's on every other page."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from PIL import Image, ImageChops, ImageStat

from catalogue import share_cards
from catalogue.models import Status
from songfacts import page_cache
from tests.conftest import make_artist, make_song

pytestmark = pytest.mark.django_db

SITE_CARD = Path(django_settings.BASE_DIR) / "static" / "share-card.png"


def og(html):
    """The page's og:image tags, by property."""
    return dict(re.findall(r'<meta property="og:image(?::(\w+))?" content="([^"]*)">', html))


@pytest.fixture
def song(db):
    return make_song(title="Heroes", slug="heroes", artist=make_artist(name="David Bowie"))


@pytest.fixture
def page_cache_on(settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 3600
    page_cache.forget_local_pages()
    # Each request here comes within the hosts' clock allowance of the last purge.
    monkeypatch.setattr(page_cache, "PURGE_CLOCK_SKEW_NS", 0)


def test_a_song_page_shows_the_songs_own_card(client, song):
    tags = og(client.get(song.get_absolute_url()).content.decode())

    assert tags[""] == f"http://testserver{share_cards.card_path(song)}"
    assert tags["alt"] == "Heroes by David Bowie"
    assert (tags["type"], tags["width"], tags["height"]) == ("image/png", "1200", "630")


@pytest.mark.parametrize("url", ["/", "/artists/{artist}/", "/songs/", "/no-such-page/"])
def test_every_other_page_shows_the_sites_card(client, song, url):
    html = client.get(url.format(artist=song.artist.slug)).content.decode()

    tags = og(html)
    assert re.fullmatch(r"http://testserver/static/share-card\.\w+\.png", tags[""])
    assert (tags["width"], tags["height"]) == ("1200", "630")
    assert tags["alt"] == "Songfacts: the stories behind the songs"


def test_the_card_is_a_1200_by_630_png_of_the_songs_title_and_artist(client, song):
    response = client.get(share_cards.card_path(song))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)
    assert response.content == share_cards.song_card(song)
    other = make_song(title="Hero", artist=song.artist)
    assert share_cards.song_card(other) != response.content


def test_a_card_costs_one_query(client, song, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get(share_cards.card_path(song))


@pytest.mark.parametrize("query", ["", "?v=0123456789abcdef", "?v=x&more=1"])
def test_any_other_address_of_the_card_redirects_to_the_current_one(client, song, query):
    response = client.get(f"{song.get_absolute_url()}card.png{query}")

    assert response.status_code == 302
    assert response["Location"] == share_cards.card_path(song)


def test_a_new_title_or_name_gives_the_card_a_new_address(song):
    before = share_cards.card_path(song)
    song.title = "Helden"
    renamed = share_cards.card_path(song)
    song.artist.name = "Bowie"

    assert len({before, renamed, share_cards.card_path(song)}) == 3


def test_a_drafts_card_is_a_404_for_readers(client):
    draft = make_song(status=Status.DRAFT)

    assert client.get(share_cards.card_path(draft)).status_code == 404


def test_letters_with_accents_keep_them_and_are_not_boxes():
    artist = make_artist(name="Motörhead")
    cards = {
        title: share_cards.song_card(make_song(title=title, artist=artist))
        for title in ("Héros", "Heros", "H\ue000ros")
    }

    # "é" is in the font: the card is neither the unaccented one nor the one with a character
    # the font lacks (U+E000, drawn as the font's box).
    assert len(set(cards.values())) == 3


def test_a_60_letter_title_and_name_still_make_a_card():
    long = "Llanfairpwllgwyngyll" * 3
    card = share_cards.song_card(make_song(title=long, artist=make_artist(name=long)))

    assert Image.open(io.BytesIO(card)).size == (1200, 630)


def test_the_sites_card_is_what_site_card_draws():
    committed = Image.open(SITE_CARD).convert("RGB")
    drawn = Image.open(io.BytesIO(share_cards.site_card())).convert("RGB")

    assert committed.size == (1200, 630)
    # Another Pillow may smooth the letters a little differently; a different card differs
    # in far more.
    difference = ImageStat.Stat(ImageChops.difference(committed, drawn)).mean
    assert max(difference) < 1, "draw static/share-card.png again (catalogue/share_cards.py)"


# ---- Through the page cache ----


@pytest.mark.page_cache
def test_the_card_is_cached_under_the_songs_and_artists_keys_with_an_etag(
    client, song, page_cache_on
):
    url = share_cards.card_path(song)
    first = client.get(url)
    second = client.get(url)
    not_modified = client.get(url, headers={"If-None-Match": second["ETag"]})

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert second["Content-Type"] == "image/png"
    assert {f"song-{song.pk}", f"artist-{song.artist_id}"} <= set(second["Surrogate-Key"].split())
    assert "public" in second["Cache-Control"]
    assert not_modified.status_code == 304


@pytest.mark.page_cache
@pytest.mark.parametrize("change", ["title", "artist"])
def test_a_new_title_or_artist_name_purges_the_card(
    client, song, page_cache_on, django_capture_on_commit_callbacks, change
):
    old_url = share_cards.card_path(song)
    old_card = client.get(old_url).content
    with django_capture_on_commit_callbacks(execute=True):
        if change == "title":
            song.title = "Helden"
            song.save()
        else:
            song.artist.name = "Bowie"
            song.artist.save()

    stale = client.get(old_url)
    fresh = client.get(stale["Location"])

    assert stale.status_code == 302
    assert stale["Location"] == share_cards.card_path(song) != old_url
    assert fresh["X-Page-Cache"] == "miss"
    assert fresh.content != old_card
