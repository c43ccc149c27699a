"""Sections that are right: placements, chart rows, track lists, albums' years, latest facts."""

import datetime
import json
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from catalogue.models import Appearance, Chart, ChartEntry, Fact, Status, Version
from catalogue.selectors import HOME_LIST_LENGTH, home_page
from catalogue.views import SONGS_PER_PAGE
from tests.conftest import make_artist, make_song
from tests.reader.conftest import make_album

pytestmark = pytest.mark.django_db


def json_ld(html):
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S)
    return json.loads(block)


def placements(client, song):
    html = client.get(song.get_absolute_url()).content.decode()
    section = re.search(r'<section class="appearances".*?</section>', html, flags=re.S)
    return section.group(0) if section else ""


# ---- Placements: the song's own and those of its versions that are the song ----


@pytest.mark.parametrize("kind", Version.SAME_SONG_KINDS)
def test_a_song_shows_the_placements_of_a_version_that_is_the_song_played_again(client, kind):
    original = make_song(title="Heroes")
    version = make_song(title="Heroes (again)", artist=make_artist(name="The Wallflowers"))
    Version.objects.create(original=original, version=version, kind=kind)
    Appearance.objects.create(song=original, medium="film", title="Christiane F")
    Appearance.objects.create(song=version, medium="film", title="Godzilla")

    section = placements(client, original)

    assert "Christiane F" in section
    assert "Godzilla" in section
    assert "the version by" in section and "The Wallflowers" in section


@pytest.mark.parametrize("kind", [Version.Kind.SAMPLE, Version.Kind.REFERENCE])
def test_a_song_leaves_out_the_placements_of_a_song_that_draws_on_it(client, kind):
    hero = make_song(title="Hero")
    heroes = make_song(title="Heroes")
    Version.objects.create(original=hero, version=heroes, kind=kind)
    Appearance.objects.create(song=heroes, medium="film", title="Christiane F")

    assert "Christiane F" not in placements(client, hero)
    assert "Christiane F" in placements(client, heroes)


def test_neus_hero_lists_none_of_bowies_films_and_heroes_keeps_its_covers(client):
    call_command("load_seed", verbosity=0)
    hero = client.get("/songs/neu/hero/").content.decode()
    heroes = client.get("/songs/david-bowie/heroes/").content.decode()

    assert 'class="appearances"' not in hero
    assert "Christiane F" not in hero
    for placement in ["Christiane F", "Godzilla", "Stranger Things", "Now Is What You Make It"]:
        assert placement in heroes, placement


# ---- A song's chart runs, at their rows on the charts' pages ----


def _follow(client, url):
    """Follow one redirect; returns (page HTML, the fragment it points to)."""
    response = client.get(url)
    assert response.status_code == 302, url
    location, _, fragment = response["Location"].partition("#")
    return client.get(location).content.decode(), fragment


def _row(html, fragment):
    match = re.search(rf'<tr id="{fragment}">(.*?)</tr>', html, flags=re.S)
    assert match, f"no row #{fragment}"
    return match.group(1)


def test_each_chart_run_on_the_song_page_leads_to_its_row_on_the_charts_page(client):
    song = make_song(title="Heroes")
    uk = Chart.objects.create(name="UK Singles Chart", slug="uk", position=1)
    us = Chart.objects.create(name="Billboard Hot 100", slug="us", position=2)
    charted = ChartEntry.objects.create(
        song=song,
        chart=uk,
        peak_position=24,
        entry_year=1977,
        entry_date=datetime.date(1977, 10, 1),
        peak_date=datetime.date(1977, 10, 29),
    )
    missed = ChartEntry.objects.create(song=song, chart=us, entry_year=1977)

    html = client.get(song.get_absolute_url()).content.decode()
    links = re.findall(r'href="(/charts/[^"#]*\?entry=\d+)"', html)

    assert links == [f"/charts/uk/?entry={charted.pk}", f"/charts/us/?entry={missed.pk}"]
    chart_page, fragment = _follow(client, links[0])
    assert fragment == f"entry-{charted.pk}"
    row = _row(chart_page, fragment)
    assert "Heroes" in row and "<td>24</td>" in row
    assert "1 October 1977" in row and "29 October 1977" in row
    chart_page, fragment = _follow(client, links[1])
    assert "Did not chart" in _row(chart_page, fragment)


