"""The API's representations of the public catalogue, one serializer per shape.

Every field is named (never `__all__`), so that a column added to a model (an editor's note,
an e-mail address, a status) stays out of the API until someone writes it here. Every resource
carries its database id, its `url` in the API and the reader page's `html_url`, both absolute
from settings.SITE_URL rather than from the request: the page cache keys a page by its path
alone, and a dump (which has no request) must read exactly as the API answers.

The serializers read only what the querysets of api.kinds and api.views load; they never
query on their own (tests/api/test_query_counts.py pins each page's queries).
"""

import html

from django.conf import settings
from django.urls import reverse
from django.utils.html import strip_tags
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from taggit.models import Tag

from catalogue.models import (
    Album,
    Appearance,
    Artist,
    Certification,
    Chart,
    ChartEntry,
    Credit,
    Fact,
    Person,
    Role,
    Song,
    Source,
    Version,
)
from comments.models import Comment


def absolute(path):
    return settings.SITE_URL + path


@extend_schema_field({"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"})
class KnownDateField(serializers.Field):
    """A date as far as it is known (catalogue.dates): "1977", "1977-09" or "1977-09-23", as
    ISO 8601 writes a year, a month or a day."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return value.iso()


@extend_schema_field(OpenApiTypes.URI)
class ApiUrlField(serializers.Field):
    """The absolute address of the row's resource in the API (`view_name` takes its pk)."""

    def __init__(self, view_name, **kwargs):
        self.view_name = view_name
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return absolute(reverse(self.view_name, kwargs={"pk": value.pk}))


@extend_schema_field(OpenApiTypes.URI)
class PageUrlField(serializers.Field):
    """The absolute address of the row's page for readers (its get_absolute_url)."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return absolute(value.get_absolute_url())


@extend_schema_field(OpenApiTypes.URI)
class TagPageUrlField(PageUrlField):
    # taggit's Tag has no get_absolute_url of its own.
    def to_representation(self, value):
        return absolute(reverse("catalogue:tag-detail", kwargs={"slug": value.slug}))


# ---- Summaries: how one resource names another ----


class ArtistSummarySerializer(serializers.ModelSerializer):
    url = ApiUrlField("api:artist-detail")
    html_url = PageUrlField()

    class Meta:
        model = Artist
        fields = ["id", "url", "html_url", "name"]


class AlbumSummarySerializer(serializers.ModelSerializer):
    """Needs the album's artist loaded (its page's address holds the artist's slug)."""

    url = ApiUrlField("api:album-detail")
    html_url = PageUrlField()

    class Meta:
        model = Album
        fields = ["id", "url", "html_url", "title", "release_year"]


class SongSummarySerializer(serializers.ModelSerializer):
    """Needs the song's artist loaded."""

    url = ApiUrlField("api:song-detail")
    html_url = PageUrlField()
    artist = ArtistSummarySerializer()

    class Meta:
        model = Song
        fields = ["id", "url", "html_url", "title", "artist", "release_year"]


class PersonSummarySerializer(serializers.ModelSerializer):
    url = ApiUrlField("api:person-detail")
    html_url = PageUrlField()

    class Meta:
        model = Person
        fields = ["id", "url", "html_url", "name"]


class ChartSummarySerializer(serializers.ModelSerializer):
    url = ApiUrlField("api:chart-detail")
    html_url = PageUrlField()

    class Meta:
        model = Chart
        fields = ["id", "url", "html_url", "name", "country"]


class TagSerializer(serializers.ModelSerializer):
    url = ApiUrlField("api:tag-detail")
    html_url = TagPageUrlField()
    songs_url = ApiUrlField("api:tag-songs")

    class Meta:
        model = Tag
        fields = ["id", "url", "html_url", "name", "slug", "songs_url"]


class RoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Role
        fields = ["name", "slug", "group"]


# ---- A song and its parts ----


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["kind", "citation", "url"]


class SuggestionCreditSerializer(serializers.Serializer):
    """The reader credited with a fact, as the song page names them (never their e-mail)."""

    name = serializers.CharField(source="suggested_by_name")
    place = serializers.CharField(source="suggested_by_place")


