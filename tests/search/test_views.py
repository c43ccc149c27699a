"""The search page and the as-you-type endpoint, against the real index."""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from catalogue.models import Status
from search.querysets import CANDIDATES
from search.views import RESULTS_SECONDS
from songfacts import page_cache
from tests.conftest import make_artist, make_song
from tests.search.conftest import make_album, make_comment, make_credit, make_fact, make_person

pytestmark = pytest.mark.django_db
SEARCH = reverse("search:search")
SUGGEST = reverse("search:suggest")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def catalogue(committed):
    """A small catalogue around "Heroes", with accents to fold."""
    with committed():
        bowie = make_artist(name="David Bowie", sort_name="Bowie, David", slug="david-bowie")
        album = make_album(bowie, "Heroes", release_year=1977)
        heroes = make_song(
            title="Heroes", slug="heroes", artist=bowie, album=album, release_year=1977
        )
        heros = make_song(title="Héros", slug="heros", artist=bowie)
        make_credit(heroes, make_person("Tony Visconti"))
        make_fact(
            heroes,
            body="Bowie saw two lovers kissing by the <em>Berlin Wall</em> from the studio.",
        )
        motorhead = make_artist(name="Motörhead", slug="motorhead")
        make_song(title="Ace of Spades", slug="ace-of-spades", artist=motorhead)
        make_fact(make_song(title="Sound and Vision", artist=bowie), body="Recorded in France.")
    return {"heroes": heroes, "heros": heros, "bowie": bowie}


def titles(response, kind):
    groups = {group["kind"]: group for group in response.context["groups"]}
    return [document.title for document in groups[kind]["documents"]] if kind in groups else []


def test_it_finds_motorhead_without_the_umlaut(client, catalogue):
    response = client.get(SEARCH, {"q": "motorhead"})
    assert titles(response, "artist") == ["Motörhead"]
    assert titles(response, "song") == ["Ace of Spades"]


def test_it_finds_heros_with_or_without_the_accent(client, catalogue):
    assert titles(client.get(SEARCH, {"q": "heros"}), "song") == ["Héros"]
    assert titles(client.get(SEARCH, {"q": "HÉROS"}), "song") == ["Héros"]


def test_it_finds_a_name_from_its_first_letters(client, catalogue):
    response = client.get(SEARCH, {"q": "bowi"})
    assert titles(response, "artist") == ["David Bowie"]


def test_it_finds_a_fact_by_words_of_its_story_and_its_artist(client, catalogue):
    response = client.get(SEARCH, {"q": "bowie berlin wall"})
    assert titles(response, "fact") == ["Heroes"]
    content = response.content.decode()
    assert "<mark>Berlin</mark> <mark>Wall</mark>" in content
    assert "&lt;em&gt;" not in content and "<em>" not in content


def test_it_ranks_titles_above_credits_and_albums(client, committed, catalogue):
    with committed():
        other = make_song(title="Warszawa", artist=catalogue["bowie"])
        make_credit(other, make_person("Heroes Smith"))
    response = client.get(SEARCH, {"q": "heroes"})
    assert titles(response, "song") == ["Heroes", "Warszawa"]
    assert titles(response, "album") == ["Heroes"]


def test_it_groups_results_by_kind_in_a_fixed_order(client, catalogue):
    response = client.get(SEARCH, {"q": "heroes"})
    assert [group["kind"] for group in response.context["groups"]] == ["song", "album", "fact"]


def test_it_searches_a_quoted_phrase(client, catalogue):
    assert titles(client.get(SEARCH, {"q": '"berlin wall"'}), "fact") == ["Heroes"]
    assert titles(client.get(SEARCH, {"q": '"wall berlin"'}), "fact") == []


def test_it_hides_unpublished_songs(client, committed, catalogue):
    with committed():
        make_song(title="Heroes Demo", status=Status.DRAFT)
    assert titles(client.get(SEARCH, {"q": "heroes demo"}), "song") == []


