"""The public History page of a song: who changed what and when, by display name."""

import pytest
import reversion
from django.urls import reverse

from catalogue.models import Fact, Song, Status
from history.models import EditorProfile
from tests.conftest import make_user
from tests.history.conftest import revised

pytestmark = pytest.mark.django_db


def history_url(song):
    return reverse(
        "catalogue:song-history", kwargs={"artist_slug": song.artist.slug, "slug": song.slug}
    )


@pytest.fixture
def ada(db):
    user = make_user("ada.login", "Editors", is_staff=True, email="ada@example.com")
    EditorProfile.objects.create(user=user, display_name="Ada of the Archive")
    return user


def test_it_lists_who_changed_the_song_and_when_by_display_name(client, published_song, ada):
    revised(published_song, user=ada, comment="Changed Title.")
    fact = Fact(song=published_song, position=1, body="Told.", status=Status.PUBLISHED)
    revised(fact, user=ada, comment="Fact “Fact #1”: Added.")
    nameless = make_user("bob.login", "Editors", is_staff=True)
    revised(published_song, user=nameless, comment="Changed Slug.")

    response = client.get(history_url(published_song))

    assert response.status_code == 200
    content = response.content.decode()
    entries = [entry.what for entry in response.context["page"].object_list]
    assert entries == ["Changed Slug.", "Fact “Fact #1”: Added.", "Changed Title."]
    assert "Ada of the Archive" in content
    assert f"Editor {nameless.pk}" in content
    for secret in ("ada.login", "ada@example.com", "bob.login"):
        assert secret not in content
    assert "<time datetime=" in content


def test_the_song_page_links_to_its_history(client, published_song):
    song_page = client.get(published_song.get_absolute_url())
    assert history_url(published_song) in song_page.content.decode()


def test_a_drafts_history_is_a_404_even_for_editors(client, draft_song, editor):
    revised(draft_song, user=editor)
    assert client.get(history_url(draft_song)).status_code == 404
    client.force_login(editor)
    assert client.get(history_url(draft_song)).status_code == 404


def test_it_tells_nothing_of_what_a_draft_held(client, draft_song, ada):
    revised(draft_song, user=ada, comment="Changed Title from the secret working title.")
    draft_song.status = Status.PUBLISHED
    revised(draft_song, user=ada, comment="Published.")

    response = client.get(history_url(draft_song))

    content = response.content.decode()
    assert "secret working title" not in content
    assert "Worked on while the song was a draft." in content
    assert "Published." in content


def test_it_answers_a_bad_page_number_with_a_404(client, published_song):
    revised(published_song)
    assert client.get(history_url(published_song), {"page": "x"}).status_code == 404
    assert client.get(history_url(published_song), {"page": "9"}).status_code == 404


@pytest.mark.parametrize("revisions", [1, 20])
def test_it_costs_the_same_queries_for_one_revision_or_twenty(
    client, published_song, revisions, django_assert_num_queries
):
    editors = [make_user(f"e{n}", "Editors", is_staff=True) for n in range(3)]
    EditorProfile.objects.create(user=editors[0], display_name="Named Editor")
    for n in range(revisions):
        revised(published_song, user=editors[n % 3], comment=f"Change {n}.")
    client.get(history_url(published_song))  # content types, cached for the process

    # The song with its artist, the count of revisions, the page of them with their
    # editors and display names.
    with django_assert_num_queries(3):
        response = client.get(history_url(published_song))
    assert len(response.context["page"].object_list) == revisions


@pytest.mark.page_cache
def test_a_new_revision_and_a_new_display_name_show_at_once(
    client, published_song, ada, django_capture_on_commit_callbacks
):
    revised(published_song, user=ada, comment="First change.")
    url = history_url(published_song)
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"

    fact = Fact(song=published_song, position=1, body="Told.", status=Status.PUBLISHED)
    with django_capture_on_commit_callbacks(execute=True):
        revised(fact, user=ada, comment="Second change.")
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Second change." in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        profile = ada.editor_profile
        profile.display_name = "Ada Renamed"
        profile.save()
    assert "Ada Renamed" in client.get(url).content.decode()


@pytest.mark.page_cache
def test_a_revert_shows_on_the_song_page_at_once(
    client, whole_song, editor, django_capture_on_commit_callbacks
):
    from tests.history.test_revert import revision_url

    first = whole_song.facts.get(position=1)
    first.body = "A worse telling."
    with django_capture_on_commit_callbacks(execute=True):
        revised(first)
    song_url = whole_song.get_absolute_url()
    assert "A worse telling." in client.get(song_url).content.decode()
    assert client.get(song_url)["X-Page-Cache"] == "hit"

    admin = type(client)()
    admin.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(revision_url(whole_song, whole_song.first_revision)).status_code == 302

    response = client.get(song_url)
    assert response["X-Page-Cache"] == "miss"
    assert "Written in Berlin." in response.content.decode()


def test_revisions_without_the_song_published_purge_nothing(
    draft_song, django_capture_on_commit_callbacks, monkeypatch
):
    purged = []
    monkeypatch.setattr("songfacts.cache_keys.purge", lambda keys: purged.append(set(keys)))
    with django_capture_on_commit_callbacks(execute=True), reversion.create_revision():
        draft_song.save()
    assert not any(f"song-{draft_song.pk}-history" in keys for keys in purged)
    assert Song.objects.get(pk=draft_song.pk)


def test_a_revision_purges_the_history_page_and_nothing_else_of_its_own(
    published_song, django_capture_on_commit_callbacks, monkeypatch
):
    purged = []
    monkeypatch.setattr("songfacts.cache_keys.purge", lambda keys: purged.append(set(keys)))
    song = Song.objects.get(pk=published_song.pk)
    with django_capture_on_commit_callbacks(execute=True), reversion.create_revision():
        # A save that changes nothing shown: whatever is purged comes from the revision.
        song.save()
    assert purged == [{f"song-{song.pk}-history"}]
