"""Reverting a song restores it with its parts as they were, in one step, and says what changed."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from reversion.models import Version as Revised

from catalogue.markup import render_fact
from catalogue.models import Appearance, Credit, EditorsPick, Fact, Person, Song, Source, Status
from history.revert import revert_plan
from tests.catalogue.test_admin import (
    fact_row,
    song_change_url,
    song_form_data,
    user_with_permissions,
)
from tests.conftest import make_song
from tests.history.conftest import revised, song_version

pytestmark = pytest.mark.django_db


def revision_url(song, revision):
    version = song_version(song, revision)
    return reverse("admin:catalogue_song_revision", args=[song.pk, version.pk])


def change_everything(song, editor):
    """A second revision: a new title, a fact edited, one deleted with its source and one
    added, the credit swapped for another, the tag swapped, the film dropped."""
    song.title = "Heroes (edit)"
    first, second = song.facts.order_by("position")
    first.body = "Written in *West* Berlin."
    second.delete()
    added = Fact(song=song, position=3, body="Added later.", status=Status.PUBLISHED)
    old_credit = song.credits.get()
    old_credit.delete()
    person = Person.objects.create(name="Tony Visconti", sort_name="Visconti", slug="visconti")
    credit = Credit(song=song, person=person, role_id=old_credit.role_id)
    song.appearances.all().delete()
    song.isrcs.all().delete()
    song.tags.set(["Love songs"])
    revised(song, first, added, credit, user=editor, comment="Second.")


@pytest.fixture
def changed_song(whole_song, editor):
    state = {
        "facts": set(whole_song.facts.values_list("pk", "body")),
        "sources": set(Source.objects.filter(fact__song=whole_song).values_list("pk", "citation")),
        "credits": set(whole_song.credits.values_list("pk", "person_id", "role_id")),
        "tags": set(whole_song.tags.names()),
        "appearances": set(whole_song.appearances.values_list("pk", "title")),
        "isrcs": set(whole_song.isrcs.values_list("pk", "code")),
    }
    change_everything(whole_song, editor)
    whole_song.state_then = state
    return whole_song


def test_a_songs_revision_holds_all_its_parts(whole_song):
    models = {
        version.content_type.model
        for version in whole_song.first_revision.version_set.select_related("content_type")
    }
    assert models == {
        "song",
        "fact",
        "source",
        "credit",
        "chartentry",
        "certification",
        "isrc",
        "version",
        "appearance",
        "taggeditem",
    }


def test_the_plan_says_what_a_revert_changes(changed_song, editor):
    plan = revert_plan(
        revision=changed_song.first_revision,
        model=Song,
        object_id=changed_song.pk,
        editor=editor,
    )
    changes = {str(change) for change in plan.changes if not change.entry}
    [entry] = [change for change in plan.changes if change.entry]
    assert (entry.what, entry.fields) == ("changed back", ["title"])
    assert "Fact “Fact #1”: changed back (body)" in changes
    assert "Fact “Fact #2”: restored" in changes
    assert "Source “Uncut, 2008”: restored" in changes
    assert "Fact “Fact #3”: removed" in changes
    assert "Appearance “Christiane F”: restored" in changes
    assert "Tag “Songs about Berlin”: restored" in changes
    assert "Tag “Love songs”: removed" in changes
    assert plan.summary() == (
        "title changed back; facts: 1 changed back, 1 restored, 1 removed; "
        "credits: 1 restored, 1 removed; ISRCs: 1 restored; appearances: 1 restored; "
        "tags: 1 restored, 1 removed; "
        "sources: 1 restored"
    )


def test_it_reverts_a_song_with_its_parts_in_one_step(client, changed_song, editor):
    client.force_login(editor)
    url = revision_url(changed_song, changed_song.first_revision)

    confirmation = client.get(url)
    assert confirmation.status_code == 200
    assert "Fact “Fact #2”: restored" in confirmation.content.decode()
    assert Song.objects.get(pk=changed_song.pk).title == "Heroes (edit)", "a look changes nothing"

    response = client.post(url)
    assert response.status_code == 302
    assert response.url == song_change_url(changed_song)
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Reverted to the revision of ")
    assert "title changed back; facts: 1 changed back, 1 restored, 1 removed" in message

    song = Song.objects.get(pk=changed_song.pk)
    then = changed_song.state_then
    assert song.title == "Heroes"
    assert set(song.facts.values_list("pk", "body")) == then["facts"]
    assert (
        set(Source.objects.filter(fact__song=song).values_list("pk", "citation"))
        == (then["sources"])
    )
    assert set(song.credits.values_list("pk", "person_id", "role_id")) == then["credits"]
    assert set(song.tags.names()) == then["tags"]
    assert set(song.appearances.values_list("pk", "title")) == then["appearances"]
    assert set(song.isrcs.values_list("pk", "code")) == then["isrcs"]
    # Each row went through save(): the restored and changed-back facts' HTML is rendered.
    for fact in song.facts.all():
        assert fact.body_html == render_fact(fact.body)
    latest = Revised.objects.get_for_object(song).order_by("-pk").first().revision
    assert latest.user == editor
    assert latest.comment.startswith("Reverted to the revision of ")


def test_a_revision_saved_in_the_admin_holds_the_song_and_reverts_its_facts(
    client, editor, published_song
):
    client.force_login(editor)
    data = song_form_data(published_song, facts=[fact_row(body="The first telling.")])
    assert client.post(song_change_url(published_song), data).status_code == 302
    fact = published_song.facts.get()
    data = song_form_data(published_song, facts=[fact_row(fact, body="A worse telling.")])
    data["title"] = "Heroes (worse)"
    assert client.post(song_change_url(published_song), data).status_code == 302

    versions = Revised.objects.get_for_object(published_song).order_by("pk")
    first, second = versions
    assert "Added fact “Fact #10”" in first.revision.comment
    assert "Changed Title" in second.revision.comment
    url = reverse("admin:catalogue_song_revision", args=[published_song.pk, first.pk])
    assert client.post(url).status_code == 302
    published_song.refresh_from_db()
    fact.refresh_from_db()
    assert (published_song.title, fact.body) == ("Heroes", "The first telling.")


def test_a_non_publisher_reverts_everything_but_what_is_published(client, whole_song):
    writer = user_with_permissions("writer", "view_song", "change_song", "change_fact")
    fact = whole_song.facts.get(position=1)
    fact.status = Status.DRAFT
    fact.body = "Changed and unpublished."
    revised(fact)
    client.force_login(writer)

    response = client.post(revision_url(whole_song, whole_song.first_revision))

    assert response.status_code == 302
    fact.refresh_from_db()
    assert (fact.body, fact.status) == ("Written in Berlin.", Status.DRAFT)


def test_it_does_not_restore_a_part_whose_person_is_gone(client, editor, whole_song):
    credit = whole_song.credits.select_related("person").get()
    credit.delete()
    credit.person.delete()
    revised(whole_song)
    client.force_login(editor)
    url = revision_url(whole_song, whole_song.first_revision)

    content = client.get(url).content.decode()

    assert "Credit “Brian Eno – Synthesizer”: not restored, its person no longer exists" in content
    assert client.post(url).status_code == 302
    assert not whole_song.credits.exists()


def test_a_revert_to_the_song_as_it_is_says_so_and_changes_nothing(client, editor, whole_song):
    client.force_login(editor)
    url = revision_url(whole_song, whole_song.first_revision)
    assert "there is nothing to revert" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302 and response.url == url
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "nothing to revert" in message
    assert Revised.objects.get_for_object(whole_song).count() == 1


def test_it_recovers_a_deleted_song_with_its_parts(client, editor, whole_song):
    pk, fact_ids = whole_song.pk, set(whole_song.facts.values_list("pk", flat=True))
    version = song_version(whole_song, whole_song.first_revision)
    whole_song.delete()
    client.force_login(editor)

    recover_list = client.get(reverse("admin:catalogue_song_recoverlist"))
    assert "Heroes" in recover_list.content.decode()
    url = reverse("admin:catalogue_song_recover", args=[version.pk])
    assert "Song “Heroes by" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Recovered from the revision of ")

    song = Song.objects.get(pk=pk)
    assert set(song.facts.values_list("pk", flat=True)) == fact_ids
    assert song.appearances.get().title == "Christiane F"
    assert set(song.tags.names()) == {"Songs about Berlin"}


def test_it_refuses_a_revision_of_another_entry_with_a_404(client, editor, whole_song):
    other = Appearance.objects.get(song=whole_song)
    other_version = Revised.objects.get_for_object(other).get()
    client.force_login(editor)
    url = reverse("admin:catalogue_song_revision", args=[whole_song.pk, other_version.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_moderators_may_not_revert_songs(client, moderator, whole_song):
    client.force_login(moderator)
    response = client.post(revision_url(whole_song, whole_song.first_revision))
    assert response.status_code == 403


def test_every_entry_editors_edit_has_a_history_to_revert_to(client, editor, published_song):
    pick = EditorsPick.objects.create(
        title="Bowie's Berlin",
        kind=EditorsPick.Kind.ARTICLE,
        blurb="Three albums.",
        url="https://example.org/berlin",
    )
    pick.songs.add(published_song)
    revised(pick)
    other = make_song(title="Lazarus", slug="lazarus")
    pick.title = "Berlin, again"
    pick.songs.set([other])
    revised(pick)
    client.force_login(editor)
    first = Revised.objects.get_for_object(pick).order_by("pk").first()
    url = reverse("admin:catalogue_editorspick_revision", args=[pick.pk, first.pk])

    assert "changed back (title, songs)" in client.get(url).content.decode()
    assert client.post(url).status_code == 302

    pick.refresh_from_db()
    assert (pick.title, list(pick.songs.all())) == ("Bowie's Berlin", [published_song])
    for name in ("artist", "album", "person", "role", "chart", "editorspick"):
        assert client.get(reverse(f"admin:catalogue_{name}_recoverlist")).status_code == 200
    assert client.get(reverse("admin:taggit_tag_recoverlist")).status_code == 200


def test_a_revert_changes_only_the_parts_the_editor_may_change(client, changed_song):
    writer = user_with_permissions("writer", "view_song", "change_song", "change_fact")
    client.force_login(writer)
    url = revision_url(changed_song, changed_song.first_revision)

    content = client.get(url).content.decode()
    assert "Fact “Fact #3”: left as it is, you may not delete facts" in content
    assert "Fact “Fact #2”: left as it is, you may not add facts" in content
    assert client.post(url).status_code == 302

    song = Song.objects.get(pk=changed_song.pk)
    assert song.title == "Heroes"
    assert list(song.facts.values_list("position", "body")) == [
        (1, "Written in Berlin."),
        (3, "Added later."),
    ]
    assert set(song.tags.names()) == {"Songs about Berlin"}
