import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from catalogue.models import Fact, Source, Status
from comments import services
from comments.models import BlockedTerm, Comment, FactSuggestion
from tests.comments.conftest import make_comment, suggestion_data

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.comments.urls")]


def _suggestion(song, **overrides):
    fields = {
        "song": song,
        "body": "Bowie recorded the vocal in three takes.",
        "author_name": "Michael Lloyd",
        "author_place": "London, England",
    }
    fields.update(overrides)
    return FactSuggestion.objects.create(**fields)


def _change_url(suggestion):
    return reverse("admin:comments_factsuggestion_change", args=[suggestion.pk])


def _review_form(suggestion, **overrides):
    data = {
        "body": suggestion.body,
        "source_citation": suggestion.source_citation,
        "source_url": suggestion.source_url,
        "reject_reason": "",
    }
    data.update(overrides)
    return data


def test_it_queues_a_suggestion_from_the_song_page(client, published_song, suggest_url, song_url):
    response = client.post(suggest_url, suggestion_data(author_email="ml@example.com"))

    suggestion = FactSuggestion.objects.get()
    assert response["Location"] == f"{song_url}#suggest-fact"
    assert suggestion.status == FactSuggestion.Status.PENDING
    assert suggestion.song == published_song
    assert (suggestion.author_name, suggestion.author_place) == ("Michael Lloyd", "London, England")
    assert suggestion.source_citation == "Uncut magazine, 2017"
    assert "An editor will look at it soon." in client.get(song_url).content.decode()


def test_it_makes_one_suggestion_of_a_form_sent_twice(client, published_song, suggest_url):
    data = suggestion_data()
    client.post(suggest_url, data)
    client.post(suggest_url, data)

    assert FactSuggestion.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("body", ""),
        ("author_name", ""),
        ("source_url", "javascript:alert(1)"),
        ("author_email", "x"),
    ],
)
def test_it_refuses_a_bad_suggestion_and_keeps_the_text(
    client, published_song, suggest_url, field, value
):
    response = client.post(suggest_url, suggestion_data(**{field: value}))

    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="id_suggest-{field}_error"' in html
    assert "Uncut magazine, 2017" in html
    assert FactSuggestion.objects.count() == 0


def test_it_writes_no_suggestion_when_the_honeypot_is_filled(client, published_song, suggest_url):
    assert client.post(suggest_url, suggestion_data(website="x")).status_code == 302
    assert FactSuggestion.objects.count() == 0


def test_it_refuses_a_suggestion_the_blocklist_refuses(client, published_song, suggest_url):
    BlockedTerm.objects.create(value="casino", action=BlockedTerm.Action.REFUSE)

    response = client.post(suggest_url, suggestion_data(body="Play at the casino"))

    assert response.status_code == 400
    assert FactSuggestion.objects.count() == 0


def test_it_accepts_a_suggestion_as_a_credited_fact_at_the_end(published_song, editor):
    Fact.objects.create(song=published_song, position=4, body="An earlier fact.")
    suggestion = _suggestion(
        published_song, source_citation="Uncut, 2017", source_url="https://uncut.example/heroes"
    )

    fact = services.suggestion_accept(suggestion=suggestion, editor=editor)

    assert fact.position == 5
    assert fact.status == Status.PUBLISHED
    assert fact.suggestion_credit == "Michael Lloyd - London, England"
    assert list(fact.sources.values_list("citation", "url")) == [
        ("Uncut, 2017", "https://uncut.example/heroes")
    ]
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.fact, suggestion.reviewed_by) == (
        FactSuggestion.Status.ACCEPTED,
        fact,
        editor,
    )
    with pytest.raises(ValidationError, match="already been reviewed"):
        services.suggestion_accept(suggestion=suggestion, editor=editor)
    assert Fact.objects.count() == 2


def test_it_lets_an_editor_edit_the_text_then_accept_in_the_admin(client, published_song, editor):
    suggestion = _suggestion(published_song, body="bowie did 3 takes", author_place="")
    client.force_login(editor)

    response = client.post(
        _change_url(suggestion),
        _review_form(suggestion, body="Bowie sang the vocal in three takes.", _accept="1"),
    )

    assert response.status_code == 302
    fact = Fact.objects.get()
    assert fact.body == "Bowie sang the vocal in three takes."
    assert fact.suggestion_credit == "Michael Lloyd"
    assert fact.position == 0
    assert Source.objects.count() == 0
    assert client.get(_change_url(suggestion)).status_code == 200


def test_it_needs_a_reason_to_reject(client, published_song, editor, mailoutbox):
    suggestion = _suggestion(published_song, author_email="ml@example.com")
    client.force_login(editor)

    response = client.post(_change_url(suggestion), _review_form(suggestion, _reject="1"))

    assert response.status_code == 200
    assert "Give a reason for rejecting the suggestion." in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == FactSuggestion.Status.PENDING
    assert mailoutbox == []


def test_it_emails_the_reason_for_a_rejection(
    client, published_song, editor, mailoutbox, django_capture_on_commit_callbacks
):
    suggestion = _suggestion(published_song, author_email="ml@example.com")
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _change_url(suggestion),
            _review_form(suggestion, reject_reason="We couldn't find a source.", _reject="1"),
        )

    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == FactSuggestion.Status.REJECTED
    assert Fact.objects.count() == 0
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ml@example.com"]
    assert "We couldn't find a source." in mailoutbox[0].body


def test_it_rejects_without_mail_when_no_address_was_left(
    published_song, editor, mailoutbox, django_capture_on_commit_callbacks
):
    suggestion = _suggestion(published_song)

    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_reject(
            suggestion=suggestion, editor=editor, reason="Not about the song."
        )

    assert mailoutbox == []
    assert FactSuggestion.objects.get().status == FactSuggestion.Status.REJECTED


def test_it_keeps_a_reviewed_suggestion_read_only(client, published_song, editor):
    suggestion = _suggestion(published_song)
    services.suggestion_reject(suggestion=suggestion, editor=editor, reason="Duplicate.")
    client.force_login(editor)

    response = client.post(_change_url(suggestion), _review_form(suggestion, _accept="1"))

    assert response.status_code == 403
    assert Fact.objects.count() == 0


def test_it_promotes_a_comment_to_a_credited_fact(client, published_song, editor):
    Fact.objects.create(song=published_song, position=0, body="The first fact.")
    comment = make_comment(published_song, author_name="Ken", author_place="Denmark")
    client.force_login(editor)

    response = client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "promote_to_fact", "_selected_action": [comment.pk]},
    )

    assert response.status_code == 302
    fact = Fact.objects.get(position=1)
    assert fact.body == comment.body
    assert fact.suggestion_credit == "Ken - Denmark"
    assert fact.status == Status.PUBLISHED
    comment.refresh_from_db()
    assert comment.promoted_fact == fact
    client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "promote_to_fact", "_selected_action": [comment.pk]},
    )
    assert Fact.objects.count() == 2


def test_it_promotes_only_published_comments(published_song, editor):
    pending = make_comment(published_song, status=Comment.Status.PENDING)

    with pytest.raises(ValidationError, match="Only a published comment"):
        services.comment_promote_to_fact(comment=pending, editor=editor)
    assert Fact.objects.count() == 0
