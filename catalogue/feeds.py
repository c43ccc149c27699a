"""RSS feeds: new songs, new facts, and one song's comments."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse

from catalogue.models import Fact, Song
from comments.models import Comment
from songfacts import cache_keys

FEED_LENGTH = 30


class NewSongsFeed(Feed):
    title = "Songfacts: new songs"
    description = "Songs newly published on Songfacts."

    def link(self):
        return reverse("catalogue:song-list")

    def items(self):
        cache_keys.add("feeds")
        return (
            Song.objects.published().for_list_page().order_by("-published_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return str(item)

    def item_description(self, item):
        if item.album:
            return f"{item.title} by {item.artist.name}, from {item.album}."
        return f"{item.title} by {item.artist.name}."

    def item_pubdate(self, item):
        return item.published_at


class NewFactsFeed(Feed):
    title = "Songfacts: new facts"
    description = "The stories most recently added to Songfacts."

    def link(self):
        return reverse("catalogue:home")

    def items(self):
        cache_keys.add("feeds")
        return Fact.objects.latest()[:FEED_LENGTH]

    def item_title(self, item):
        return f"New fact about {item.song}"

    def item_description(self, item):
        # Feed readers get the same sanitised HTML as the song page (the feed escapes it).
        return item.body_html

    def item_pubdate(self, item):
        return item.created_at


class SongCommentsFeed(Feed):
    def get_object(self, request, artist_slug, slug):
        return get_object_or_404(
            Song.objects.published().select_related("artist"), artist__slug=artist_slug, slug=slug
        )

    def title(self, obj):
        return f"Songfacts: comments on {obj}"

    def description(self, obj):
        return f"Readers' comments on {obj}, newest first."

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        cache_keys.add(f"song-{obj.pk}-comments")
        return (
            Comment.objects.published()
            .filter(song=obj)
            .order_by("-created_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return f"{item.byline} wrote"

    def item_description(self, item):
        # Comments are plain text; the feed generator escapes it.
        return item.body

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.created_at
