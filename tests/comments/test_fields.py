"""comments/_field.html writes each field's <input> or <textarea> itself: the same markup as
Django's widget templates (`{{ field }}`), in every state the readers' forms are shown in."""

import pytest
from django.template.loader import render_to_string

from comments.forms import CommentForm, FactSuggestionForm
from tests.comments.conftest import comment_data, make_comment, suggestion_data

pytestmark = pytest.mark.django_db


def _forms(song):
    parent = make_comment(song)
    tricky = "Den\"<b>&amp; 'x'"
    yield CommentForm(song=song)
    yield CommentForm(song=song, parent=parent)
    yield CommentForm(comment_data(), song=song)
    yield CommentForm(
        comment_data(
            author_name="",
            author_place=tricky,
            author_email="not-an-address",
            body="\nA first line after a newline <b>&</b>",
            parent=parent.pk,
            website="a bot",
        ),
        song=song,
    )
    yield CommentForm(
        comment_data(author_name="x" * 81, body="", parent="10", submission_token=""),
        song=song,
    )
    yield FactSuggestionForm(song=song)
    yield FactSuggestionForm(suggestion_data(), song=song)
    yield FactSuggestionForm(
        suggestion_data(body="", source_url="not a link", author_email="a@", author_place=tricky),
        song=song,
    )


def test_it_writes_every_field_as_its_widget_would(published_song):
    checked = 0
    for form in _forms(published_song):
        form.is_bound and form.is_valid()
        for field in form:
            html = render_to_string("comments/_field.html", {"field": field})
            assert str(field) in html, field.html_name
            checked += 1
    assert checked == 5 * 7 + 3 * 8


def test_it_shows_the_errors_beside_the_field_and_points_to_them(published_song):
    form = CommentForm(comment_data(author_name="", author_email="nope"), song=published_song)
    form.is_valid()

    html = render_to_string("comments/_field.html", {"field": form["author_email"]})

    assert '<ul class="form-field__errors" id="id_author_email_error">' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_author_email_helptext id_author_email_error"' in html
    assert 'value="nope"' in html
