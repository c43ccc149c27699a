import re

import pytest
from django.core.management import call_command
from django.core.paginator import Paginator
from django.db.models import Prefetch

from catalogue.models import Song
from comments.models import Comment
from comments.selectors import COMMENTS_PER_PAGE, REPLY_ORDERING, song_comment_section
from tests.comments.conftest import make_comment

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.comments.urls")]


def _articles(html):
    return re.findall(r'<article class="comment" id="comment-(\d+)"', html)


def test_it_counts_only_published_comments_and_replies(client, published_song, song_url):
    parent = make_comment(published_song)
    make_comment(published_song, parent=parent)
    for status in (Comment.Status.PENDING, Comment.Status.REMOVED, Comment.Status.SPAM):
        make_comment(published_song, status=status, body=f"Hidden {status}")
        make_comment(published_song, parent=parent, status=status, body=f"Hidden reply {status}")
        hidden_thread = make_comment(published_song, status=status, body=f"Hidden {status}")
        make_comment(published_song, parent=hidden_thread, body="Hidden: its thread is gone")

    html = client.get(song_url).content.decode()

    assert "Comments: 2</h2>" in html
    assert "Hidden" not in html
    assert len(_articles(html)) == 2


def test_it_shows_a_reply_under_its_parent(client, published_song, song_url):
    older = make_comment(published_song, body="The older thread.")
    parent = make_comment(published_song, body="The parent.")
    reply = make_comment(published_song, parent=parent, body="The reply.")

    html = client.get(song_url).content.decode()

    thread = html[html.index(f'id="comment-{parent.pk}"') : html.index(f'id="comment-{older.pk}"')]
    assert '<ol class="comment-replies"' in thread
    assert f'id="comment-{reply.pk}"' in thread
    assert _articles(html) == [str(parent.pk), str(reply.pk), str(older.pk)]


def test_it_pages_the_newest_comments_first_without_javascript(client, published_song, song_url):
    comments = [make_comment(published_song) for _ in range(COMMENTS_PER_PAGE + 3)]

    first = client.get(song_url).content.decode()
    second = client.get(song_url, {"comments_page": 2}).content.decode()

    assert _articles(first) == [str(c.pk) for c in reversed(comments[3:])]
    assert 'href="?comments_page=2#comments" rel="next">See more comments</a>' in first
    assert _articles(second) == [str(c.pk) for c in reversed(comments[:3])]
    assert "See more comments" not in second
    assert f"Comments: {COMMENTS_PER_PAGE + 3}</h2>" in second


@pytest.mark.parametrize("value", ["abc", "0", "-1", "", "1.5", "２"])
def test_it_shows_page_one_for_a_page_number_that_is_not_one(
    client, published_song, song_url, value
):
    comment = make_comment(published_song)

    response = client.get(song_url, {"comments_page": value})

    assert response.status_code == 200
    assert _articles(response.content.decode()) == [str(comment.pk)]


def test_it_answers_404_past_the_last_page(client, published_song, song_url):
    make_comment(published_song)

    assert client.get(song_url, {"comments_page": 2}).status_code == 404
    assert client.get(song_url, {"comments_page": 10**30}).status_code == 404


def test_it_prefills_the_parent_of_a_reply_from_the_reply_link(client, published_song, song_url):
    parent = make_comment(published_song, author_name="Pete", author_place="Grass Valley, Ca")
    reply = make_comment(published_song, parent=parent)

    html = client.get(song_url).content.decode()
    assert f'href="?reply_to={parent.pk}#comment-form"' in html

    for target in (parent, reply):
        html = client.get(song_url, {"reply_to": target.pk}).content.decode()
        assert f'name="parent" value="{parent.pk}"' in html
        assert "Reply to Pete from Grass Valley, Ca</h2>" in html


@pytest.mark.parametrize("value", ["abc", "999999", "-3"])
def test_it_ignores_a_reply_target_that_is_not_a_shown_comment(
    client, published_song, song_url, value
):
    response = client.get(song_url, {"reply_to": value})

    assert response.status_code == 200
    assert 'name="parent" id="id_parent"' in response.content.decode()
    assert "Add a comment</h2>" in response.content.decode()


def test_it_does_not_offer_a_reply_to_a_pending_comment(client, published_song, song_url):
    pending = make_comment(published_song, status=Comment.Status.PENDING)

    html = client.get(song_url, {"reply_to": pending.pk}).content.decode()

    assert f'value="{pending.pk}"' not in html


