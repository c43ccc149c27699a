"""Identifiers that link the catalogue to the rest of the music world.

Each kind has a normalizer that turns what an editor pastes (an id, or a link to the entry)
into the form stored, or raises ValidationError saying what is wrong, and a way back to a
link or the form shown:

- MusicBrainz ids (MBIDs): UUIDs, stored lower-case, e.g. for an artist
  https://musicbrainz.org/artist/<mbid>; a link to another kind of entry is refused.
- ISRC (ISO 3901), a recording: CC-XXX-YY-NNNNN, stored as 12 upper-case characters.
- ISWC (ISO 15707), a musical work: T-DDD.DDD.DDD-C, with its check digit.
- Wikidata items: Q and digits.
"""

import re
import uuid
from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

MUSICBRAINZ_SITE = "https://musicbrainz.org"
WIKIDATA_SITE = "https://www.wikidata.org"

MUSICBRAINZ_ENTITIES = {
    "artist": "artist",
    "work": "work",
    "recording": "recording",
    "release-group": "release group",
    "release": "release",
}

_UUID = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
_MUSICBRAINZ_URL = re.compile(
    rf"^(?:https?://)?(?:[a-z]+\.)?musicbrainz\.org/(?P<entity>[a-z-]+)/(?P<mbid>{_UUID})"
    r"(?:[/?#].*)?$",
    re.IGNORECASE,
)
_ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{2}[0-9]{5}$")
_ISWC_DIGITS = re.compile(r"^T(?P<digits>[0-9]{9})(?P<check>[0-9])$")
_WIKIDATA_URL = re.compile(
    r"^(?:https?://)?(?:www\.|m\.)?wikidata\.org/(?:wiki|entity)/(?P<item>Q[0-9]+)/?$",
    re.IGNORECASE,
)
_WIKIDATA_ITEM = re.compile(r"^Q[1-9][0-9]*$")


def musicbrainz_url(entity, mbid):
    return f"{MUSICBRAINZ_SITE}/{entity}/{mbid}"


def wikidata_url(item):
    return f"{WIKIDATA_SITE}/wiki/{item}"


def linked_entity(value):
    """The kind of entry ("recording", "artist", ...) a musicbrainz.org link is to, or None
    for something that is no such link."""
    link = _MUSICBRAINZ_URL.match(value.strip())
    return link["entity"].lower() if link else None


def normalize_mbid(value, entity):
    """The MBID in `value` (an id, or a musicbrainz.org link to an `entity`), lower-case with
    its hyphens."""
    text = value.strip()
    name = MUSICBRAINZ_ENTITIES[entity]
    link = _MUSICBRAINZ_URL.match(text)
    if link:
        linked = link["entity"].lower()
        if linked != entity:
            linked_name = MUSICBRAINZ_ENTITIES.get(linked, linked)
            raise ValidationError(
                f"This link is to a MusicBrainz {linked_name}; give the {name}'s link or id.",
                code="wrong_entity",
            )
        text = link["mbid"]
    if not re.fullmatch(_UUID, text):
        raise ValidationError(
            f"Give a MusicBrainz {name} id (such as "
            f"b8a7c51f-362c-4dcb-a259-bc6e0095f0a6) or its musicbrainz.org link.",
            code="invalid",
        )
    return str(uuid.UUID(text))


def normalize_isrc(value):
    """An ISRC as stored: "GB-AHS-14-00099" or "gbahs1400099" -> "GBAHS1400099"."""
    code = re.sub(r"[\s-]", "", value).upper()
    if not _ISRC.match(code):
        raise ValidationError(
            "An ISRC is a country code, a registrant code, a year and a number, "
            "such as GB-AHS-14-00099.",
            code="invalid",
        )
    return code


def format_isrc(code):
    """An ISRC as shown: CC-XXX-YY-NNNNN."""
    return f"{code[:2]}-{code[2:5]}-{code[5:7]}-{code[7:]}" if len(code) == 12 else code


def iswc_check_digit(digits):
    """The check digit of the nine digits of an ISWC (ISO 15707): 1 plus each digit times its
    place (1 to 9), and the digit that takes that sum to the next multiple of ten."""
    total = 1 + sum(int(digit) * place for place, digit in enumerate(digits, start=1))
    return (10 - total % 10) % 10


