"""What a MusicBrainz recording or work would add to a song: a Proposal, for the editor to pick
from. Nothing here writes; musicbrainz.apply does, for the items the editor ticked.

The JSON is read as the web service documents it (https://musicbrainz.org/doc/MusicBrainz_API,
and the recorded responses in tests/musicbrainz/data): relationships are in `relations`, each
with a `type`, a `target-type` and the target under that name, `attributes` (an instrument, a
kind of vocal) and `attribute-credits` (what the instrument is credited as); a recording's works
come as `performance` relationships, with their own relationships when asked with
work-level-rels.
"""

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower

from catalogue import dates, identifiers
from catalogue.models import Album, Artist, Isrc, Person, Role, Song

# MusicBrainz relationship types with an artist, as the role (name, group) of a credit.
# An instrument is credited as the instrument itself (see _credit_role).
ROLES = {
    "composer": ("Composer", Role.Group.WRITING),
    "lyricist": ("Lyricist", Role.Group.WRITING),
    "librettist": ("Lyricist", Role.Group.WRITING),
    "writer": ("Songwriter", Role.Group.WRITING),
    "arranger": ("Arranger", Role.Group.WRITING),
    "orchestrator": ("Arranger", Role.Group.WRITING),
    "producer": ("Producer", Role.Group.PRODUCTION),
    "engineer": ("Engineer", Role.Group.PRODUCTION),
    "audio": ("Engineer", Role.Group.PRODUCTION),
    "sound": ("Engineer", Role.Group.PRODUCTION),
    "recording": ("Recording engineer", Role.Group.PRODUCTION),
    "mix": ("Mixing engineer", Role.Group.PRODUCTION),
    "mastering": ("Mastering engineer", Role.Group.PRODUCTION),
    "remixer": ("Remixer", Role.Group.PRODUCTION),
    "programming": ("Programming", Role.Group.PERFORMANCE),
    "vocal": ("Vocals", Role.Group.PERFORMANCE),
    "performer": ("Performer", Role.Group.PERFORMANCE),
    "conductor": ("Conductor", Role.Group.PERFORMANCE),
}
INSTRUMENTS_ROLE = "Instruments"
# Release groups of these kinds are where a song first came out as an album track.
ALBUM_TYPE = "Album"


@dataclass
class ProposedPerson:
    """Someone MusicBrainz credits, and who they may be in the catalogue: `match`, the person
    with their MBID, else `candidates`, people of the same name, for the editor to choose from
    (never taken without asking)."""

    mbid: str
    name: str
    sort_name: str
    disambiguation: str = ""
    match: Person | None = None
    candidates: list[Person] = field(default_factory=list)


@dataclass
class ProposedCredit:
    key: str
    person: ProposedPerson
    role_name: str
    role_group: str
    note: str
    existing: bool = False


@dataclass
class ProposedAlbum:
    """The release group the recording first came out on as an album."""

    mbid: str
    title: str
    released: dates.PartialDate | None
    match: Album | None = None


@dataclass
class Proposal:
    """What MusicBrainz holds about a song, beside what the song has."""

    song: Song
    entity: str
    mbid: str
    title: str
    recording_id: str = ""
    work_id: str = ""
    work_title: str = ""
    artist_mbid: str = ""
    artist_name: str = ""
    artist_match: Artist | None = None
    released: dates.PartialDate | None = None
    album: ProposedAlbum | None = None
    isrcs: list[str] = field(default_factory=list)
    isrc_owners: dict[str, Song] = field(default_factory=dict)
    iswc: str = ""
    wikidata_id: str = ""
    credits: list[ProposedCredit] = field(default_factory=list)

    @property
    def people(self):
        return {credit.person.mbid: credit.person for credit in self.credits}.values()


def propose(song, entity, data):
    """The Proposal for `song` from a MusicBrainz `entity` ("recording" or "work") as JSON.
    Queries: a fixed number (six at most), however many credits there are."""
    proposal = Proposal(song=song, entity=entity, mbid=data["id"], title=data.get("title", ""))
    if entity == "recording":
        _read_recording(proposal, data)
    else:
        _read_work(proposal, data)
    _match(proposal)
    return proposal


def _read_recording(proposal, data):
    proposal.recording_id = data["id"]
    proposal.released = _partial_date(data.get("first-release-date"))
    artists = [part["artist"] for part in data.get("artist-credit") or () if "artist" in part]
    if artists:
        proposal.artist_mbid = artists[0]["id"]
        proposal.artist_name = "".join(
            part.get("name", "") + part.get("joinphrase", "")
            for part in data.get("artist-credit") or ()
        )
    proposal.album = _first_album(data.get("releases") or ())
    for code in data.get("isrcs") or ():
        try:
            normal = identifiers.normalize_isrc(code)
        except ValidationError:
            continue
        if normal not in proposal.isrcs:
            proposal.isrcs.append(normal)
    credits = _credits(data.get("relations") or ())
    proposal.wikidata_id = _wikidata(data.get("relations") or ())
    work = _performed_work(data.get("relations") or ())
    if work:
        _read_work(proposal, work)
        credits = _credits(work.get("relations") or ()) + credits
    proposal.credits = _unique_credits(credits)


def _read_work(proposal, work):
    proposal.work_id = work["id"]
    proposal.work_title = work.get("title", "")
    for code in work.get("iswcs") or ():
        try:
            proposal.iswc = identifiers.normalize_iswc(code)
            break
        except ValidationError:
            continue
    proposal.wikidata_id = _wikidata(work.get("relations") or ()) or proposal.wikidata_id
    if proposal.entity == "work":
        proposal.credits = _unique_credits(_credits(work.get("relations") or ()))


