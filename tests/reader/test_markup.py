"""Fact text becomes safe HTML; video links become privacy-friendly players."""

import pytest

from catalogue.markup import render_fact, video_embed


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
