import pytest
from django.urls import reverse

from comments.models import BlockedTerm, Comment, FactSuggestion
from tests.comments.conftest import make_comment
from tests.conftest import make_song, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.comments.urls")]

QUEUE = "admin:comments_pendingcomment_changelist"
ALL_COMMENTS = "admin:comments_comment_changelist"


def _act(client, url_name, action, comments):
    return client.post(
        reverse(url_name), {"action": action, "_selected_action": [c.pk for c in comments]}
    )


def _statuses(*comments):
    return [Comment.objects.get(pk=c.pk).status for c in comments]


def test_it_shows_moderators_only_pending_comments_oldest_first(client, published_song, moderator):
    make_comment(published_song, status=Comment.Status.PENDING, body="First held.")
    make_comment(published_song, status=Comment.Status.PENDING, body="Second held.")
    make_comment(published_song, body="Already out.")
    client.force_login(moderator)

    html = client.get(reverse(QUEUE)).content.decode()

    assert "First held." in html and "Second held." in html
    assert "Already out." not in html
    assert html.index("First held.") < html.index("Second held.")


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("approve", Comment.Status.PUBLISHED),
        ("remove", Comment.Status.REMOVED),
        ("mark_spam", Comment.Status.SPAM),
    ],
)
def test_it_lets_moderators_act_in_bulk(client, published_song, moderator, action, status):
    held = [make_comment(published_song, status=Comment.Status.PENDING) for _ in range(3)]
    client.force_login(moderator)

    response = _act(client, QUEUE, action, held[:2])

    assert response.status_code == 302
    assert _statuses(*held) == [status, status, Comment.Status.PENDING]


def test_it_lets_moderators_remove_a_published_comment(client, published_song, moderator):
    comment = make_comment(published_song)
    client.force_login(moderator)

    _act(client, ALL_COMMENTS, "remove", [comment])

    assert _statuses(comment) == [Comment.Status.REMOVED]


@pytest.mark.parametrize("query", ["Grass Valley", "pete", "Heroes"])
def test_it_searches_the_queue_by_name_place_and_song(client, published_song, moderator, query):
    make_comment(
        published_song,
        status=Comment.Status.PENDING,
        author_name="Pete",
        author_place="Grass Valley",
    )
    make_comment(
        make_song(title="Changes"),
        status=Comment.Status.PENDING,
        author_name="Zed",
        author_place="Nowhere",
    )
    client.force_login(moderator)

    response = client.get(reverse(QUEUE), {"q": query})

    assert response.context["cl"].result_count == 1
    assert all(
        query.lower() in f"{c.author_name} {c.author_place} {c.song.title}".lower()
        for c in response.context["cl"].result_list
    )


def test_it_lets_moderators_keep_the_blocklist(client, moderator):
    client.force_login(moderator)

    response = client.post(
        reverse("admin:comments_blockedterm_add"),
        {"kind": "domain", "value": "spam.test", "action": "hold", "note": ""},
    )

    assert response.status_code == 302
    assert BlockedTerm.objects.get().value == "spam.test"
    duplicate = client.post(
        reverse("admin:comments_blockedterm_add"),
        {"kind": "domain", "value": "SPAM.test", "action": "refuse", "note": ""},
    )
    assert duplicate.status_code == 200
    assert "This term is already on the list." in duplicate.content.decode()
    assert BlockedTerm.objects.count() == 1


def test_it_keeps_moderators_out_of_the_catalogue_and_the_suggestions(
    client, published_song, moderator
):
    suggestion = FactSuggestion.objects.create(
        song=published_song, body="A fact.", author_name="Reader"
    )
    comment = make_comment(published_song)
    client.force_login(moderator)

    assert not moderator.has_perm("catalogue.change_song")
    assert not moderator.has_perm("catalogue.add_fact")
    change = reverse("admin:comments_factsuggestion_change", args=[suggestion.pk])
    assert client.get(change).status_code == 403
    assert client.get(reverse("admin:comments_factsuggestion_changelist")).status_code == 403
    response = client.post(
        reverse(ALL_COMMENTS),
        {"action": "promote_to_fact", "_selected_action": [comment.pk]},
        follow=True,
    )
    assert "No action selected." in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).promoted_fact is None


def test_it_keeps_editors_from_moderating(client, published_song, editor):
    held = make_comment(published_song, status=Comment.Status.PENDING)
    shown = make_comment(published_song)
    client.force_login(editor)

    assert client.get(reverse(QUEUE)).status_code == 403
    assert client.get(reverse(ALL_COMMENTS)).status_code == 200
    for action in ("approve", "remove", "mark_spam"):
        _act(client, ALL_COMMENTS, action, [held, shown])
    assert _statuses(held, shown) == [Comment.Status.PENDING, Comment.Status.PUBLISHED]
    assert client.post(reverse("admin:comments_blockedterm_add"), {}).status_code == 403


def test_it_lets_someone_in_both_groups_do_both_jobs(client, published_song):
    both = make_user("both", "Editors", "Moderators", is_staff=True)
    held = make_comment(published_song, status=Comment.Status.PENDING)
    client.force_login(both)

    _act(client, QUEUE, "approve", [held])
    _act(client, ALL_COMMENTS, "promote_to_fact", [held])

    held.refresh_from_db()
    assert held.status == Comment.Status.PUBLISHED
    assert held.promoted_fact is not None


def test_it_keeps_readers_out_of_the_admin(client, reader):
    client.force_login(reader)

    response = client.get(reverse(QUEUE))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
