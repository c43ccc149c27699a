"""Every admin search looks for each different word once, and for the first ten only."""

import pytest
from django.urls import reverse

from catalogue.models import Artist
from tests.conftest import make_artist

pytestmark = pytest.mark.django_db

SEARCHABLE = [
    "catalogue_song",
    "catalogue_fact",
    "catalogue_artist",
    "catalogue_album",
    "catalogue_person",
    "catalogue_role",
    "catalogue_chart",
    "catalogue_editorspick",
    "comments_comment",
    "comments_pendingcomment",
    "comments_blockedterm",
    "comments_factsuggestion",
]
WARNING = "Only the first 10 different words were searched for."


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("changelist", SEARCHABLE)
def test_every_admin_search_bounds_its_words(
    admin_client, changelist, django_assert_max_num_queries
):
    url = reverse(f"admin:{changelist}_changelist")
    with django_assert_max_num_queries(12):
        response = admin_client.get(url, {"q": " ".join(["Berlin"] * 2000)})
    assert response.status_code == 200
    assert response.context["cl"].query == " ".join(["Berlin"] * 2000)
    assert messages_of(response) == []
    response = admin_client.get(url, {"q": " ".join(f"word{n}" for n in range(30))})
    assert response.status_code == 200
    assert messages_of(response) == [WARNING]


def test_a_search_finds_what_its_first_ten_different_words_find(admin_client):
    match = make_artist(name="Berlin Wall Sound One Two Three Four Five Six Seven")
    make_artist(name="Berlin")
    url = reverse("admin:catalogue_artist_changelist")
    ten = "berlin WALL Sound one two three four five six seven"
    response = admin_client.get(url, {"q": f"{ten} Berlin nowhere"})
    assert list(response.context["cl"].result_list) == [match]
    assert messages_of(response) == [WARNING]
    response = admin_client.get(url, {"q": "nowhere " + ten})
    assert list(response.context["cl"].result_list) == []


def test_autocomplete_bounds_its_words_without_leaving_a_message(admin_client):
    make_artist(name="Berlin Wall")
    words = " ".join(f"word{n}" for n in range(30))
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Berlin " + words,
            "app_label": "catalogue",
            "model_name": "song",
            "field_name": "artist",
        },
    )
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert messages_of(admin_client.get(reverse("admin:index"))) == []
    assert Artist.objects.count() == 1