class FactSerializer(serializers.ModelSerializer):
    body_html = serializers.CharField(
        help_text="The fact as the song page shows it: sanitised HTML (paragraphs, links, "
        "<em>, <strong>, <q>, <cite>)."
    )
    text = serializers.SerializerMethodField(help_text="The fact as plain text.")
    sources = SourceSerializer(many=True)
    suggested_by = serializers.SerializerMethodField(
        help_text="The reader whose suggestion this fact is, or null."
    )

    class Meta:
        model = Fact
        fields = ["id", "position", "standing", "body_html", "text", "sources", "suggested_by"]

    def get_text(self, fact) -> str:
        # A space where paragraphs and lines break, so that their words stay apart.
        spaced = fact.body_html.replace("</p>", " </p>").replace("<br>", " ")
        return " ".join(html.unescape(strip_tags(spaced)).split())

    @extend_schema_field(SuggestionCreditSerializer(allow_null=True))
    def get_suggested_by(self, fact):
        if not fact.suggested_by_name:
            return None
        return SuggestionCreditSerializer(fact).data


class CreditSerializer(serializers.ModelSerializer):
    person = PersonSummarySerializer()
    role = RoleSerializer()

    class Meta:
        model = Credit
        fields = ["person", "role", "note"]


class ChartEntryOfSongSerializer(serializers.ModelSerializer):
    chart = ChartSummarySerializer()
    entry_date = KnownDateField(source="entered")
    peak_date = KnownDateField(source="peaked", allow_null=True)

    class Meta:
        model = ChartEntry
        fields = [
            "id",
            "chart",
            "peak_position",
            "entry_year",
            "entry_date",
            "peak_date",
            "weeks_on_chart",
            "note",
        ]


class CertificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Certification
        fields = ["body", "level", "certified_on"]


class VersionSerializer(serializers.ModelSerializer):
    """A song's version: another song that covers, remixes, samples it..."""

    song = SongSummarySerializer(source="version")

    class Meta:
        model = Version
        fields = ["kind", "language", "note", "song"]


class OriginalSerializer(serializers.ModelSerializer):
    """What a song is a version of: `kind` says what this song is of it."""

    song = SongSummarySerializer(source="original")

    class Meta:
        model = Version
        fields = ["kind", "language", "note", "song"]


class AppearanceSerializer(serializers.ModelSerializer):
    song = SongSummarySerializer(
        help_text="The recording placed: the song itself, or a version of it that is the song "
        "played again (a cover, a live take, a remix...)."
    )

    class Meta:
        model = Appearance
        fields = ["medium", "title", "detail", "year", "note", "song"]


class TagOfSongSerializer(serializers.ModelSerializer):
    url = ApiUrlField("api:tag-detail")
    html_url = TagPageUrlField()

    class Meta:
        model = Tag
        fields = ["id", "url", "html_url", "name", "slug"]


class SongListSerializer(SongSummarySerializer):
    """A row of a list of songs. Needs artist, album and the album's artist loaded."""

    album = AlbumSummarySerializer(allow_null=True)

    class Meta(SongSummarySerializer.Meta):
        fields = [*SongSummarySerializer.Meta.fields, "album"]


class SongSerializer(SongListSerializer):
    """A song with everything its page shows of the catalogue (api.kinds loads it)."""

    length_seconds = serializers.SerializerMethodField()
    facts = FactSerializer(source="published_facts", many=True)
    credits = CreditSerializer(many=True)
    chart_entries = ChartEntryOfSongSerializer(many=True)
    certifications = CertificationSerializer(many=True)
    versions = VersionSerializer(source="published_versions", many=True)
    originals = OriginalSerializer(source="published_originals", many=True)
    appearances = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()
    comments_url = ApiUrlField("api:song-comments")
    released = KnownDateField(allow_null=True)
    isrcs = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta(SongListSerializer.Meta):
        fields = [
            *SongListSerializer.Meta.fields,
            "slug",
            "released",
            "musicbrainz_recording_id",
            "musicbrainz_work_id",
            "isrcs",
            "iswc",
            "wikidata_id",
            "track_number",
            "length_seconds",
            "video_url",
            "published_at",
            "updated_at",
            "facts",
            "credits",
            "chart_entries",
            "certifications",
            "versions",
            "originals",
            "appearances",
            "tags",
            "comments_url",
        ]

    def get_length_seconds(self, song) -> int | None:
        return None if song.length is None else int(song.length.total_seconds())

    @extend_schema_field(AppearanceSerializer(many=True))
    def get_appearances(self, song):
        # As the song page lists them: its own and its same-song versions', in Appearance's
        # order (by year, those without one last, then title).
        placements = [
            *song.appearances.all(),
            *(
                placement
                for relation in song.same_song_versions
                for placement in relation.version.appearances.all()
            ),
        ]
        placements.sort(key=lambda row: (row.year is None, row.year or 0, row.title, row.pk))
        return AppearanceSerializer(placements, many=True).data

    @extend_schema_field(TagOfSongSerializer(many=True))
    def get_tags(self, song):
        # By name, as the song page lists them (taggit's Tag has no ordering).
        tags = sorted(song.tags.all(), key=lambda tag: (tag.name, tag.pk))
        return TagOfSongSerializer(tags, many=True).data


