"""The read-only API: a list and a detail view per public kind, and the lists that hang off
a row (a song's comments, an artist's songs, a person's credits, a tag's songs, a chart's
runs). Detail views answer from api.kinds, so a dump holds what they show.

Answers are cached as pages are (songfacts.page_cache): the rows a view loads add the keys
they are shown under, and each list adds the key of the list that new rows join
(catalogue.cache_keys, comments.cache_keys), so a change purges the API's answers with the
pages. Each view's queries are fixed whatever the number of rows (tests/api/).
"""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from rest_framework import generics

from api import serializers
from api.kinds import KINDS
from catalogue.cache_keys import song_page_keys
from catalogue.models import ChartEntry, Credit, Song
from comments.models import Comment
from songfacts import cache_keys


class PublicList(generics.ListAPIView):
    """A list of public rows; `list_keys` name the lists its new rows join."""

    list_keys = ()

    def list(self, request, *args, **kwargs):
        cache_keys.add(*self.list_keys)
        return super().list(request, *args, **kwargs)


class PublicDetail(generics.RetrieveAPIView):
    """A public row by id, as api.kinds loads and writes it (`kind`)."""

    kind = None

    def get_queryset(self):
        return KINDS[self.kind].queryset()

    def get_serializer_class(self):
        return KINDS[self.kind].serializer


class OfPublicRow(generics.ListAPIView):
    """A list that hangs off a public row of `kind` (the path's id): 404 when the row is not
    public. `rows_of(row)` gives the list's rows."""

    kind = None

    def get_queryset(self):
        # KINDS' querysets load what the row's detail shows; the list needs the row alone.
        owner = get_object_or_404(
            KINDS[self.kind].queryset().prefetch_related(None), pk=self.kwargs["pk"]
        )
        return self.rows_of(owner)


# ---- Songs ----


class SongList(PublicList):
    """Published songs, by id."""

    serializer_class = serializers.SongListSerializer
    list_keys = ("songs-az",)

    def get_queryset(self):
        return Song.objects.published().select_related("artist", "album__artist")


class SongDetail(PublicDetail):
    """A published song with its facts, credits, charts, versions, placements and tags."""

    kind = "songs"

    def get_object(self):
        song = super().get_object()
        # Its parts, so that the first fact or credit it gets purges it too.
        cache_keys.add(*song_page_keys(song))
        return song


class SongComments(OfPublicRow):
    """The comments readers are shown on a song, by id; replies name their parent."""

    kind = "songs"
    serializer_class = serializers.CommentSerializer

    def rows_of(self, song):
        # A first comment purges the list too.
        cache_keys.add(f"song-{song.pk}-comments")
        return Comment.objects.shown().filter(song=song).select_related("song__artist")


# ---- Artists, albums, people ----


class ArtistList(PublicList):
    """Artists with published songs, by id."""

    serializer_class = serializers.ArtistListSerializer
    list_keys = ("artists-az",)

    def get_queryset(self):
        return KINDS["artists"].queryset().prefetch_related(None)


class ArtistDetail(PublicDetail):
    kind = "artists"


class ArtistSongs(OfPublicRow):
    """An artist's published songs, by id."""

    kind = "artists"
    serializer_class = serializers.SongListSerializer

    def rows_of(self, artist):
        return artist.songs.published().select_related("artist", "album__artist")


class AlbumList(PublicList):
    """Albums holding published songs, by id."""

    serializer_class = serializers.AlbumListSerializer
    list_keys = ("albums-az",)

    def get_queryset(self):
        return KINDS["albums"].queryset().prefetch_related(None)


class AlbumDetail(PublicDetail):
    """An album with its published songs in track order."""

    kind = "albums"


class PersonList(PublicList):
    """People credited on published songs, by id."""

    serializer_class = serializers.PersonListSerializer
    list_keys = ("people-az",)

    def get_queryset(self):
        return KINDS["people"].queryset().select_related(None)


class PersonDetail(PublicDetail):
    kind = "people"


class PersonCredits(OfPublicRow):
    """What a person did on which published songs, by id of the credit."""

    kind = "people"
    serializer_class = serializers.PersonCreditSerializer

    def rows_of(self, person):
        return Credit.objects.filter(
            person=person, song__in=Song.objects.published()
        ).select_related("song__artist", "role")


# ---- Tags and charts ----


class TagList(PublicList):
    """Tags of published songs, by id."""

    serializer_class = serializers.TagSerializer
    list_keys = ("tags",)

    def get_queryset(self):
        return KINDS["tags"].queryset()


class TagDetail(PublicDetail):
    kind = "tags"


class TagSongs(OfPublicRow):
    """The published songs with a tag, by id."""

    kind = "tags"
    serializer_class = serializers.SongListSerializer

    def rows_of(self, tag):
        return Song.objects.published().tagged(tag).select_related("artist", "album__artist")


class ChartList(PublicList):
    """Charts with runs of published songs, by id."""

    serializer_class = serializers.ChartSerializer
    list_keys = ("charts",)

    def get_queryset(self):
        return KINDS["charts"].queryset()


class ChartDetail(PublicDetail):
    kind = "charts"


class ChartEntries(OfPublicRow):
    """A chart's runs of published songs, by id."""

    kind = "charts"
    serializer_class = serializers.ChartEntrySerializer

    def rows_of(self, chart):
        return ChartEntry.objects.filter(chart=chart).for_chart_page()


# ---- Comments ----


class CommentList(PublicList):
    """Every comment readers are shown, on every published song, by id."""

    serializer_class = serializers.CommentSerializer
    # A comment that readers can now see joins the home page's list: the key new comments
    # purge besides their song's (comments.cache_keys).
    list_keys = ("home",)

    def get_queryset(self):
        return KINDS["comments"].queryset()


class CommentDetail(PublicDetail):
    kind = "comments"


# ---- Outside the schema ----


@require_safe
def docs(request):
    """The API's reference for people, drawn by Swagger UI from our own static files."""
    return render(request, "api/docs.html")


def not_found(request):
    """Any other address under /api/v1/: a JSON 404, as the API's own are."""
    return JsonResponse({"detail": "No such resource in the API."}, status=404)