def test_it_pages_through_one_kind(client, committed):
    with committed():
        artist = make_artist(name="Prolific")
        for n in range(25):
            make_song(title=f"Night {n:02d}", artist=artist)
    overview = client.get(SEARCH, {"q": "night"})
    assert len(titles(overview, "song")) == 5
    assert f"{SEARCH}?q=night&amp;kind=song" in overview.content.decode()
    first = client.get(SEARCH, {"q": "night", "kind": "song"})
    second = client.get(SEARCH, {"q": "night", "kind": "song", "page": 2})
    assert len(titles(first, "song")) == 20
    assert len(titles(second, "song")) == 5
    assert not set(titles(first, "song")) & set(titles(second, "song"))
    assert second.context["page"].paginator.count == 25


def test_it_ranks_only_a_capped_candidate_set(client, committed):
    with committed():
        artist = make_artist(name="Everywhere")
        song = make_song(title="Common", artist=artist)
        for n in range(CANDIDATES + 5):
            make_fact(song, body=f"A common story number {n}.")
    response = client.get(SEARCH, {"q": "common", "kind": "fact", "page": 1000})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == CANDIDATES
    assert f"first {CANDIDATES} matches" in response.content.decode()


def test_it_offers_the_closest_name_for_a_misspelling(client, catalogue):
    response = client.get(SEARCH, {"q": "davd bowei"})
    assert response.context["did_you_mean"] == "david bowie"
    assert f"{SEARCH}?q=david%20bowie" in response.content.decode()


def test_it_learns_new_names_for_did_you_mean(client, committed, catalogue):
    assert client.get(SEARCH, {"q": "zigy"}).context["did_you_mean"] == ""
    with committed():
        make_song(title="Ziggy Stardust", artist=catalogue["bowie"])
    assert client.get(SEARCH, {"q": "zigy"}).context["did_you_mean"] == "ziggy"


@pytest.mark.page_cache
def test_a_search_page_cached_for_readers_follows_the_catalogue_within_its_lifetime(
    client, committed, catalogue, monkeypatch
):
    assert titles(client.get(SEARCH, {"q": "stardust"}), "song") == []
    with committed():
        make_song(title="Ziggy Stardust", artist=catalogue["bowie"])
    assert client.get(SEARCH, {"q": "stardust"})["X-Page-Cache"] == "hit"

    later = time.time() + RESULTS_SECONDS
    monkeypatch.setattr(page_cache.time, "time", lambda: later)

    assert titles(client.get(SEARCH, {"q": "stardust"}), "song") == ["Ziggy Stardust"]


def test_it_offers_no_correction_when_results_are_plenty(client, catalogue):
    assert "did_you_mean" not in client.get(SEARCH, {"q": "heroes"}).context


@pytest.mark.parametrize(
    "query",
    [
        "",
        "x",
        '"',
        '""',
        '"heroes',
        "&|!:*()",
        "a:* & b | !c <-> (d)",
        "-",
        "-heroes",
        "or",
        "heroes or",
        "x" * 2000,
        "heroes " * 300,
        "her\x00oes",
        "\x00",
        "\x1b[31mred\x07",
        "\ue000heroes\ue001",
        "<script>alert(1)</script>",
        "'; DROP TABLE search_searchdocument; --",
        "中文 русский",
        "🎸🎸🎸",
    ],
)
def test_it_answers_any_query_with_a_helpful_page(client, catalogue, query):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>alert" not in content
    assert "Search" in content
    suggest = client.get(SUGGEST, {"q": query})
    assert suggest.status_code == 200


def test_it_explains_an_empty_or_one_letter_query(client, catalogue):
    assert "Type a word or two" in client.get(SEARCH).content.decode()
    assert "Type at least two letters" in client.get(SEARCH, {"q": "h"}).content.decode()
    assert "punctuation and symbols" in client.get(SEARCH, {"q": "&|!"}).content.decode()


def test_it_answers_an_unknown_kind_or_page_with_results(client, catalogue):
    response = client.get(SEARCH, {"q": "heroes", "kind": "nonsense", "page": "x"})
    assert response.status_code == 200
    assert "no such kind" in response.content.decode()
    assert titles(response, "song") == ["Heroes"]
    for page in ("-1", "9" * 5000, "\x00"):
        response = client.get(SEARCH, {"q": "heroes", "kind": "song", "page": page})
        assert response.status_code == 200
        assert titles(response, "song") == ["Heroes"]


