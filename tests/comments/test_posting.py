import pytest
from django.test import Client
from django.urls import reverse

from comments.models import BlockedTerm, Comment
from comments.services import RATE_LIMIT_POSTS
from tests.comments.conftest import comment_data, make_comment
from tests.conftest import make_song

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.comments.urls")]


def test_it_posts_a_comment_then_redirects_to_it(client, published_song, post_url, song_url):
    response = client.post(post_url, comment_data(author_email="ken@example.com"))

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PUBLISHED
    assert (comment.author_name, comment.author_place) == ("Ken", "Denmark")
    assert comment.author_email == "ken@example.com"
    assert response.status_code == 302
    assert response["Location"] == comment.get_absolute_url()
    permalink = client.get(response["Location"])
    assert permalink["Location"] == f"{song_url}#comment-{comment.pk}"
    assert f'id="comment-{comment.pk}"' in client.get(song_url).content.decode()


def test_it_posts_a_reply_under_its_parent(client, published_song, post_url):
    parent = make_comment(published_song)

    client.post(post_url, comment_data(parent=parent.pk, body="A reply."))

    assert Comment.objects.get(body="A reply.").parent == parent


def test_it_makes_one_comment_of_a_form_sent_twice(client, published_song, post_url):
    data = comment_data()

    first = client.post(post_url, data)
    second = client.post(post_url, data)

    assert Comment.objects.count() == 1
    assert first["Location"] == second["Location"] == Comment.objects.get().get_absolute_url()


def test_it_keeps_two_readers_apart_on_a_cached_form(published_song, post_url):
    # The page cache shows every anonymous reader the same form token.
    data = comment_data()
    Client(REMOTE_ADDR="192.0.2.1").post(post_url, data)
    Client(REMOTE_ADDR="192.0.2.2").post(post_url, data)
    Client(REMOTE_ADDR="192.0.2.1").post(post_url, {**data, "body": "A second thought."})

    assert Comment.objects.count() == 3


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("author_name", "", "This field is required."),
        ("author_name", "   ", "This field is required."),
        ("author_name", "x" * 81, "Ensure this value has at most 80 characters"),
        ("body", "", "This field is required."),
        ("body", "x" * 5001, "Ensure this value has at most 5000 characters"),
        ("author_email", "not-an-address", "Enter a valid email address."),
        ("author_place", "p" * 101, "Ensure this value has at most 100 characters"),
    ],
)
def test_it_shows_errors_beside_fields_and_keeps_the_text(
    client, published_song, post_url, field, value, message
):
    data = comment_data(**{field: value, "body": value if field == "body" else "Kept text."})

    response = client.post(post_url, data)

    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in html
    assert message in html
    assert "Kept text." in html or field == "body"
    assert 'value="Denmark"' in html or field == "author_place"
    assert Comment.objects.count() == 0


def test_it_refuses_a_reply_to_a_comment_not_shown(client, published_song, post_url):
    pending = make_comment(published_song, status=Comment.Status.PENDING)
    on_another_song = make_comment(make_song())
    reply = make_comment(published_song, parent=make_comment(published_song))

    for parent in (pending.pk, on_another_song.pk, reply.pk, "abc", str(10**30)):
        response = client.post(post_url, comment_data(parent=parent))
        assert response.status_code == 400
        assert "no longer shown" in response.content.decode()
    assert Comment.objects.count() == 4


def test_it_answers_404_for_a_song_not_published(client, draft_song):
    url = reverse("comments:comment-create", kwargs={"song_pk": draft_song.pk})

    assert client.post(url, comment_data()).status_code == 404
    assert Comment.objects.count() == 0


def test_it_takes_only_posts(client, post_url):
    assert client.get(post_url).status_code == 405


def test_it_requires_the_csrf_token(published_song, post_url):
    response = Client(enforce_csrf_checks=True).post(post_url, comment_data())

    assert response.status_code == 403
    assert Comment.objects.count() == 0


def test_it_writes_nothing_when_the_honeypot_is_filled(client, published_song, post_url, song_url):
    response = client.post(post_url, comment_data(website="http://spam.example"))

    assert response.status_code == 302
    assert response["Location"] == song_url
    assert Comment.objects.count() == 0


