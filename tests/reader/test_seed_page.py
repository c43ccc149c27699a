"""The seed's "Heroes" page, loaded from fixtures/heroes.json, read as a reader would."""

import html
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.html import strip_tags

from catalogue.markup import render_fact
from catalogue.models import EditorsPick, Fact, Song

pytestmark = pytest.mark.django_db

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "heroes.json"
URL = "/songs/david-bowie/heroes/"


def plain(markup):
    return " ".join(html.unescape(strip_tags(markup)).split())


@pytest.fixture
def heroes_page(client):
    call_command("load_seed", verbosity=0)
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_the_fixture_holds_the_seed_song():
    assert FIXTURE.exists()


def test_it_shows_every_published_fact_of_the_seed_in_order(heroes_page):
    text = plain(heroes_page)
    facts = Fact.objects.published().filter(song__slug="heroes", song__artist__slug="david-bowie")

    bodies = [plain(render_fact(fact.body)) for fact in facts]
    assert len(bodies) >= 20
    positions = [text.index(body) for body in bodies]
    assert positions == sorted(positions)


def test_it_shows_the_seed_headline_credits_and_picks(heroes_page):
    text = plain(heroes_page)

    assert "Album: Heroes (1977)" in text
    assert "Charted: 12" in text
    assert "Suggestion credit: Michael Lloyd - London, England" in text
    assert "Suggestion credit: Gudni - Iceland" in text
    assert "Comments: 29" in text
    assert "See more comments" in text
    for pick in EditorsPick.objects.for_song(Song.objects.get(pk=1)):
        assert pick.title in text
    assert "youtube-nocookie.com/embed/" in heroes_page


def test_every_link_on_the_seed_page_leads_somewhere(client, heroes_page):
    links = set(re.findall(r'<a [^>]*href="([^"#]+)', heroes_page))
    internal = {urljoin(URL, html.unescape(link)) for link in links if not urlsplit(link).netloc}

    assert len(internal) > 20
    for link in sorted(internal):
        assert client.get(link, follow=True).status_code == 200, link
