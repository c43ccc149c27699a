"""Create a moderator account from the command line: staff, in the Moderators group (the comment
queue and the blocklist), never a superuser, so that no daily work needs one."""

from catalogue.management.commands import create_editor


class Command(create_editor.Command):
    help = "Create a moderator: a staff account in the Moderators group (never a superuser)."
    group_name = "Moderators"
    role = "moderator"
