"""The comment section on the real song page (catalogue's view and template)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import Fact
from comments import services
from comments.models import Comment, FactSuggestion
from tests.comments.conftest import comment_data, make_comment, suggestion_data

pytestmark = pytest.mark.django_db


def test_it_shows_the_count_threads_and_forms_on_the_song_page(client, published_song, song_url):
    parent = make_comment(published_song, author_name="Pete", author_place="Grass Valley, Ca")
    reply = make_comment(published_song, parent=parent, author_name="Cp", body="A reply.")
    make_comment(published_song, status=Comment.Status.PENDING, body="Held back.")

    html = client.get(song_url).content.decode()

    assert '<a href="#comments">2</a>' in html
    assert "Comments: 2</h2>" in html
    assert "Pete from Grass Valley, Ca" in html
    assert html.index(f'id="comment-{parent.pk}"') < html.index(f'id="comment-{reply.pk}"')
    assert "Held back." not in html
    assert 'id="comment-form"' in html
    assert 'id="suggest-fact-form"' in html


def test_it_posts_a_comment_and_lands_on_it(client, published_song, song_url, post_url):
    response = client.post(post_url, comment_data(body="Lemmy did a fine version."), follow=True)

    comment = Comment.objects.get()
    assert response.redirect_chain[-1][0] == f"{song_url}#comment-{comment.pk}"
    assert "Lemmy did a fine version." in response.content.decode()


def test_it_thanks_the_reader_for_a_held_comment_and_a_suggestion(
    client, published_song, post_url, suggest_url
):
    held = client.post(post_url, comment_data(body="http://a.x http://b.x http://c.x"), follow=True)
    suggested = client.post(suggest_url, suggestion_data(), follow=True)

    assert "once a moderator has looked at it" in held.content.decode()
    assert "An editor will look at it soon." in suggested.content.decode()


def test_it_answers_404_past_the_last_page_of_comments(client, published_song, song_url):
    assert client.get(song_url, {"comments_page": 2}).status_code == 404
    assert client.get(song_url, {"comments_page": "x"}).status_code == 200


def test_it_shows_an_accepted_suggestion_as_a_credited_fact(
    client, published_song, song_url, editor
):
    suggestion = FactSuggestion.objects.create(
        song=published_song,
        body="Bowie recorded the vocal in three takes.",
        author_name="Michael Lloyd",
        author_place="London, England",
    )

    services.suggestion_accept(suggestion=suggestion, editor=editor)

    html = client.get(song_url).content.decode()
    assert "Bowie recorded the vocal in three takes." in html
    assert "Michael Lloyd - London, England" in html


def test_it_shows_a_promoted_comment_inert_as_a_credited_fact(
    client, published_song, song_url, editor
):
    comment = make_comment(
        published_song,
        author_name="<b>Ken</b>",
        author_place="Denmark",
        body="<script>alert(1)</script> Jojo Rabbit used a German version.",
    )

    fact = services.comment_promote_to_fact(comment=comment, editor=editor)

    assert Fact.objects.get() == fact
    html = client.get(song_url).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<b>Ken</b>" not in html
    assert "&lt;b&gt;Ken&lt;/b&gt; - Denmark" in html


def _seed(song, threads):
    for _ in range(threads):
        parent = make_comment(song)
        make_comment(song, parent=parent)
        make_comment(song, parent=parent)


def test_it_keeps_the_song_page_query_count_flat_as_comments_grow(client, published_song, song_url):
    _seed(published_song, 1)
    with CaptureQueriesContext(connection) as one:
        client.get(song_url)
    _seed(published_song, 49)
    with CaptureQueriesContext(connection) as fifty:
        client.get(song_url)

    assert len(fifty) == len(one)
