"""manage.py render_markup renders facts' and comments' stored HTML again, and the migrations
that added the columns rendered every row that was there."""

import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from api.models import Change
from catalogue.management.commands import render_markup
from catalogue.models import Fact, Status
from comments.markup import render_comment
from comments.models import Comment
from songfacts import cache_keys
from tests.conftest import make_song

pytestmark = pytest.mark.django_db

LINK = '<a href="https://songfacts.example/songs/">ours</a>'


def _version(model, pk):
    """Where the row's current version lies: every write of the row makes a new one."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ctid::text FROM {model._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_it_renders_facts_again_when_allowed_hosts_change(settings, capsys):
    song = make_song()
    linked = Fact.objects.create(song=song, position=1, body=LINK)
    plain = Fact.objects.create(song=song, position=2, body="Plain.")
    assert 'rel="nofollow noopener"' in linked.body_html
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "songfacts.example"]

    call_command("render_markup", "--only=facts")

    linked.refresh_from_db()
    assert linked.body_html == '<p><a href="https://songfacts.example/songs/">ours</a></p>'
    assert Fact.objects.get(pk=plain.pk).body_html == "<p>Plain.</p>"
    assert "facts: 2 rendered, 1 changed" in capsys.readouterr().out


def test_it_writes_only_the_rows_whose_html_changed(monkeypatch, capsys):
    song = make_song()
    comments = [
        Comment.objects.create(song=song, author_name="Ken", body=body)
        for body in ("Loud.", "quiet.", "Louder.")
    ]
    before = [_version(Comment, comment.pk) for comment in comments]
    # New rules: comments in capitals. "quiet." changes; the others render as before.
    monkeypatch.setitem(
        render_markup.TABLES, "comments", (Comment, lambda text: render_comment(text.title()))
    )

    call_command("render_markup", "--only=comments")

    after = [_version(Comment, comment.pk) for comment in comments]
    assert [b == a for b, a in zip(before, after, strict=True)] == [True, False, True]
    assert Comment.objects.get(pk=comments[1].pk).body_html == "<p>Quiet.</p>"
    assert "comments: 3 rendered, 1 changed" in capsys.readouterr().out


def test_it_renders_both_tables_in_batches_with_a_progress_line(capsys):
    song = make_song()
    for n in range(5):
        fact = Fact.objects.create(song=song, position=n, body=f"Fact {n}.")
        Comment.objects.create(song=song, author_name="Ken", body=f"Comment {n}.")
    Fact.objects.update(body_html="")
    Comment.objects.update(body_html="")

    call_command("render_markup", "--batch-size=2")

    output = capsys.readouterr()
    assert "facts: 5 rendered, 5 changed" in output.out
    assert "comments: 5 rendered, 5 changed" in output.out
    assert "  facts: 2 of 5 rendered, 2 changed, about" in output.err
    assert "  comments: 5 of 5 rendered, 5 changed, about 0 s left" in output.err
    assert Fact.objects.get(pk=fact.pk).body_html == "<p>Fact 4.</p>"
    assert set(Comment.objects.values_list("body_html", flat=True)) == {
        f"<p>Comment {n}.</p>" for n in range(5)
    }


def test_it_leaves_the_html_of_a_fact_edited_while_it_ran(monkeypatch):
    fact = Fact.objects.create(song=make_song(), body="Old.")

    def render_while_an_editor_saves(text):
        # An editor's save lands between the command's read and its write.
        edited = Fact.objects.get(pk=fact.pk)
        edited.body = "New."
        edited.save()
        return f"<p>{text} (new rules)</p>"

    monkeypatch.setitem(render_markup.TABLES, "facts", (Fact, render_while_an_editor_saves))

    call_command("render_markup", "--only=facts", verbosity=0)

    fact.refresh_from_db()
    assert (fact.body, fact.body_html) == ("New.", "<p>New.</p>")


@pytest.mark.parametrize(
    ("migration", "model"),
    [
        ("catalogue.migrations.0006_render_fact_body_html", Fact),
        ("comments.migrations.0008_render_comment_body_html", Comment),
    ],
)
def test_the_migrations_render_every_row_that_was_there(migration, model):
    song = make_song()
    Fact.objects.create(song=song, body="A fact.")
    Comment.objects.create(song=song, author_name="Ken", body="A comment.")
    model.objects.update(body_html="")
    module = importlib.import_module(migration)
    render = next(op.code for op in module.Migration.operations)

    render(apps, connection.schema_editor())

    assert model.objects.get().body_html in ("<p>A fact.</p>", "<p>A comment.</p>")


def test_it_purges_the_pages_of_the_songs_whose_html_changed(
    monkeypatch, django_capture_on_commit_callbacks
):
    purged = []
    monkeypatch.setattr(cache_keys, "purge", lambda keys: purged.append(set(keys)))
    changed, unchanged = make_song(), make_song()
    Comment.objects.create(song=changed, author_name="Ken", body="quiet.")
    Comment.objects.create(song=unchanged, author_name="Ann", body="Loud.")
    monkeypatch.setitem(
        render_markup.TABLES, "comments", (Comment, lambda text: render_comment(text.title()))
    )

    with django_capture_on_commit_callbacks(execute=True):
        call_command("render_markup", "--only=comments", verbosity=0)

    assert purged == [{f"song-{changed.pk}-comments"}]


def test_it_tells_the_change_feed_which_songs_and_comments_changed(monkeypatch):
    song, other, draft = make_song(), make_song(), make_song(status=Status.DRAFT)
    for shown_on in (song, other, draft):
        Fact.objects.create(song=shown_on, position=1, body="A fact.")
    quiet = Comment.objects.create(song=other, author_name="Ken", body="quiet.")
    Comment.objects.create(song=other, author_name="Ann", body="Loud.")
    # New rules: facts in capitals, comments in title case ("Loud." renders as before).
    monkeypatch.setattr(
        render_markup,
        "TABLES",
        {
            "facts": (Fact, lambda text: f"<p>{text.upper()}</p>"),
            "comments": (Comment, lambda text: render_comment(text.title())),
        },
    )
    # The test runs in one transaction, into whose records those of the command would fold.
    Change.objects.all().delete()

    call_command("render_markup", verbosity=0)

    assert set(Change.objects.values_list("kind", "object_id", "action")) == {
        ("songs", song.pk, "changed"),
        ("songs", other.pk, "changed"),
        ("comments", quiet.pk, "changed"),
    }
