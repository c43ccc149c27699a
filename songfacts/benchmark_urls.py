"""The benchmark's views, at /bench/ when BENCHMARK_VIEWS=1 (see songfacts.benchmark_views)."""

from django.urls import path

from songfacts import benchmark_views

urlpatterns = [
    path("floor/<int:pk>/", benchmark_views.floor, name="bench-floor"),
    path(
        "song-data/<slug:artist_slug>/<slug:slug>/",
        benchmark_views.song_data,
        name="bench-song-data",
    ),
    path("icontains/", benchmark_views.icontains_search, name="bench-icontains"),
]
