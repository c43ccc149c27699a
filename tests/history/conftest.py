"""A song with one of each part, and a way to save rows in one revision as the admin does."""

import datetime

import pytest
import reversion
from reversion.models import Version as Revised

from catalogue.models import (
    Appearance,
    Certification,
    Chart,
    ChartEntry,
    Credit,
    Fact,
    Isrc,
    Person,
    Role,
    Source,
    Status,
    Version,
)
from tests.conftest import make_song


def revised(*rows, user=None, comment=""):
    """Save the rows in one revision, as one save in the admin does; returns the revision."""
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        for row in rows:
            row.save()
    return Revised.objects.get_for_object(rows[0]).order_by("-pk").first().revision


def song_version(song, revision):
    return Revised.objects.get_for_object(song).get(revision=revision)


@pytest.fixture
def whole_song(published_song):
    """Heroes with two facts (the second with a source), a credit, a chart run, a
    certification, a cover, a film and a tag, and a first revision holding all of it."""
    song = published_song
    song.tags.add("Songs about Berlin")
    Fact.objects.create(song=song, position=1, body="Written in Berlin.", status=Status.PUBLISHED)
    second = Fact.objects.create(
        song=song, position=2, body="Recorded by the Wall.", status=Status.PUBLISHED
    )
    Source.objects.create(fact=second, citation="Uncut, 2008")
    person = Person.objects.create(name="Brian Eno", sort_name="Eno, Brian", slug="brian-eno")
    role = Role.objects.create(name="Synthesizer", slug="synthesizer")
    Credit.objects.create(song=song, person=person, role=role)
    chart = Chart.objects.create(name="UK Singles Chart", slug="uk")
    ChartEntry.objects.create(
        song=song, chart=chart, peak_position=24, entry_date=datetime.date(1977, 10, 1)
    )
    Certification.objects.create(song=song, body="BPI", level="Platinum")
    Isrc.objects.create(song=song, code="GBAHS7700001")
    cover = make_song(title="Helden", slug="helden")
    Version.objects.create(original=song, version=cover, kind=Version.Kind.LANGUAGE)
    Appearance.objects.create(song=song, medium=Appearance.Medium.FILM, title="Christiane F")
    song.first_revision = revised(song, comment="First.")
    return song
