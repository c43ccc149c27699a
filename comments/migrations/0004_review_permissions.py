from django.contrib.auth.management import create_permissions
from django.db import migrations

# Moderators keep the comment queue and the blocklist; Editors review fact suggestions and
# may promote a comment to a fact, but neither approve nor remove comments.
GROUP_PERMISSIONS = {
    "Moderators": [
        "view_pendingcomment", "change_pendingcomment",
        "add_blockedterm", "change_blockedterm", "delete_blockedterm", "view_blockedterm",
    ],
    "Editors": [
        "view_comment", "promote_comment",
        "view_factsuggestion", "change_factsuggestion",
    ],
}


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations; these groups need them now.
    app_config = apps.get_app_config("comments")
    # The migration state's app stubs lack the attribute create_permissions checks.
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="comments", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions missing for the {name} group: {sorted(missing)}")
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="comments", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0003_comment_spam_notifications_suggestions"),
        ("catalogue", "0002_editors_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
