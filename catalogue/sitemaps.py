"""sitemap.xml: an index of sections, each split into files of URLS_PER_FILE addresses."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from catalogue.models import Artist, Song

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


class PageSitemap(Sitemap):
    """The home page and the browse pages."""

    changefreq = "daily"
    priority = 0.5

    def items(self):
        return [
            "catalogue:home",
            "catalogue:song-list",
            "catalogue:artist-list",
            "catalogue:decade-list",
        ]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"pages": PageSitemap, "songs": SongSitemap, "artists": ArtistSitemap}
