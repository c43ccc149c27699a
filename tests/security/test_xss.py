"""Every known XSS vector, through every field that reaches a page, renders inert.

Each test stores the whole corpus at once, then parses each page that shows it (reader
pages and the admin's lists and forms) for markup that could run.
"""

import itertools
import uuid

import pytest
from django.urls import reverse
from taggit.models import Tag

from catalogue.models import Album, Fact, Source
from comments import services
from comments.models import Comment, FactSuggestion
from tests.conftest import make_artist, make_song
from tests.security.xss import VECTORS, assert_inert, live_markup

pytestmark = pytest.mark.django_db

# Vectors that are plain text even when pasted into a page unescaped: encoded forms and
# template syntax, which must simply never be decoded or evaluated on the way.
TEXT_EVEN_UNESCAPED = {
    "<scr<script>ipt>alert(2)</scr</script>ipt>",
    "`onmouseover=alert(21)",
    "&lt;script&gt;alert(49)&lt;/script&gt;",
    "&#60;script&#62;alert(50)&#60;/script&#62;",
    "%3Cscript%3Ealert(52)%3C%2Fscript%3E",
    "%253Cscript%253Ealert(53)%253C%252Fscript%253E",
    "\\u003cscript\\u003ealert(54)\\u003c/script\\u003e",
    "\\x3cscript\\x3ealert(55)\\x3c/script\\x3e",
    "+ADw-script+AD4-alert(56)+ADw-/script+AD4-",
    "<![CDATA[<script>alert(61)</script>]]>",
    "{{ 7*7 }}{% debug %}",
    "{{ request.META }}",
    "${alert(66)}",
    "#{alert(67)}",
    "<%= alert(68) %>",
}
# Where a template could put a value: text, quoted and unquoted attributes, a link.
UNESCAPED_CONTEXTS = [
    "<p>{}</p>",
    '<input value="{}">',
    "<input value='{}'>",
    "<input value={}>",
    '<a href="{}">x</a>',
]
_addresses = itertools.count(1)


def post_address():
    """A new client address per post, so that the rate limit lets the whole corpus in."""
    n = next(_addresses)
    return f"10.99.{n >> 8 & 255}.{n & 255}"


def test_the_corpus_holds_at_least_fifty_vectors():
    assert len(set(VECTORS)) == len(VECTORS) >= 50


@pytest.mark.parametrize("vector", sorted(set(VECTORS) - TEXT_EVEN_UNESCAPED))
def test_the_checker_catches_each_vector_left_unescaped(vector):
    assert any(live_markup(context.format(vector)) for context in UNESCAPED_CONTEXTS)


def test_the_checker_accepts_our_own_scripts_and_data_blocks():
    page = (
        '<script src="/static/js/video.abc.js" defer></script>'
        '<script type="application/ld+json">{"name": "\\u003c/script\\u003e"}</script>'
    )

    assert live_markup(page) == []
    assert live_markup('<script type="application/ld+json">{"a": "</script>') != []


@pytest.fixture
def song(db):
    artist = make_artist(name="David Bowie", slug="david-bowie")
    return make_song(artist=artist, title="Heroes", slug="heroes")