def test_a_run_past_the_first_page_of_its_chart_leads_to_the_page_that_shows_it(client):
    chart = Chart.objects.create(name="UK Singles Chart", slug="uk")
    for peak in range(1, SONGS_PER_PAGE + 6):
        ChartEntry.objects.create(
            chart=chart, song=make_song(), peak_position=peak, entry_year=2000
        )
    missed = ChartEntry.objects.create(chart=chart, song=make_song(), entry_year=1977)

    response = client.get(f"/charts/uk/?entry={missed.pk}")

    assert response["Location"] == f"/charts/uk/?page=2#entry-{missed.pk}"
    page_two = client.get("/charts/uk/?page=2").content.decode()
    assert "Did not chart" in _row(page_two, f"entry-{missed.pk}")


def test_the_chart_page_lists_runs_that_did_not_chart_after_those_that_did(client):
    chart = Chart.objects.create(name="UK Singles Chart", slug="uk")
    ChartEntry.objects.create(chart=chart, song=make_song(title="Missed"), entry_year=1977)
    ChartEntry.objects.create(
        chart=chart, song=make_song(title="Number Two"), peak_position=2, entry_year=1990
    )

    html = client.get("/charts/uk/").content.decode()

    assert html.index("Number Two") < html.index("Missed")


def test_the_chart_page_leaves_out_the_columns_no_row_fills(client):
    chart = Chart.objects.create(name="UK Singles Chart", slug="uk")
    ChartEntry.objects.create(chart=chart, song=make_song(), peak_position=1, entry_year=2000)

    bare = client.get("/charts/uk/").content.decode()
    ChartEntry.objects.create(
        chart=chart,
        song=make_song(),
        peak_position=2,
        entry_year=2001,
        entry_date=datetime.date(2001, 5, 1),
        weeks_on_chart=7,
        note="a re-entry",
    )
    filled = client.get("/charts/uk/").content.decode()

    # Every run has an entry date, as far as it is known: the year alone, or the day.
    assert '<th scope="col">Entered</th>' in bare
    assert "<td>2000</td>" in bare
    for heading in ["Peaked", "Weeks", "Note"]:
        assert f'<th scope="col">{heading}</th>' not in bare, heading
    for heading in ["Weeks", "Note"]:
        assert f'<th scope="col">{heading}</th>' in filled, heading
    assert '<th scope="col">Peaked</th>' not in filled
    assert "<td>1 May 2001</td>" in filled and "<td>7</td>" in filled


@pytest.mark.parametrize("entry", ["abc", "-1", "1" * 40, "999999"])
def test_a_chart_run_that_is_not_on_the_chart_is_a_404(client, entry):
    Chart.objects.create(name="UK Singles Chart", slug="uk")

    assert client.get(f"/charts/uk/?entry={entry}").status_code == 404


def test_a_run_of_another_chart_or_of_a_draft_is_a_404(client):
    uk = Chart.objects.create(name="UK Singles Chart", slug="uk")
    us = Chart.objects.create(name="Billboard Hot 100", slug="us")
    elsewhere = ChartEntry.objects.create(chart=us, song=make_song(), entry_year=1977)
    draft = ChartEntry.objects.create(
        chart=uk, song=make_song(status=Status.DRAFT), peak_position=1, entry_year=1977
    )

    assert client.get(f"/charts/uk/?entry={elsewhere.pk}").status_code == 404
    assert client.get(f"/charts/uk/?entry={draft.pk}").status_code == 404


def test_finding_a_runs_row_costs_two_queries_however_long_the_chart(
    client, django_assert_num_queries
):
    chart = Chart.objects.create(name="C", slug="c")
    entry = ChartEntry.objects.create(chart=chart, song=make_song(), entry_year=2000)

    # Expect 2 queries: the chart, and the run's place among the chart's runs.
    with django_assert_num_queries(2):
        client.get(f"/charts/c/?entry={entry.pk}")
    for peak in range(1, 51):
        ChartEntry.objects.create(
            chart=chart, song=make_song(), peak_position=peak, entry_year=2000
        )
    with django_assert_num_queries(2):
        client.get(f"/charts/c/?entry={entry.pk}")


