from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
# As for the other rows that hang off a song (0002_editors_group): delete too.
ISRC_PERMISSIONS = ["add_isrc", "change_isrc", "delete_isrc", "view_isrc"]


def let_editors_keep_isrcs(apps, schema_editor):
    app_config = apps.get_app_config("catalogue")
    # The migration state's app stubs lack the attribute create_permissions checks.
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=EDITORS).first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="catalogue", codename__in=ISRC_PERMISSIONS
            )
        )


def take_them_back(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name=EDITORS):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="catalogue", codename__in=ISRC_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0008_identifiers_and_dates"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(let_editors_keep_isrcs, take_them_back)]
