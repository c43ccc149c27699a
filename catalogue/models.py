"""The catalogue: songs, the people who made them, and the stories behind them."""

import datetime

from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import TaggedItem

from catalogue import dates
from catalogue.identifiers import (
    MusicBrainzIdField,
    NormalizedCharField,
    format_isrc,
    normalize_isrc,
    normalize_iswc,
    normalize_wikidata,
)
from catalogue.markup import render_fact
from catalogue.querysets import (
    ArtistQuerySet,
    ChartEntryQuerySet,
    EditorsPickQuerySet,
    FactQuerySet,
    SongQuerySet,
)


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Timestamped(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


_MBID_HELP = "Its MusicBrainz id, or its musicbrainz.org link."


def _wikidata_field():
    return NormalizedCharField(
        "Wikidata item",
        max_length=20,
        normalizer=normalize_wikidata,
        help_text="Its Wikidata item (Q and a number), or its wikidata.org link.",
    )


def _unique_unless_empty(model, field):
    return models.UniqueConstraint(
        fields=[field],
        condition=~Q(**{field: ""}),
        name=f"catalogue_{model}_unique_{field}",
        violation_error_message="Another entry already has this identifier.",
    )


class Artist(Timestamped):
    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        GROUP = "group", "Band or group"

    name = models.CharField(max_length=200)
    sort_name = models.CharField(
        max_length=200,
        help_text='How the name is alphabetised, e.g. "Bowie, David" or "Wallflowers, The".',
    )
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.PERSON)
    country = models.CharField(max_length=100, blank=True)
    active_from = models.PositiveSmallIntegerField(null=True, blank=True)
    active_to = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Leave empty while the artist is still active."
    )
    bio = models.TextField("short bio", blank=True)
    begin_date = models.DateField(
        "born or formed",
        null=True,
        blank=True,
        help_text="When the artist was born, or the band formed, as far as it is known.",
    )
    begin_date_precision = dates.precision_field()
    musicbrainz_id = MusicBrainzIdField(
        "MusicBrainz artist", entity="artist", unique=True, help_text=_MBID_HELP
    )
    wikidata_id = _wikidata_field()

    began = dates.known_date("begin_date")

    objects = ArtistQuerySet.as_manager()

    class Meta:
        ordering = ["sort_name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_to__gte=F("active_from")),
                name="catalogue_artist_active_years_in_order",
                violation_error_message="The last active year cannot come before the first.",
            ),
            _unique_unless_empty("artist", "wikidata_id"),
        ]
        indexes = [
            # The artists A-Z page lists by sort name.
            models.Index(fields=["sort_name"], name="catalogue_artist_sort_name"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        _remember_former_slug(self, ArtistSlugRedirect, {})
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("catalogue:artist-detail", kwargs={"slug": self.slug})


class Album(Timestamped):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    artist = models.ForeignKey(Artist, on_delete=models.PROTECT, related_name="albums")
    release_date = models.DateField(null=True, blank=True)
    release_date_precision = dates.precision_field()
    # The year, kept by PostgreSQL from the date, for the pages and indexes that go by year.
    release_year = models.GeneratedField(
        expression=ExtractYear("release_date"),
        output_field=models.PositiveSmallIntegerField(null=True, blank=True),
        db_persist=True,
    )
    label = models.CharField(max_length=200, blank=True)
    musicbrainz_release_group_id = MusicBrainzIdField(
        "MusicBrainz release group", entity="release-group", unique=True, help_text=_MBID_HELP
    )
    wikidata_id = _wikidata_field()

    released = dates.known_date("release_date")

    class Meta:
        ordering = ["release_date", "release_date_precision", "title"]
        constraints = [
            _unique_unless_empty("album", "wikidata_id"),
            models.UniqueConstraint(
                fields=["artist", "slug"],
                name="catalogue_album_unique_slug_per_artist",
                violation_error_message="This artist already has an album with this slug.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.release_year})" if self.release_year else self.title

    def save(self, *args, **kwargs):
        dates.set_year_of_new_row(self, "release_date", "release_year")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "catalogue:album-detail", kwargs={"artist_slug": self.artist.slug, "slug": self.slug}
        )


class Song(Timestamped):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, help_text="Unique among this artist's songs.")
    artist = models.ForeignKey(
        Artist,
        on_delete=models.PROTECT,
        related_name="songs",
        help_text="The primary artist: the performer this recording is credited to.",
    )
    album = models.ForeignKey(
        Album, on_delete=models.SET_NULL, null=True, blank=True, related_name="songs"
    )
    track_number = models.PositiveSmallIntegerField(null=True, blank=True)
    release_date = models.DateField(null=True, blank=True)
    release_date_precision = dates.precision_field()
    # The year, kept by PostgreSQL from the date, for the pages and indexes that go by year.
    release_year = models.GeneratedField(
        expression=ExtractYear("release_date"),
        output_field=models.PositiveSmallIntegerField(null=True, blank=True),
        db_persist=True,
    )
    length = models.DurationField(null=True, blank=True, help_text="As minutes:seconds, e.g. 6:07.")
    video_url = models.URLField(
        "video URL",
        blank=True,
        help_text="A YouTube or Vimeo link. Readers load it only when they click to play.",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    tags = TaggableManager(blank=True, help_text='Topics such as "Songs about Berlin".')
    musicbrainz_recording_id = MusicBrainzIdField(
        "MusicBrainz recording", entity="recording", unique=True, help_text=_MBID_HELP
    )
    musicbrainz_work_id = MusicBrainzIdField(
        "MusicBrainz work",
        entity="work",
        help_text="The song as written (its covers share it), by id or musicbrainz.org link.",
    )
    iswc = NormalizedCharField(
        "ISWC",
        max_length=15,
        normalizer=normalize_iswc,
        help_text="The work's ISWC, such as T-034.524.680-1 (its check digit is checked).",
    )
    wikidata_id = _wikidata_field()

    released = dates.known_date("release_date")
    # The rows behind `tags`, which a song's history keeps with the song (history.versioned).
    tagged_items = GenericRelation(TaggedItem)

    objects = SongQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        permissions = [("publish_song", "Can publish and unpublish songs")]
        constraints = [
            models.UniqueConstraint(
                fields=["artist", "slug"],
                name="catalogue_song_unique_slug_per_artist",
                violation_error_message="This artist already has a song with this slug.",
            ),
            models.CheckConstraint(
                condition=Q(release_date__isnull=True)
                | Q(release_date__gte=datetime.date(dates.EARLIEST_YEAR, 1, 1)),
                name="catalogue_song_release_date_plausible",
                violation_error_message="Give the release year with four digits.",
            ),
            _unique_unless_empty("song", "wikidata_id"),
        ]
        indexes = [
            # Song A-Z and the decade pages list published songs by title and year. With the
            # id, a page's ids come from the index alone (catalogue.pagination).
            models.Index(fields=["status", "title", "id"], name="catalogue_song_status_title_id"),
            models.Index(fields=["status", "release_year"], name="catalogue_song_status_year"),
            # The "new songs" feed and the home page.
            models.Index(fields=["status", "-published_at"], name="catalogue_song_status_pub"),
        ]

    def __str__(self):
        return f"{self.title} by {self.artist.name}"

    def save(self, *args, **kwargs):
        dates.set_year_of_new_row(self, "release_date", "release_year")
        if self.status == Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        _remember_former_slug(self, SongSlugRedirect, {"artist_id": self.artist_id})
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "catalogue:song-detail", kwargs={"artist_slug": self.artist.slug, "slug": self.slug}
        )

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED


def _remember_former_slug(instance, redirect_model, scope):
    """Keep a renamed entry's old slug so that old links answer with a permanent redirect.

    Queries the database once when the instance already exists.
    """
    if instance.pk is None:
        return
    former_slug = (
        type(instance)
        .objects.filter(pk=instance.pk, **scope)
        .values_list("slug", flat=True)
        .first()
    )
    if former_slug and former_slug != instance.slug:
        field = redirect_model.target_field
        redirect_model.objects.update_or_create(
            old_slug=former_slug, **scope, defaults={field: instance}
        )


class Isrc(models.Model):
    """An ISRC of a song's recording: a recording may have several (a remaster, a reissue
    in another country), and an ISRC belongs to one recording."""

    song = models.ForeignKey(Song, on_delete=models.CASCADE, related_name="isrcs")
    code = NormalizedCharField(
        "ISRC",
        max_length=12,
        blank=False,
        unique=True,
        normalizer=normalize_isrc,
        help_text="Such as GB-AHS-14-00099 (hyphens optional).",
        error_messages={"unique": "Another song already has this ISRC."},
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "ISRC"

    def __str__(self):
        return format_isrc(self.code)


class ArtistSlugRedirect(models.Model):
    old_slug = models.SlugField(max_length=200, unique=True)
    artist = models.ForeignKey(Artist, on_delete=models.CASCADE, related_name="former_slugs")

    target_field = "artist"

    def __str__(self):
        return f"{self.old_slug} → {self.artist.slug}"


class SongSlugRedirect(models.Model):
    artist = models.ForeignKey(Artist, on_delete=models.CASCADE, related_name="+")
    old_slug = models.SlugField(max_length=200)
    song = models.ForeignKey(Song, on_delete=models.CASCADE, related_name="former_slugs")

    target_field = "song"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["artist", "old_slug"], name="catalogue_songslugredirect_unique_old_slug"
            ),
        ]

    def __str__(self):
        return f"{self.old_slug} → {self.song.slug}"


class Fact(Timestamped):
    """One story about a song: a paragraph or a few, shown in the editors' order."""

    class Standing(models.TextChoices):
        VERIFIED = "verified", "Verified"
        UNVERIFIED = "unverified", "Not yet verified"
        DISPUTED = "disputed", "Disputed"
        MYTH = "myth", "Debunks a myth"

    song = models.ForeignKey(Song, on_delete=models.CASCADE, related_name="facts")
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Facts show in ascending order of position."
    )
    body = models.TextField(
        help_text=(
            "Plain paragraphs separated by a blank line. Inline markup allowed: "
            "<a href>, <em>, <strong>, <q>, <cite>. Anything else is removed when shown."
        )
    )
    standing = models.CharField(max_length=12, choices=Standing, default=Standing.UNVERIFIED)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    suggested_by_name = models.CharField(
        "suggestion credit: name", max_length=100, blank=True, help_text="The reader credited."
    )
    suggested_by_place = models.CharField(
        "suggestion credit: place",
        max_length=100,
        blank=True,
        help_text='Where they are from, e.g. "London, England".',
    )
    # What the editors' search in the admin matches, drafts included (the public search
    # index holds published facts only). Kept by PostgreSQL itself, so that no write can
    # forget it.
    search_document = models.GeneratedField(
        expression=SearchVector("body", "suggested_by_name", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # The body as readers see it, rendered by catalogue.markup.render_fact on every save so
    # that pages never render it; `manage.py render_markup` renders every fact again when
    # the rules change. Templates show it with |safe: it holds only what render_fact's
    # sanitiser kept, and nothing else writes it (it is not editable in forms or the admin).
    body_html = models.TextField(editable=False, blank=True)

    objects = FactQuerySet.as_manager()

    class Meta:
        ordering = ["song", "position", "id"]
        permissions = [("publish_fact", "Can publish and unpublish facts")]
        constraints = [
            # Deferred so that editors can swap two facts' positions in one save.
            models.UniqueConstraint(
                fields=["song", "position"],
                name="catalogue_fact_one_position_per_song",
                deferrable=models.Deferrable.DEFERRED,
                violation_error_message="Two facts of this song have the same position.",
            ),
            models.CheckConstraint(
                condition=Q(suggested_by_place="") | ~Q(suggested_by_name=""),
                name="catalogue_fact_credit_place_needs_name",
                violation_error_message="A suggestion credit needs a name as well as a place.",
            ),
        ]
        indexes = [
            # The home page's latest facts.
            models.Index(fields=["status", "-created_at"], name="catalogue_fact_status_created"),
            GinIndex(fields=["search_document"], name="catalogue_fact_search"),
        ]

    def __str__(self):
        return f"Fact #{self.position}"

    def save(self, *args, **kwargs):
        # Rendered here rather than in a pre_save signal: the column is the model's own, as
        # djangoproject.com's blog Entry renders its body_html in save(). Fixtures, COPY and
        # bulk_create skip save(); load_seed and generate_catalogue render for themselves.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.body_html = render_fact(self.body)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.song.get_absolute_url()}#fact-{self.pk}"

    @property
    def suggestion_credit(self):
        if not self.suggested_by_name:
            return ""
        if self.suggested_by_place:
            return f"{self.suggested_by_name} - {self.suggested_by_place}"
        return self.suggested_by_name

    def clean(self):
        if not self.body.strip():
            raise ValidationError({"body": "A fact needs some text."})


class Source(models.Model):
    """Where a fact comes from: an interview, a book, liner notes."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", "Interview"
        BOOK = "book", "Book"
        MAGAZINE = "magazine", "Magazine or newspaper"
        LINER_NOTES = "liner_notes", "Liner notes"
        WEBSITE = "website", "Website"
        BROADCAST = "broadcast", "Radio, TV or film"
        OTHER = "other", "Other"

    fact = models.ForeignKey(Fact, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.OTHER)
    citation = models.CharField(
        max_length=300, help_text='e.g. "Performing Songwriter magazine, 2003".'
    )
    url = models.URLField("URL", blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.citation


class Person(Timestamped):
    """Someone credited on a song: a songwriter, a producer, a player."""

    name = models.CharField(max_length=200)
    sort_name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    artist = models.OneToOneField(
        Artist,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        help_text="When this person also performs as an artist in the catalogue.",
    )
    bio = models.TextField("short bio", blank=True)
    birth_date = models.DateField(
        "born", null=True, blank=True, help_text="As far as it is known: a year, month or day."
    )
    birth_date_precision = dates.precision_field()
    musicbrainz_id = MusicBrainzIdField(
        "MusicBrainz artist", entity="artist", unique=True, help_text=_MBID_HELP
    )
    wikidata_id = _wikidata_field()

    born = dates.known_date("birth_date")

    class Meta:
        ordering = ["sort_name", "name"]
        verbose_name_plural = "people"
        constraints = [_unique_unless_empty("person", "wikidata_id")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalogue:person-detail", kwargs={"slug": self.slug})


class Role(models.Model):
    """What someone did on a song. Editors add roles as they need them."""

    class Group(models.TextChoices):
        WRITING = "writing", "Writing"
        PRODUCTION = "production", "Production"
        PERFORMANCE = "performance", "Performance"
        OTHER = "other", "Other"

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    group = models.CharField(max_length=12, choices=Group, default=Group.PERFORMANCE)
    position = models.PositiveSmallIntegerField(
        default=100, help_text="Roles show in ascending order of position on song pages."
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Credit(models.Model):
    song = models.ForeignKey(Song, on_delete=models.CASCADE, related_name="credits")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="credits")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="credits")
    note = models.CharField(
        max_length=200, blank=True, help_text='A detail, e.g. "banging on a metal ashtray".'
    )

    class Meta:
        ordering = ["role__position", "role__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["song", "person", "role"],
                name="catalogue_credit_unique_person_role_per_song",
                violation_error_message="This person already has this role on this song.",
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.role}"


class Chart(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    country = models.CharField(max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(
        default=100, help_text="Charts show in ascending order of position in a song's table."
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalogue:chart-detail", kwargs={"slug": self.slug})


class ChartEntry(models.Model):
    """One run of a song on a chart; a row with no peak records that it did not chart."""

    song = models.ForeignKey(Song, on_delete=models.CASCADE, related_name="chart_entries")
    chart = models.ForeignKey(Chart, on_delete=models.PROTECT, related_name="entries")
    peak_position = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Leave empty to record that the song did not chart."
    )
    entry_date = models.DateField(
        "entered",
        help_text="When it entered the chart (or was eligible, when it did not chart).",
    )
    entry_date_precision = dates.precision_field()
    # The year, kept by PostgreSQL from the date, for what goes by year.
    entry_year = models.GeneratedField(
        expression=ExtractYear("entry_date"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    peak_date = models.DateField("peaked", null=True, blank=True)
    peak_date_precision = dates.precision_field()
    weeks_on_chart = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(
        max_length=200, blank=True, help_text='e.g. "re-entry after Bowie\'s death".'
    )

    objects = ChartEntryQuerySet.as_manager()

    class Meta:
        ordering = ["chart__position", "chart__name", "entry_date", "entry_date_precision"]
        verbose_name_plural = "chart entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(peak_position__isnull=True) | Q(peak_position__gte=1),
                name="catalogue_chartentry_peak_positive",
                violation_error_message="A chart peak is position 1 or lower down.",
            ),
            models.CheckConstraint(
                condition=Q(peak_position__isnull=False)
                | (Q(peak_date__isnull=True) & Q(weeks_on_chart__isnull=True)),
                name="catalogue_chartentry_no_peak_no_weeks",
                violation_error_message="A song that did not chart has no peak date or weeks.",
            ),
            models.CheckConstraint(
                condition=Q(entry_date__gte=datetime.date(1900, 1, 1))
                & Q(entry_date__lt=datetime.date(2201, 1, 1)),
                name="catalogue_chartentry_entry_date_plausible",
                violation_error_message="Give the entry year with four digits.",
            ),
        ]
        indexes = [
            # The chart page lists a chart's songs by peak.
            models.Index(fields=["chart", "peak_position"], name="catalogue_chartentry_peak"),
        ]

    def __str__(self):
        peak = f"#{self.peak_position}" if self.peak_position else "did not chart"
        return f"{self.chart}: {peak} ({self.entry_year})"

    entered = dates.known_date("entry_date")
    peaked = dates.known_date("peak_date")

    def save(self, *args, **kwargs):
        dates.set_year_of_new_row(self, "entry_date", "entry_year")
        super().save(*args, **kwargs)

    @property
    def charted(self):
        return self.peak_position is not None

    def clean(self):
        # Compared as far as both are known: a peak in September 1977 may follow an entry on
        # 23 September 1977.
        if self.peak_date and self.entry_date:
            precision = min(self.peak_date_precision, self.entry_date_precision)
            if dates.first_day(self.peak_date, precision) < dates.first_day(
                self.entry_date, precision
            ):
                raise ValidationError({"peak_date": "The peak cannot come before the entry."})


class Certification(models.Model):
    song = models.ForeignKey(Song, on_delete=models.CASCADE, related_name="certifications")
    body = models.CharField(max_length=100, help_text='The certifying body, e.g. "BPI" or "RIAA".')
    level = models.CharField(max_length=100, help_text='e.g. "Platinum" or "2× Platinum".')
    certified_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["certified_on", "id"]

    def __str__(self):
        return f"{self.body} {self.level}"


class Version(models.Model):
    """A relation between two songs: a cover, another language, a live take, a remix."""

    class Kind(models.TextChoices):
        COVER = "cover", "Cover"
        LANGUAGE = "language", "Other-language version"
        LIVE = "live", "Live version"
        REMIX = "remix", "Remix"
        EDIT = "edit", "Edit or single version"
        SAMPLE = "sample", "Samples it"
        REFERENCE = "reference", "Draws its title or idea from"

    # The kinds that are the original song played again: a placement of such a version (a
    # film, an advert) is one of the song's too, and its page lists it. A song that samples or
    # draws on another is a song of its own, and its placements are its own.
    SAME_SONG_KINDS = (Kind.COVER, Kind.LANGUAGE, Kind.LIVE, Kind.REMIX, Kind.EDIT)

    original = models.ForeignKey(Song, on_delete=models.CASCADE, related_name="versions")
    version = models.ForeignKey(Song, on_delete=models.CASCADE, related_name="version_of")
    kind = models.CharField(max_length=10, choices=Kind)
    language = models.CharField(max_length=50, blank=True, help_text="For other-language versions.")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["version__release_date", "version__release_date_precision", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["original", "version", "kind"], name="catalogue_version_unique_relation"
            ),
            models.CheckConstraint(
                condition=~Q(original=F("version")),
                name="catalogue_version_not_itself",
                violation_error_message="A song cannot be a version of itself.",
            ),
        ]

    def __str__(self):
        return f"{self.version} ({self.get_kind_display()} of {self.original.title})"


class Appearance(models.Model):
    """A placement of a song in a film, a TV episode, an advert, a game or an event."""

    class Medium(models.TextChoices):
        FILM = "film", "Film"
        TV = "tv", "TV"
        ADVERT = "advert", "Advert"
        GAME = "game", "Video game"
        EVENT = "event", "Event or performance"
        OTHER = "other", "Other"

    song = models.ForeignKey(Song, on_delete=models.CASCADE, related_name="appearances")
    medium = models.CharField(max_length=10, choices=Medium)
    title = models.CharField(max_length=200, help_text='e.g. "Christiane F" or "Stranger Things".')
    detail = models.CharField(max_length=200, blank=True, help_text='e.g. season 1, "Holly Jolly".')
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["year", "title", "id"]

    def __str__(self):
        return f"{self.title} ({self.year})" if self.year else self.title


class EditorsPick(models.Model):
    """A site feature (interview, quiz, article) that editors point readers to."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", "Songwriter Interviews"
        FACT_OR_FICTION = "quiz", "Fact or Fiction"
        SONG_WRITING = "songwriting", "Song Writing"
        ARTICLE = "article", "Article"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind)
    blurb = models.TextField(max_length=500)
    url = models.URLField("link")
    site_wide = models.BooleanField(
        default=False, help_text="Show on every song page, not only on the songs picked below."
    )
    songs = models.ManyToManyField(Song, blank=True, related_name="editors_picks")
    position = models.PositiveSmallIntegerField(default=100)
    status = models.CharField(max_length=10, choices=Status, default=Status.PUBLISHED)

    objects = EditorsPickQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        verbose_name = "editor's pick"
        verbose_name_plural = "editor's picks"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.url
