"""Editors search facts in the admin with the facts' text search index, drafts included."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalogue.models import Fact, Status
from catalogue.selectors import load_song_page
from tests.conftest import make_song
from tests.security.test_fuzzing import AWKWARD

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:catalogue_fact_changelist")


@pytest.fixture
def facts(published_song):
    """Named facts of "Heroes" and of another song, the newest last."""
    other = make_song(title="Sound and Vision", slug="sound-and-vision")
    start = timezone.now() - datetime.timedelta(days=1)
    bodies = {
        "wall": ("Bowie watched two lovers meet by the Berlin Wall.", published_song, ""),
        "visconti": ("Tony Visconti produced it at Hansa.", published_song, ""),
        "draft": ("A draft about the Berlin studio.", published_song, ""),
        "acdc": ("Nothing like AC/DC, a rock-n-roll band.", other, ""),
        "reader": ("Brian Eno played the synthesizer.", other, "Ziggy Stardust"),
    }
    made = {}
    for n, (name, (body, song, reader)) in enumerate(bodies.items()):
        made[name] = Fact.objects.create(
            song=song,
            position=n,
            body=body,
            suggested_by_name=reader,
            status=Status.DRAFT if name == "draft" else Status.PUBLISHED,
            created_at=start + datetime.timedelta(minutes=n),
        )
    return made


def found(client, term):
    response = client.get(CHANGELIST, {"q": term})
    assert response.status_code == 200
    return [fact.pk for fact in response.context["cl"].result_list]


@pytest.fixture
def searching(client, editor, facts):
    client.force_login(editor)

    def search(term):
        return sorted(name for name, fact in facts.items() if fact.pk in found(client, term))

    return search


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("berlin", ["draft", "wall"]),
        ("BERLIN wall", ["wall"]),
        # The start of a word finds the word; the middle of one does not.
        ("Viscon", ["visconti"]),
        ("isconti", []),
        ("ziggy", ["reader"]),
        # The song's title, in part; every word must be in it.
        ("sound vis", ["acdc", "reader"]),
        ('"and vision"', ["acdc", "reader"]),
        ('"vision and"', []),
        ("Heroes", ["draft", "visconti", "wall"]),
        ("AC/DC", ["acdc"]),
        ("rock-n-roll", ["acdc"]),
        ("roll", ["acdc"]),
        ("berlin ziggy", []),
        ("qwertyuiop", []),
        ("!!!", []),
    ],
)
def test_it_finds_facts_by_their_text_reader_or_song(searching, term, expected):
    assert searching(term) == expected


def test_it_lists_the_newest_match_first(client, editor, facts):
    client.force_login(editor)
    assert found(client, "Berlin") == [facts["draft"].pk, facts["wall"].pk]


def test_it_finds_a_fact_by_its_new_text_once_it_is_changed(searching, facts):
    fact = facts["visconti"]
    fact.body = "Recorded at Hansa by the Wall."
    fact.save()
    assert searching("visconti") == []
    assert searching("Hansa wall") == ["visconti"]


def test_it_sorts_a_search_by_a_column_when_asked(client, editor, facts):
    client.force_login(editor)
    response = client.get(CHANGELIST, {"q": "berlin", "o": "-6"})
    assert response.status_code == 200
    assert [fact.pk for fact in response.context["cl"].result_list] == [
        facts["draft"].pk,
        facts["wall"].pk,
    ]
    response = client.get(CHANGELIST, {"q": "berlin", "o": "6"})
    assert [fact.pk for fact in response.context["cl"].result_list] == [
        facts["wall"].pk,
        facts["draft"].pk,
    ]


@pytest.mark.parametrize("term", AWKWARD + ["a' & b", "x:*|y", "'", "\\'", "(", ")))"])
def test_it_answers_any_search_and_changes_nothing(client, editor, facts, term):
    client.force_login(editor)
    before = list(Fact.objects.values_list("pk", "body", "updated_at").order_by("pk"))
    response = client.get(CHANGELIST, {"q": term})
    assert response.status_code == 200
    assert list(Fact.objects.values_list("pk", "body", "updated_at").order_by("pk")) == before


def test_a_search_costs_the_same_queries_for_one_match_or_many(client, editor, published_song):
    client.force_login(editor)
    Fact.objects.create(song=published_song, position=0, body="Berlin.")
    with CaptureQueriesContext(connection) as one:
        assert len(found(client, "berlin")) == 1
    for n in range(1, 21):
        song = make_song()
        Fact.objects.create(song=song, position=n, body=f"Berlin, take {n}.")
    with CaptureQueriesContext(connection) as many:
        assert len(found(client, "berlin")) == 21
    # session, user, the user's own and group permissions (2), the search's words, the songs
    # whose title matches, count, rows with their song and artist
    assert len(many) == len(one) == 8, [query["sql"] for query in many.captured_queries]


def test_the_change_list_and_the_song_page_leave_the_search_document_unread(
    client, editor, facts, published_song
):
    client.force_login(editor)
    response = client.get(CHANGELIST)
    assert all(
        "search_document" in fact.get_deferred_fields()
        for fact in response.context["cl"].result_list
    )
    page = load_song_page(published_song.artist.slug, "heroes", include_drafts=False)
    assert page.facts
    assert all("search_document" in fact.get_deferred_fields() for fact in page.facts)


def test_it_searches_each_word_once(client, editor, facts):
    client.force_login(editor)
    response = client.get(CHANGELIST, {"q": " ".join(["Berlin"] * 2000)})
    assert [fact.pk for fact in response.context["cl"].result_list] == [
        facts["draft"].pk,
        facts["wall"].pk,
    ]
    assert not list(response.context["messages"])


def test_it_searches_the_first_ten_different_words_and_says_so(client, editor, facts):
    client.force_login(editor)
    ten = "Bowie watched two lovers meet by the Berlin Wall w"
    assert found(client, f"{ten} nowhere") == [facts["wall"].pk]
    response = client.get(CHANGELIST, {"q": f"{ten} nowhere"})
    assert [str(message) for message in response.context["messages"]] == [
        "Only the first 10 different words were searched for."
    ]
    assert found(client, f"{ten[:-2]} nowhere") == []


def test_no_words_find_no_facts(facts):
    assert not Fact.objects.search_for_editors("  \t ").exists()
