import pytest
from django.urls import reverse
from django.utils.html import escape

from comments.models import Comment, FactSuggestion
from tests.comments.conftest import comment_data, make_comment, suggestion_data

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.comments.urls")]

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "'><svg onload=alert(3)>",
    "javascript:alert(4)",
    "</textarea><script>alert(5)</script>",
]
# Markers that only a live payload would put in the page.
LIVE = ["<script>alert", "<img src=x", "<svg onload", 'href="javascript:', "</textarea><script"]


def assert_inert(html):
    for marker in LIVE:
        assert marker not in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_it_renders_a_published_comment_inert(client, published_song, song_url, payload):
    parent = make_comment(
        published_song, author_name=payload, author_place=payload, body=f"{payload}\n\n{payload}"
    )
    make_comment(published_song, parent=parent, author_name=payload, body=payload)

    html = client.get(song_url, {"reply_to": parent.pk}).content.decode()

    assert_inert(html)
    assert escape(payload) in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_it_renders_a_refused_comment_form_inert(client, published_song, post_url, payload):
    data = comment_data(
        author_name=payload, author_place=payload, author_email=payload, body=payload
    )

    response = client.post(post_url, {**data, "parent": payload})

    assert response.status_code == 400
    assert_inert(response.content.decode())
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("payload", PAYLOADS)
def test_it_renders_a_refused_suggestion_form_inert(client, published_song, suggest_url, payload):
    data = suggestion_data(
        body=payload,
        author_name=payload,
        author_place=payload,
        source_citation=payload,
        source_url=payload,
        author_email=payload,
    )

    response = client.post(suggest_url, data)

    assert response.status_code == 400
    assert_inert(response.content.decode())
    assert FactSuggestion.objects.count() == 0


@pytest.mark.parametrize("payload", PAYLOADS)
def test_it_shows_payloads_inert_in_the_admin(client, published_song, moderator, editor, payload):
    make_comment(
        published_song,
        status=Comment.Status.PENDING,
        author_name=payload,
        author_place=payload,
        body=payload,
    )
    suggestion = FactSuggestion.objects.create(
        song=published_song,
        body=payload,
        author_name=payload,
        author_place=payload,
        source_citation=payload,
    )

    client.force_login(moderator)
    assert_inert(client.get(reverse("admin:comments_pendingcomment_changelist")).content.decode())
    client.force_login(editor)
    for url in (
        reverse("admin:comments_factsuggestion_changelist"),
        reverse("admin:comments_factsuggestion_change", args=[suggestion.pk]),
    ):
        assert_inert(client.get(url).content.decode())
