"""Render every fact's and comment's HTML again: `manage.py render_markup`.

Facts and comments keep the HTML of their text in `body_html`, rendered when they are saved.
Run this after changing how text is rendered (catalogue.markup, comments.markup) or
ALLOWED_HOSTS (which links in facts are to other sites). It writes only the rows whose HTML
differs, a batch at a time, so that the site keeps running meanwhile. For a million facts and
a million comments whose HTML had not changed it took 35 s on two cores; writing every row, as
the migrations that added the columns did, 75 s for the facts and 43 s for the comments. The
cached pages that show a changed row are purged, and the change feed (api.changes) told, batch
by batch.
"""

import time
from functools import partial

from django.core.management.base import BaseCommand, CommandError

from api import changes
from catalogue.markup import RERENDER_BATCH, render_fact, rerender
from catalogue.models import Fact
from comments.markup import render_comment
from comments.models import Comment
from songfacts import cache_keys

TABLES = {"facts": (Fact, render_fact), "comments": (Comment, render_comment)}


class Command(BaseCommand):
    help = "Render the HTML of every fact and comment again, writing the rows whose HTML changed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--only", choices=sorted(TABLES), help="Render facts or comments alone."
        )
        parser.add_argument("--batch-size", type=int, default=RERENDER_BATCH)

    def handle(self, *args, only=None, batch_size, verbosity, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        for label in [only] if only else TABLES:
            model, render = TABLES[label]
            started = time.monotonic()
            progress = self.progress(label, started) if verbosity else None
            read, changed = rerender(
                model,
                render,
                batch_size=batch_size,
                progress=progress,
                changed_rows=partial(record_changed, label, model),
            )
            if verbosity:
                if read:
                    self.stderr.write("")  # ends the progress line
                self.stdout.write(
                    f"{label}: {read:,} rendered, {changed:,} changed, "
                    f"in {time.monotonic() - started:.1f} s."
                )

    def progress(self, label, started):
        """A callback for rerender that keeps one line up to date, as generate_catalogue's."""

        def report(read, total, changed):
            elapsed = time.monotonic() - started
            left = elapsed / read * max(total - read, 0)
            self.stderr.write(
                f"  {label}: {read:,} of {total:,} rendered, {changed:,} changed, "
                f"about {_duration(left)} left",
                ending="\r",
            )
            self.stderr.flush()

        return report


def record_changed(label, model, ids, song_ids):
    """Purge the pages that show the changed rows, and tell the change feed: a fact's HTML is
    part of its song, a comment is a resource of its own."""
    cache_keys.purge_on_commit(
        key for pk in song_ids for key in cache_keys.shown_under(model, song_id=pk)
    )
    if label == "facts":
        changes.record("songs", song_ids, changes.CHANGED, public_only=True)
    else:
        changes.record("comments", ids, changes.CHANGED, public_only=True)


def _duration(seconds):
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"
