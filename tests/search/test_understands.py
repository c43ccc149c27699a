"""Search that understands what was meant: partial words, names as you type, tags and
comments, and each result saying where its words were found."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from catalogue.models import Status
from comments import services as comment_services
from comments.models import Comment
from tests.conftest import make_artist, make_song
from tests.search.conftest import make_comment, make_credit, make_fact, make_person

pytestmark = pytest.mark.django_db
SEARCH = reverse("search:search")
SUGGEST = reverse("search:suggest")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def catalogue(committed):
    """Bowie's "Heroes", much read about, beside a little-read song that begins with "Bow"."""
    with committed():
        bowie = make_artist(name="David Bowie", sort_name="Bowie, David", slug="david-bowie")
        heroes = make_song(title="Heroes", slug="heroes", artist=bowie, release_year=1977)
        for n in range(3):
            make_fact(heroes, body=f"Story number {n} about the Berlin sessions.")
        for title in ("Fame", "Low", "Ashes to Ashes"):
            make_song(title=title, artist=bowie)
        make_credit(heroes, make_person("Tony Visconti"))
        make_song(title="Bow Down", artist=make_artist(name="Westside Connection"))
        kingsmen = make_artist(name="The Kingsmen")
        louie = make_song(title="Louie Louie", artist=kingsmen)
        lemmy = make_comment(louie, body="Motörhead's cover, with Lemmy, is twice as loud.")
    return {"heroes": heroes, "bowie": bowie, "louie": louie, "lemmy": lemmy}


def group(response, kind):
    groups = {group["kind"]: group for group in response.context["groups"]}
    return groups[kind]["documents"] if kind in groups else []


def titles(response, kind):
    return [document.title for document in group(response, kind)]


def suggestions(client, typed):
    return [
        (s["kind"], s["title"]) for s in client.get(SUGGEST, {"q": typed}).json()["suggestions"]
    ]


def test_it_finds_a_song_from_the_first_letters_of_every_word(client, catalogue):
    response = client.get(SEARCH, {"q": "bowi hero"})
    assert titles(response, "song") == ["Heroes"]
    assert titles(client.get(SEARCH, {"q": "visc hero"}), "song") == ["Heroes"]


def test_it_still_takes_a_quoted_word_whole(client, catalogue):
    assert titles(client.get(SEARCH, {"q": '"hero"'}), "song") == []
    assert titles(client.get(SEARCH, {"q": '"heroes"'}), "song") == ["Heroes"]


def test_it_suggests_the_artist_first_for_the_first_letters_of_their_name(client, catalogue):
    offered = suggestions(client, "bow")
    assert offered[0] == ("artist", "David Bowie")
    # Then what holds the letters in its own title, before the songs found by their artist.
    assert offered[1] == ("song", "Bow Down")
    assert ("song", "Heroes") in offered[2:]


def test_it_suggests_people_and_labels_each_suggestion_with_its_kind(client, catalogue):
    assert suggestions(client, "visc")[:2] == [("person", "Tony Visconti"), ("song", "Heroes")]
    assert suggestions(client, "bowie her") == [("song", "Heroes")]


def test_it_suggests_the_most_read_first_among_names_alike(client, committed, catalogue):
    with committed():
        make_song(title="Hero", artist=make_artist(name="Neu!"))
    assert suggestions(client, "hero") == [("song", "Heroes"), ("song", "Hero")]


def test_it_costs_the_same_queries_to_suggest_among_one_name_or_fifty(
    client, committed, catalogue, django_assert_num_queries
):
    # Expect 7 queries: the cache's look-up, the names best first, and 5 for the database
    # cache to store them (count, savepoint, select, insert, release).
    with django_assert_num_queries(7):
        assert suggestions(client, "wests") == [
            ("artist", "Westside Connection"),
            ("song", "Bow Down"),
        ]
    cache.clear()
    with committed():
        for n in range(50):
            make_song(title=f"Westside Story {n}", artist=make_artist(name=f"Westside {n}"))
    with django_assert_num_queries(7):
        assert len(suggestions(client, "wests")) == 8
    # Then 1, from the cache alone.
    with django_assert_num_queries(1):
        assert len(suggestions(client, "wests")) == 8


