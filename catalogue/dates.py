"""Dates as precise as they are known: a year, a month or a day.

A model keeps such a date in two columns: a DateField holding the first day of the known
period (1977 is 1977-01-01, September 1977 is 1977-09-01) and `<name>_precision`, a
Precision. Ordering by the date column (then the precision) sorts them as a reader expects: a
song of 1977 whose month is unknown before those of 1977 known to the month or day.
`known_date("<name>")` on the model gives the pair as one PartialDate, which prints as known:
"1977", "September 1977", "23 September 1977". Editors type "1977", "1977-09" or
"1977-09-23" (PartialDateField, PartialDatesForm).
"""

import datetime
import re
from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as format_date

EARLIEST_YEAR = 1000
_TYPED = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?$")


class Precision(models.IntegerChoices):
    # Numbered from the least precise, so that sorting on (date, precision) puts a year alone
    # before the days in it.
    YEAR = 1, "Year"
    MONTH = 2, "Month"
    DAY = 3, "Day"


class PartialDate(NamedTuple):
    date: datetime.date
    precision: int

    @classmethod
    def of_year(cls, year):
        return cls(datetime.date(year, 1, 1), Precision.YEAR)

    @property
    def year(self):
        return self.date.year

    def iso(self):
        """As an editor types it and schema.org's Date reads it: 1977, 1977-09, 1977-09-23."""
        if self.precision == Precision.YEAR:
            return f"{self.date.year:04d}"
        if self.precision == Precision.MONTH:
            return f"{self.date.year:04d}-{self.date.month:02d}"
        return self.date.isoformat()

    def __str__(self):
        if self.precision == Precision.YEAR:
            return str(self.date.year)
        if self.precision == Precision.MONTH:
            return format_date(self.date, "F Y")
        return format_date(self.date, "j F Y")


def first_day(date, precision):
    """The first day of the period of `precision` that `date` falls in."""
    if precision == Precision.YEAR:
        return date.replace(month=1, day=1)
    if precision == Precision.MONTH:
        return date.replace(day=1)
    return date


def parse(text, *, latest_year=None):
    """The PartialDate typed as "1977", "1977-09" or "1977-09-23", or ValidationError.

    A year after `latest_year` (by default next year: a release may be announced ahead) is
    refused as a slip, as is one before 1000.
    """
    match = _TYPED.match(text.strip())
    if not match:
        raise ValidationError(
            "Give a year (1977), a month (1977-09) or a day (1977-09-23).", code="invalid"
        )
    year = int(match["year"])
    latest_year = timezone.localdate().year + 1 if latest_year is None else latest_year
    if not EARLIEST_YEAR <= year <= latest_year:
        raise ValidationError(
            f"Give a year from {EARLIEST_YEAR} to {latest_year}.", code="out_of_range"
        )
    if match["month"] is None:
        return PartialDate.of_year(year)
    month = int(match["month"])
    if not 1 <= month <= 12:
        raise ValidationError("A month is 01 to 12.", code="invalid_month")
    if match["day"] is None:
        return PartialDate(datetime.date(year, month, 1), Precision.MONTH)
    try:
        return PartialDate(datetime.date(year, month, int(match["day"])), Precision.DAY)
    except ValueError:
        raise ValidationError("That month has no such day.", code="invalid_day") from None


class PartialDateField(forms.CharField):
    """A form field for a date known to the year, month or day; cleans to a PartialDate."""

    def __init__(self, *, latest_year=None, **kwargs):
        self.latest_year = latest_year
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("help_text", "A year (1977), a month (1977-09) or a day (1977-09-23).")
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value.iso() if isinstance(value, PartialDate) else value

    def to_python(self, value):
        if isinstance(value, PartialDate):
            return value
        value = super().to_python(value)
        return parse(value, latest_year=self.latest_year) if value else None


def known_date(name):
    """A model property: the PartialDate of the columns `<name>` and `<name>_precision`, or
    None when the date is unknown. Setting it (a PartialDate or None) sets both columns; as a
    property, it may be given to the model's constructor, `Song(released=...)`."""
    precision_name = f"{name}_precision"

    def get(instance):
        date = getattr(instance, name)
        return None if date is None else PartialDate(date, getattr(instance, precision_name))

    def set_(instance, value):
        if value is None:
            setattr(instance, name, None)
            setattr(instance, precision_name, Precision.DAY)
            return
        setattr(instance, name, first_day(value.date, value.precision))
        setattr(instance, precision_name, value.precision)

    return property(get, set_)


def precision_field():
    """The `<name>_precision` column beside a partial date's DateField. A date given without
    a precision is a day, as a DateField's would be; a year or month alone says so."""
    return models.PositiveSmallIntegerField(
        choices=Precision, default=Precision.DAY, editable=False
    )


def set_year_of_new_row(instance, date_name, year_name):
    """Fill a new row's date from the year alone when it was made with a year and no date
    (as scripts and tests write `Song(release_year=1977)`), then the year from the date.

    The year is the database's (a generated column); setting it here keeps the instance's
    own copy true after an update too, which Django does not read back.
    """
    if instance._state.adding and getattr(instance, date_name) is None:
        # Read from the instance's own values: Django refuses to read an unsaved row's
        # generated column, which was set only when the row was made with it.
        year = instance.__dict__.get(year_name)
        if year is not None:
            setattr(instance, date_name, datetime.date(year, 1, 1))
            setattr(instance, f"{date_name}_precision", Precision.YEAR)
    # As DateField would read a date given as text ("1977-09-23").
    date = instance._meta.get_field(date_name).to_python(getattr(instance, date_name))
    setattr(instance, date_name, date)
    setattr(instance, year_name, date.year if date else None)


class PartialDatesForm(forms.ModelForm):
    """A ModelForm whose partial dates (the names in `partial_dates`) are typed as text and
    whose precision columns follow what was typed."""

    partial_dates = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.partial_dates:
            if name not in self.fields:
                continue
            current = self.fields[name]
            self.fields[name] = PartialDateField(
                required=current.required, label=current.label, help_text=current.help_text
            )
            date = getattr(self.instance, name)
            if date is not None and self.initial.get(name) == date:
                self.initial[name] = PartialDate(date, getattr(self.instance, f"{name}_precision"))

    def clean(self):
        cleaned_data = super().clean()
        for name in self.partial_dates:
            value = cleaned_data.get(name)
            if isinstance(value, PartialDate):
                cleaned_data[name] = value.date
                setattr(self.instance, f"{name}_precision", value.precision)
        return cleaned_data
