import pytest
from django.urls import reverse

from comments import services
from comments.models import Comment
from tests.comments.conftest import comment_data, make_comment

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.comments.urls")]


@pytest.fixture
def parent(published_song):
    return make_comment(published_song, author_name="Pete", author_email="pete@example.com")


def _reply(client, post_url, parent, body="Good question!"):
    return client.post(post_url, comment_data(parent=parent.pk, author_name="Cp", body=body))


def _unsubscribe_url(mail):
    line = next(line for line in mail.body.splitlines() if "/comments/unsubscribe/" in line)
    return line.split("http://127.0.0.1:8000", 1)[1].strip()


def test_it_emails_the_parent_author_once_per_published_reply(
    client, post_url, parent, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _reply(client, post_url, parent)

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    reply = Comment.objects.get(parent=parent)
    assert mail.to == ["pete@example.com"]
    assert mail.subject == 'Cp replied to your comment on "Heroes"'
    assert "Good question!" in mail.body
    assert reply.get_absolute_url() in mail.body
    assert mail.extra_headers["List-Unsubscribe"].startswith("<http")

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_moderate(comment=reply, status=Comment.Status.PUBLISHED)
    assert len(mailoutbox) == 1


def test_it_sends_nothing_without_an_address_for_a_top_level_comment_or_to_oneself(
    client, published_song, post_url, parent, mailoutbox, django_capture_on_commit_callbacks
):
    silent = make_comment(published_song, author_email="")
    with django_capture_on_commit_callbacks(execute=True):
        _reply(client, post_url, silent)
        client.post(post_url, comment_data(author_email="new@example.com"))
        client.post(
            post_url, comment_data(parent=parent.pk, author_email="Pete@example.com", body="Me.")
        )

    assert mailoutbox == []


def test_it_emails_about_a_held_reply_only_when_a_moderator_publishes_it(
    client, post_url, parent, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _reply(client, post_url, parent, body="http://a.example http://b.example http://c.example")
    assert mailoutbox == []

    reply = Comment.objects.get(parent=parent)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_moderate(comment=reply, status=Comment.Status.PUBLISHED)
        services.comment_moderate(comment=reply, status=Comment.Status.PUBLISHED)

    assert len(mailoutbox) == 1


def test_it_unsubscribes_with_the_signed_link_after_a_confirmation(
    client, published_song, post_url, parent, mailoutbox, django_capture_on_commit_callbacks
):
    other_comment = make_comment(published_song, author_email="PETE@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        _reply(client, post_url, parent)
    url = _unsubscribe_url(mailoutbox[0])

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Stop these e-mails for all your comments?" in confirm.content.decode()
    assert Comment.objects.get(pk=parent.pk).notify_replies is True

    assert client.post(url).status_code == 200
    assert client.post(url).status_code == 200
    assert not Comment.objects.filter(pk__in=[parent.pk, other_comment.pk], notify_replies=True)

    with django_capture_on_commit_callbacks(execute=True):
        _reply(client, post_url, parent, body="Another reply.")
        _reply(client, post_url, other_comment, body="And another.")
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("token", ["nonsense", "1:abc:def"])
def test_it_refuses_a_forged_unsubscribe_link(client, parent, token):
    url = reverse("comments:unsubscribe", kwargs={"token": token})

    assert client.get(url).status_code == 400
    assert client.post(url).status_code == 400
    assert Comment.objects.get(pk=parent.pk).notify_replies is True


def test_it_refuses_a_link_signed_for_something_else(client, parent):
    from django.core import signing

    token = signing.dumps(parent.pk, salt="another.purpose")
    url = reverse("comments:unsubscribe", kwargs={"token": token})

    assert client.post(url).status_code == 400
    assert Comment.objects.get(pk=parent.pk).notify_replies is True


def test_it_emails_when_a_moderator_publishes_a_reply_from_its_change_form(
    client, published_song, parent, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    reply = make_comment(published_song, parent=parent, status=Comment.Status.PENDING)
    client.force_login(moderator)
    form = {
        "song": published_song.pk,
        "parent": parent.pk,
        "author_name": reply.author_name,
        "author_place": reply.author_place,
        "author_email": "",
        "body": reply.body,
        "status": "published",
        "created_at_0": "2026-01-01",
        "created_at_1": "12:00:00",
        "notify_replies": "on",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:comments_pendingcomment_change", args=[reply.pk]), form
        )

    assert response.status_code == 302
    assert Comment.objects.get(pk=reply.pk).status == Comment.Status.PUBLISHED
    assert len(mailoutbox) == 1
