"""RSS feeds, each with an Atom twin: new songs, new facts, an artist's or a topic's new songs
and facts, and one song's comments."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from taggit.models import Tag

from catalogue.models import Artist, Fact, Song
from comments.models import Comment
from songfacts import cache_keys

FEED_LENGTH = 30


class Atom:
    """Makes a feed its Atom twin: the same items, its description as Atom's subtitle."""

    feed_type = Atom1Feed

    def subtitle(self, obj):
        description = self.description
        return description(obj) if callable(description) else description


def _published(item):
    if isinstance(item, Fact):
        return item.created_at
    return item.published_at or item.created_at


def _newest(songs, facts):
    """The FEED_LENGTH newest of `songs` and `facts` (each ordered newest first). Queries
    twice."""
    items = [*songs[:FEED_LENGTH], *facts[:FEED_LENGTH]]
    items.sort(key=_published, reverse=True)
    return items[:FEED_LENGTH]


class CatalogueFeed(Feed):
    """A feed of new songs and new facts, each said the same way in every feed."""

    # Atom asks for an author of every feed; RSS leaves it out.
    author_name = "Songfacts"

    def item_title(self, item):
        if isinstance(item, Fact):
            return f"New fact about {item.song}"
        return str(item)

    def item_description(self, item):
        if isinstance(item, Fact):
            # Feed readers get the same sanitised HTML as the song page (the feed escapes it).
            return item.body_html
        if item.album:
            return f"{item.title} by {item.artist.name}, from {item.album}."
        return f"{item.title} by {item.artist.name}."

    def item_pubdate(self, item):
        return _published(item)

    def item_updateddate(self, item):
        # Atom asks every entry when it last changed; RSS leaves it out.
        return max(item.updated_at, _published(item))


class NewSongsFeed(CatalogueFeed):
    title = "Songfacts: new songs"
    description = "Songs newly published on Songfacts."

    def link(self):
        return reverse("catalogue:song-list")

    def items(self):
        cache_keys.add("feeds")
        return (
            Song.objects.published().for_list_page().order_by("-published_at", "-pk")[:FEED_LENGTH]
        )


class NewSongsAtomFeed(Atom, NewSongsFeed):
    """NewSongsFeed in Atom."""


class NewFactsFeed(CatalogueFeed):
    title = "Songfacts: new facts"
    description = "The stories most recently added to Songfacts."

    def link(self):
        return reverse("catalogue:home")

    def items(self):
        cache_keys.add("feeds")
        return Fact.objects.latest()[:FEED_LENGTH]


class NewFactsAtomFeed(Atom, NewFactsFeed):
    """NewFactsFeed in Atom."""


class ArtistFeed(CatalogueFeed):
    """An artist's new songs and the new facts about them. Queries: the artist, its songs,
    their facts (3)."""

    def get_object(self, request, slug):
        return get_object_or_404(Artist, slug=slug)

    def title(self, obj):
        return f"Songfacts: {obj.name}"

    def description(self, obj):
        return f"New songs by {obj.name} on Songfacts, and new facts about them."

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        cache_keys.add("feeds")
        songs = Song.objects.published().filter(artist=obj)
        return _newest(
            songs.for_list_page().order_by("-published_at", "-pk"),
            Fact.objects.latest().filter(song__artist=obj),
        )


class ArtistAtomFeed(Atom, ArtistFeed):
    """ArtistFeed in Atom."""


class TagFeed(CatalogueFeed):
    """A topic's new songs and the new facts about them. Queries: the tag, its songs, their
    facts (3)."""

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj):
        return f"Songfacts: {obj.name}"

    def description(self, obj):
        return f"New songs on Songfacts under {obj.name}, and new facts about them."

    def link(self, obj):
        return reverse("catalogue:tag-detail", kwargs={"slug": obj.slug})

    def items(self, obj):
        cache_keys.add("feeds")
        songs = Song.objects.published().tagged(obj)
        return _newest(
            songs.for_list_page().order_by("-published_at", "-pk"),
            Fact.objects.latest().filter(song__in=songs),
        )


class TagAtomFeed(Atom, TagFeed):
    """TagFeed in Atom."""


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

    def item_updateddate(self, item):
        # Atom asks every entry when it last changed; a comment does not change.
        return item.created_at


class SongCommentsAtomFeed(Atom, SongCommentsFeed):
    """SongCommentsFeed in Atom."""

    # Atom asks for an author of every feed; each comment names its own in the title.
    author_name = "Songfacts readers"