# ---- An album's tracks and the albums' years in lists ----


def test_an_album_with_some_of_its_tracks_numbers_them_by_their_place_and_says_so(client):
    artist = make_artist(slug="david-bowie")
    album = make_album(artist, title="Heroes", slug="heroes")
    make_song(title="Heroes", artist=artist, album=album, track_number=3)

    html = client.get(album.get_absolute_url()).content.decode()

    assert re.search(r'<li value="3"><a href="[^"]+">Heroes</a>', html)
    assert "Only some of this album's tracks are in the catalogue" in html
    assert "numTracks" not in json_ld(html)


def test_an_album_with_its_first_tracks_in_order_claims_nothing_missing(client):
    artist = make_artist()
    album = make_album(artist)
    make_song(title="Side A", artist=artist, album=album, track_number=2)
    make_song(title="Opener", artist=artist, album=album, track_number=1)

    html = client.get(album.get_absolute_url()).content.decode()

    assert re.search(
        r'<li value="1"><a [^>]+>Opener</a></li>\s*<li value="2"><a [^>]+>Side A', html
    )
    assert "Only some" not in html


def test_tracks_whose_place_is_unknown_come_apart_and_get_no_invented_number(client):
    artist = make_artist()
    album = make_album(artist)
    make_song(title="Known", artist=artist, album=album, track_number=2)
    make_song(title="Somewhere", artist=artist, album=album)

    html = client.get(album.get_absolute_url()).content.decode()

    ordered = re.search(r'<ol class="track-list">(.*?)</ol>', html, flags=re.S).group(1)
    loose = re.search(r'<ul class="track-list">(.*?)</ul>', html, flags=re.S).group(1)
    assert "Known" in ordered and "Somewhere" not in ordered
    assert "Somewhere" in loose and "value=" not in loose
    assert "track numbers not known yet" in html
    assert [track["name"] for track in json_ld(html)["track"]] == ["Known", "Somewhere"]


def test_song_lists_give_the_albums_own_year_beside_its_title(client):
    artist = make_artist(name="David Bowie", slug="david-bowie")
    compilation = make_album(artist, title="ChangesBowie", release_year=1990)
    make_song(title="Heroes (single version)", artist=artist, album=compilation, release_year=1977)
    make_song(title="Helden", artist=artist, release_year=1977)

    for url in ["/artists/david-bowie/", "/songs/"]:
        html = client.get(url).content.decode()
        assert "(ChangesBowie, 1990)" in html, url
        assert "ChangesBowie, 1977" not in html, url
        assert re.search(r"Helden</a>[^<]*<span[^>]*>[^<]*\(1977\)", html), url


def test_the_home_pages_new_songs_give_their_albums(client):
    artist = make_artist()
    make_song(title="Heroes", artist=artist, album=make_album(artist, title="Heroes"))

    assert "(Heroes, 1977)" in client.get("/").content.decode()


# ---- The home page's latest facts: one per song ----


def _fact(song, minutes_ago):
    fact = Fact.objects.create(
        song=song,
        position=Fact.objects.filter(song=song).count() + 1,
        body=f"{song.title}, {minutes_ago} minutes ago.",
        status=Status.PUBLISHED,
    )
    created_at = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    Fact.objects.filter(pk=fact.pk).update(created_at=created_at)
    return fact


def test_the_latest_facts_show_one_fact_of_each_song_the_latest_songs_first():
    busy, quiet, older = make_song(title="Busy"), make_song(title="Quiet"), make_song()
    for minutes in range(1, 30):
        _fact(busy, minutes)
    _fact(quiet, 40)
    _fact(older, 50)
    _fact(quiet, 60)

    facts = home_page(timezone.localdate()).latest_facts

    assert [fact.body for fact in facts] == [
        "Busy, 1 minutes ago.",
        "Quiet, 40 minutes ago.",
        f"{older.title}, 50 minutes ago.",
    ]
    assert facts[0].song.artist.name == busy.artist.name


def test_the_seeds_home_page_shows_the_latest_facts_of_several_songs(client):
    call_command("load_seed", verbosity=0)

    facts = home_page(timezone.localdate()).latest_facts

    assert len(facts) == HOME_LIST_LENGTH
    assert len({fact.song_id for fact in facts}) == HOME_LIST_LENGTH
