"""Load a dump into an empty catalogue: `manage.py import_dump DIRECTORY` (api.dumps).

It checks every file against SHA256SUMS before it reads any, refuses a database whose
catalogue has rows, and loads everything in one transaction, ids kept, then rebuilds the
search index; a dump that does not check or parse changes nothing. Afterwards the API
answers as it did where the dump was taken, and a mirror follows that site's change feed
from the dump's `feed_cursor`.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from api import dumps
from catalogue.management.commands.generate_catalogue import report_progress


class Command(BaseCommand):
    help = "Load a dump written by export_dump into an empty catalogue."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="The dump's folder (with its SHA256SUMS).")

    def handle(self, *args, directory, verbosity=1, **options):
        started = time.monotonic()
        if not dumps.catalogue_is_empty():
            raise CommandError("The catalogue has rows already; a dump loads only into none.")
        progress = (lambda *a, **k: report_progress(self.stderr, *a, **k)) if verbosity else None
        try:
            with transaction.atomic():
                counts = dumps.load(directory, progress=progress)
                call_command("rebuild_search_index", verbosity=0)
        except dumps.DumpError as error:
            raise CommandError(f"{directory}: {error}") from None
        loaded = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        self.stdout.write(f"Loaded {loaded} in {time.monotonic() - started:.1f} s.")
