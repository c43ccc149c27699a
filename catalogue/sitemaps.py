"""sitemap.xml: an index of sections, each split into files of URLS_PER_FILE addresses."""

from django.contrib.contenttypes.models import ContentType
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Greatest
from django.urls import reverse
from taggit.models import TaggedItem

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


def _latest(rows, field):
    """The latest `field` of `rows` (filtered on an OuterRef), as a subquery."""
    return Subquery(rows.order_by(f"-{field}").values(field)[:1])


class ListedSitemap(Sitemap):
    """A section of pages that list published songs (an album's, a person's, a tag's, a
    chart's): each page changes when a song it lists does, and with its own row when the row
    keeps a time.

    `items()` annotates each item with `changed`, for its lastmod and the index's.
    """

    limit = URLS_PER_FILE
    changefreq = "weekly"
    priority = 0.5

    def lastmod(self, item):
        return item.changed

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("changed"))["latest"]


class AlbumSitemap(ListedSitemap):
    def items(self):
        tracks = Song.objects.published().filter(album=OuterRef("pk"))
        return (
            Song.objects.published()
            .albums_holding()
            .annotate(changed=Greatest("updated_at", _latest(tracks, "updated_at")))
            .order_by("pk")
        )


class PersonSitemap(ListedSitemap):
    def items(self):
        credits = Credit.objects.filter(person=OuterRef("pk"), song__in=Song.objects.published())
        return (
            Song.objects.published()
            .people_with_counts()
            .annotate(changed=Greatest("updated_at", _latest(credits, "song__updated_at")))
            .order_by("pk")
        )


class TagSitemap(ListedSitemap):
    # Tags keep no time of their own: a tag's page changes with its songs. The tagged ids
    # come in a subquery, as in SongQuerySet.tagged.
    def items(self):
        tagged = TaggedItem.objects.filter(
            tag=OuterRef(OuterRef("pk")), content_type=ContentType.objects.get_for_model(Song)
        )
        songs = Song.objects.published().filter(pk__in=tagged.values("object_id"))
        return (
            Song.objects.published()
            .tags_with_counts()
            .annotate(changed=_latest(songs, "updated_at"))
            .order_by("pk")
        )

    def location(self, item):
        return reverse("catalogue:tag-detail", kwargs={"slug": item.slug})


class ChartSitemap(ListedSitemap):
    # Charts and their entries keep no time of their own: a chart's page changes with the
    # songs it lists.
    def items(self):
        entries = ChartEntry.objects.for_chart_page()
        return (
            entries.charts_with_counts()
            .annotate(changed=_latest(entries.filter(chart=OuterRef("pk")), "song__updated_at"))
            .order_by("pk")
        )


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