def normalize_iswc(value):
    """An ISWC as stored: "T-034.524.680-1", "T0345246801" -> "T-034.524.680-1"."""
    compact = re.sub(r"[\s.\-]", "", value).upper()
    match = _ISWC_DIGITS.match(compact)
    if not match:
        raise ValidationError(
            "An ISWC is T, nine digits and a check digit, such as T-034.524.680-1.",
            code="invalid",
        )
    digits = match["digits"]
    if iswc_check_digit(digits) != int(match["check"]):
        raise ValidationError(
            "This ISWC's check digit does not match its digits: check it for a typing slip.",
            code="check_digit",
        )
    return f"T-{digits[:3]}.{digits[3:6]}.{digits[6:]}-{match['check']}"


def normalize_wikidata(value):
    """A Wikidata item as stored: "q17332468" or its wikidata.org link -> "Q17332468"."""
    text = value.strip()
    link = _WIKIDATA_URL.match(text)
    if link:
        text = link["item"]
    text = text.upper()
    if not _WIKIDATA_ITEM.match(text):
        raise ValidationError(
            "Give a Wikidata item, Q and its number (such as Q17332468), or its wikidata.org link.",
            code="invalid",
        )
    return text


class MusicBrainzIdFormField(forms.CharField):
    """Takes an MBID or a musicbrainz.org link to an `entity`; cleans to a UUID, or None."""

    def __init__(self, *, entity, **kwargs):
        self.entity = entity
        # No max_length: its validator would measure the cleaned UUID; a pasted text too
        # long for an id or a link is refused by normalize_mbid anyway.
        kwargs.pop("max_length", None)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return uuid.UUID(normalize_mbid(value, self.entity)) if value else None


class MusicBrainzIdField(models.UUIDField):
    """A MusicBrainz id of one kind of entry (`entity`), typed or pasted as its id or link.

    Empty is NULL, so that a unique column lets any number of rows have none.
    """

    def __init__(self, *args, entity, **kwargs):
        self.entity = entity
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["entity"] = self.entity
        return name, path, args, kwargs

    def to_python(self, value):
        if isinstance(value, str):
            return uuid.UUID(normalize_mbid(value, self.entity)) if value.strip() else None
        return super().to_python(value)

    def formfield(self, **kwargs):
        # Wide enough for a pasted link, where the admin's UUID widget is not.
        kwargs["widget"] = forms.TextInput(attrs={"class": "vTextField"})
        return super().formfield(
            **{"form_class": MusicBrainzIdFormField, "entity": self.entity, **kwargs}
        )


class NormalizedCharField(models.CharField):
    """A text identifier kept in one canonical form: `normalizer` turns what is typed into it
    or raises ValidationError. Empty stays "" (unique constraints leave "" out)."""

    def __init__(self, *args, normalizer, **kwargs):
        self.normalizer = normalizer
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["normalizer"] = self.normalizer
        return name, path, args, kwargs

    def to_python(self, value):
        value = super().to_python(value)
        return self.normalizer(value) if value else value

    def formfield(self, **kwargs):
        # What is typed may be longer than what is stored: a link, hyphens, spaces.
        return super().formfield(**{"max_length": 200, **kwargs})


# What a page shows of an entry's identifiers: (field, the MusicBrainz entity it links to).
_MUSICBRAINZ_FIELDS = [
    ("musicbrainz_id", "artist", "MusicBrainz"),
    ("musicbrainz_release_group_id", "release-group", "MusicBrainz"),
    ("musicbrainz_recording_id", "recording", "MusicBrainz recording"),
    ("musicbrainz_work_id", "work", "MusicBrainz work"),
]


class Shown(NamedTuple):
    label: str
    text: str
    url: str


def shown(entry, isrcs=()):
    """The identifiers of an artist, album, person or song as its page lists them: links to
    MusicBrainz and Wikidata, and the song's ISWC and ISRCs (`isrcs`, Isrc rows) as text."""
    rows = []
    for name, entity, label in _MUSICBRAINZ_FIELDS:
        mbid = getattr(entry, name, None)
        if mbid:
            rows.append(Shown(label, str(mbid), musicbrainz_url(entity, mbid)))
    if getattr(entry, "wikidata_id", ""):
        rows.append(Shown("Wikidata", entry.wikidata_id, wikidata_url(entry.wikidata_id)))
    if getattr(entry, "iswc", ""):
        rows.append(Shown("ISWC", entry.iswc, ""))
    rows.extend(Shown("ISRC", format_isrc(isrc.code), "") for isrc in isrcs)
    return rows


def same_as(entry):
    """The entry's pages elsewhere, for schema.org's sameAs."""
    return [row.url for row in shown(entry) if row.url]
