"""Named QuerySets: each rule lives in one method that every page, feed and sitemap reuses."""

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
