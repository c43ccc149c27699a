"""The database and the models refuse bad catalogue data with a message editors understand."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from catalogue.models import Chart, ChartEntry, Fact, Song, Version
from tests.conftest import make_artist, make_song

pytestmark = pytest.mark.django_db


def assert_refused(instance, message):
    """full_clean() names the problem, and the database refuses the row on its own."""
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    assert message in error.value.messages
    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()
        # Deferred constraints are checked at commit; check them now.
        connection.check_constraints()


def test_it_refuses_a_second_song_with_the_same_slug_for_an_artist():
    song = make_song(slug="heroes")
    twin = Song(title="Heroes again", slug="heroes", artist=song.artist)
    assert_refused(twin, "This artist already has a song with this slug.")


def test_it_allows_the_same_song_slug_for_another_artist():
    make_song(slug="heroes")
    other = Song(title="Heroes", slug="heroes", artist=make_artist())
    other.full_clean()
    other.save()


def test_it_refuses_a_chart_peak_of_zero():
    chart = Chart.objects.create(name="UK Singles Chart", slug="uk-singles-chart")
    entry = ChartEntry(song=make_song(), chart=chart, peak_position=0, entry_year=1977)
    assert_refused(entry, "A chart peak is position 1 or lower down.")


def test_it_refuses_two_facts_at_one_position_of_a_song():
    song = make_song()
    Fact.objects.create(song=song, position=10, body="First.")
    clash = Fact(song=song, position=10, body="Second.")
    assert_refused(clash, "Two facts of this song have the same position.")


def test_it_refuses_a_song_as_a_version_of_itself():
    song = make_song()
    version = Version(original=song, version=song, kind=Version.Kind.COVER)
    assert_refused(version, "A song cannot be a version of itself.")


def test_it_refuses_a_suggestion_credit_with_a_place_but_no_name():
    fact = Fact(song=make_song(), position=10, body="A story.", suggested_by_place="Iceland")
    assert_refused(fact, "A suggestion credit needs a name as well as a place.")
