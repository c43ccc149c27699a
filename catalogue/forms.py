"""Admin forms for the catalogue."""

from django import forms
from django.core.exceptions import ValidationError

from catalogue.models import Fact


class FactInlineForm(forms.ModelForm):
    class Meta:
        model = Fact
        fields = [
            "position",
            "status",
            "standing",
            "body",
            "suggested_by_name",
            "suggested_by_place",
        ]

    def _get_validation_exclusions(self):
        # Checked alone, a form compares its new position with the other facts' old positions
        # in the database and refuses a swap; FactInlineFormSet checks all positions at once.
        return super()._get_validation_exclusions() | {"position"}


class FactInlineFormSet(forms.BaseInlineFormSet):
    """The facts of one song, reorderable in one save (the position constraint is deferred)."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if form in self.deleted_forms:
                continue
            position = form.cleaned_data.get("position")
            if position is None:
                continue
            if position in seen:
                raise ValidationError(_position_clash_message(), code="unique")
            seen.add(position)


def _position_clash_message():
    """The message of the database constraint, so that both say the same."""
    constraint = next(
        c for c in Fact._meta.constraints if c.name == "catalogue_fact_one_position_per_song"
    )
    return constraint.violation_error_message
