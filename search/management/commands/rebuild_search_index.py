"""Build the search index from scratch: `manage.py rebuild_search_index`.

For data that arrived without signals: fixtures (loaddata saves raw), generate_catalogue's
COPY, a restored backup. It empties the index and builds its text-search indexes again
after filling it, which is many times faster than updating them row by row; searches wait
for it to commit, so run it when the catalogue is loaded, not while readers search.

Each kind shows on stderr how many of its rows are read, the share and the time left at
the pace so far, whatever the verbosity (generate_catalogue runs it with none): 6 minutes
for a million facts and a million comments on 2 cores.

With --kind it rewrites only those kinds' documents and keeps the rest and the indexes:
what a migration that changes some kinds' documents runs.
"""

import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from catalogue.management.commands.generate_catalogue import report_progress
from search import services
from search.models import SearchDocument

Kind = SearchDocument.Kind


class Command(BaseCommand):
    help = "Rebuild every search document from the catalogue and comments, in batches."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument(
            "--kind",
            action="append",
            choices=Kind.values,
            dest="kinds",
            help="Rebuild only this kind of document (repeat for more), keeping the indexes.",
        )

    def handle(self, *args, batch_size, kinds, **options):
        started = time.monotonic()
        table = connection.ops.quote_name(SearchDocument._meta.db_table)
        # Every index, when everything is rebuilt; none, for some kinds.
        indexes = [] if kinds else SearchDocument._meta.indexes
        # In the refreshers' order, which popularity needs (songs before names).
        kinds = [kind for kind in services.REFRESHERS if not kinds or kind in kinds]
        with transaction.atomic():
            if indexes:
                with connection.cursor() as cursor:
                    cursor.execute(f"TRUNCATE {table}")
            else:
                SearchDocument.objects.filter(kind__in=kinds).delete()
            with connection.schema_editor() as editor:
                for index in indexes:
                    editor.remove_index(SearchDocument, index)
            for kind in kinds:
                self._rebuild(kind, batch_size)
            if indexes:
                index_started = time.monotonic()
                self.stderr.write("  text-search indexes: building...", ending="\r")
                self.stderr.flush()
                with connection.schema_editor() as editor:
                    for index in indexes:
                        editor.add_index(SearchDocument, index)
                elapsed = time.monotonic() - index_started
                self.stderr.write(f"  text-search indexes: built in {elapsed:.0f} s".ljust(72))
            services.names_changed()
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
        if options["verbosity"]:
            count = SearchDocument.objects.count()
            elapsed = time.monotonic() - started
            self.stdout.write(self.style.SUCCESS(f"{count:,} documents in {elapsed:.0f} s."))

    def _rebuild(self, kind, batch_size):
        """Write one kind's documents, showing how far it is and the time it has left."""
        label = Kind(kind).label.lower()
        # Rows read, not documents written: drafts are read and skipped.
        total = services.SOURCES[kind].objects.count()
        started = time.monotonic()
        done = 0
        for done in services.documents_rebuild(kind, batch_size=batch_size):
            report_progress(self.stderr, label, done, total=total, started=started)
        report_progress(self.stderr, label, done, done=True, total=total, started=started)
