from django.db import migrations


class Migration(migrations.Migration):
    # The rows were moved to django-reversion's revisions first.
    dependencies = [
        ("catalogue", "0006_render_fact_body_html"),
        ("history", "0002_import_simple_history"),
    ]

    operations = [
        migrations.DeleteModel(name="HistoricalArtist"),
        migrations.DeleteModel(name="HistoricalFact"),
        migrations.DeleteModel(name="HistoricalSong"),
    ]
