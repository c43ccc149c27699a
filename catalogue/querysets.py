"""Named QuerySets: each rule lives in one method that every page, feed and sitemap reuses."""

from django.db import models
from django.db.models import Min, Q

PUBLISHED = "published"


class SongQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PUBLISHED)

    def visible_to(self, user):
        """Published songs for readers; drafts too for staff who may change songs."""
        if user.is_authenticated and user.has_perm("catalogue.change_song"):
            return self
        return self.published()

    def with_best_peak(self):
        """Annotate `best_peak`: the highest position reached on any chart (None if none)."""
        return self.annotate(best_peak=Min("chart_entries__peak_position"))


class FactQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PUBLISHED)


class ArtistQuerySet(models.QuerySet):
    def with_published_songs(self):
        return self.filter(Q(songs__status=PUBLISHED)).distinct()


class ChartEntryQuerySet(models.QuerySet):
    def charted(self):
        return self.filter(peak_position__isnull=False)


class EditorsPickQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PUBLISHED)

    def for_song(self, song):
        """The song's own picks and the site-wide ones."""
        return self.published().filter(Q(site_wide=True) | Q(songs=song)).distinct()
