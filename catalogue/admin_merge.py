"""The admin's "Merge into…" action for people and artists (catalogue.merging).

Choosing it on rows of the change list shows a page that lists them and asks which one to
keep; only that page's confirmation merges the others into it. Nothing is merged without it.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse

from catalogue import merging


def merge_action(merge, *, describe):
    """An admin action merging the selected rows into the one the editor keeps.

    `merge(duplicate=..., kept=...)` merges one; `describe(row)` says what hangs on a row
    (e.g. "12 credits"), to help choose."""

    @admin.action(description="Merge into…", permissions=["change", "delete"])
    def merge_into(modeladmin, request, queryset):
        rows = list(queryset.order_by("pk"))
        opts = modeladmin.model._meta
        if len(rows) < 2:
            modeladmin.message_user(
                request, f"Select two {opts.verbose_name_plural} or more to merge.", messages.ERROR
            )
            return None
        kept_id = request.POST.get("kept", "")
        kept = next((row for row in rows if str(row.pk) == kept_id), None)
        if request.POST.get("confirm") == "yes" and kept is not None:
            try:
                for duplicate in rows:
                    if duplicate.pk != kept.pk:
                        merge(duplicate=duplicate, kept=kept)
            except ValidationError as error:
                modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            modeladmin.message_user(
                request,
                f"Merged {len(rows) - 1} {opts.verbose_name_plural} into “{kept}”.",
                messages.SUCCESS,
            )
            return None
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": f"Merge {opts.verbose_name_plural}",
            "opts": opts,
            "rows": [(row, describe(row)) for row in rows],
            "kept_id": kept_id,
            "missing_choice": request.POST.get("confirm") == "yes",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": request.POST.get("action", "merge_into"),
        }
        return TemplateResponse(request, "admin/catalogue/merge.html", context)

    return merge_into


def _artist_holdings(artist):
    return f"{artist.songs.count()} songs, {artist.albums.count()} albums"


def _person_holdings(person):
    return f"{person.credits.count()} credits"


merge_artists = merge_action(merging.artist_merge, describe=_artist_holdings)
merge_people = merge_action(merging.person_merge, describe=_person_holdings)
