"""sitemap.xml: an index of sections, each split into pages of up to 50,000 addresses."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from catalogue.models import Artist, Song


class SongSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Song.objects.published().select_related("artist").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class ArtistSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Artist.objects.with_published_songs().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


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