def test_it_says_when_nothing_matches(client, catalogue):
    response = client.get(SEARCH, {"q": "qwertyuiop"})
    assert "Nothing matches" in response.content.decode()


def test_it_keeps_the_query_in_the_site_search_box(client, catalogue):
    content = client.get(SEARCH, {"q": "bowie <b>"}).content.decode()
    assert 'id="site-search-q" type="search" name="q" value="bowie &lt;b&gt;"' in content


def test_it_suggests_titles_and_names_as_you_type(client, catalogue):
    data = client.get(SUGGEST, {"q": "heroe"}).json()
    assert data["query"] == "heroe"
    assert [(s["kind"], s["title"]) for s in data["suggestions"]] == [
        ("song", "Heroes"),
        ("album", "Heroes"),
    ]
    assert data["suggestions"][0]["url"] == catalogue["heroes"].get_absolute_url()


def test_it_suggests_no_facts(client, catalogue):
    assert client.get(SUGGEST, {"q": "berlin"}).json()["suggestions"] == []


def test_it_caches_suggestions_briefly(client, committed, catalogue):
    client.get(SUGGEST, {"q": "ziggy"})
    with committed():
        make_song(title="Ziggy Stardust", artist=catalogue["bowie"])
    assert client.get(SUGGEST, {"q": "ziggy"}).json()["suggestions"] == []
    cache.clear()
    assert len(client.get(SUGGEST, {"q": "ziggy"}).json()["suggestions"]) == 1


def _add_matches(committed, count):
    """`count` more songs, artists, albums, people, facts, comments and tags that all match
    "berlin"."""
    with committed():
        for n in range(count):
            artist = make_artist(name="Berlin Band")
            album = make_album(artist, "Berlin Album")
            song = make_song(title="Berlin Song", artist=artist, album=album)
            song.tags.add(f"Songs about Berlin {n}")
            make_credit(song, make_person("Berlin Person"))
            make_fact(song, body="Recorded in Berlin.")
            make_comment(song, body="Heard it in Berlin.")


def test_it_costs_the_same_queries_with_one_match_or_fifty(
    client, committed, django_assert_num_queries
):
    _add_matches(committed, 1)
    # Expect 1 query: the best matches of every kind, with their snippets and where their
    # words were found, in one UNION.
    with django_assert_num_queries(1):
        assert client.get(SEARCH, {"q": "berl"}).status_code == 200
    _add_matches(committed, 49)
    with django_assert_num_queries(1):
        response = client.get(SEARCH, {"q": "berl"})
    assert [len(group["documents"]) for group in response.context["groups"]] == [5] * 6
    [song, *_] = response.context["groups"][0]["documents"]
    assert song.places == "the title, a tag and the credits"


def test_it_costs_the_same_queries_for_a_page_of_one_kind(
    client, committed, django_assert_num_queries
):
    _add_matches(committed, 1)
    # Expect 2 queries: the count of the capped candidates, and the page with snippets.
    for kind in ("fact", "comment", "song"):
        with django_assert_num_queries(2):
            client.get(SEARCH, {"q": "berlin", "kind": kind})
    _add_matches(committed, 49)
    for kind in ("fact", "comment", "song"):
        with django_assert_num_queries(2):
            response = client.get(SEARCH, {"q": "berlin", "kind": kind})
        assert len(response.context["page"].object_list) == 20


def test_it_costs_the_same_queries_to_correct_a_misspelling_among_one_or_fifty_names(
    client, committed, django_assert_num_queries
):
    _add_matches(committed, 1)
    # Expect 9 queries: the results; the words' version and the correction from the cache;
    # the known words, loaded again since the names changed; and 5 for the database cache
    # to store the correction (count, savepoint, select, insert, release).
    with django_assert_num_queries(9) as first:
        assert client.get(SEARCH, {"q": "berlni"}).context["did_you_mean"] == "berlin"
    _add_matches(committed, 49)
    with django_assert_num_queries(len(first)):
        assert client.get(SEARCH, {"q": "berlni"}).context["did_you_mean"] == "berlin"
