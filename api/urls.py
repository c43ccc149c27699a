from django.urls import path, re_path, register_converter
from drf_spectacular.views import SpectacularJSONAPIView

from api import change_feed, views


class IdConverter:
    """A row's id: digits that fit a bigint. Anything else falls to `not_found` (a JSON 404)
    rather than reach the database as a bad bigint."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "id")

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
    path("songs/", views.SongList.as_view(), name="song-list"),
    path("songs/<id:pk>/", views.SongDetail.as_view(), name="song-detail"),
    path("songs/<id:pk>/comments/", views.SongComments.as_view(), name="song-comments"),
    path("artists/", views.ArtistList.as_view(), name="artist-list"),
    path("artists/<id:pk>/", views.ArtistDetail.as_view(), name="artist-detail"),
    path("artists/<id:pk>/songs/", views.ArtistSongs.as_view(), name="artist-songs"),
    path("albums/", views.AlbumList.as_view(), name="album-list"),
    path("albums/<id:pk>/", views.AlbumDetail.as_view(), name="album-detail"),
    path("people/", views.PersonList.as_view(), name="person-list"),
    path("people/<id:pk>/", views.PersonDetail.as_view(), name="person-detail"),
    path("people/<id:pk>/credits/", views.PersonCredits.as_view(), name="person-credits"),
    path("tags/", views.TagList.as_view(), name="tag-list"),
    path("tags/<id:pk>/", views.TagDetail.as_view(), name="tag-detail"),
    path("tags/<id:pk>/songs/", views.TagSongs.as_view(), name="tag-songs"),
    path("charts/", views.ChartList.as_view(), name="chart-list"),
    path("charts/<id:pk>/", views.ChartDetail.as_view(), name="chart-detail"),
    path("charts/<id:pk>/entries/", views.ChartEntries.as_view(), name="chart-entries"),
    path("comments/", views.CommentList.as_view(), name="comment-list"),
    path("comments/<id:pk>/", views.CommentDetail.as_view(), name="comment-detail"),
    path("changes/", change_feed.ChangeFeed.as_view(), name="change-feed"),
    # Keep last: every other address under /api/v1/ that ends in a slash (without one,
    # CommonMiddleware first redirects to it). Any character, line breaks too.
    re_path(r"^[\s\S]*/$", views.not_found, name="not-found"),
]
