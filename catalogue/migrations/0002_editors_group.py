from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"

# Editors keep the whole catalogue: add, change and publish, delete only what hangs off a song.
EDITOR_PERMISSIONS = {
    "catalogue": [
        "add_artist", "change_artist", "view_artist",
        "add_album", "change_album", "view_album",
        "add_song", "change_song", "view_song", "publish_song",
        "add_fact", "change_fact", "delete_fact", "view_fact", "publish_fact",
        "add_source", "change_source", "delete_source", "view_source",
        "add_person", "change_person", "view_person",
        "add_role", "change_role", "view_role",
        "add_credit", "change_credit", "delete_credit", "view_credit",
        "add_chart", "change_chart", "view_chart",
        "add_chartentry", "change_chartentry", "delete_chartentry", "view_chartentry",
        "add_certification", "change_certification", "delete_certification",
        "view_certification",
        "add_version", "change_version", "delete_version", "view_version",
        "add_appearance", "change_appearance", "delete_appearance", "view_appearance",
        "add_editorspick", "change_editorspick", "delete_editorspick", "view_editorspick",
        "view_historicalsong", "view_historicalfact", "view_historicalartist",
    ],
    "taggit": ["add_tag", "change_tag", "view_tag", "view_taggeditem"],
}


def create_editors_group(apps, schema_editor):
    # Permissions are normally made after all migrations; this group needs them now.
    for app_label in EDITOR_PERMISSIONS:
        app_config = apps.get_app_config(app_label)
        # The migration state's app stubs lack the attribute create_permissions checks.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    for app_label, codenames in EDITOR_PERMISSIONS.items():
        permissions = Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions missing for the Editors group: {sorted(missing)}")
        group.permissions.add(*permissions)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