def song_pages(client, song, per_page=20):
    """Every page of the song's comments, and the song page itself."""
    count = Comment.objects.filter(song=song, parent__isnull=True).count()
    pages = max(1, -(-count // per_page))
    return [client.get(song.get_absolute_url(), {"comments_page": n}) for n in range(1, pages + 1)]


def test_comments_and_replies_render_inert_everywhere(client, song, moderator):
    url = reverse("comments:comment-create", kwargs={"song_pk": song.pk})
    first = None
    for vector in VECTORS:
        data = {
            "author_name": vector[:80],
            "author_place": vector[:100],
            "author_email": "",
            "body": vector,
            "parent": "",
            "submission_token": uuid.uuid4().hex,
            "website": "",
        }
        response = client.post(url, data, REMOTE_ADDR=post_address())
        assert response.status_code == 302, response.content[:500]
        first = first or Comment.objects.order_by("pk").first()
        reply = {**data, "parent": first.pk, "submission_token": uuid.uuid4().hex}
        assert client.post(url, reply, REMOTE_ADDR=post_address()).status_code == 302
    # A refused form shows the typed text again, in its inputs.
    refused = client.post(
        url, {"author_name": VECTORS[16], "body": VECTORS[19], "parent": VECTORS[20]}
    )
    assert refused.status_code == 400
    assert_inert(refused)
    assert Comment.objects.filter(body=VECTORS[0]).count() == 2

    for response in [*song_pages(client, song), client.get("/")]:
        assert_inert(response)
    assert_inert(client.get(song.get_absolute_url(), {"reply_to": first.pk}))

    client.force_login(moderator)
    comments = list(Comment.objects.filter(parent__isnull=True))
    Comment.objects.filter(pk__in=[c.pk for c in comments[::2]]).update(
        status=Comment.Status.PENDING
    )
    assert_inert(client.get(reverse("admin:comments_comment_changelist")))
    assert_inert(client.get(reverse("admin:comments_pendingcomment_changelist")))
    for comment in comments:
        assert_inert(client.get(reverse("admin:comments_comment_change", args=[comment.pk])))


def test_suggestions_render_inert_in_review_and_once_accepted(client, song, editor):
    url = reverse("comments:suggestion-create", kwargs={"song_pk": song.pk})
    for vector in VECTORS:
        data = {
            "body": vector,
            "author_name": vector[:80],
            "author_place": vector[:100],
            "source_citation": vector,
            "source_url": vector,
            "author_email": "",
            "submission_token": uuid.uuid4().hex,
            "website": "",
        }
        fields = {f"suggest-{name}": value for name, value in data.items()}
        response = client.post(url, fields, REMOTE_ADDR=post_address())
        if response.status_code == 400:
            # Not an address: the refused form shows it again, inert; then without it.
            assert_inert(response)
            fields["suggest-source_url"] = "https://example.com/source"
            response = client.post(url, fields, REMOTE_ADDR=post_address())
        assert response.status_code == 302, response.content[:500]
    suggestions = list(FactSuggestion.objects.order_by("pk"))
    assert len(suggestions) == len(VECTORS)

    client.force_login(editor)
    assert_inert(client.get(reverse("admin:comments_factsuggestion_changelist")))
    for suggestion in suggestions:
        change_url = reverse("admin:comments_factsuggestion_change", args=[suggestion.pk])
        assert_inert(client.get(change_url))
    for suggestion in suggestions:
        services.suggestion_accept(suggestion=suggestion, editor=editor)
    client.logout()

    assert Fact.objects.filter(song=song, status="published").count() == len(VECTORS)
    for response in song_pages(client, song):
        assert_inert(response)
    assert_inert(client.get("/"))


def fact_form(song, vector, position):
    return {
        "song": song.pk,
        "position": position,
        "status": "published",
        "standing": "verified",
        "body": vector,
        "suggested_by_name": vector[:100],
        "suggested_by_place": vector[:100],
        "sources-TOTAL_FORMS": 1,
        "sources-INITIAL_FORMS": 0,
        "sources-MIN_NUM_FORMS": 0,
        "sources-MAX_NUM_FORMS": 1000,
        "sources-0-kind": Source.Kind.OTHER,
        "sources-0-citation": vector[:300],
        "sources-0-url": "",
    }


def test_facts_and_credits_entered_in_the_admin_render_inert(client, song, editor):
    client.force_login(editor)
    for position, vector in enumerate(VECTORS):
        response = client.post(
            reverse("admin:catalogue_fact_add"), fact_form(song, vector, position)
        )
        assert response.status_code == 302, response.context and response.context["errors"]
    facts = list(Fact.objects.filter(song=song))
    assert len(facts) == len(VECTORS)

    assert_inert(client.get(reverse("admin:catalogue_fact_changelist")))
    assert_inert(client.get(reverse("admin:catalogue_song_change", args=[song.pk])))
    for fact in facts:
        assert_inert(client.get(reverse("admin:catalogue_fact_change", args=[fact.pk])))
    assert_inert(client.get(reverse("admin:catalogue_fact_history", args=[facts[0].pk])))
    client.logout()

    assert_inert(client.get(song.get_absolute_url()))
    assert_inert(client.get("/"))


def test_titles_names_and_tags_render_inert_on_every_page(
    client, editor, django_capture_on_commit_callbacks
):
    songs = []
    with django_capture_on_commit_callbacks(execute=True):
        for n, vector in enumerate(VECTORS):
            artist = make_artist(name=vector[:200], sort_name=vector[:200], slug=f"xss-{n}")
            album = Album.objects.create(
                artist=artist, title=vector[:200], slug=f"album-{n}", release_year=1977
            )
            song = make_song(
                artist=artist, album=album, title=vector[:200], slug=f"song-{n}", release_year=1977
            )
            song.tags.add(vector[:100])
            songs.append(song)

    pages = ["/", "/songs/", "/artists/", "/decades/1970s/", "/years/1977/"]
    for song in songs:
        pages += [
            song.get_absolute_url(),
            song.artist.get_absolute_url(),
            song.album.get_absolute_url(),
        ]
    pages += [reverse("catalogue:tag-detail", args=[tag.slug]) for tag in Tag.objects.all()]
    for page in pages:
        assert_inert(client.get(page))
    assert_inert(client.get("/search/", {"q": "alert"}))

    client.force_login(editor)
    for name in ("song", "artist", "album"):
        assert_inert(client.get(reverse(f"admin:catalogue_{name}_changelist")))
    assert_inert(client.get(reverse("admin:taggit_tag_changelist")))
    for song in songs:
        assert_inert(client.get(reverse("admin:catalogue_artist_change", args=[song.artist_id])))
    # The song's change form, with its seven inlines, is the admin's slowest page: one vector
    # in six (some of every kind above) goes through it; the changelists showed them all.
    for song in songs[::6]:
        assert_inert(client.get(reverse("admin:catalogue_song_change", args=[song.pk])))


def test_search_queries_are_echoed_inert(client, song):
    for vector in VECTORS:
        assert_inert(client.get("/search/", {"q": vector}))
        assert_inert(client.get("/search/", {"q": vector, "kind": vector, "page": vector}))
        suggest = client.get("/search/suggest", {"q": vector})
        assert suggest["Content-Type"] == "application/json"