def test_it_limits_how_fast_one_client_posts(client, published_song, post_url):
    for n in range(RATE_LIMIT_POSTS):
        assert client.post(post_url, comment_data(body=f"Post {n}")).status_code == 302

    response = client.post(post_url, comment_data(body="One too many."))

    assert response.status_code == 429
    assert "Please wait a while" in response.content.decode()
    assert "One too many." in response.content.decode()
    assert Comment.objects.count() == RATE_LIMIT_POSTS
    other = Client(REMOTE_ADDR="192.0.2.9").post(post_url, comment_data(body="Someone else."))
    assert other.status_code == 302


def test_it_holds_a_comment_with_many_links(client, published_song, post_url, song_url):
    body = "See http://a.example http://b.example and www.c.example"

    response = client.post(post_url, comment_data(body=body))

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert response["Location"] == f"{song_url}#comments"
    page = client.get(song_url).content.decode()
    assert "once a moderator has looked at it" in page
    assert "Comments: 0</h2>" in page
    assert "a.example" not in page
    assert client.get(comment.get_absolute_url()).status_code == 404


def test_it_publishes_a_comment_with_two_links(client, published_song, post_url):
    client.post(post_url, comment_data(body="http://a.example and http://b.example"))

    assert Comment.objects.get().status == Comment.Status.PUBLISHED


@pytest.mark.parametrize(
    ("kind", "value", "data"),
    [
        (BlockedTerm.Kind.WORD, "Casino", {"body": "Visit my CASINO today"}),
        (BlockedTerm.Kind.WORD, "cheap pills", {"author_place": "Cheap Pills, NV"}),
        (BlockedTerm.Kind.EMAIL, "bot@example.com", {"author_email": "Bot@Example.com"}),
        (BlockedTerm.Kind.DOMAIN, "spam.test", {"author_email": "x@mail.spam.test"}),
    ],
)
def test_it_holds_comments_matching_the_blocklist(
    client, published_song, post_url, kind, value, data
):
    BlockedTerm.objects.create(kind=kind, value=value, action=BlockedTerm.Action.HOLD)

    client.post(post_url, comment_data(**data))

    assert Comment.objects.get().status == Comment.Status.PENDING


def test_it_matches_blocked_words_whole(client, published_song, post_url):
    BlockedTerm.objects.create(kind=BlockedTerm.Kind.WORD, value="ass")

    client.post(post_url, comment_data(body="A classic bass line."))

    assert Comment.objects.get().status == Comment.Status.PUBLISHED


def test_it_refuses_comments_the_blocklist_refuses(client, published_song, post_url):
    BlockedTerm.objects.create(
        kind=BlockedTerm.Kind.DOMAIN, value="spam.test", action=BlockedTerm.Action.REFUSE
    )

    response = client.post(post_url, comment_data(author_email="x@spam.test", body="Kept."))

    assert response.status_code == 400
    assert "can&#x27;t be posted here" in response.content.decode()
    assert "Kept." in response.content.decode()
    assert Comment.objects.count() == 0


def test_it_opens_the_page_that_holds_an_old_comment(client, published_song, song_url):
    oldest = make_comment(published_song)
    reply = make_comment(published_song, parent=oldest)
    for _ in range(25):
        make_comment(published_song)

    for comment in (oldest, reply):
        response = client.get(comment.get_absolute_url())
        assert response["Location"] == f"{song_url}?comments_page=2#comment-{comment.pk}"
    page = client.get(f"{song_url}?comments_page=2").content.decode()
    assert f'id="comment-{reply.pk}"' in page


def test_it_hides_the_permalink_of_a_comment_not_shown(client, published_song, draft_song):
    removed = make_comment(published_song, status=Comment.Status.REMOVED)
    parent = make_comment(published_song, status=Comment.Status.SPAM)
    orphan = make_comment(published_song, parent=parent)
    on_draft = make_comment(draft_song)

    for comment in (removed, orphan, on_draft):
        assert client.get(comment.get_absolute_url()).status_code == 404


def test_it_answers_404_for_ids_beyond_any_row(client):
    huge = 10**30

    assert client.get(f"/comments/{huge}/").status_code == 404
    assert client.post(f"/comments/songs/{huge}/", comment_data()).status_code == 404
    assert client.post(f"/comments/songs/{huge}/suggest/", {}).status_code == 404
