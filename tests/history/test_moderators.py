"""create_moderator beside create_editor: no daily work needs a superuser."""

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse

from comments.models import Comment
from history.models import display_name

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


def create(command, username, *extra):
    email = f"{username}@example.com"
    call_command(command, username, "--email", email, "--password", PASSWORD, *extra)
    return User.objects.get(username=username)


def test_it_creates_a_moderator_in_the_moderators_group_never_a_superuser(capsys):
    moderator = create("create_moderator", "mo", "--display-name", "Comment Keeper")

    assert moderator.is_staff and not moderator.is_superuser
    assert list(moderator.groups.values_list("name", flat=True)) == ["Moderators"]
    assert display_name(moderator) == "Comment Keeper"
    assert 'Created the moderator "mo", shown as "Comment Keeper".' in capsys.readouterr().out


def test_an_editor_without_a_display_name_is_shown_by_number(capsys):
    editor = create("create_editor", "ed")
    assert display_name(editor) == f"Editor {editor.pk}"
    assert f'shown as "Editor {editor.pk}"' in capsys.readouterr().out


def test_a_bad_display_name_creates_no_account():
    with pytest.raises(CommandError, match="other than your login"):
        create("create_moderator", "moderator1", "--display-name", "Moderator1")
    with pytest.raises(CommandError, match="--display-name"):
        create("create_editor", "ed", "--display-name", "<script>")
    assert not User.objects.exists()


def test_a_moderator_moderates_comments_but_cannot_edit_songs(client, published_song):
    moderator = create("create_moderator", "mo")
    comment = Comment.objects.create(
        song=published_song, author_name="Reader", body="A comment.", status=Comment.Status.PENDING
    )
    client.force_login(moderator)

    assert client.get(reverse("admin:comments_pendingcomment_changelist")).status_code == 200
    assert client.get(reverse("admin:comments_blockedterm_changelist")).status_code == 200
    for page in ("change", "history"):
        url = reverse(f"admin:catalogue_song_{page}", args=[published_song.pk])
        assert client.get(url).status_code == 403
    change = reverse("admin:comments_pendingcomment_change", args=[comment.pk])
    assert client.get(change).status_code == 200


def test_an_editor_edits_songs_but_cannot_moderate_comments(client, published_song):
    editor = create("create_editor", "ed")
    client.force_login(editor)
    url = reverse("admin:catalogue_song_change", args=[published_song.pk])
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:comments_pendingcomment_changelist")).status_code == 403
