"""Create an editor account from the command line: staff, in the Editors group, no superuser."""

import getpass

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

EDITORS = "Editors"


class Command(BaseCommand):
    help = "Create an editor: a staff account in the Editors group (never a superuser)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", required=True)
        parser.add_argument(
            "--password",
            help="Asked for when left out, which keeps it out of the shell's history.",
        )

    def handle(self, *args, username, email, password=None, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f'A user named "{username}" exists already; nothing was changed.')
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r}: {error.messages[0]}") from error
        group = Group.objects.filter(name=EDITORS).first()
        if group is None:
            raise CommandError(f'The "{EDITORS}" group is missing: run `manage.py migrate` first.')
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
        self.stdout.write(self.style.SUCCESS(f'Created the editor "{username}".'))

    def _ask_password(self):
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ; nothing was changed.")
        return password
