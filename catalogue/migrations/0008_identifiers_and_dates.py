"""Identifiers (MusicBrainz, ISRC, ISWC, Wikidata) and dates as precise as they are known.

The years that were columns of their own (a song's and an album's release year, a chart run's
entry year) become dates with year precision, and the years are then generated from the dates
by PostgreSQL, so that what reads a year keeps reading it. A chart run's entry date, when it
was known, was known to the day.
"""

import datetime

import django.db.models.deletion
import django.db.models.functions.datetime
from django.db import migrations, models

import catalogue.identifiers

PRECISION_CHOICES = [(1, "Year"), (2, "Month"), (3, "Day")]
MBID_HELP = "Its MusicBrainz id, or its musicbrainz.org link."
WIKIDATA_HELP = "Its Wikidata item (Q and a number), or its wikidata.org link."

# A date known to the day has precision 3 (the columns' default), one known to the year 1.
YEARS_TO_DATES = """
UPDATE catalogue_song SET release_date = make_date(release_year, 1, 1), release_date_precision = 1
    WHERE release_year IS NOT NULL;
UPDATE catalogue_album SET release_date = make_date(release_year, 1, 1), release_date_precision = 1
    WHERE release_year IS NOT NULL;
UPDATE catalogue_chartentry SET entry_date = make_date(entry_year, 1, 1), entry_date_precision = 1
    WHERE entry_date IS NULL;
"""
# Back to years: an entry date known only to the year or month is no exact day.
DATES_TO_YEARS = """
UPDATE catalogue_song SET release_year = EXTRACT(year FROM release_date);
UPDATE catalogue_album SET release_year = EXTRACT(year FROM release_date);
UPDATE catalogue_chartentry SET entry_year = EXTRACT(year FROM entry_date);
UPDATE catalogue_chartentry SET entry_date = NULL WHERE entry_date_precision <> 3;
UPDATE catalogue_chartentry SET peak_date = NULL WHERE peak_date_precision <> 3;
"""


def precision():
    return models.PositiveSmallIntegerField(choices=PRECISION_CHOICES, default=3, editable=False)


def mbid(label, entity, **kwargs):
    return catalogue.identifiers.MusicBrainzIdField(
        label, blank=True, null=True, entity=entity, help_text=MBID_HELP, **kwargs
    )


def wikidata():
    return catalogue.identifiers.NormalizedCharField(
        "Wikidata item",
        blank=True,
        max_length=20,
        normalizer=catalogue.identifiers.normalize_wikidata,
        help_text=WIKIDATA_HELP,
    )


def unique_unless_empty(model, field):
    return models.UniqueConstraint(
        condition=models.Q(("%s" % field, ""), _negated=True),
        fields=(field,),
        name=f"catalogue_{model}_unique_{field}",
        violation_error_message="Another entry already has this identifier.",
    )


