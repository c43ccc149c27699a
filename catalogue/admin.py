"""The catalogue admin, where editors work all day: a song's change page edits everything on it."""

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import SEARCH_VAR, ChangeListSearchForm
from django.db import models
from django.urls import path
from django.utils import timezone
from django.utils.text import Truncator, slugify
from taggit.admin import TagAdmin
from taggit.forms import TagWidget
from taggit.models import Tag

from catalogue import services
from catalogue.admin_merge import merge_artists, merge_people
from catalogue.dates import PartialDatesForm
from catalogue.models import (
    Album,
    Appearance,
    Artist,
    Certification,
    Chart,
    ChartEntry,
    Credit,
    EditorsPick,
    Fact,
    Isrc,
    Person,
    Role,
    Song,
    Source,
    Version,
)
from history.admin import HistoryAdmin
from musicbrainz.views import fill_song
from songfacts.admin_search import BoundedSearchMixin

FIRST_DECADE = 1900
# A link typed without a scheme ("www.bbc.co.uk/...") is read as https, Django 6's default.
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class DecadeListFilter(admin.SimpleListFilter):
    title = "decade"
    parameter_name = "decade"

    def lookups(self, request, model_admin):
        # A fixed list: asking the database which decades exist would cost a query per page.
        last_decade = timezone.now().year // 10 * 10
        return [(str(d), f"{d}s") for d in range(last_decade, FIRST_DECADE - 10, -10)]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.value() not in {value for value, _ in self.lookup_choices}:
            # The admin answers with its "invalid filter" page instead of an error.
            raise IncorrectLookupParameters(f"No such decade: {self.value()}")
        start = int(self.value())
        return queryset.filter(release_year__gte=start, release_year__lt=start + 10)


class TagListFilter(admin.SimpleListFilter):
    """Songs with one tag, typed by name or slug.

    A form rather than a list of links: a catalogue has thousands of tags, and listing them all
    made the song list slow and heavy.
    """

    title = "tag"
    parameter_name = "tag"
    template = "admin/catalogue/song/tag_filter.html"

    def lookups(self, request, model_admin):
        return []

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # Tag slugs are slugified names, so a name and a slug find the same tag.
        return queryset.filter(tags__slug=slugify(self.value(), allow_unicode=True))

    def choices(self, changelist):
        other_parameters = {
            name: value for name, value in changelist.params.items() if name != self.parameter_name
        }
        yield {
            "selected": self.value() is not None,
            "value": self.value() or "",
            "parameter_name": self.parameter_name,
            "other_parameters": other_parameters,
            "reset_query_string": changelist.get_query_string(remove=[self.parameter_name]),
        }


class PublishActionsMixin:
    """Bulk "Publish"/"Unpublish" actions, and a read-only status, for editors who may not publish.

    Subclasses name the permission and define publish_entry/unpublish_entry, which call the
    writers of services.py.
    """

    publish_permission = ""
    actions = ["publish", "unpublish"]

    def has_publish_permission(self, request):
        return request.user.has_perm(self.publish_permission)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not self.has_publish_permission(request):
            return (*fields, "status")
        return fields

    def save_model(self, request, obj, form, change):
        # A history revert restores every field, the status too: keep it for non-publishers.
        if change and not self.has_publish_permission(request):
            obj.status = type(obj).objects.values_list("status", flat=True).get(pk=obj.pk)
        super().save_model(request, obj, form, change)

    def _change_status(self, request, queryset, writer, done):
        changed = sum(writer(request, entry) for entry in queryset)
        opts = self.model._meta
        name = opts.verbose_name if changed == 1 else opts.verbose_name_plural
        self.message_user(request, f"{changed} {name} {done}.", messages.SUCCESS)

    @admin.action(description="Publish the selected entries", permissions=["publish"])
    def publish(self, request, queryset):
        self._change_status(request, queryset, self.publish_entry, "published")

    @admin.action(description="Unpublish the selected entries", permissions=["publish"])
    def unpublish(self, request, queryset):
        self._change_status(request, queryset, self.unpublish_entry, "taken back to draft")


class SourceInline(admin.TabularInline):
    model = Source
    formfield_overrides = HTTPS_URL_FIELDS
    extra = 1


class FactInline(admin.StackedInline):
    model = Fact
    extra = 1
    fields = [
        ("position", "status", "standing"),
        "body",
        ("suggested_by_name", "suggested_by_place"),
    ]
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not request.user.has_perm("catalogue.publish_fact"):
            return (*fields, "status")
        return fields


