"""Merging duplicates: a person or an artist entered twice becomes one row.

Each merge is one transaction. The kept row keeps everything it has and takes from the
duplicate what it lacks (identifiers such as a MusicBrainz or Wikidata id, a bio, dates);
what pointed at the duplicate points at the kept row; then the duplicate is deleted. The
moves are model saves, so the page cache, the search index and the API's change feed hear
of each; the feed also says the duplicate was `merged` into the kept row (api.changes), so
that a mirror can forget it and follow its links to the row kept.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from api.changes import public_ids, record_merge
from catalogue.models import Artist, ArtistSlugRedirect, Credit, Person, SongSlugRedirect


def _is_empty(value):
    return value is None or value == ""


def _take_what_is_missing(kept, duplicate):
    """Copy onto `kept` the duplicate's values of the fields it leaves empty (with a date's
    precision, which follows its date), clearing them on the duplicate first: identifiers
    are unique. Returns the names of the fields taken."""
    fields = {field.name: field for field in kept._meta.concrete_fields}
    taken = []
    for name, model_field in fields.items():
        if (
            model_field.primary_key
            or model_field.generated
            or not model_field.editable
            or model_field.is_relation
            or not (model_field.blank or model_field.null)
        ):
            continue
        if _is_empty(getattr(kept, model_field.attname)) and not _is_empty(
            getattr(duplicate, model_field.attname)
        ):
            taken.append(name)
            precision = fields.get(f"{name}_precision")
            if precision is not None:
                taken.append(precision.name)
    values = {name: getattr(duplicate, name) for name in taken}
    if taken:
        for name in taken:
            setattr(duplicate, name, fields[name].get_default())
        duplicate.save(update_fields=taken)
    for name, value in values.items():
        setattr(kept, name, value)
    return taken


def _check(duplicate, kept, model):
    if not isinstance(duplicate, model) or not isinstance(kept, model):
        raise ValidationError(f"Only two {model._meta.verbose_name_plural} can be merged.")
    if duplicate.pk == kept.pk:
        raise ValidationError(f"A {model._meta.verbose_name} cannot be merged into itself.")


@transaction.atomic
def person_merge(*, duplicate: Person, kept: Person) -> Person:
    """Merge `duplicate` into `kept`: its credits move (a credit `kept` already has for the
    same role on the same song goes), the artist it performs as too when `kept` has none,
    and what `kept` lacks of its fields; then `duplicate` is deleted. Returns `kept`."""
    _check(duplicate, kept, Person)
    was_public = bool(public_ids("people", [duplicate.pk]))
    duplicate_id = duplicate.pk
    for credit in Credit.objects.filter(person=duplicate).select_related("song"):
        already = Credit.objects.filter(song=credit.song_id, person=kept, role=credit.role_id)
        if already.exists():
            credit.delete()
        else:
            credit.person = kept
            credit.save()
    if kept.artist_id is None and duplicate.artist_id is not None:
        artist_id = duplicate.artist_id
        # One person per artist: the duplicate lets go first.
        duplicate.artist = None
        duplicate.save(update_fields=["artist"])
        kept.artist_id = artist_id
    _take_what_is_missing(kept, duplicate)
    kept.full_clean()
    kept.save()
    duplicate.delete()
    if was_public:
        record_merge("people", duplicate_id, kept.pk)
    return kept


@transaction.atomic
def artist_merge(*, duplicate: Artist, kept: Artist) -> Artist:
    """Merge `duplicate` into `kept`: its songs and albums move, its addresses answer with a
    redirect to `kept`'s (its slug and its former slugs), the person it is moves when `kept`
    has none, and `kept` takes what it lacks of its fields; then `duplicate` is deleted.

    Raises ValidationError, changing nothing, when both have a song or an album with the
    same slug: an editor renames or merges those first."""
    _check(duplicate, kept, Artist)
    for relation in ("songs", "albums"):
        clashes = sorted(
            set(getattr(duplicate, relation).values_list("slug", flat=True))
            & set(getattr(kept, relation).values_list("slug", flat=True))
        )
        if clashes:
            raise ValidationError(
                f"Both artists have {relation} with the slug {', '.join(clashes)}: rename "
                "one of each first."
            )
    was_public = bool(public_ids("artists", [duplicate.pk]))
    duplicate_id, duplicate_slug = duplicate.pk, duplicate.slug
    for album in duplicate.albums.all():
        album.artist = kept
        album.save()
    for song in duplicate.songs.all():
        song.artist = kept
        song.save()
    # A song's former slugs are kept per artist: they follow their songs.
    for redirect in SongSlugRedirect.objects.filter(artist=duplicate).select_related("song"):
        if SongSlugRedirect.objects.filter(artist=kept, old_slug=redirect.old_slug).exists():
            redirect.delete()
        else:
            redirect.artist = kept
            redirect.save()
    person = Person.objects.filter(artist=duplicate).first()
    if person is not None:
        person.artist = None if Person.objects.filter(artist=kept).exists() else kept
        person.save()
    _take_what_is_missing(kept, duplicate)
    kept.full_clean()
    kept.save()
    ArtistSlugRedirect.objects.filter(artist=duplicate).update(artist=kept)
    duplicate.delete()
    ArtistSlugRedirect.objects.update_or_create(old_slug=duplicate_slug, defaults={"artist": kept})
    if was_public:
        record_merge("artists", duplicate_id, kept.pk)
    return kept
