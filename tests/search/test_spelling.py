""" "Did you mean": a swap of two letters is one slip, and the most read word wins."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from search.spelling import slips_between
from tests.conftest import make_artist, make_song
from tests.search.conftest import make_comment, make_fact

SEARCH = reverse("search:search")


@pytest.mark.parametrize(
    ("typed", "known", "slips"),
    [
        ("heroes", "heroes", 0),
        ("herose", "heroes", 1),
        ("ehroes", "heroes", 1),
        ("herse", "heroes", 2),
        ("heros", "heroes", 1),
        ("heroez", "heroes", 1),
        ("hreoes", "heroes", 1),
        ("hroees", "heroes", 2),
        # Optimal string alignment: a swapped pair is not edited again.
        ("ca", "abc", 3),
    ],
)
def test_it_counts_each_typing_slip_once(typed, known, slips):
    assert slips_between(typed, known, 3) == slips


def test_it_stops_counting_past_the_most_slips_it_looks_for():
    assert slips_between("heroes", "villains", 2) == 3
    assert slips_between("abcdef", "uvwxyz", 1) == 2


@pytest.fixture
def catalogue(committed):
    """Bowie's "Heroes", read about in facts and comments, and two rarer near-namesakes."""
    cache.clear()
    with committed():
        bowie = make_artist(name="David Bowie")
        heroes = make_song(title="Heroes", artist=bowie)
        make_fact(heroes, body="Recorded in Berlin.")
        make_comment(heroes, body="The best song of 1977.")
        make_song(title="Herse", artist=make_artist(name="Obscure Band"))
        make_song(title="Hearth", artist=bowie)
        make_song(title="Hearts", artist=make_artist(name="Another Band"))
        make_fact(make_song(title="Hearth Again", artist=bowie), body="A sequel.")
    return heroes


def did_you_mean(client, query):
    return client.get(SEARCH, {"q": query}).context["did_you_mean"]


@pytest.mark.django_db
def test_it_takes_a_swap_of_two_letters_for_one_slip(client, catalogue):
    # One slip from "heroes", where "herse" is one letter left out: the most read wins.
    assert did_you_mean(client, "herose") == "heroes"
    assert did_you_mean(client, "ehroes") == "heroes"


@pytest.mark.django_db
def test_it_prefers_the_word_readers_read_most_among_those_as_close(client, catalogue):
    # "hearth" and "hearts" are one slip away: "hearth" names two songs, one with a fact.
    assert did_you_mean(client, "heartz") == "hearth"


@pytest.mark.django_db
def test_it_prefers_fewer_slips_to_more_reading(client, catalogue):
    assert did_you_mean(client, "heartss") == "hearts"


@pytest.mark.django_db
def test_it_offers_nothing_too_far_from_every_known_word(client, catalogue):
    assert did_you_mean(client, "hxxxxs") == ""
