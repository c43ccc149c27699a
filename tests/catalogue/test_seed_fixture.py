"""The seed fixture holds the whole seed page: compared against the page itself, not a count."""

import re

import pytest
from django.core.management import call_command

from catalogue.models import Appearance, ChartEntry, EditorsPick, Fact, Song, Status, Version
from comments.models import Comment
from tests.catalogue.seed_page import SEED_PAGE, read_seed_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_page():
    return read_seed_page()


@pytest.fixture
def heroes():
    call_command("load_seed")
    return Song.objects.get(artist__slug="david-bowie", slug="heroes")


def page_line(label):
    """The value of a "Label: value" line at the top of the seed page."""
    text = SEED_PAGE.read_text(encoding="utf-8")
    return re.search(rf"^{label}: (.+)$", text, re.MULTILINE).group(1)


def test_it_holds_every_fact_of_the_page_verbatim_and_in_order(seed_page, heroes):
    facts = list(heroes.facts.published())
    assert [fact.body for fact in facts] == [fact.body for fact in seed_page.facts]
    assert len(facts) > 20


def test_it_keeps_the_suggestion_credits_of_the_page(seed_page, heroes):
    credits = [(f.suggested_by_name, f.suggested_by_place) for f in heroes.facts.all()]
    assert credits == [(f.credit_name, f.credit_place) for f in seed_page.facts]
    assert ("Michael Lloyd", "London, England") in credits


def test_it_keeps_paragraph_breaks_as_blank_lines(heroes):
    x_factor = heroes.facts.get(body__startswith="The finalists from the seventh series")
    _, second = x_factor.body.split("\n\n")
    assert second.startswith("Despite a plethora of cover versions")


def test_it_holds_every_comment_of_the_page_newest_first(seed_page, heroes):
    comments = list(Comment.objects.published().filter(song=heroes))
    assert len(seed_page.comments) == seed_page.comment_count
    assert len(comments) == seed_page.comment_count
    for comment, seen in zip(comments, seed_page.comments, strict=True):
        assert comment.author_name == seen.author_name
        # The page runs the place into the text: "Cp from VirginiaAnd another ...".
        assert seen.place_and_body.startswith(comment.author_place)
        assert seen.place_and_body[len(comment.author_place) :].strip() == comment.body
    times = [comment.created_at for comment in comments]
    assert times == sorted(times, reverse=True)
    assert len(set(times)) == len(times)


def test_it_shows_the_album_and_the_headline_chart_figure_of_the_page(heroes):
    assert str(heroes.album) == page_line("Album")
    best_peak = Song.objects.with_best_peak().get(pk=heroes.pk).best_peak
    assert str(best_peak) == page_line("Charted")
    assert heroes.status == Status.PUBLISHED
    assert heroes.video_url


def test_it_records_the_charts_the_facts_name(heroes):
    entries = {
        (e.chart.name, e.entry_year): (e.peak_position, e.note)
        for e in ChartEntry.objects.filter(song=heroes).select_related("chart")
    }
    assert entries == {
        ("UK Singles Chart", 1977): (24, ""),
        ("UK Singles Chart", 2016): (12, "re-entry after Bowie's death"),
        ("Billboard Hot 100", 1977): (None, ""),
    }
    x_factor = Song.objects.get(artist__slug="the-x-factor-finalists-2010")
    assert {(e.chart.slug, e.peak_position) for e in x_factor.chart_entries.all()} == {
        ("uk-singles-chart", 1),
        ("irish-singles-chart", 1),
    }


def test_it_credits_the_people_the_facts_name(heroes):
    credits = {(c.person.name, c.role.name, c.note) for c in heroes.credits.all()}
    assert (
        "Tony Visconti",
        "Percussion",
        "banging on a metal ashtray that was lying around the studio",
    ) in credits
    assert {("Brian Eno", "Songwriter", ""), ("Robert Fripp", "Guitar", "")} <= credits


def test_it_links_every_version_to_a_song_of_its_own(heroes):
    versions = {(v.version.artist.name, v.version.title, v.kind) for v in heroes.versions.all()}
    assert ("David Bowie", "Helden", Version.Kind.LANGUAGE) in versions
    assert ("Janelle Monáe", "Heroes", Version.Kind.COVER) in versions
    assert len(versions) == 9
    title_source = heroes.version_of.get()
    assert (title_source.original.title, title_source.original.artist.name) == ("Hero", "Neu!")
    for version in heroes.versions.all():
        assert version.version.facts.published().exists()


def test_it_marks_the_disputed_fact(heroes):
    disputed = heroes.facts.get(standing=Fact.Standing.DISPUTED)
    assert "Hansa Studio window" in disputed.body
    luke = Comment.objects.get(author_name="Luke")
    assert "you can't even SEE the Berlin Wall from Hansa" in luke.body


def test_it_places_the_song_in_the_films_shows_and_events_the_facts_name(heroes):
    titles = set(Appearance.objects.filter(song=heroes).values_list("title", flat=True))
    assert {"Christiane F", "Live Aid", "London 2012 Olympics"} <= titles
    gabriel = Song.objects.get(artist__slug="peter-gabriel")
    assert gabriel.appearances.filter(title="Stranger Things").count() == 2


def test_it_picks_the_pages_editors_picks(heroes):
    picks = list(EditorsPick.objects.for_song(heroes))
    text = SEED_PAGE.read_text(encoding="utf-8")
    assert len(picks) == 6
    for pick in picks:
        assert f"{pick.title}\n\n{pick.title}{pick.get_kind_display()}\n\n{pick.blurb}" in text
