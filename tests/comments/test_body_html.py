"""A comment's HTML is rendered when it is saved, and the pages show what was stored."""

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests.comments.conftest import comment_data, make_comment

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.comments.urls")]


def test_it_stores_the_html_when_a_comment_is_made(published_song):
    comment = make_comment(published_song, body="Saw them <b>live</b>.\n\nSee example.com")

    assert Comment.objects.get(pk=comment.pk).body_html == (
        "<p>Saw them &lt;b&gt;live&lt;/b&gt;.</p>"
        '<p>See <a href="http://example.com" rel="nofollow ugc noopener">example.com</a></p>'
    )


def test_it_stores_the_html_of_a_posted_comment(client, published_song, post_url):
    client.post(post_url, comment_data(body="First.\nSecond."))

    assert Comment.objects.get().body_html == "<p>First.<br>Second.</p>"


def test_it_renders_the_html_again_when_the_body_is_edited(published_song):
    comment = make_comment(published_song, body="Before.")

    comment.body = "After."
    comment.save(update_fields=["body"])

    assert Comment.objects.get(pk=comment.pk).body_html == "<p>After.</p>"


def test_it_keeps_the_html_when_only_the_status_changes(published_song):
    comment = make_comment(published_song, body="Kept.")
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>Stored.</p>")
    comment.refresh_from_db()

    comment.status = Comment.Status.REMOVED
    comment.save(update_fields=["status"])

    assert Comment.objects.get(pk=comment.pk).body_html == "<p>Stored.</p>"


def test_it_renders_the_html_again_when_a_moderator_edits_the_body(
    client, published_song, moderator
):
    comment = make_comment(published_song, body="Before.")
    now = timezone.localtime(comment.created_at)
    client.force_login(moderator)

    response = client.post(
        reverse("admin:comments_comment_change", args=[comment.pk]),
        {
            "song": published_song.pk,
            "parent": "",
            "author_name": comment.author_name,
            "author_place": comment.author_place,
            "author_email": "",
            "body": "Edited by a moderator: <script>alert(1)</script>",
            "status": Comment.Status.PUBLISHED,
            "created_at_0": now.strftime("%Y-%m-%d"),
            "created_at_1": now.strftime("%H:%M:%S"),
            "notify_replies": "on",
        },
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body_html == (
        "<p>Edited by a moderator: &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )


def test_the_section_shows_the_stored_html(client, published_song, song_url):
    comment = make_comment(published_song, body="Typed.")
    # As if the rendering rules had changed since: the page shows what is stored.
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>Stored then.</p>")

    html = client.get(song_url).content.decode()

    assert '<div class="comment__body"><p>Stored then.</p></div>' in html
    assert "Typed." not in html
