from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATORS = "Moderators"
MODERATOR_PERMISSIONS = ["change_comment", "view_comment"]


def create_moderators_group(apps, schema_editor):
    # Permissions are normally made after all migrations; this group needs them now.
    app_config = apps.get_app_config("comments")
    # The migration state's app stubs lack the attribute create_permissions checks.
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=MODERATORS)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments", codename__in=MODERATOR_PERMISSIONS
        )
    )


def remove_moderators_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=MODERATORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_moderators_group, remove_moderators_group)]
