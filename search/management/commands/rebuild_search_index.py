"""Build the search index from scratch: `manage.py rebuild_search_index`.

For data that arrived without signals: fixtures (loaddata saves raw), generate_catalogue's
COPY, a restored backup. It empties the index and builds its text-search indexes again
after filling it, which is many times faster than updating them row by row; searches wait
for it to commit, so run it when the catalogue is loaded, not while readers search.
"""

import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from catalogue.models import Album, Artist, Fact, Person, Song
from search import services
from search.models import SearchDocument

Kind = SearchDocument.Kind
SOURCES = {
    Kind.SONG: Song,
    Kind.ARTIST: Artist,
    Kind.ALBUM: Album,
    Kind.PERSON: Person,
    Kind.FACT: Fact,
}


class Command(BaseCommand):
    help = "Rebuild every search document from the catalogue, in batches."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, batch_size, **options):
        started = time.monotonic()
        table = connection.ops.quote_name(SearchDocument._meta.db_table)
        indexes = SearchDocument._meta.indexes
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {table}")
            with connection.schema_editor() as editor:
                for index in indexes:
                    editor.remove_index(SearchDocument, index)
            for kind, model in SOURCES.items():
                done = 0
                for ids in _batches(model, batch_size):
                    services.REFRESHERS[kind](ids=ids)
                    done += len(ids)
                elapsed = time.monotonic() - started
                name = model._meta.verbose_name_plural
                self.stdout.write(f"{name}: {done:,} read ({elapsed:.0f} s)")
            with connection.schema_editor() as editor:
                for index in indexes:
                    editor.add_index(SearchDocument, index)
            services.names_changed()
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
        count = SearchDocument.objects.count()
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"{count:,} documents in {elapsed:.0f} s."))


def _batches(model, size):
    """Ids in ascending runs of `size`, each fetched by a keyset query."""
    last = 0
    while True:
        ids = list(
            model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size]
        )
        if not ids:
            return
        yield ids
        last = ids[-1]
