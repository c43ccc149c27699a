from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Concurrently: building an index over every comment must not lock out new comments.
    atomic = False

    dependencies = [
        ("comments", "0005_published_newest_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="comment",
            index=models.Index(fields=["-created_at", "-id"], name="comments_newest"),
        ),
        RemoveIndexConcurrently(
            model_name="comment",
            name="comments_published_newest",
        ),
    ]
