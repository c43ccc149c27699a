from django.db import migrations

from catalogue.markup import render_fact, rerender


def render_facts(apps, schema_editor):
    rerender(apps.get_model("catalogue", "Fact"), render_fact, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    # Each batch commits by itself, so that editors can save facts meanwhile; in one
    # transaction every fact would stay locked until the last one was rendered. A run that
    # stops half way can run again (apart from 0005, which has added the column).
    # A million generated facts took 75 s on two busy cores.
    atomic = False

    dependencies = [
        ("catalogue", "0005_fact_body_html"),
    ]

    operations = [
        migrations.RunPython(render_facts, migrations.RunPython.noop, elidable=True),
    ]