# ---- Artists, albums, people, charts ----


class ArtistListSerializer(ArtistSummarySerializer):
    class Meta(ArtistSummarySerializer.Meta):
        fields = [*ArtistSummarySerializer.Meta.fields, "sort_name", "slug", "kind", "country"]


class ArtistSerializer(ArtistListSerializer):
    albums = AlbumSummarySerializer(many=True)
    songs_url = ApiUrlField("api:artist-songs")
    began = KnownDateField(allow_null=True, help_text="Born, or formed for a group.")

    class Meta(ArtistListSerializer.Meta):
        fields = [
            *ArtistListSerializer.Meta.fields,
            "began",
            "musicbrainz_id",
            "wikidata_id",
            "active_from",
            "active_to",
            "bio",
            "updated_at",
            "albums",
            "songs_url",
        ]


class TrackSerializer(SongSummarySerializer):
    class Meta(SongSummarySerializer.Meta):
        fields = [*SongSummarySerializer.Meta.fields, "track_number"]


class AlbumListSerializer(AlbumSummarySerializer):
    artist = ArtistSummarySerializer()

    class Meta(AlbumSummarySerializer.Meta):
        fields = [*AlbumSummarySerializer.Meta.fields, "slug", "artist"]


class AlbumSerializer(AlbumListSerializer):
    tracks = TrackSerializer(source="published_tracks", many=True)
    released = KnownDateField(allow_null=True)

    class Meta(AlbumListSerializer.Meta):
        fields = [
            *AlbumListSerializer.Meta.fields,
            "released",
            "musicbrainz_release_group_id",
            "wikidata_id",
            "label",
            "updated_at",
            "tracks",
        ]


class PersonListSerializer(PersonSummarySerializer):
    class Meta(PersonSummarySerializer.Meta):
        fields = [*PersonSummarySerializer.Meta.fields, "sort_name", "slug"]


class PersonSerializer(PersonListSerializer):
    artist = ArtistSummarySerializer(
        allow_null=True, help_text="The person as a performing artist, when they are one."
    )
    credits_url = ApiUrlField("api:person-credits")
    born = KnownDateField(allow_null=True)

    class Meta(PersonListSerializer.Meta):
        fields = [
            *PersonListSerializer.Meta.fields,
            "born",
            "musicbrainz_id",
            "wikidata_id",
            "bio",
            "artist",
            "updated_at",
            "credits_url",
        ]


class PersonCreditSerializer(serializers.ModelSerializer):
    """What a person did on a song."""

    song = SongSummarySerializer()
    role = RoleSerializer()

    class Meta:
        model = Credit
        fields = ["id", "song", "role", "note"]


class ChartSerializer(ChartSummarySerializer):
    entries_url = ApiUrlField("api:chart-entries")

    class Meta(ChartSummarySerializer.Meta):
        fields = [*ChartSummarySerializer.Meta.fields, "slug", "entries_url"]


class ChartEntrySerializer(serializers.ModelSerializer):
    """A run of a song on a chart."""

    song = SongSummarySerializer()
    entry_date = KnownDateField(source="entered")
    peak_date = KnownDateField(source="peaked", allow_null=True)

    class Meta:
        model = ChartEntry
        fields = [
            "id",
            "song",
            "peak_position",
            "entry_year",
            "entry_date",
            "peak_date",
            "weeks_on_chart",
            "note",
        ]


# ---- Comments ----


class CommentAuthorSerializer(serializers.Serializer):
    """The commenter as the song page names them (never their e-mail)."""

    name = serializers.CharField(source="author_name")
    place = serializers.CharField(source="author_place")


class CommentSerializer(serializers.ModelSerializer):
    """A published comment. Needs its song and the song's artist loaded."""

    url = ApiUrlField("api:comment-detail")
    html_url = PageUrlField()
    song = SongSummarySerializer()
    parent = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The id of the comment this one replies to, or null.",
    )
    author = CommentAuthorSerializer(source="*")
    body_html = serializers.CharField(
        help_text="The comment as the song page shows it: escaped text in paragraphs, links."
    )

    class Meta:
        model = Comment
        fields = ["id", "url", "html_url", "song", "parent", "author", "body_html", "created_at"]
