"""Load the site's first content, the "Heroes" page, into an empty catalogue."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from catalogue.models import Fact, Song

SEED_FIXTURES = [settings.BASE_DIR / "fixtures" / "heroes.json"]


class Command(BaseCommand):
    help = "Load the seed content (fixtures/heroes.json) into a catalogue that has no songs yet."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Skip quietly when the catalogue has songs already (as `make run` does).",
        )

    def handle(self, *args, if_empty=False, **options):
        # The fixture names its rows by id: loaded over existing rows it would overwrite them.
        if Song.objects.exists():
            if if_empty:
                self.stdout.write("The catalogue has songs already; skipped the seed content.")
                return
            raise CommandError("The catalogue has songs already; the seed loads only into none.")
        with transaction.atomic():
            call_command("loaddata", *SEED_FIXTURES, verbosity=0)
            # Fixtures load without revisions; give each entry a first one to revert to. Songs
            # first: a song's revision holds its facts, credits and the rest, which need no
            # other (createinitialrevisions skips rows that have one).
            for labels in (["catalogue.Song"], ["catalogue", "taggit"]):
                call_command(
                    "createinitialrevisions",
                    *labels,
                    comment="Loaded with the seed content.",
                    verbosity=0,
                )
            # Fixtures load raw, without the saves that render facts' and comments' HTML and
            # the signals that keep the search index current.
            call_command("render_markup", verbosity=0)
            call_command("rebuild_search_index", verbosity=0)
        self.stdout.write(
            self.style.SUCCESS(
                f"The catalogue was empty: loaded the seed content "
                f"({Song.objects.count()} songs, {Fact.objects.count()} facts)."
            )
        )
