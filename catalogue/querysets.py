"""Named QuerySets: each rule lives in one method that every page, feed and sitemap reuses."""

import datetime
import hashlib

from django.db import models
from django.db.models import Exists, Min, OuterRef, Q

PUBLISHED = "published"


class SongQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PUBLISHED)

    def visible_to(self, user):
        """Published songs for readers; drafts too for staff who may change songs."""
        return self if self.may_see_drafts(user) else self.published()

    @staticmethod
    def may_see_drafts(user):
        return user.is_authenticated and user.has_perm("catalogue.change_song")

    def with_best_peak(self):
        """Annotate `best_peak`: the highest position reached on any chart (None if none)."""
        return self.annotate(best_peak=Min("chart_entries__peak_position"))

    def for_list_page(self):
        """Songs as list rows show them: title, artist and album, no further queries."""
        return self.select_related("artist", "album")

    def song_of_the_day(self, date: datetime.date):
        """The same published song all day long, a different one (most days) the next.

        Picks a point between the lowest and highest published ids from a hash of the date
        and takes the first published song from there on, so it needs no count or offset
        over the whole table. Queries the database twice.
        """
        songs = self.published().select_related("artist")
        bounds = songs.aggregate(lowest=models.Min("pk"), highest=models.Max("pk"))
        if bounds["lowest"] is None:
            return None
        digest = hashlib.sha256(date.isoformat().encode()).digest()
        spread = bounds["highest"] - bounds["lowest"] + 1
        start = bounds["lowest"] + int.from_bytes(digest[:8], "big") % spread
        return songs.filter(pk__gte=start).order_by("pk").first()


class FactQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PUBLISHED)

    def latest(self):
        """Published facts of published songs, newest first, with song and artist loaded."""
        return (
            self.published()
            .filter(song__status=PUBLISHED)
            .select_related("song__artist")
            .order_by("-created_at", "-pk")
        )


class ArtistQuerySet(models.QuerySet):
    def with_published_songs(self):
        from catalogue.models import Song

        return self.filter(Exists(Song.objects.published().filter(artist=OuterRef("pk"))))


class ChartEntryQuerySet(models.QuerySet):
    def charted(self):
        return self.filter(peak_position__isnull=False)

    def for_chart_page(self):
        """A chart's published songs by peak, then by year, with song and artist loaded."""
        return (
            self.charted()
            .filter(song__status=PUBLISHED)
            .select_related("song__artist")
            .order_by("peak_position", "entry_year", "song__title", "pk")
        )


class EditorsPickQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PUBLISHED)

    def for_song(self, song):
        """The song's own picks and the site-wide ones."""
        return self.published().filter(Q(site_wide=True) | Q(songs=song)).distinct()