def test_it_finds_a_comment_by_a_name_without_its_accent(client, catalogue):
    response = client.get(SEARCH, {"q": "motorhead"})
    assert titles(response, "comment") == ["Louie Louie"]
    [comment] = group(response, "comment")
    assert comment.url == catalogue["lemmy"].get_absolute_url()
    assert comment.places == "a comment"
    content = response.content.decode()
    assert "The Kingsmen · comment by Ann · found in a comment" in content
    assert "twice as loud" in content


def test_it_pages_through_comments(client, catalogue):
    response = client.get(SEARCH, {"q": "lemmy", "kind": "comment"})
    assert [document.title for document in response.context["page"]] == ["Louie Louie"]
    assert response.context["groups"][0]["documents"][0].places == "a comment"


@pytest.mark.parametrize("status", [Comment.Status.REMOVED, Comment.Status.PENDING])
def test_it_stops_finding_a_comment_removed_or_held(client, committed, catalogue, status):
    with committed():
        comment_services.comment_moderate(comment=catalogue["lemmy"], status=status)
    assert titles(client.get(SEARCH, {"q": "motorhead"}), "comment") == []
    with committed():
        comment_services.comment_moderate(
            comment=catalogue["lemmy"], status=Comment.Status.PUBLISHED
        )
    assert titles(client.get(SEARCH, {"q": "motorhead"}), "comment") == ["Louie Louie"]


def test_it_hides_the_replies_of_a_removed_comment(client, committed, catalogue):
    with committed():
        make_comment(catalogue["louie"], body="Lemmy sang it best.", parent=catalogue["lemmy"])
    assert len(titles(client.get(SEARCH, {"q": "lemmy"}), "comment")) == 2
    with committed():
        comment_services.comment_moderate(comment=catalogue["lemmy"], status=Comment.Status.REMOVED)
    assert titles(client.get(SEARCH, {"q": "lemmy"}), "comment") == []


def test_it_hides_the_comments_of_an_unpublished_song(client, committed, catalogue):
    louie = catalogue["louie"]
    with committed():
        louie.status = Status.DRAFT
        louie.save()
    assert titles(client.get(SEARCH, {"q": "motorhead"}), "comment") == []
    with committed():
        louie.status = Status.PUBLISHED
        louie.save()
    assert titles(client.get(SEARCH, {"q": "motorhead"}), "comment") == ["Louie Louie"]


def test_it_finds_a_song_by_its_tag_and_says_so(client, committed, catalogue):
    with committed():
        catalogue["heroes"].tags.add("Songs about Berlin Walls")
    response = client.get(SEARCH, {"q": "walls"})
    [song] = group(response, "song")
    assert (song.title, song.places) == ("Heroes", "a tag")
    content = response.content.decode()
    assert "found in a tag" in content
    assert "<mark>Walls</mark>" in content


@pytest.mark.parametrize(
    ("query", "kind", "places"),
    [
        ("heroes", "song", "the title"),
        ("bowie heroes", "song", "the title and the credits"),
        ("visconti", "song", "the credits"),
        ("visconti", "person", "the name"),
        ("berlin sessions", "fact", "a fact"),
        ("heroes berlin", "fact", "a fact and the song's title or artist"),
        ("heroes -fame", "song", "the title"),
    ],
)
def test_it_says_where_the_words_of_each_result_were_found(client, catalogue, query, kind, places):
    response = client.get(SEARCH, {"q": query})
    assert {document.places for document in group(response, kind)} == {places}
    assert f"found in {places}" in response.content.decode().replace("&#x27;", "'")


def test_it_says_nowhere_for_a_query_of_exclusions_alone(client, catalogue):
    response = client.get(SEARCH, {"q": "-heroes", "kind": "song"})
    assert response.status_code == 200
    assert {document.places for document in response.context["page"]} == {""}
