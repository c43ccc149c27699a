from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0006_newest_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="body_html",
            field=models.TextField(blank=True, editable=False),
        ),
    ]