def _performed_work(relations):
    """The work the recording is a performance of: the first that is not a medley's part."""
    works = [
        relation["work"]
        for relation in relations
        if relation.get("target-type") == "work" and relation.get("type") == "performance"
    ]
    return next(
        (work for work in works if "partial" not in (work.get("attributes") or ())),
        works[0] if works else None,
    )


def _wikidata(relations):
    for relation in relations:
        if relation.get("target-type") == "url" and relation.get("type") == "wikidata":
            try:
                return identifiers.normalize_wikidata(relation["url"]["resource"])
            except (KeyError, ValidationError):
                continue
    return ""


def _credits(relations):
    credits = []
    for relation in relations:
        if relation.get("target-type") != "artist" or "artist" not in relation:
            continue
        artist = relation["artist"]
        person = ProposedPerson(
            mbid=artist["id"],
            name=artist.get("name", ""),
            sort_name=artist.get("sort-name") or artist.get("name", ""),
            disambiguation=artist.get("disambiguation") or "",
        )
        role_name, role_group, note = _credit_role(relation)
        credits.append(
            ProposedCredit(
                key=_key(person.mbid, role_name, note),
                person=person,
                role_name=role_name,
                role_group=role_group,
                note=note,
            )
        )
    return credits


def _credit_role(relation):
    """(role name, role group, note) of an artist relationship: an instrument is its own role
    ("Electric guitar"; "guitar family" credited as "acoustic guitar" is "Acoustic guitar"), a
    vocal keeps its kind in the note ("lead vocals"), and a credited-as name is noted."""
    kind = relation.get("type", "")
    attributes = list(relation.get("attributes") or ())
    notes = []
    if kind == "instrument":
        credited = relation.get("attribute-credits") or {}
        instruments = [credited.get(attribute) or attribute for attribute in attributes]
        role_name = _capitalized(instruments[0]) if instruments else INSTRUMENTS_ROLE
        role_group = Role.Group.PERFORMANCE
        notes.extend(instruments[1:])
    elif kind in ROLES:
        role_name, role_group = ROLES[kind]
        notes.extend(attributes)
    else:
        role_name, role_group = _capitalized(kind), Role.Group.OTHER
        notes.extend(attributes)
    if relation.get("target-credit"):
        notes.append(f'credited as "{relation["target-credit"]}"')
    return role_name[:100], role_group, ", ".join(notes)[:200]


def _capitalized(name):
    return name[:1].upper() + name[1:]


def _unique_credits(credits):
    """One credit per person and role (as the catalogue keeps them), their notes together;
    a person's credits share one ProposedPerson."""
    people = {}
    by_role = {}
    for credit in credits:
        credit.person = people.setdefault(credit.person.mbid, credit.person)
        key = (credit.person.mbid, credit.role_name.lower())
        if key not in by_role:
            by_role[key] = credit
        elif credit.note and credit.note not in by_role[key].note:
            first = by_role[key]
            first.note = ", ".join(filter(None, [first.note, credit.note]))[:200]
            first.key = _key(first.person.mbid, first.role_name, first.note)
    return list(by_role.values())


def _key(*parts):
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def _first_album(releases):
    """The album (a release group of the primary type Album with no secondary type such as
    Compilation or Live) the recording first came out on, by release date."""
    albums = []
    for release in releases:
        group = release.get("release-group") or {}
        if group.get("primary-type") != ALBUM_TYPE or group.get("secondary-types"):
            continue
        released = _partial_date(group.get("first-release-date") or release.get("date"))
        albums.append((released.date.isoformat() if released else "9999", group, released))
    if not albums:
        return None
    _, group, released = min(albums, key=lambda album: album[0])
    return ProposedAlbum(mbid=group["id"], title=group.get("title", ""), released=released)


def _partial_date(text):
    """A MusicBrainz date ("1977", "1977-09", "1977-09-23"), or None when empty or odd."""
    if not text:
        return None
    try:
        return dates.parse(text)
    except ValidationError:
        return None


def _match(proposal):
    """Find what the catalogue already has of what MusicBrainz holds. Queries six times."""
    song = proposal.song
    people = list(proposal.people)
    mbids = [person.mbid for person in people]
    by_mbid = {str(p.musicbrainz_id): p for p in Person.objects.filter(musicbrainz_id__in=mbids)}
    unmatched = [person for person in people if person.mbid not in by_mbid]
    names = {person.name.lower() for person in unmatched}
    by_name = {}
    for candidate in Person.objects.annotate(lower_name=Lower("name")).filter(
        lower_name__in=names, musicbrainz_id__isnull=True
    ):
        by_name.setdefault(candidate.lower_name, []).append(candidate)
    for person in people:
        person.match = by_mbid.get(person.mbid)
        if person.match is None:
            person.candidates = by_name.get(person.name.lower(), [])
    existing = {
        (str(mbid), role_name)
        for mbid, role_name in song.credits.filter(person__musicbrainz_id__in=mbids).values_list(
            "person__musicbrainz_id", "role__name"
        )
    }
    for credit in proposal.credits:
        credit.existing = (credit.person.mbid, credit.role_name) in existing
    if proposal.artist_mbid:
        proposal.artist_match = Artist.objects.filter(musicbrainz_id=proposal.artist_mbid).first()
    if proposal.album:
        proposal.album.match = (
            Album.objects.select_related("artist")
            .filter(musicbrainz_release_group_id=proposal.album.mbid)
            .first()
        )
    proposal.isrc_owners = {
        isrc.code: isrc.song
        for isrc in Isrc.objects.select_related("song__artist").filter(code__in=proposal.isrcs)
    }
