"""A query's rarest word finds the facts and comments alone, by PostgreSQL's statistics."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from search import frequencies
from tests.conftest import make_song
from tests.search.conftest import make_comment, make_fact

SEARCH = reverse("search:search")
# As pg_stats gives them: the lexemes, their shares, then the smallest and largest share.
FACTS = frequencies._Column(["band", "bands", "guitar", "zyx1"], [0.4, 0.1, 0.5, 0.001, 0.001, 0.5])


@pytest.fixture
def statistics(monkeypatch):
    """Statistics of this test's own, loaded afresh."""
    monkeypatch.setattr(frequencies, "_statistics", frequencies._Statistics())
    return frequencies._statistics


@pytest.mark.parametrize(
    ("word", "prefix", "share"),
    [
        ("band", False, 0.4),
        ("band", True, 1 - 0.6 * 0.9),
        ("guit", True, 0.5),
        ("zyx1", False, 0.001),
        ("zyx0", False, 0.0005),
        ("qwerty", True, 0.0005),
    ],
)
def test_it_takes_the_share_of_a_word_or_a_prefix_as_postgresql_does(word, prefix, share):
    assert FACTS.share(word, prefix) == pytest.approx(share)


def test_it_picks_the_rarest_word_when_it_is_rare_and_others_remain(statistics, monkeypatch):
    monkeypatch.setattr(statistics, "current", lambda: {"fact_vector": FACTS})
    band, guitar, rare = ("band", True), ("guitar", True), ("zyx1", False)
    assert frequencies.rarest("fact_vector", (band, rare, guitar)) == rare
    assert frequencies.rarest("fact_vector", (band, guitar)) is None
    assert frequencies.rarest("fact_vector", (rare,)) is None
    assert frequencies.rarest("comment_vector", (band, rare)) is None
    assert frequencies.rarest("name_vector", (band, rare)) is None


@pytest.mark.django_db
def test_it_finds_facts_and_comments_by_their_rare_word_and_checks_the_rest(
    client, committed, statistics, monkeypatch
):
    with committed():
        song = make_song(title="Common Song")
        for n in range(60):
            make_fact(song, body=f"Recorded with the band, take {n}.")
            make_comment(song, body=f"The band was loud, night {n}.")
        rare_fact = make_fact(song, body="The band called it zyxwv.")
        make_fact(song, body="Zyxwv alone.")
        rare_comment = make_comment(song, body="My band played zyxwv too.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument")
    # Two facts in sixty-two hold the rare word: rare enough for this small a table.
    monkeypatch.setattr(frequencies, "RARE", 0.05)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH, {"q": "band zyxw"})
    groups = {group["kind"]: group["documents"] for group in response.context["groups"]}
    assert [fact.url for fact in groups["fact"]] == [rare_fact.get_absolute_url()]
    assert [comment.url for comment in groups["comment"]] == [rare_comment.get_absolute_url()]
    [search] = [query["sql"] for query in queries if "ts_headline" in query["sql"]]
    assert search.count(") IS TRUE") == 2
