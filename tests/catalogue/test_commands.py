"""The catalogue's management commands: create_editor, load_seed and generate_catalogue."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from reversion.models import Version

from catalogue.markup import render_fact
from catalogue.models import Fact, Song
from comments.markup import render_comment
from comments.models import Comment
from tests.conftest import make_song

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-editor-password"


def test_it_creates_an_editor_who_is_staff_but_no_superuser():
    call_command("create_editor", "ada", "--email", "ada@example.com", "--password", PASSWORD)
    ada = User.objects.get(username="ada")
    assert (ada.email, ada.is_staff, ada.is_superuser) == ("ada@example.com", True, False)
    assert list(ada.groups.values_list("name", flat=True)) == ["Editors"]
    assert ada.check_password(PASSWORD)
    assert ada.has_perm("catalogue.publish_song")
    assert not ada.has_perm("auth.change_user")


def test_it_asks_for_the_password_twice_when_none_is_given(monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt: PASSWORD)
    call_command("create_editor", "ada", "--email", "ada@example.com")
    assert User.objects.get(username="ada").check_password(PASSWORD)


def test_it_refuses_two_different_passwords(monkeypatch):
    answers = iter([PASSWORD, "something-else-entirely"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="The two passwords differ"):
        call_command("create_editor", "ada", "--email", "ada@example.com")
    assert not User.objects.exists()


def test_it_refuses_an_existing_username_and_changes_nothing(editor):
    with pytest.raises(CommandError, match='A user named "editor" exists already'):
        call_command(
            "create_editor", "editor", "--email", "new@example.com", "--password", PASSWORD
        )
    editor.refresh_from_db()
    assert editor.email == ""
    assert editor.check_password("a-long-test-password")


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("not-an-address", PASSWORD, "Enter a valid email address"),
        ("ada@example.com", "short", "This password is too short"),
    ],
)
def test_it_refuses_a_bad_email_or_a_weak_password(email, password, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_editor", "ada", "--email", email, "--password", password)
    assert not User.objects.exists()


def test_it_loads_the_seed_into_an_empty_catalogue(capsys):
    call_command("load_seed", "--if-empty")
    assert "loaded the seed content" in capsys.readouterr().out
    heroes = Song.objects.get(artist__slug="david-bowie", slug="heroes")
    # Every seeded song has a first revision for editors to revert to, which holds its facts.
    first = Version.objects.get_for_object(heroes).get().revision
    assert Version.objects.get_for_object(heroes.facts.first()).get().revision == first


def test_it_skips_the_seed_when_the_catalogue_has_songs(capsys):
    song = make_song()
    call_command("load_seed", "--if-empty")
    assert "skipped" in capsys.readouterr().out
    assert list(Song.objects.all()) == [song]


def test_it_refuses_to_load_the_seed_over_songs_without_if_empty():
    make_song()
    with pytest.raises(CommandError, match="has songs already"):
        call_command("load_seed")
    assert Song.objects.count() == 1


def _assert_rendered(model, render):
    rows = list(model.objects.values_list("body", "body_html"))
    assert rows
    assert all(html and html == render(body) for body, html in rows)


def test_the_seed_leaves_every_fact_and_comment_rendered():
    # loaddata saves raw, without Fact.save and Comment.save.
    call_command("load_seed")

    _assert_rendered(Fact, render_fact)
    _assert_rendered(Comment, render_comment)


def test_the_generated_catalogue_has_every_fact_and_comment_rendered(capsys):
    # The showcase songs need eight people, one for each 20 songs.
    call_command("generate_catalogue", "--songs=160", "--facts=300", "--comments=300", "--seed=3")

    assert "Generated 160 songs, 300 facts and 300 comments" in capsys.readouterr().out
    # With the two showcase songs' facts and comments, which come by bulk_create.
    assert Fact.objects.count() == 300 + 2 * 20
    _assert_rendered(Fact, render_fact)
    _assert_rendered(Comment, render_comment)
