"""The site's URLs and the benchmark's reference views at /bench/ (bench.settings only)."""

from django.urls import path

from bench import views
from songfacts import urls as site_urls

handler500 = site_urls.handler500
urlpatterns = [
    *site_urls.urlpatterns,
    path("bench/floor/<int:pk>/", views.floor, name="bench-floor"),
    path(
        "bench/song-data/<slug:artist_slug>/<slug:slug>/",
        views.song_data,
        name="bench-song-data",
    ),
    path("bench/icontains/", views.icontains_search, name="bench-icontains"),
]
