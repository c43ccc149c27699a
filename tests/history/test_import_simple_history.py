"""History migration 0002 moves django-simple-history's rows into reversion's revisions.

The historical tables are gone from the test database (catalogue 0007 drops them), so the test
makes them again inside its own transaction, from the migration state the data migration runs
in, fills them as django-simple-history did, and runs the migration's function on them."""

import datetime
from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from reversion.models import Version as Revised

from catalogue.models import Fact, Song, Status
from history.revert import revert_plan
from tests.conftest import make_song, make_user

pytestmark = pytest.mark.django_db

MIGRATION = ("history", "0002_import_simple_history")
imported = import_module("history.migrations.0002_import_simple_history")
HISTORY = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


@pytest.fixture
def state():
    apps = MigrationLoader(connection).project_state(MIGRATION, at_end=False).apps
    with connection.schema_editor() as editor:
        for name in ("HistoricalArtist", "HistoricalSong", "HistoricalFact"):
            editor.create_model(apps.get_model("catalogue", name))
    return apps


def historical(apps, row, kind, minutes, user, reason=None):
    """A django-simple-history row for `row` as it is now."""
    model = apps.get_model("catalogue", f"Historical{type(row).__name__}")
    values = {
        f.attname: getattr(row, f.attname)
        for f in model._meta.concrete_fields
        if not f.name.startswith("history_")
    }
    return model.objects.create(
        **values,
        history_date=HISTORY + datetime.timedelta(minutes=minutes),
        history_type=kind,
        history_user_id=user.pk if user else None,
        history_change_reason=reason,
    )


def test_it_moves_every_historical_row_into_a_revision_oldest_first(state):
    editor = make_user("old.editor", "Editors", is_staff=True)
    song = make_song(title="Heroes", slug="heroes", status=Status.DRAFT)
    historical(state, song, "+", 0, editor)
    song.title, song.status = '"Heroes"', Status.PUBLISHED
    song.save()
    historical(state, song, "~", 1, editor, reason="quotes")
    fact = Fact.objects.create(song=song, position=1, body="Written in Berlin.")
    historical(state, fact, "+", 2, None)
    gone = Fact.objects.create(song=song, position=2, body="A myth.")
    historical(state, gone, "+", 3, editor)
    historical(state, gone, "-", 4, editor)
    gone_id = str(gone.pk)
    gone.delete()
    historical(state, song.artist, "+", -1, editor)

    with connection.schema_editor() as schema_editor:
        imported.import_history(state, schema_editor)

    song_versions = Revised.objects.get_for_object(song).select_related("revision")
    revisions = [version.revision for version in song_versions.order_by("pk")]
    assert [r.comment for r in revisions] == [
        "Created",
        "Changed (quotes)",
        "Fact “Fact #1”: Created",
        "Fact “Fact #2”: Created",
        "Fact “Fact #2”: Deleted",
    ]
    assert [r.date_created.minute for r in revisions] == [0, 1, 2, 3, 4]
    assert [r.user for r in revisions] == [editor, editor, None, editor, editor]
    first, second = (version.field_dict for version in song_versions.order_by("pk")[:2])
    assert (first["title"], first["status"]) == ("Heroes", Status.DRAFT)
    assert (second["title"], second["status"]) == ('"Heroes"', Status.PUBLISHED)
    # A fact's revision holds its song as the song's history had it then.
    fact_revision = Revised.objects.get_for_object(fact).get().revision
    assert fact_revision.version_set.get(content_type__model="song").field_dict["title"] == (
        '"Heroes"'
    )
    # The deleted fact is there to recover, as it was last.
    [deleted] = Revised.objects.get_deleted(Fact)
    assert (deleted.object_id, deleted.field_dict["body"]) == (gone_id, "A myth.")
    assert Revised.objects.get_for_object(song.artist).get().revision.comment == (
        f"Artist “{song.artist.name}”: Created"
    )


def test_reverting_an_imported_revision_removes_nothing_added_since(state, editor):
    song = make_song(title="Heroes", slug="heroes")
    historical(state, song, "+", 0, editor)
    Fact.objects.create(song=song, position=1, body="Added after the old history.")
    song.title = "Heroes (renamed)"
    song.save()
    with connection.schema_editor() as schema_editor:
        imported.import_history(state, schema_editor)
    revision = Revised.objects.get_for_object(song).get().revision

    plan = revert_plan(revision=revision, model=Song, object_id=song.pk, editor=editor)

    assert not plan.complete
    assert plan.summary() == "title changed back"


def test_the_historical_tables_go_only_after_their_rows_moved():
    graph = MigrationLoader(connection).graph
    drop = graph.node_map[("catalogue", "0007_drop_simple_history")]
    parents = {node.key for node in drop.parents}
    assert MIGRATION in parents
