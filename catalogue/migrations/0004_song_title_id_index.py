from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Concurrently: editors keep saving songs while the index is built.
    atomic = False

    dependencies = [
        ("catalogue", "0003_fact_search_document"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="song",
            index=models.Index(
                fields=["status", "title", "id"], name="catalogue_song_status_title_id"
            ),
        ),
        RemoveIndexConcurrently(
            model_name="song",
            name="catalogue_song_status_title",
        ),
    ]
