"""Write a dump of the public catalogue: `manage.py export_dump [DIRECTORY]` (api.dumps).

Without a directory, the dump goes into a new folder of settings.DATA_DUMP_ROOT named for the
time it was taken, where /data/ lists the latest. It is written beside it first and renamed
once whole, so /data/ never offers half a dump. Each kind's progress goes to stderr, as
generate_catalogue's does.
"""

import shutil
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from api import dumps
from catalogue.management.commands.generate_catalogue import report_progress


class Command(BaseCommand):
    help = (
        "Write the public catalogue as gzipped JSON Lines, one file per kind, and its datapackage."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "directory",
            nargs="?",
            help="An empty or new folder (default: a new one in DATA_DUMP_ROOT).",
        )

    def handle(self, *args, directory=None, verbosity=1, **options):
        started = time.monotonic()
        if directory is None:
            final = settings.DATA_DUMP_ROOT / timezone.now().strftime("%Y-%m-%dT%H%M%SZ")
            target = final.with_name(final.name + ".partial")
        else:
            final = target = directory
        progress = (lambda *a, **k: report_progress(self.stderr, *a, **k)) if verbosity else None
        try:
            package = dumps.export(target, progress=progress)
        except dumps.DumpError as error:
            raise CommandError(str(error)) from None
        except BaseException:
            if target != final:
                shutil.rmtree(target, ignore_errors=True)
            raise
        if target != final:
            target.rename(final)
        size = sum(resource["bytes"] for resource in package["resources"])
        rows = ", ".join(f"{r['rows']:,} {r['name']}" for r in package["resources"])
        self.stdout.write(
            f"Wrote {final}: {rows}; {size:,} bytes compressed, "
            f"feed cursor {package['feed_cursor']}, in {time.monotonic() - started:.1f} s."
        )
