"""The admin's "Fill from MusicBrainz" page of a song: look up, preview, apply.

Served under the song's admin pages (SongAdmin.get_urls), with the admin's own permission
checks: an editor who may change the song may fill it.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from catalogue.models import Song
from musicbrainz import client, importer
from musicbrainz.apply import Stale, apply
from musicbrainz.forms import LookupForm, PreviewForm


def fill_song(model_admin, request, object_id):
    """GET: the lookup form, and with `source` the preview of what MusicBrainz would add;
    POST: apply what was ticked, then back to the song's change page."""
    try:
        song = Song.objects.select_related("artist", "album").get(pk=unquote(object_id))
    except (Song.DoesNotExist, ValueError, ValidationError):
        raise Http404("No such song.") from None
    if not model_admin.has_change_permission(request, song):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Song._meta,
        "original": song,
        "title": f"Fill {song.title} from MusicBrainz",
        "change_url": reverse("admin:catalogue_song_change", args=[song.pk]),
    }
    if request.method == "POST":
        return _apply(request, song, context)
    lookup = LookupForm(request.GET if "source" in request.GET else None)
    context["lookup"] = lookup
    if not lookup.is_valid():
        return TemplateResponse(request, "admin/musicbrainz/lookup.html", context)
    entity, mbid = lookup.cleaned_data["entity"], lookup.cleaned_data["mbid"]
    try:
        proposal = importer.propose(song, entity, client.fetch(entity, mbid))
    except client.MusicBrainzUnavailable as error:
        lookup.add_error("source", str(error))
        return TemplateResponse(request, "admin/musicbrainz/lookup.html", context, status=502)
    context["form"] = PreviewForm(proposal)
    return TemplateResponse(request, "admin/musicbrainz/preview.html", context)


def _apply(request, song, context):
    # The preview's hidden fields, checked as the lookup form checks what an editor types.
    looked_up = {"source": request.POST.get("mbid", ""), "kind": request.POST.get("entity")}
    lookup = LookupForm(looked_up)
    context["lookup"] = lookup
    if not lookup.is_valid():
        return TemplateResponse(request, "admin/musicbrainz/lookup.html", context, status=400)
    entity = lookup.cleaned_data["entity"]
    try:
        data = client.fetch(entity, lookup.cleaned_data["mbid"])
    except client.MusicBrainzUnavailable as error:
        lookup.add_error("source", str(error))
        return TemplateResponse(request, "admin/musicbrainz/lookup.html", context, status=502)
    proposal = importer.propose(song, entity, data)
    form = PreviewForm(proposal, request.POST)
    context["form"] = form
    if not form.is_valid():
        return TemplateResponse(request, "admin/musicbrainz/preview.html", context, status=400)
    try:
        changes = apply(proposal, **form.selection())
    except (Stale, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        # Shown again as the song is now, since what was seen has changed.
        fresh = Song.objects.select_related("artist", "album").get(pk=song.pk)
        context["form"] = PreviewForm(importer.propose(fresh, entity, data))
        return TemplateResponse(request, "admin/musicbrainz/preview.html", context, status=409)
    if changes:
        messages.success(request, "From MusicBrainz: " + " ".join(changes))
    else:
        messages.info(request, "Nothing was ticked, so nothing changed.")
    return redirect(context["change_url"])
