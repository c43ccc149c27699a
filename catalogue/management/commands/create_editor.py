"""Create an editor account from the command line: staff, in the Editors group, no superuser.

create_moderator is this command with the Moderators group."""

import getpass

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from history.models import EditorProfile, default_display_name

EDITORS = "Editors"


class Command(BaseCommand):
    help = "Create an editor: a staff account in the Editors group (never a superuser)."
    group_name = EDITORS
    role = "editor"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", required=True)
        parser.add_argument(
            "--password",
            help="Asked for when left out, which keeps it out of the shell's history.",
        )
        parser.add_argument(
            "--display-name",
            help=(
                "The name the public history of songs shows (never the login); they can "
                'change it in the admin. Left out, it is "Editor" and their number.'
            ),
        )

    def handle(self, *args, username, email, password=None, display_name=None, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f'A user named "{username}" exists already; nothing was changed.')
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r}: {error.messages[0]}") from error
        group = Group.objects.filter(name=self.group_name).first()
        if group is None:
            raise CommandError(
                f'The "{self.group_name}" group is missing: run `manage.py migrate` first.'
            )
        user = User(username=username, email=email, is_staff=True)
        if password is None:
            password = self._ask_password()
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        user.set_password(password)
        with transaction.atomic():
            user.save()
            user.groups.add(group)
            if display_name is not None:
                self._give_display_name(user, display_name)
        shown = display_name or default_display_name(user.pk)
        self.stdout.write(
            self.style.SUCCESS(f'Created the {self.role} "{username}", shown as "{shown}".')
        )

    def _give_display_name(self, user, display_name):
        profile = EditorProfile(user=user, display_name=display_name)
        try:
            profile.full_clean()
        except ValidationError as error:
            # Raised inside the transaction: the account is not created either.
            raise CommandError(f"--display-name: {' '.join(error.messages)}") from error
        profile.save()

    def _ask_password(self):
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ; nothing was changed.")
        return password
