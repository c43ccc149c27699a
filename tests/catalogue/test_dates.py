"""Dates as precise as they are known: typed, stored, shown and sorted."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from catalogue import dates
from catalogue.dates import PartialDate, Precision
from catalogue.models import Chart, ChartEntry, Song
from tests.conftest import make_song

D = datetime.date


@pytest.mark.parametrize(
    "typed, date, precision",
    [
        ("1977", D(1977, 1, 1), Precision.YEAR),
        ("1977-09", D(1977, 9, 1), Precision.MONTH),
        ("1977-9", D(1977, 9, 1), Precision.MONTH),
        ("1977-09-23", D(1977, 9, 23), Precision.DAY),
        (" 1977-09-23 ", D(1977, 9, 23), Precision.DAY),
        ("2000-02-29", D(2000, 2, 29), Precision.DAY),
    ],
)
def test_it_reads_a_year_a_month_or_a_day(typed, date, precision):
    assert dates.parse(typed) == PartialDate(date, precision)


@pytest.mark.parametrize(
    "typed, code",
    [
        ("1977-13", "invalid_month"),
        ("1977-00", "invalid_month"),
        ("1977-02-30", "invalid_day"),
        ("1900-02-29", "invalid_day"),
        ("0000", "out_of_range"),
        ("0999", "out_of_range"),
        ("9999", "out_of_range"),
        ("77", "invalid"),
        ("September 1977", "invalid"),
        ("1977/09/23", "invalid"),
        ("1977-09-23T10:00", "invalid"),
        ("", "invalid"),
    ],
)
def test_it_refuses_what_is_no_date_with_a_reason(typed, code):
    with pytest.raises(ValidationError) as error:
        dates.parse(typed)
    assert error.value.code == code


def test_next_year_is_allowed_for_an_announced_release_but_not_later():
    assert dates.parse("2031", latest_year=2031).year == 2031
    with pytest.raises(ValidationError):
        dates.parse("2032", latest_year=2031)


@pytest.mark.parametrize(
    "date, precision, shown, iso",
    [
        (D(1977, 1, 1), Precision.YEAR, "1977", "1977"),
        (D(1977, 9, 1), Precision.MONTH, "September 1977", "1977-09"),
        (D(1977, 9, 23), Precision.DAY, "23 September 1977", "1977-09-23"),
        (D(1977, 9, 3), Precision.DAY, "3 September 1977", "1977-09-03"),
    ],
)
def test_it_shows_a_date_as_far_as_it_is_known(date, precision, shown, iso):
    assert str(PartialDate(date, precision)) == shown
    assert PartialDate(date, precision).iso() == iso


def test_it_stores_the_first_day_of_the_known_period():
    assert dates.first_day(D(1977, 9, 23), Precision.YEAR) == D(1977, 1, 1)
    assert dates.first_day(D(1977, 9, 23), Precision.MONTH) == D(1977, 9, 1)
    assert dates.first_day(D(1977, 9, 23), Precision.DAY) == D(1977, 9, 23)


def test_a_year_alone_sorts_before_the_months_and_days_in_it():
    known = [
        PartialDate(D(1977, 9, 23), Precision.DAY),
        PartialDate(D(1978, 1, 1), Precision.YEAR),
        PartialDate(D(1977, 1, 1), Precision.DAY),
        PartialDate(D(1977, 9, 1), Precision.MONTH),
        PartialDate(D(1977, 1, 1), Precision.YEAR),
    ]
    assert [str(date) for date in sorted(known)] == [
        "1977",
        "1 January 1977",
        "September 1977",
        "23 September 1977",
        "1978",
    ]


def test_the_form_field_cleans_to_a_partial_date_and_shows_it_as_typed():
    field = dates.PartialDateField(required=False)
    assert field.clean("1977-09") == PartialDate(D(1977, 9, 1), Precision.MONTH)
    assert field.clean("") is None
    assert field.prepare_value(PartialDate(D(1977, 9, 1), Precision.MONTH)) == "1977-09"
    with pytest.raises(ValidationError) as error:
        field.clean("1977-13")
    assert error.value.messages == ["A month is 01 to 12."]


# ---- On the models ----


@pytest.mark.django_db
def test_a_row_made_with_a_year_alone_gets_that_years_date():

    song = make_song(release_year=1977)
    assert song.released == PartialDate.of_year(1977)
    assert Song.objects.values_list("release_year", flat=True).get(pk=song.pk) == 1977


@pytest.mark.django_db
def test_the_year_follows_the_date_on_the_row_and_the_instance():

    song = make_song(released=PartialDate(D(1977, 9, 23), Precision.DAY))
    song.released = dates.parse("1978-02")
    song.save()
    # Django does not read a generated column back after an update; the model sets it.
    assert song.release_year == 1978
    assert Song.objects.get(pk=song.pk).released == PartialDate(D(1978, 2, 1), Precision.MONTH)
    song.released = None
    song.save()
    assert Song.objects.values_list("release_year", flat=True).get(pk=song.pk) is None


@pytest.mark.django_db
def test_songs_of_a_year_whose_month_is_unknown_sort_first():

    for title, typed in [("Day", "1977-09-23"), ("Year", "1977"), ("Month", "1977-09")]:
        make_song(title=title, released=dates.parse(typed))
    ordered = Song.objects.order_by("release_date", "release_date_precision", "title")
    assert [song.title for song in ordered] == ["Year", "Month", "Day"]


@pytest.mark.django_db
def test_a_peak_is_compared_with_the_entry_as_far_as_both_are_known():

    chart = Chart.objects.create(name="UK", slug="uk")
    entry = ChartEntry(
        song=make_song(),
        chart=chart,
        peak_position=1,
        entered=dates.parse("1977-09-23"),
        peaked=dates.parse("1977-09"),
    )
    entry.full_clean()
    entry.peaked = dates.parse("1977-08-30")
    with pytest.raises(ValidationError, match="The peak cannot come before the entry."):
        entry.full_clean()