def test_it_shows_name_from_place_and_never_the_email(client, published_song, song_url):
    make_comment(
        published_song, author_name="Cp", author_place="Virginia", author_email="cp@example.com"
    )
    make_comment(published_song, author_name="Anonymous Andy", author_place="")

    html = client.get(song_url).content.decode()

    assert "Cp from Virginia" in html
    assert ">Anonymous Andy</p>" in html
    assert "cp@example.com" not in html


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("on Louder (loudersound.com). See", '">loudersound.com</a>). See'),
        ("at example.com, then", '">example.com</a>, then'),
        ("(see example.com)", '">example.com</a>)</p>'),
        ("[example.com]!", '">example.com</a>]!'),
    ],
)
def test_it_keeps_the_punctuation_around_a_linked_address(
    client, published_song, song_url, body, expected
):
    make_comment(published_song, body=body)

    assert expected in client.get(song_url).content.decode()


def test_it_keeps_paragraphs_and_links_addresses_as_user_content(client, published_song, song_url):
    make_comment(
        published_song, body="First line\nsecond line\n\ncheck https://www.youtube.com/watch?v=tdj"
    )

    html = client.get(song_url).content.decode()

    assert "<p>First line<br>second line</p><p>check " in html
    assert (
        '<a href="https://www.youtube.com/watch?v=tdj" rel="nofollow ugc noopener">'
        "https://www.youtube.com/watch?v=tdj</a>"
    ) in html


def _seed(song, threads):
    for _ in range(threads):
        parent = make_comment(song)
        make_comment(song, parent=parent)
        make_comment(song, parent=parent)


def test_it_costs_the_same_queries_with_1_and_50_comments(
    client, published_song, song_url, django_assert_num_queries
):
    # Expect 2 queries: the song (tests/comments/urls.py), then the counts with one page of
    # threads and their replies.
    _seed(published_song, 1)
    with django_assert_num_queries(2):
        first = client.get(song_url)
    _seed(published_song, 49)
    with django_assert_num_queries(2):
        fiftieth = client.get(song_url)
    with django_assert_num_queries(2):
        client.get(song_url, {"comments_page": 3})

    assert len(_articles(first.content.decode())) == 3
    assert len(_articles(fiftieth.content.decode())) == COMMENTS_PER_PAGE * 3


def test_it_costs_one_more_query_when_replying(
    client, published_song, song_url, django_assert_num_queries
):
    _seed(published_song, 50)
    parent = Comment.objects.filter(parent__isnull=True).first()
    # Expect 3 queries: the two of the page and the comment answered.
    with django_assert_num_queries(3):
        client.get(song_url, {"reply_to": parent.pk})


def test_it_ignores_a_reply_target_beyond_any_row_id(client, published_song, song_url):
    response = client.get(song_url, {"reply_to": str(10**30)})

    assert response.status_code == 200
    assert "Add a comment</h2>" in response.content.decode()


def _fields(comment):
    return {field.attname: getattr(comment, field.attname) for field in Comment._meta.fields}


def _orm_section(song, number):
    """What the section's statement stands for, in named QuerySets."""
    threads = (
        Comment.objects.published()
        .top_level()
        .filter(song=song)
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=Comment.objects.published().order_by(*REPLY_ORDERING),
                to_attr="published_replies",
            )
        )
    )
    page = Paginator(threads, COMMENTS_PER_PAGE).page(number)
    return Comment.objects.shown().filter(song=song).count(), page.paginator.count, list(page)


@pytest.mark.urls("songfacts.urls")
def test_its_statement_loads_what_the_named_querysets_load_for_the_seed_song(rf):
    call_command("load_seed")
    song = Song.objects.get(artist__slug="david-bowie", slug="heroes")
    # The seed's comments are all published threads: add replies and hidden comments.
    first, second = Comment.objects.filter(song=song)[:2]
    make_comment(song, parent=first, body="A reply.\n\nSee example.com")
    make_comment(song, parent=first, body="A later reply.")
    make_comment(song, parent=first, status=Comment.Status.PENDING)
    make_comment(song, parent=second, author_email="ken@example.com", notify_replies=False)
    removed = make_comment(song, status=Comment.Status.REMOVED)
    make_comment(song, parent=removed, body="Shown nowhere: its thread is gone.")
    make_comment(song, status=Comment.Status.SPAM)

    replies = 0
    for number in (1, 2):
        section = song_comment_section(song, request=rf.get("/", {"comments_page": number}))
        count, thread_count, threads = _orm_section(song, number)

        assert (section.count, section.page.paginator.count) == (count, thread_count) == (32, 29)
        assert [_fields(c) for c in section.comments] == [_fields(c) for c in threads]
        assert [[_fields(r) for r in c.published_replies] for c in section.comments] == [
            [_fields(r) for r in c.published_replies] for c in threads
        ]
        replies += sum(len(c.published_replies) for c in section.comments)
    assert replies == 3
