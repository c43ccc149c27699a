"""The history in the admin: every versioned entry's History and Recover pages, reverts that say
what they change, and each editor's own display name."""

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst
from reversion import is_active, set_comment
from reversion.admin import VersionAdmin
from reversion.models import Version

from history import revert
from history.models import EditorProfile, default_display_name


class HistoryAdmin(VersionAdmin):
    """django-reversion's VersionAdmin whose revert is history.revert's: a confirmation page that
    lists what reverting changes (the entry's fields and each part added, removed or changed
    since), then one revert of the entry with its parts, through save()."""

    history_latest_first = True
    revert_template = "history/admin/revert.html"

    # A revision per save, as VersionAdmin makes, but only for a POST: a page that is only
    # looked at opens no transaction, so the admin's pages cost what they cost before. A GET
    # goes on past VersionAdmin to the classes after it (taggit's TagAdmin, ModelAdmin).
    def add_view(self, request, form_url="", extra_context=None):
        if request.method != "POST":
            return super(VersionAdmin, self).add_view(request, form_url, extra_context)
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method != "POST":
            after_versioning = super(VersionAdmin, self)
            return after_versioning.change_view(request, object_id, form_url, extra_context)
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        if request.method != "POST":
            context = {"has_change_permission": self.has_change_permission(request)}
            context.update(extra_context or {})
            return super(VersionAdmin, self).changelist_view(request, context)
        return super().changelist_view(request, extra_context)

    def revision_comment(self, obj, message):
        """What the revision says it did; the public history of a song shows it."""
        return f"{capfirst(self.model._meta.verbose_name)} “{obj}”: {message}"

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        if is_active():
            set_comment(self.revision_comment(obj, entry.get_change_message()))
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if is_active():
            set_comment(self.revision_comment(obj, entry.get_change_message()))
        return entry

    def revision_view(self, request, object_id, version_id, extra_context=None):
        object_id = unquote(object_id)
        version = self._version(version_id, object_id=object_id)
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404(f"No {self.model._meta.verbose_name} with this id.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return self._revert_view(request, version, obj, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        version = self._version(version_id)
        if self.model._base_manager.filter(pk=version.object_id).exists():
            return HttpResponseRedirect(self._change_url(version.object_id))
        return self._revert_view(request, version, None, extra_context)

    def _version(self, version_id, **filters):
        versions = Version.objects.get_for_model(self.model).select_related("revision__user")
        return get_object_or_404(versions, pk=version_id, **filters)

    def _change_url(self, object_id):
        opts = self.model._meta
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
            args=[quote(object_id)],
        )

    def _revert_view(self, request, version, obj, extra_context):
        arguments = {
            "revision": version.revision,
            "model": self.model,
            "object_id": version.object_id,
            "editor": request.user,
        }
        if request.method == "POST":
            try:
                plan = revert.revert(**arguments)
            except revert.RevertError as error:
                self.message_user(request, str(error), messages.ERROR)
                return HttpResponseRedirect(request.path)
            reverted = self.model._base_manager.get(pk=version.object_id)
            self.log_change(request, reverted, plan.headline)
            self.message_user(request, plan.headline, messages.SUCCESS)
            return HttpResponseRedirect(self._change_url(version.object_id))
        plan = revert.revert_plan(**arguments)
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "original": obj,
            "object_id": version.object_id,
            "version": version,
            "plan": plan,
            "title": f"Revert {opts.verbose_name} “{plan.entry_shown}”",
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.revert_template, context)


@admin.register(EditorProfile)
class EditorProfileAdmin(admin.ModelAdmin):
    """ "Your display name": each editor keeps their own, and sees no one else's."""

    fields = ["display_name"]

    def _own(self, request, obj):
        return (
            request.user.is_active
            and request.user.is_staff
            and (obj is None or obj.user_id == request.user.pk)
        )

    def has_module_permission(self, request):
        return self._own(request, None)

    def has_view_permission(self, request, obj=None):
        return self._own(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._own(request, obj)

    def has_add_permission(self, request):
        # Asked by every admin page's list of models: answered without a query; the add page
        # of an editor who has a name already goes to the change page instead.
        return self._own(request, None)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user=request.user)

    def changelist_view(self, request, extra_context=None):
        # The list would hold one row, the editor's own: go to it.
        return self._own_page(request) or HttpResponseRedirect(
            reverse("admin:history_editorprofile_add")
        )

    def add_view(self, request, form_url="", extra_context=None):
        return self._own_page(request) or super().add_view(request, form_url, extra_context)

    def _own_page(self, request):
        profile = EditorProfile.objects.filter(user=request.user).first()
        if profile is None:
            return None
        return HttpResponseRedirect(
            reverse("admin:history_editorprofile_change", args=[profile.pk])
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        user = request.user

        class OwnProfileForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                # Before validation: the model's clean() compares the name with the login.
                self.instance.user = user
                if self.instance.pk is None:
                    self.fields[
                        "display_name"
                    ].help_text += f" Until you choose one it is “{default_display_name(user.pk)}”."

        return OwnProfileForm

    def get_object(self, request, object_id, from_field=None):
        return self.get_queryset(request).filter(pk=object_id).first()
