"""Fact text becomes safe HTML, stored when the fact is saved; video links become
privacy-friendly players."""

import pytest
import reversion
from django.urls import reverse
from reversion.models import Version

from catalogue.markup import render_fact, video_embed
from catalogue.models import Fact, Status
from catalogue.templatetags.catalogue import fact_text
from history.revert import revert


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("One.\n\nTwo.", "<p>One.</p><p>Two.</p>"),
        ("One.\r\n\r\nTwo.", "<p>One.</p><p>Two.</p>"),
        ("Line one\nline two", "<p>Line one<br>line two</p>"),
        ("One.\n  \n\n\nTwo.", "<p>One.</p><p>Two.</p>"),
        (
            "<em>a</em> <strong>b</strong> <q>c</q> <cite>d</cite>",
            "<p><em>a</em> <strong>b</strong> <q>c</q> <cite>d</cite></p>",
        ),
        ("<b>bold</b> <span>inline</span>", "<p>bold inline</p>"),
        ("<script>alert(1)</script>Kept", "<p>Kept</p>"),
        ('<img src="x" onerror="alert(1)">Kept', "<p>Kept</p>"),
        ('<a href="javascript:alert(1)">x</a>', "<p><a>x</a></p>"),
        ('<a href="/songs/" onclick="x()">ours</a>', '<p><a href="/songs/">ours</a></p>'),
        (
            '<a href="https://example.com/?a=1&b=2">theirs</a>',
            '<p><a href="https://example.com/?a=1&amp;b=2" rel="nofollow noopener">theirs</a></p>',
        ),
        (
            '<a href="http://localhost/songs/">our host</a>',
            '<p><a href="http://localhost/songs/">our host</a></p>',
        ),
        ("Fish & chips < 5", "<p>Fish &amp; chips &lt; 5</p>"),
        ("", ""),
    ],
)
def test_it_renders_fact_text(text, html):
    assert render_fact(text) == html


@pytest.mark.parametrize(
    ("url", "embed"),
    [
        (
            "https://www.youtube.com/watch?v=lXgkuM2NhYI",
            "https://www.youtube-nocookie.com/embed/lXgkuM2NhYI?autoplay=1",
        ),
        (
            "https://youtu.be/lXgkuM2NhYI",
            "https://www.youtube-nocookie.com/embed/lXgkuM2NhYI?autoplay=1",
        ),
        (
            "https://m.youtube.com/watch?v=lXgkuM2NhYI&t=10",
            "https://www.youtube-nocookie.com/embed/lXgkuM2NhYI?autoplay=1",
        ),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1"),
        ('https://www.youtube.com/watch?v=bad"id', ""),
        ("https://example.com/watch?v=lXgkuM2NhYI", ""),
        ("https://vimeo.com/channels/staff", ""),
        ("", ""),
    ],
)
def test_it_turns_video_links_into_privacy_friendly_players(url, embed):
    assert video_embed(url) == embed


def test_it_keeps_the_text_of_block_tags_it_removes():
    html = render_fact("<div>block</div> <h1>heading</h1>")

    assert "<div" not in html and "<h1" not in html
    assert "block" in html and "heading" in html


def test_it_keeps_paragraphs_an_editor_wrote_as_html():
    assert render_fact("<p>One.</p><p>Two.</p>") == "<p>One.</p><p>Two.</p>"


FACT_BODY = 'Recorded in Berlin.\n\nSee <a href="https://example.com/">this</a>. <script>x</script>'
FACT_HTML = (
    "<p>Recorded in Berlin.</p>"
    '<p>See <a href="https://example.com/" rel="nofollow noopener">this</a>. </p>'
)


@pytest.mark.django_db
def test_it_stores_a_facts_html_when_the_fact_is_made_and_when_it_is_edited(published_song):
    fact = Fact.objects.create(song=published_song, body=FACT_BODY)
    assert Fact.objects.get(pk=fact.pk).body_html == FACT_HTML

    fact.body = "Edited."
    fact.save(update_fields=["body"])
    assert Fact.objects.get(pk=fact.pk).body_html == "<p>Edited.</p>"


@pytest.mark.django_db
def test_it_stores_a_facts_html_when_an_editor_changes_it_in_the_admin(
    client, published_song, editor
):
    fact = Fact.objects.create(song=published_song, body="Before.", status=Status.PUBLISHED)
    client.force_login(editor)

    response = client.post(
        reverse("admin:catalogue_fact_change", args=[fact.pk]),
        {
            "song": published_song.pk,
            "position": fact.position,
            "status": fact.status,
            "standing": fact.standing,
            "body": "After, with <em>emphasis</em>.\n\n<img src=x onerror=alert(1)>",
            "suggested_by_name": "",
            "suggested_by_place": "",
            "sources-TOTAL_FORMS": 0,
            "sources-INITIAL_FORMS": 0,
            "sources-MIN_NUM_FORMS": 0,
            "sources-MAX_NUM_FORMS": 1000,
        },
    )

    assert response.status_code == 302
    fact.refresh_from_db()
    assert fact.body_html == "<p>After, with <em>emphasis</em>.</p>"
    assert "After, with <em>emphasis</em>." in client.get(published_song.get_absolute_url()).text


@pytest.mark.django_db
def test_the_song_page_shows_the_stored_html_not_the_body(client, published_song):
    fact = Fact.objects.create(song=published_song, body="Typed.", status=Status.PUBLISHED)
    # As if the rendering rules had changed since: the page shows what is stored.
    Fact.objects.filter(pk=fact.pk).update(body_html="<p>Stored <em>then</em>.</p>")

    html = client.get(published_song.get_absolute_url()).text

    assert '<div class="fact__body"><p>Stored <em>then</em>.</p></div>' in html


@pytest.mark.django_db
def test_fact_revisions_keep_the_body_and_not_its_html(published_song):
    with reversion.create_revision():
        fact = Fact.objects.create(song=published_song, body="Kept.")

    kept = Version.objects.get_for_object(fact).get().field_dict
    assert kept["body"] == "Kept."
    assert "body_html" not in kept


@pytest.mark.django_db
def test_fact_text_reads_the_stored_html_of_a_fact(published_song):
    fact = Fact.objects.create(song=published_song, body="Typed.")
    fact.body_html = "<p>Stored <em>then</em> &amp; kept.</p><p>Second.</p>"

    assert fact_text(fact) == "Stored then & kept. Second."
    assert fact_text(fact, 2) == "Stored then…"


def test_fact_text_of_no_fact_is_empty():
    assert fact_text("") == ""


@pytest.mark.django_db
def test_reverting_a_fact_to_a_revision_renders_that_revisions_body(published_song, editor):
    with reversion.create_revision():
        fact = Fact.objects.create(song=published_song, body="First.")
    fact.body = "Second."
    with reversion.create_revision():
        fact.save()

    first = Version.objects.get_for_object(fact).order_by("pk").first()
    revert(revision=first.revision, model=Fact, object_id=fact.pk, editor=editor)

    assert Fact.objects.get(pk=fact.pk).body_html == "<p>First.</p>"
