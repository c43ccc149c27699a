"""Nothing readers cannot see leaves through the API: drafts, comments waiting for a moderator
or removed, fact suggestions, e-mail addresses, and what only editors work with."""

import pytest
from django.core.cache import cache
from taggit.models import Tag

from catalogue.models import Chart, ChartEntry, Credit, Fact, Person, Role, Status
from comments.models import Comment, FactSuggestion
from tests.api.conftest import add_content, get_json, make_album, make_artist, make_song

pytestmark = pytest.mark.django_db

# What must not appear in any answer. Each is written into the rows below.
SECRETS = [
    "draft-song-title",
    "draft-fact-text",
    "pending-comment-text",
    "removed-comment-text",
    "spam-comment-text",
    "reply-in-removed-thread",
    "suggested-fact-text",
    "suggestion-reject-reason",
    "commenter@example.com",
    "suggester@example.com",
    "submission-key-1",
    # Field names that only editors, moderators or the search index work with.
    "search_document",
    "author_email",
    "notify_replies",
    "reply_notified_at",
    "submission_key",
    "promoted_fact",
    '"status"',
]


@pytest.fixture
def catalogue():
    artist = make_artist(slug="the-artist")
    album = make_album(artist)
    song = make_song(artist=artist, album=album, slug="the-song")
    add_content(song)
    draft = make_song(
        title="draft-song-title", slug="draft", artist=artist, album=album, status=Status.DRAFT
    )
    # A draft only credits, tags and charts reach no list through it.
    draft_only_person = Person.objects.create(name="Only on a draft", sort_name="O", slug="o")
    role = Role.objects.create(name="Drums", slug="drums")
    Credit.objects.create(song=draft, person=draft_only_person, role=role)
    draft.tags.add("draft-only-tag")
    draft_chart = Chart.objects.create(name="Draft-only chart", slug="draft-chart")
    ChartEntry.objects.create(song=draft, chart=draft_chart, peak_position=1, entry_year=1990)
    Fact.objects.create(song=draft, body="Published fact of a draft.", status=Status.PUBLISHED)
    Comment.objects.create(song=draft, author_name="On a draft", body="comment on a draft")
    Fact.objects.create(song=song, position=99, body="draft-fact-text", status=Status.DRAFT)
    Comment.objects.create(
        song=song,
        author_name="Ann",
        author_email="commenter@example.com",
        body="A shown comment.",
        submission_key="submission-key-1",
    )
    Comment.objects.create(
        song=song, author_name="P", body="pending-comment-text", status=Comment.Status.PENDING
    )
    removed = Comment.objects.create(
        song=song, author_name="R", body="removed-comment-text", status=Comment.Status.REMOVED
    )
    Comment.objects.create(
        song=song, parent=removed, author_name="Q", body="reply-in-removed-thread"
    )
    Comment.objects.create(
        song=song, author_name="S", body="spam-comment-text", status=Comment.Status.SPAM
    )
    FactSuggestion.objects.create(
        song=song,
        body="suggested-fact-text",
        author_name="Sugg",
        author_email="suggester@example.com",
    )
    FactSuggestion.objects.create(
        song=song,
        body="rejected",
        author_name="Sugg",
        status=FactSuggestion.Status.REJECTED,
        reject_reason="suggestion-reject-reason",
    )
    return {
        "song": song,
        "draft": draft,
        "draft_only": [
            f"/api/v1/people/{draft_only_person.pk}/",
            f"/api/v1/tags/{Tag.objects.get(name='draft-only-tag').pk}/",
            f"/api/v1/charts/{draft_chart.pk}/",
        ],
    }


def _every_answer(client, catalogue):
    """Every list of the API, each row's detail, and the lists that hang off each row."""
    song = catalogue["song"]
    paths = [
        f"/api/v1/{kind}/?page_size=100"
        for kind in ["songs", "artists", "albums", "people", "charts", "tags", "comments"]
    ]
    answers = {}
    while paths:
        path = paths.pop()
        if path in answers:
            continue
        response, body = get_json(client, path)
        assert response.status_code == 200, path
        answers[path] = response.content.decode()
        for row in body.get("results", [body]):
            for name in ["url", "songs_url", "credits_url", "entries_url", "comments_url"]:
                if name in row:
                    paths.append(row[name].split("/api/", 1)[1].join(["/api/", ""]))
    assert f"/api/v1/songs/{song.pk}/" in answers
    assert f"/api/v1/songs/{song.pk}/comments/" in answers
    return answers


def test_no_answer_holds_what_readers_cannot_see(client, catalogue):
    answers = _every_answer(client, catalogue)

    # As many answers as there are public rows and their lists, and each secret in none.
    assert len(answers) > 20
    for path, content in answers.items():
        for secret in SECRETS:
            assert secret not in content, (secret, path)
    assert "A shown comment." in answers[f"/api/v1/songs/{catalogue['song'].pk}/comments/"]


def test_a_draft_is_a_404_with_its_comments(client, catalogue):
    draft = catalogue["draft"]

    for path in [f"/api/v1/songs/{draft.pk}/", f"/api/v1/songs/{draft.pk}/comments/"]:
        response, body = get_json(client, path)
        assert response.status_code == 404, path
        assert "draft-song-title" not in response.content.decode()


def test_what_only_a_draft_has_is_not_public(client, catalogue):
    for path in catalogue["draft_only"]:
        response, _ = get_json(client, path)
        assert response.status_code == 404, path


def test_comments_not_shown_to_readers_are_404s(client, catalogue):
    hidden = Comment.objects.filter(
        body__in=[
            "pending-comment-text",
            "removed-comment-text",
            "reply-in-removed-thread",
            "spam-comment-text",
            "comment on a draft",
        ]
    )

    assert hidden.count() == 5
    for comment in hidden:
        response, _ = get_json(client, f"/api/v1/comments/{comment.pk}/")
        assert response.status_code == 404, comment.body


def test_an_editor_logged_in_sees_no_more_than_anyone(client, catalogue, editor):
    client.force_login(editor)
    cache.clear()

    response, _ = get_json(client, f"/api/v1/songs/{catalogue['draft'].pk}/")
    _, songs = get_json(client, "/api/v1/songs/")

    assert response.status_code == 404
    assert "draft-song-title" not in str(songs)
