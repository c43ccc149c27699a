"""What an editor may take from a Proposal (`items`), and the writer that takes what they
ticked (`apply`), in one transaction.

Every item shows the song's current value beside MusicBrainz's; one that would replace a value
starts unticked. An item whose current value changed since the editor saw it is refused, so
nothing is overwritten that was not shown.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from catalogue.identifiers import format_isrc
from catalogue.models import Album, Credit, Isrc, Person, Role, Song


@dataclass
class Item:
    """One change the editor may tick: `current` and `proposed` as shown."""

    key: str
    label: str
    current: str
    proposed: str
    # Why it cannot be taken (another song has this id), or "".
    blocked: str = ""

    @property
    def replaces(self):
        return bool(self.current)


class Stale(Exception):
    """What the editor saw changed before they applied it."""


def _shown(value):
    return "" if value is None else str(value)


def items(proposal):
    """The items of `proposal` that would change the song, in the order the preview shows.
    Queries: none beyond what the proposal loaded, but one for another song that holds the
    recording id or Wikidata item."""
    song = proposal.song
    found = []

    def offer(key, label, current, proposed, blocked=""):
        if proposed and _shown(current) != _shown(proposed):
            found.append(Item(key, label, _shown(current), _shown(proposed), blocked))

    taken = _taken_elsewhere(proposal)
    offer(
        "recording_id",
        "MusicBrainz recording",
        song.musicbrainz_recording_id,
        proposal.recording_id,
        taken.get("recording_id", ""),
    )
    offer("work_id", "MusicBrainz work", song.musicbrainz_work_id, proposal.work_id)
    offer("iswc", "ISWC", song.iswc, proposal.iswc)
    offer(
        "wikidata_id",
        "Wikidata item",
        song.wikidata_id,
        proposal.wikidata_id,
        taken.get("wikidata_id", ""),
    )
    offer("released", "Released", song.released, proposal.released)
    _artist_items(proposal, offer)
    _album_items(proposal, offer)
    return found


def _taken_elsewhere(proposal):
    """Why the recording id or Wikidata item cannot be taken: another song has it. Queries
    once, when the proposal has either."""
    song = proposal.song
    wanted = Q()
    if proposal.recording_id:
        wanted |= Q(musicbrainz_recording_id=proposal.recording_id)
    if proposal.wikidata_id:
        wanted |= Q(wikidata_id=proposal.wikidata_id)
    if not wanted:
        return {}
    taken = {}
    for other in Song.objects.filter(wanted).exclude(pk=song.pk).select_related("artist"):
        if proposal.recording_id and str(other.musicbrainz_recording_id) == proposal.recording_id:
            taken["recording_id"] = f"{other} has this recording."
        if proposal.wikidata_id and other.wikidata_id == proposal.wikidata_id:
            taken["wikidata_id"] = f"{other} has this Wikidata item."
    return taken


def _artist_items(proposal, offer):
    song = proposal.song
    if not proposal.artist_mbid:
        return
    match = proposal.artist_match
    if match is not None and match.pk != song.artist_id:
        offer("artist", "Artist", song.artist.name, f"{match.name} (by MusicBrainz id)")
    elif match is None:
        if song.artist.musicbrainz_id is None:
            offer(
                "artist_mbid",
                f"{song.artist.name}'s MusicBrainz id (MusicBrainz credits {proposal.artist_name})",
                "",
                proposal.artist_mbid,
            )
        else:
            offer(
                "artist_mbid",
                f"{song.artist.name}'s MusicBrainz id (MusicBrainz credits {proposal.artist_name})",
                song.artist.musicbrainz_id,
                proposal.artist_mbid,
                "The song's artist has another MusicBrainz id: check the artist by hand.",
            )


def _album_items(proposal, offer):
    song, album = proposal.song, proposal.album
    if album is None:
        return
    if album.match is not None:
        if album.match.pk != song.album_id:
            offer("album", "Album", song.album and song.album.title, album.match.title)
        return
    if song.album is None:
        described = f"{album.title} ({album.released})" if album.released else album.title
        offer("album_new", f"A new album by {song.artist.name}", "", described)
        return
    offer(
        "album_mbid",
        f"{song.album.title}: MusicBrainz release group ({album.title})",
        song.album.musicbrainz_release_group_id,
        album.mbid,
    )
    offer("album_released", f"{song.album.title}: released", song.album.released, album.released)


def isrc_items(proposal):
    """The proposal's ISRCs the song lacks: (code as shown, code, the song that has it)."""
    song = proposal.song
    rows = []
    for code in proposal.isrcs:
        owner = proposal.isrc_owners.get(code)
        if owner is not None and owner.pk == song.pk:
            continue
        rows.append((format_isrc(code), code, owner))
    return rows


