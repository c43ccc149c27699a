"""Long unbroken words and names wrap on a phone: no page scrolls sideways at 360 px wide."""

import json
import os
import subprocess
import sys

import pytest

from tests.e2e.conftest import E2E_DATABASE, REPO, _server_url

pytestmark = pytest.mark.slow

WIDTH = 360
# Sixty letters without a break, as a name, a title, a word in a fact.
LONG = "Llanfairpwllgwyngyll" * 3
URL = "https://example.org/" + "the-story-behind-the-song-" * 4
SONG = "/songs/e2e-long-artist/e2e-long-song/"
PAGES = {
    "home": "/",
    "song": SONG,
    "history": SONG + "history/",
    "artist": "/artists/e2e-long-artist/",
    "album": "/artists/e2e-long-artist/albums/e2e-long-album/",
    "chart": "/charts/e2e-long-chart/",
}

# The song has the long word in every part its page and the home page show; saved through
# the models, so the site's page cache hears of it as of any edit.
_ADD = """
from catalogue.models import *
from comments.models import Comment

artist = Artist.objects.create(name=LONG, sort_name=LONG, slug="e2e-long-artist", country=LONG)
album = Album.objects.create(title=LONG, slug="e2e-long-album", artist=artist, release_year=2001)
song = Song.objects.create(
    title=LONG, slug="e2e-long-song", artist=artist, album=album, release_year=2001,
    status=Status.PUBLISHED,
)
fact = Fact.objects.create(
    song=song, position=1, status=Status.PUBLISHED, suggested_by_name=LONG,
    suggested_by_place=LONG, body=f"A word: {LONG}. An address: <a href='{URL}'>{URL}</a> {URL}",
)
Source.objects.create(fact=fact, citation=URL, url=URL)
person = Person.objects.create(name=LONG, sort_name=LONG, slug="e2e-long-person")
Credit.objects.create(song=song, person=person, role=Role.objects.first(), note=LONG)
chart = Chart.objects.create(name=LONG, slug="e2e-long-chart", country=LONG)
ChartEntry.objects.create(song=song, chart=chart, peak_position=1, entry_year=2001, note=LONG)
Appearance.objects.create(song=song, medium="film", title=LONG, detail=LONG, note=URL)
heroes = Song.objects.get(artist__slug="david-bowie", slug="heroes")
Version.objects.create(original=heroes, version=song, kind=Version.Kind.COVER, note=URL)
song.tags.add(LONG)
Comment.objects.create(song=song, author_name=LONG, author_place=LONG, body=f"{LONG} {URL}")
"""
_REMOVE = """
from catalogue.models import *
from taggit.models import Tag

Song.objects.filter(slug="e2e-long-song").delete()
Chart.objects.filter(slug="e2e-long-chart").delete()
Person.objects.filter(slug="e2e-long-person").delete()
Album.objects.filter(slug="e2e-long-album").delete()
Artist.objects.filter(slug="e2e-long-artist").delete()
Tag.objects.filter(name=LONG).delete()
"""
# What sticks out past the right edge, for the failure message.
_WIDEST = """() => [...document.querySelectorAll("main *")]
    .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(-5)
    .map((element) => `${element.tagName.toLowerCase()}.${element.className}`)"""


@pytest.fixture(scope="module")
def long_words(site, django_db_blocker):
    """The site, with a song whose every part holds a 60-letter word; removed afterwards so
    that the other browser tests see the seed alone."""
    with django_db_blocker.unblock():
        database_url = _server_url(E2E_DATABASE)
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "end-to-end-tests-only-secret-key",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
    }
    constants = f"LONG = {json.dumps(LONG)}\nURL = {json.dumps(URL)}\n"

    def run(code):
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", constants + code],
            cwd=REPO,
            env=env,
            check=True,
        )

    run(_ADD)
    try:
        yield site
    finally:
        run(_REMOVE)


@pytest.mark.parametrize("name", PAGES)
def test_no_page_scrolls_sideways_at_360_px_wide(browser, long_words, name):
    context = browser.new_context(viewport={"width": WIDTH, "height": 740})
    page = context.new_page()
    page.goto(long_words + PAGES[name])

    text = page.locator("main").inner_text()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    sticking_out = page.evaluate(_WIDEST)
    context.close()

    assert LONG[:20] in text, "the page does not show the long word"
    assert scroll_width <= WIDTH, f"{scroll_width}px wide; past the edge: {sticking_out}"


def test_a_wide_table_scrolls_inside_its_own_box(browser, long_words):
    context = browser.new_context(viewport={"width": WIDTH, "height": 740})
    page = context.new_page()
    page.goto(long_words + SONG)

    box = page.locator("#charts .table-scroll")
    scrolls = box.evaluate("(element) => element.scrollWidth > element.clientWidth")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    context.close()

    assert scrolls
    assert scroll_width <= WIDTH
