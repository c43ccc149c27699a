"""sitemap.xml: an index of sections, each split into files of URLS_PER_FILE addresses."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils.functional import cached_property

from catalogue.models import Artist, ChartEntry, Credit, Song

# Well under the protocol's 50,000: rendering a file of 50,000 songs takes seconds.
URLS_PER_FILE = 5_000


class SongSitemap(Sitemap):
    limit = URLS_PER_FILE
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Song.objects.published().select_related("artist").order_by("pk")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # For the index: one aggregate instead of Django's default, which loads every song.
        return Song.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class ArtistSitemap(Sitemap):
    limit = URLS_PER_FILE
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Artist.objects.with_published_songs().order_by("pk")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return Artist.objects.with_published_songs().aggregate(latest=Max("updated_at"))["latest"]


class ListedSitemap(Sitemap):
    """A section of the pages that list published songs (an album's, a person's, a tag's, a
    chart's), as their indexes list them: each page changes when a song it lists does, and
    with its own row when the row keeps a time.

    `listing()` pairs each page (its `page_field`) with those songs: when each page last
    changed is the latest of its `times`, read for all pages in one grouped query rather
    than a subquery per page (0.4 s for the 5,000 people of the benchmark catalogue, with
    450,000 credits, against 5.4 s).
    """

    limit = URLS_PER_FILE
    changefreq = "weekly"
    priority = 0.5

    def lastmod(self, item):
        return self._changed.get(item.pk)

    @cached_property
    def _changed(self):
        """{page's pk: when it last changed}. One query."""
        latest = [Max(time) for time in self.times]
        changed = Greatest(*latest) if len(latest) > 1 else latest[0]
        rows = self.listing().order_by().values(self.page_field).annotate(changed=changed)
        return dict(rows.values_list(self.page_field, "changed"))

    def get_latest_lastmod(self):
        latest = self.listing().aggregate(**{time: Max(time) for time in self.times})
        return max((moment for moment in latest.values() if moment is not None), default=None)


class AlbumSitemap(ListedSitemap):
    page_field = "album"
    times = ["updated_at", "album__updated_at"]

    def items(self):
        return Song.objects.published().albums_holding().order_by("pk")

    def listing(self):
        return Song.objects.published().filter(album__isnull=False)


class PersonSitemap(ListedSitemap):
    page_field = "person"
    times = ["song__updated_at", "person__updated_at"]

    def items(self):
        return Song.objects.published().credited_people().order_by("pk")

    def listing(self):
        return Credit.objects.filter(song__in=Song.objects.published())


class TagSitemap(ListedSitemap):
    # Tags keep no time of their own: a tag's page changes with its songs.
    page_field = "tags"
    times = ["updated_at"]

    def items(self):
        return Song.objects.published().tags_used().order_by("pk")

    def listing(self):
        return Song.objects.published().filter(tags__isnull=False)

    def location(self, item):
        return reverse("catalogue:tag-detail", kwargs={"slug": item.slug})


class ChartSitemap(ListedSitemap):
    # Charts and their runs keep no time of their own: a chart's page changes with the songs
    # it lists.
    page_field = "chart"
    times = ["song__updated_at"]

    def items(self):
        return ChartEntry.objects.for_chart_page().charts_holding().order_by("pk")

    def listing(self):
        return ChartEntry.objects.for_chart_page()


class PageSitemap(Sitemap):
    """The home page and the browse pages."""

    changefreq = "daily"
    priority = 0.5

    def items(self):
        return [
            "catalogue:home",
            "catalogue:song-list",
            "catalogue:artist-list",
            "catalogue:album-list",
            "catalogue:person-list",
            "catalogue:tag-list",
            "catalogue:chart-list",
            "catalogue:decade-list",
            "catalogue:year-list",
        ]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": PageSitemap,
    "songs": SongSitemap,
    "artists": ArtistSitemap,
    "albums": AlbumSitemap,
    "people": PersonSitemap,
    "tags": TagSitemap,
    "charts": ChartSitemap,
}
