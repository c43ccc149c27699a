"""The two forms of "Fill from MusicBrainz": what to look up, and what to take."""

from django import forms
from django.core.exceptions import ValidationError

from catalogue import identifiers
from musicbrainz.apply import isrc_items, items

KINDS = {"recording": "A recording (one performance)", "work": "A work (the song as written)"}


class LookupForm(forms.Form):
    source = forms.CharField(
        label="MusicBrainz link or id",
        max_length=300,
        help_text=(
            "A recording's or a work's musicbrainz.org link, such as "
            "https://musicbrainz.org/recording/cb2cc207-8125-445c-9ef9-6ea44eee959a, "
            "or its id."
        ),
        widget=forms.TextInput(attrs={"class": "vTextField", "autofocus": True}),
    )
    kind = forms.ChoiceField(
        label="An id alone is",
        choices=KINDS.items(),
        initial="recording",
        widget=forms.RadioSelect,
    )

    def clean(self):
        cleaned_data = super().clean()
        source, kind = cleaned_data.get("source"), cleaned_data.get("kind")
        if not source or not kind:
            return cleaned_data
        linked = identifiers.linked_entity(source)
        if linked is not None and linked not in KINDS:
            name = identifiers.MUSICBRAINZ_ENTITIES.get(linked, linked)
            raise ValidationError(
                {"source": f"This is a link to a MusicBrainz {name}: paste a recording or a work."}
            )
        entity = linked or kind
        try:
            cleaned_data["mbid"] = identifiers.normalize_mbid(source, entity)
        except ValidationError as error:
            raise ValidationError({"source": error.messages}) from None
        cleaned_data["entity"] = entity
        return cleaned_data


class PreviewForm(forms.Form):
    """A box per item, ISRC and credit of a Proposal; a credit to someone the catalogue may
    already have by name asks who it is."""

    entity = forms.CharField(widget=forms.HiddenInput)
    mbid = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, proposal, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        self.initial.update(entity=proposal.entity, mbid=proposal.mbid)
        self.items = items(proposal)
        for item in self.items:
            self.fields[f"take_{item.key}"] = forms.BooleanField(
                required=False, initial=not item.replaces and not item.blocked, label=item.label
            )
            self.fields[f"seen_{item.key}"] = forms.CharField(
                required=False, initial=item.current, widget=forms.HiddenInput
            )
        self.isrcs = isrc_items(proposal)
        for shown, code, owner in self.isrcs:
            self.fields[f"isrc_{code}"] = forms.BooleanField(
                required=False, initial=owner is None, label=shown
            )
        self.credits = [credit for credit in proposal.credits if not credit.existing]
        for credit in self.credits:
            self.fields[f"credit_{credit.key}"] = forms.BooleanField(
                required=False, initial=True, label=f"{credit.person.name}: {credit.role_name}"
            )
            person = credit.person
            if person.match is None and person.candidates:
                choices = [
                    (str(candidate.pk), f"{candidate.name} (/{candidate.slug}/), already here")
                    for candidate in person.candidates
                ]
                self.fields[f"person_{credit.key}"] = forms.ChoiceField(
                    required=False,
                    choices=[*choices, ("new", "Someone else: add a new person")],
                    widget=forms.RadioSelect,
                    label=f"Who is {person.name}?",
                )

    def rows(self):
        """(item, its box, its seen field) for the template."""
        return [(item, self[f"take_{item.key}"], self[f"seen_{item.key}"]) for item in self.items]

    def isrc_rows(self):
        return [(shown, owner, self[f"isrc_{code}"]) for shown, code, owner in self.isrcs]

    def credit_rows(self):
        return [
            (
                credit,
                self[f"credit_{credit.key}"],
                self[f"person_{credit.key}"] if f"person_{credit.key}" in self.fields else None,
            )
            for credit in self.credits
        ]

    def clean(self):
        cleaned_data = super().clean()
        for credit in self.credits:
            if not cleaned_data.get(f"credit_{credit.key}"):
                continue
            field = f"person_{credit.key}"
            if field in self.fields and not cleaned_data.get(field):
                self.add_error(
                    field,
                    f"The catalogue has someone called {credit.person.name}: say whether it is "
                    "them or someone else.",
                )
        return cleaned_data

    def selection(self):
        """What apply() takes, from the cleaned form."""
        data = self.cleaned_data
        people = {}
        for credit in self.credits:
            if not data.get(f"credit_{credit.key}"):
                continue
            if credit.person.match is not None:
                people[credit.key] = "match"
            else:
                people[credit.key] = data.get(f"person_{credit.key}") or "new"
        return {
            "fields": [item.key for item in self.items if data.get(f"take_{item.key}")],
            "seen": {item.key: data.get(f"seen_{item.key}", "") for item in self.items},
            "isrcs": [code for _, code, _ in self.isrcs if data.get(f"isrc_{code}")],
            "people": people,
        }