class CreditInline(admin.TabularInline):
    model = Credit
    extra = 1
    autocomplete_fields = ["person", "role"]

    def get_queryset(self, request):
        # Each row shows its credit as "person – role".
        return super().get_queryset(request).select_related("person", "role")


class ChartEntryForm(PartialDatesForm):
    partial_dates = ("entry_date", "peak_date")


class ChartEntryInline(admin.TabularInline):
    model = ChartEntry
    form = ChartEntryForm
    extra = 0
    fields = [
        "chart",
        "peak_position",
        "entry_date",
        "peak_date",
        "weeks_on_chart",
        "note",
    ]

    def get_queryset(self, request):
        # Each row shows its entry as "chart: peak (year)".
        return super().get_queryset(request).select_related("chart")


class IsrcInline(admin.TabularInline):
    model = Isrc
    extra = 0


class SongForm(PartialDatesForm):
    partial_dates = ("release_date",)


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0


class SongRelationInline(admin.TabularInline):
    """A row per Version, shown as "song by artist (kind of title)", with the other song
    picked by autocomplete."""

    model = Version
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("original__artist", "version__artist")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The picked song's label names its artist too.
        kwargs["queryset"] = Song.objects.select_related("artist")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class VersionInline(SongRelationInline):
    fk_name = "original"
    autocomplete_fields = ["version"]
    verbose_name = "version of this song"
    verbose_name_plural = "versions of this song (covers, other languages, live, edits)"


class VersionOfInline(SongRelationInline):
    fk_name = "version"
    autocomplete_fields = ["original"]
    verbose_name = "song this one is a version of"
    verbose_name_plural = "this song is a version of"


class AppearanceInline(admin.TabularInline):
    model = Appearance
    extra = 0


