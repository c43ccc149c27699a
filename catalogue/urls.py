from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from catalogue import feeds, views
from catalogue.sitemaps import SITEMAPS
from history import views as history_views
from songfacts.cache_keys import shown_as

app_name = "catalogue"

urlpatterns = [
    path("", views.home, name="home"),
    path("songs/", views.song_list, name="song-list"),
    path("songs/<slug:artist_slug>/<slug:slug>/", views.song_detail, name="song-detail"),
    path("songs/<slug:artist_slug>/<slug:slug>/card.png", views.song_card, name="song-card"),
    path(
        "songs/<slug:artist_slug>/<slug:slug>/history/",
        history_views.song_history,
        name="song-history",
    ),
    path(
        "songs/<slug:artist_slug>/<slug:slug>/comments/feed/",
        feeds.SongCommentsFeed(),
        name="song-comments-feed",
    ),
    path(
        "songs/<slug:artist_slug>/<slug:slug>/comments/feed/atom/",
        feeds.SongCommentsAtomFeed(),
        name="song-comments-atom-feed",
    ),
    path("artists/", views.artist_list, name="artist-list"),
    path("artists/<slug:slug>/", views.artist_detail, name="artist-detail"),
    path("artists/<slug:slug>/feed/", feeds.ArtistFeed(), name="artist-feed"),
    path("artists/<slug:slug>/feed/atom/", feeds.ArtistAtomFeed(), name="artist-atom-feed"),
    path("albums/", views.album_list, name="album-list"),
    path(
        "artists/<slug:artist_slug>/albums/<slug:slug>/",
        views.album_detail,
        name="album-detail",
    ),
    path("people/", views.person_list, name="person-list"),
    path("people/<slug:slug>/", views.person_detail, name="person-detail"),
    path("tags/", views.tag_list, name="tag-list"),
    path("tags/<slug:slug>/", views.tag_detail, name="tag-detail"),
    path("tags/<slug:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    path("tags/<slug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag-atom-feed"),
    path("charts/", views.chart_list, name="chart-list"),
    path("charts/<slug:slug>/", views.chart_detail, name="chart-detail"),
    path("decades/", views.decade_list, name="decade-list"),
    path("decades/<int:decade>s/", views.decade_detail, name="decade-detail"),
    path("years/", views.year_list, name="year-list"),
    path("years/<int:year>/", views.year_detail, name="year-detail"),
    path("feeds/songs/", feeds.NewSongsFeed(), name="new-songs-feed"),
    path("feeds/songs/atom/", feeds.NewSongsAtomFeed(), name="new-songs-atom-feed"),
    path("feeds/facts/", feeds.NewFactsFeed(), name="new-facts-feed"),
    path("feeds/facts/atom/", feeds.NewFactsAtomFeed(), name="new-facts-atom-feed"),
    path(
        "sitemap.xml",
        shown_as("sitemaps")(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "catalogue:sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        shown_as("sitemaps")(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
]