@transaction.atomic
def apply(proposal, *, fields, seen, isrcs, people):
    """Take the ticked parts of `proposal` into its song: `fields` the keys of the ticked
    items (with `seen`, the current value each showed), `isrcs` the ticked codes, `people` a
    choice per ticked credit's key: "match" (the person with its MBID), "new", or the id of
    a person of the same name that the editor picked.

    Returns what changed, a sentence a line. Raises Stale when an item's current value is no
    longer what the editor saw; nothing is written then.
    """
    song = (
        Song.objects.select_for_update(of=("self",))
        .select_related("artist", "album")
        .get(pk=proposal.song.pk)
    )
    proposal.song = song
    offered = {item.key: item for item in items(proposal)}
    changes = []
    for key in fields:
        item = offered.get(key)
        if item is None or item.blocked:
            continue
        if item.current != seen.get(key, ""):
            raise Stale(f"{item.label} changed since the preview; look at it again.")
        changes.append(_take(proposal, song, key))
    song.full_clean()
    song.save()
    offered_isrcs = {code for _, code, owner in isrc_items(proposal) if owner is None}
    for code in isrcs:
        if code in offered_isrcs:
            Isrc.objects.create(song=song, code=code)
            changes.append(f"Added the ISRC {format_isrc(code)}.")
    changes.extend(_take_credits(proposal, song, people))
    return changes


def _take(proposal, song, key):
    if key == "recording_id":
        song.musicbrainz_recording_id = proposal.recording_id
        return "Set the MusicBrainz recording."
    if key == "work_id":
        song.musicbrainz_work_id = proposal.work_id
        return "Set the MusicBrainz work."
    if key == "iswc":
        song.iswc = proposal.iswc
        return f"Set the ISWC to {proposal.iswc}."
    if key == "wikidata_id":
        song.wikidata_id = proposal.wikidata_id
        return f"Set the Wikidata item to {proposal.wikidata_id}."
    if key == "released":
        song.released = proposal.released
        return f"Set the release date to {proposal.released}."
    if key == "artist":
        song.artist = proposal.artist_match
        return f"Credited the song to {proposal.artist_match.name}."
    if key == "artist_mbid":
        song.artist.musicbrainz_id = proposal.artist_mbid
        song.artist.full_clean()
        song.artist.save()
        return f"Set {song.artist.name}'s MusicBrainz id."
    album = proposal.album
    if key == "album":
        song.album = album.match
        return f"Put the song on the album {album.match.title}."
    if key == "album_new":
        song.album = Album(
            title=album.title,
            slug=_free_slug(album.title, Album.objects.filter(artist=song.artist)),
            artist=song.artist,
            musicbrainz_release_group_id=album.mbid,
        )
        song.album.released = album.released
        song.album.full_clean()
        song.album.save()
        return f"Added the album {album.title} and put the song on it."
    if key == "album_mbid":
        song.album.musicbrainz_release_group_id = album.mbid
    else:
        song.album.released = album.released
    song.album.full_clean()
    song.album.save()
    return f"Set {song.album.title}'s {'release group' if key == 'album_mbid' else 'release date'}."


def _take_credits(proposal, song, people):
    changes = []
    roles = {}
    for credit in proposal.credits:
        choice = people.get(credit.key)
        if choice is None or credit.existing:
            continue
        person = _person_for(credit.person, choice)
        if person is None:
            continue
        role = roles.get(credit.role_name.lower()) or _role(credit)
        roles[credit.role_name.lower()] = role
        _, created = Credit.objects.get_or_create(
            song=song, person=person, role=role, defaults={"note": credit.note}
        )
        if created:
            note = f" ({credit.note})" if credit.note else ""
            changes.append(f"Credited {person.name} as {role.name}{note}.")
    return changes


def _person_for(proposed, choice):
    """The person a credit goes to. A name match picked by the editor gets the MBID."""
    if choice == "match":
        return proposed.match
    if choice == "new":
        if proposed.match is not None:
            return proposed.match
        person = Person(
            name=proposed.name,
            sort_name=proposed.sort_name,
            slug=_free_slug(proposed.name, Person.objects.all()),
            musicbrainz_id=proposed.mbid,
        )
        person.full_clean()
        person.save()
        proposed.match = person
        return person
    picked = next((p for p in proposed.candidates if str(p.pk) == choice), None)
    if picked is not None and picked.musicbrainz_id is None:
        picked.musicbrainz_id = proposed.mbid
        picked.save()
        proposed.match = picked
    return picked


def _role(credit):
    role = Role.objects.filter(name__iexact=credit.role_name).first()
    if role is None:
        role = Role.objects.create(
            name=credit.role_name,
            slug=_free_slug(credit.role_name, Role.objects.all()),
            group=credit.role_group,
        )
    return role


def _free_slug(name, queryset):
    """A slug for `name` that no row of `queryset` has. Queries once."""
    base = slugify(name)[:190] or "entry"
    taken = set(queryset.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug
