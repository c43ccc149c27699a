"""Build the search index from scratch: `manage.py rebuild_search_index`.

For data that arrived without signals: fixtures (loaddata saves raw), generate_catalogue's
COPY, a restored backup. Readers keep the old index until the new one commits.
"""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from catalogue.models import Album, Artist, Fact, Person, Song
from search import services
from search.models import SearchDocument
from songfacts.page_cache import content_changed

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
        with transaction.atomic():
            SearchDocument.objects.all().delete()
            for kind, model in SOURCES.items():
                done = 0
                for ids in _batches(model, batch_size):
                    services.REFRESHERS[kind](ids=ids)
                    done += len(ids)
                elapsed = time.monotonic() - started
                self.stdout.write(
                    f"{model._meta.verbose_name_plural}: {done:,} read ({elapsed:.0f} s)"
                )
            services.names_changed()
            # Cached search pages were rendered from the old index.
            content_changed()
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
