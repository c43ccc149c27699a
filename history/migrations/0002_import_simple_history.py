"""Move django-simple-history's rows into django-reversion's revisions, oldest first.

Each historical row (a save or delete of an artist, song or fact) becomes one revision of its
own, with its time, editor and reason, holding the row's version in reversion's JSON format;
a fact's revision also holds its song as the song's history had it then, so that the song's
public history lists the fact's changes. Deleted rows ('-') keep their last state, which
reversion's "recover deleted" list offers. The revisions are marked ImportedRevision: they
hold no parts, so reverting one deletes nothing.
"""

import heapq

from django.core import serializers
from django.db import migrations

BATCH = 500
KINDS = {"+": "Created", "~": "Changed", "-": "Deleted"}
HISTORY_FIELDS = {"history_id", "history_date", "history_change_reason", "history_type"}


def import_history(apps, schema_editor):
    db = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("reversion", "Revision")
    Version = apps.get_model("reversion", "Version")
    ImportedRevision = apps.get_model("history", "ImportedRevision")
    Artist = apps.get_model("catalogue", "Artist")
    models = {
        name: (apps.get_model("catalogue", f"Historical{name}"), apps.get_model("catalogue", name))
        for name in ("Artist", "Song", "Fact")
    }
    content_types = {
        name: ContentType.objects.using(db).get_or_create(
            app_label="catalogue", model=name.lower()
        )[0]
        for name in models
    }

    def rows(name):
        historical, _ = models[name]
        queryset = historical.objects.using(db).order_by("history_date", "history_id")
        for row in queryset.iterator(chunk_size=2000):
            yield (row.history_date, row.history_id, name), row

    # The latest serialized state of each song, as its history had reached the row at hand.
    songs_then = {}
    batch = []
    for (_, _, name), row in heapq.merge(*(rows(name) for name in models), key=lambda r: r[0]):
        batch.append((name, row))
        if len(batch) == BATCH:
            _write(batch, db, models, content_types, songs_then, Artist, Revision, Version,
                   ImportedRevision)
            batch = []
    if batch:
        _write(batch, db, models, content_types, songs_then, Artist, Revision, Version,
               ImportedRevision)


def _serialize(model, historical_row):
    fields = [
        field.name
        for field in type(historical_row)._meta.concrete_fields
        if field.name not in HISTORY_FIELDS and field.name != "history_user" and field.name != "id"
    ]
    values = {
        field.attname: getattr(historical_row, field.attname)
        for field in type(historical_row)._meta.concrete_fields
        if field.name in fields or field.name == "id"
    }
    return serializers.serialize("json", [model(**values)], fields=fields)


def _write(batch, db, models, content_types, songs_then, Artist, Revision, Version,
           ImportedRevision):
    artist_ids = {row.artist_id for name, row in batch if name == "Song"}
    artist_names = dict(
        Artist.objects.using(db).filter(pk__in=artist_ids).values_list("pk", "name")
    )
    revisions = []
    versions = []
    for name, row in batch:
        _, model = models[name]
        if name == "Song":
            artist = artist_names.get(row.artist_id, "an unknown artist")
            shown = f"{row.title} by {artist}"
        elif name == "Fact":
            shown = f"Fact #{row.position}"
        else:
            shown = row.name
        kind = KINDS[row.history_type]
        comment = kind if name == "Song" else f"{name} “{shown}”: {kind}"
        if row.history_change_reason:
            comment = f"{comment} ({row.history_change_reason})"
        data = _serialize(model, row)
        held = [(content_types[name], row.id, data, shown)]
        if name == "Song":
            songs_then[row.id] = None if row.history_type == "-" else (data, shown)
        elif name == "Fact" and songs_then.get(row.song_id):
            song_data, song_shown = songs_then[row.song_id]
            held.append((content_types["Song"], row.song_id, song_data, song_shown))
        revisions.append(
            Revision(date_created=row.history_date, user_id=row.history_user_id, comment=comment)
        )
        versions.append(held)
    Revision.objects.using(db).bulk_create(revisions)
    Version.objects.using(db).bulk_create(
        Version(
            revision_id=revision.pk,
            content_type=content_type,
            object_id=str(object_id),
            db=db,
            format="json",
            serialized_data=data,
            object_repr=shown,
        )
        for revision, held in zip(revisions, versions, strict=True)
        for content_type, object_id, data, shown in held
    )
    ImportedRevision.objects.using(db).bulk_create(
        ImportedRevision(revision_id=revision.pk) for revision in revisions
    )


class Migration(migrations.Migration):
    dependencies = [
        ("history", "0001_initial"),
        ("catalogue", "0006_render_fact_body_html"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # Backwards, the revisions stay: catalogue 0007 gives back empty historical tables.
        migrations.RunPython(import_history, migrations.RunPython.noop),
    ]
