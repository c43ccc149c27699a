from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0004_song_title_id_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="fact",
            name="body_html",
            field=models.TextField(blank=True, editable=False),
        ),
    ]