def year_of(date_field, null=True):
    return models.GeneratedField(
        db_persist=True,
        expression=django.db.models.functions.datetime.ExtractYear(date_field),
        output_field=models.PositiveSmallIntegerField(null=null, blank=null),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0007_drop_simple_history"),
    ]

    operations = [
        # Identifiers.
        migrations.AddField("artist", "musicbrainz_id", mbid("MusicBrainz artist", "artist", unique=True)),
        migrations.AddField("artist", "wikidata_id", wikidata()),
        migrations.AddField("person", "musicbrainz_id", mbid("MusicBrainz artist", "artist", unique=True)),
        migrations.AddField("person", "wikidata_id", wikidata()),
        migrations.AddField(
            "album",
            "musicbrainz_release_group_id",
            mbid("MusicBrainz release group", "release-group", unique=True),
        ),
        migrations.AddField("album", "wikidata_id", wikidata()),
        migrations.AddField(
            "song", "musicbrainz_recording_id", mbid("MusicBrainz recording", "recording", unique=True)
        ),
        migrations.AddField(
            "song",
            "musicbrainz_work_id",
            catalogue.identifiers.MusicBrainzIdField(
                "MusicBrainz work",
                blank=True,
                null=True,
                entity="work",
                help_text="The song as written (its covers share it), by id or musicbrainz.org link.",
            ),
        ),
        migrations.AddField(
            "song",
            "iswc",
            catalogue.identifiers.NormalizedCharField(
                "ISWC",
                blank=True,
                max_length=15,
                normalizer=catalogue.identifiers.normalize_iswc,
                help_text="The work's ISWC, such as T-034.524.680-1 (its check digit is checked).",
            ),
        ),
        migrations.AddField("song", "wikidata_id", wikidata()),
        migrations.AddConstraint("artist", unique_unless_empty("artist", "wikidata_id")),
        migrations.AddConstraint("person", unique_unless_empty("person", "wikidata_id")),
        migrations.AddConstraint("album", unique_unless_empty("album", "wikidata_id")),
        migrations.AddConstraint("song", unique_unless_empty("song", "wikidata_id")),
        migrations.CreateModel(
            name="Isrc",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "code",
                    catalogue.identifiers.NormalizedCharField(
                        "ISRC",
                        error_messages={"unique": "Another song already has this ISRC."},
                        help_text="Such as GB-AHS-14-00099 (hyphens optional).",
                        max_length=12,
                        normalizer=catalogue.identifiers.normalize_isrc,
                        unique=True,
                    ),
                ),
                (
                    "song",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="isrcs",
                        to="catalogue.song",
                    ),
                ),
            ],
            options={"verbose_name": "ISRC", "ordering": ["code"]},
        ),
        # Dates as precise as they are known, beside the years they replace. The entry year
        # may be empty meanwhile, so that going back can add it again before filling it.
        migrations.AlterField(
            "chartentry", "entry_year", models.PositiveSmallIntegerField(null=True)
        ),
        migrations.AddField(
            "artist",
            "begin_date",
            models.DateField(
                "born or formed",
                blank=True,
                null=True,
                help_text="When the artist was born, or the band formed, as far as it is known.",
            ),
        ),
        migrations.AddField("artist", "begin_date_precision", precision()),
        migrations.AddField(
            "person",
            "birth_date",
            models.DateField(
                "born", blank=True, null=True, help_text="As far as it is known: a year, month or day."
            ),
        ),
        migrations.AddField("person", "birth_date_precision", precision()),
        migrations.AddField("song", "release_date", models.DateField(blank=True, null=True)),
        migrations.AddField("song", "release_date_precision", precision()),
        migrations.AddField("album", "release_date", models.DateField(blank=True, null=True)),
        migrations.AddField("album", "release_date_precision", precision()),
        migrations.AddField("chartentry", "entry_date_precision", precision()),
        migrations.AddField("chartentry", "peak_date_precision", precision()),
        migrations.RunSQL(YEARS_TO_DATES, DATES_TO_YEARS),
        # The years, generated from the dates from now on.
        migrations.RemoveConstraint("song", "catalogue_song_release_year_plausible"),
        migrations.RemoveConstraint("chartentry", "catalogue_chartentry_entry_year_plausible"),
        migrations.RemoveIndex("song", "catalogue_song_status_year"),
        migrations.AlterModelOptions(
            name="album", options={"ordering": ["release_date", "release_date_precision", "title"]}
        ),
        migrations.AlterModelOptions(
            name="chartentry",
            options={
                "ordering": ["chart__position", "chart__name", "entry_date", "entry_date_precision"],
                "verbose_name_plural": "chart entries",
            },
        ),
        migrations.AlterModelOptions(
            name="version",
            options={"ordering": ["version__release_date", "version__release_date_precision", "id"]},
        ),
        migrations.RemoveField("song", "release_year"),
        migrations.RemoveField("album", "release_year"),
        migrations.RemoveField("chartentry", "entry_year"),
        migrations.AddField("song", "release_year", year_of("release_date")),
        migrations.AddField("album", "release_year", year_of("release_date")),
        migrations.AlterField(
            "chartentry",
            "entry_date",
            models.DateField(
                "entered",
                help_text="When it entered the chart (or was eligible, when it did not chart).",
            ),
        ),
        migrations.AddField("chartentry", "entry_year", year_of("entry_date", null=False)),
        migrations.AlterField(
            "chartentry", "peak_date", models.DateField("peaked", blank=True, null=True)
        ),
        migrations.AddIndex(
            "song", models.Index(fields=["status", "release_year"], name="catalogue_song_status_year")
        ),
        migrations.AddConstraint(
            "song",
            models.CheckConstraint(
                condition=models.Q(("release_date__isnull", True), ("release_date__gte", datetime.date(1000, 1, 1)), _connector="OR"),
                name="catalogue_song_release_date_plausible",
                violation_error_message="Give the release year with four digits.",
            ),
        ),
        migrations.AddConstraint(
            "chartentry",
            models.CheckConstraint(
                condition=models.Q(("entry_date__gte", datetime.date(1900, 1, 1)), ("entry_date__lt", datetime.date(2201, 1, 1))),
                name="catalogue_chartentry_entry_date_plausible",
                violation_error_message="Give the entry year with four digits.",
            ),
        ),
    ]
