import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models

import history.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EditorProfile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("display_name", models.CharField(help_text="How the public history of songs names you: 3 to 40 letters, digits, spaces and . ' - _ (not your login or e-mail).", max_length=40, validators=[history.models.validate_display_name])),
                ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="editor_profile", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "display name",
                "verbose_name_plural": "your display name",
                "constraints": [models.UniqueConstraint(django.db.models.functions.text.Lower("display_name"), name="history_editorprofile_unique_display_name", violation_error_message="Another editor has this display name.")],
            },
        ),
        migrations.CreateModel(
            name="ImportedRevision",
            fields=[
                ("revision", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name="imported", serialize=False, to="reversion.revision")),
            ],
        ),
    ]