@admin.register(Song)
class SongAdmin(BoundedSearchMixin, PublishActionsMixin, HistoryAdmin):
    form = SongForm
    # With the "Fill from MusicBrainz" button (musicbrainz.views).
    change_form_template = "admin/catalogue/song/change_form.html"
    formfield_overrides = HTTPS_URL_FIELDS
    publish_permission = "catalogue.publish_song"
    list_display = ["title", "artist", "album", "release_year", "status", "tag_list"]
    list_select_related = ["artist", "album"]
    list_filter = ["status", DecadeListFilter, TagListFilter, "chart_entries__chart"]
    search_fields = ["title", "artist__name", "album__title"]
    autocomplete_fields = ["artist", "album"]
    prepopulated_fields = {"slug": ["title"]}
    show_full_result_count = False
    # Facet counts would count the whole table once per filter choice.
    show_facets = admin.ShowFacets.NEVER
    # Newest first: the primary key's index serves the first page of a catalogue of any size,
    # where title order (with the admin's tie-breaking id) sorts the whole table.
    ordering = ["-pk"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "artist", "status", "tags"]}),
        (
            "Release",
            {"fields": ["album", "track_number", "release_date", "length", "video_url"]},
        ),
        (
            "Identifiers",
            {"fields": ["musicbrainz_recording_id", "musicbrainz_work_id", "iswc", "wikidata_id"]},
        ),
        ("Record", {"fields": ["published_at"], "classes": ["collapse"]}),
    ]
    readonly_fields = ["published_at"]
    inlines = [
        FactInline,
        CreditInline,
        IsrcInline,
        ChartEntryInline,
        CertificationInline,
        VersionInline,
        VersionOfInline,
        AppearanceInline,
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            # As wide as the title: a song often has several long tags.
            kwargs["widget"] = TagWidget(attrs={"class": "vTextField"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        # One query for all the tags on the page (the tag column).
        return super().get_queryset(request).prefetch_related("tags")

    def get_urls(self):
        fill = self.admin_site.admin_view(self.fill_from_musicbrainz)
        return [
            path("<path:object_id>/musicbrainz/", fill, name="catalogue_song_musicbrainz"),
            *super().get_urls(),
        ]

    def fill_from_musicbrainz(self, request, object_id):
        return fill_song(self, request, object_id)

    @admin.display(description="tags")
    def tag_list(self, song):
        return ", ".join(sorted(tag.name for tag in song.tags.all()))

    def revision_comment(self, song, message):
        # The song's own history: its name goes without saying.
        return message

    def publish_entry(self, request, song):
        return services.song_publish(song=song, editor=request.user)

    def unpublish_entry(self, request, song):
        return services.song_unpublish(song=song, editor=request.user)


@admin.register(Fact)
class FactAdmin(BoundedSearchMixin, PublishActionsMixin, HistoryAdmin):
    publish_permission = "catalogue.publish_fact"
    list_display = ["__str__", "song", "excerpt", "standing", "status", "created_at"]
    list_select_related = ["song__artist"]
    list_filter = ["status", "standing"]
    # Read by get_search_results, which searches the facts' text search index instead.
    search_fields = ["body", "song__title", "suggested_by_name"]
    search_help_text = (
        "Finds facts whose text or reader's name has every word (whole or its start), "
        "and facts whose song's title contains every word."
    )
    autocomplete_fields = ["song"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    # Newest first, served by the primary key's index (the model's order sorts by song title).
    ordering = ["-pk"]
    fields = [
        "song",
        ("position", "status", "standing"),
        "body",
        ("suggested_by_name", "suggested_by_place"),
    ]
    inlines = [SourceInline]

    def get_queryset(self, request):
        # Nothing here shows the search document, which is as long as the fact.
        return super().get_queryset(request).defer("search_document")

    def get_search_results(self, request, queryset, search_term):
        # Django's own search, icontains on three columns, reads every fact: at a million
        # facts, 3 s for one word and 100 s for two.
        search_term = self.bounded_search_term(request, search_term)
        if not search_term:
            return queryset, False
        return queryset.search_for_editors(search_term), False

    def get_ordering(self, request):
        # Read as the change list reads it: a term it refuses (one with NUL, say) is no search.
        search = ChangeListSearchForm(request.GET)
        if search.is_valid() and search.cleaned_data[SEARCH_VAR].strip():
            # Newest first by creation time, which no index serves, so PostgreSQL collects the
            # matches from the search index before it sorts them. Given "-pk", it walks the
            # primary key's index instead, and reads every fact when a word is rare.
            return ["-created_at"]
        return super().get_ordering(request)

    @admin.display(description="text")
    def excerpt(self, fact):
        return Truncator(fact.body).words(12)

    def publish_entry(self, request, fact):
        return services.fact_publish(fact=fact, editor=request.user)

    def unpublish_entry(self, request, fact):
        return services.fact_unpublish(fact=fact, editor=request.user)


class ArtistForm(PartialDatesForm):
    partial_dates = ("begin_date",)


class AlbumForm(PartialDatesForm):
    partial_dates = ("release_date",)


class PersonForm(PartialDatesForm):
    partial_dates = ("birth_date",)


@admin.register(Artist)
class ArtistAdmin(BoundedSearchMixin, HistoryAdmin):
    form = ArtistForm
    list_display = ["name", "sort_name", "kind", "country", "active_from", "active_to"]
    list_filter = ["kind"]
    search_fields = ["name", "sort_name"]
    prepopulated_fields = {"slug": ["name"]}
    show_full_result_count = False
    actions = [merge_artists]


@admin.register(Album)
class AlbumAdmin(BoundedSearchMixin, HistoryAdmin):
    form = AlbumForm
    list_display = ["title", "artist", "release_year", "label"]
    list_select_related = ["artist"]
    search_fields = ["title", "artist__name"]
    autocomplete_fields = ["artist"]
    prepopulated_fields = {"slug": ["title"]}
    show_full_result_count = False


@admin.register(Person)
class PersonAdmin(BoundedSearchMixin, HistoryAdmin):
    form = PersonForm
    list_display = ["name", "sort_name", "artist"]
    list_select_related = ["artist"]
    search_fields = ["name", "sort_name"]
    autocomplete_fields = ["artist"]
    prepopulated_fields = {"slug": ["name"]}
    show_full_result_count = False
    actions = [merge_people]


@admin.register(Role)
class RoleAdmin(BoundedSearchMixin, HistoryAdmin):
    list_display = ["name", "group", "position"]
    list_editable = ["position"]
    list_filter = ["group"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Chart)
class ChartAdmin(BoundedSearchMixin, HistoryAdmin):
    list_display = ["name", "country", "position"]
    list_editable = ["position"]
    search_fields = ["name", "country"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(EditorsPick)
class EditorsPickAdmin(BoundedSearchMixin, HistoryAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ["title", "kind", "site_wide", "status", "position"]
    list_filter = ["kind", "site_wide", "status"]
    search_fields = ["title", "blurb"]
    autocomplete_fields = ["songs"]


# taggit's own admin for tags, with a history like every other entry's.
admin.site.unregister(Tag)


@admin.register(Tag)
class VersionedTagAdmin(HistoryAdmin, TagAdmin):
    pass
