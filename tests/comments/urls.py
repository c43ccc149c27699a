"""The site's URLs with a stand-in song page that shows only the comment section.

The real song page belongs to catalogue/; these tests pin what the section does on any page
that includes it as documented in templates/comments/_song_section.html. The rest of the
site's URLs stay, so that links to other pages resolve.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import include, path

from catalogue.models import Song
from comments.selectors import song_comment_section
from songfacts import urls as site_urls

PAGE = engines["django"].from_string(
    '<!DOCTYPE html><title>{{ song.title }}</title>{% include "comments/_song_section.html" %}'
)


def song_detail(request, artist_slug, slug):
    song = get_object_or_404(
        Song.objects.published().select_related("artist"), artist__slug=artist_slug, slug=slug
    )
    comment_section = song_comment_section(song, request=request)
    return HttpResponse(PAGE.render({"song": song, "comment_section": comment_section}, request))


def elsewhere(request, **kwargs):
    return HttpResponse("A catalogue page the comment section is not on.")


catalogue_patterns = (
    [
        path("songs/<slug:artist_slug>/<slug:slug>/", song_detail, name="song-detail"),
        path("artists/<slug:slug>/", elsewhere, name="artist-detail"),
        path("albums/<slug:artist_slug>/<slug:slug>/", elsewhere, name="album-detail"),
    ],
    "catalogue",
)

urlpatterns = [
    path("", include(catalogue_patterns)),
    *(p for p in site_urls.urlpatterns if getattr(p, "namespace", None) != "catalogue"),
]
