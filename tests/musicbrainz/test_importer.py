"""What the recorded responses would add to a song."""

import copy
import datetime

import pytest

from catalogue.dates import PartialDate, Precision
from catalogue.models import Credit, Isrc, Person, Role
from musicbrainz import importer
from tests.conftest import make_artist, make_song
from tests.musicbrainz.conftest import ED_SHEERAN, THINKING_OUT_LOUD_WORK, recorded, recorded_work

pytestmark = pytest.mark.django_db


def credits_of(proposal):
    return sorted((c.person.name, c.role_name, c.note) for c in proposal.credits)


def test_it_reads_a_recording_with_its_work():
    proposal = importer.propose(make_song(), "recording", recorded("recording.json"))
    assert proposal.recording_id == "cb2cc207-8125-445c-9ef9-6ea44eee959a"
    assert proposal.work_id == THINKING_OUT_LOUD_WORK
    assert proposal.artist_mbid == ED_SHEERAN
    assert proposal.artist_name == "Ed Sheeran"
    assert proposal.released == PartialDate(datetime.date(2014, 6, 20), Precision.DAY)
    assert proposal.isrcs == ["GBAHS1400099"]
    # The work's link to Wikidata, and no ISWC: the recorded work has none.
    assert proposal.wikidata_id == "Q17332468"
    assert proposal.iswc == ""
    assert proposal.album is None


def test_it_credits_the_writers_of_the_work_and_the_players_of_the_recording():
    proposal = importer.propose(make_song(), "recording", recorded("recording.json"))
    assert credits_of(proposal) == [
        ("Amy Wadge", "Songwriter", ""),
        ("Ed Sheeran", "Acoustic guitar", ""),
        ("Ed Sheeran", "Performer", ""),
        ("Ed Sheeran", "Songwriter", ""),
        ("Ed Sheeran", "Vocals", "lead vocals"),
    ]


def test_it_reads_instruments_vocals_and_credited_names():
    proposal = importer.propose(make_song(), "recording", recorded("recording_credits.json"))
    assert credits_of(proposal) == [
        ("Anni-Frid Lyngstad", "Vocals", 'solo, credited as "Frida"'),
        ("Benny Andersson", "Arranger", ""),
        ("Benny Andersson", "Producer", ""),
        ("Björn Ulvaeus", "Arranger", ""),
        ("Björn Ulvaeus", "Producer", ""),
        ("Lasse Wellander", "Electric guitar", ""),
        ("Michael B. Tretow", "Engineer", ""),
        ("Michael Brecker", "EWI", ""),
        ("Ola Brunkert", "Membranophone", ""),
        ("Rutger Gunnarsson", "Bass", ""),
    ]
    groups = {c.role_name: c.role_group for c in proposal.credits}
    assert groups["Producer"] == Role.Group.PRODUCTION
    assert groups["Bass"] == Role.Group.PERFORMANCE
    assert {c.person.sort_name for c in proposal.credits} >= {"Andersson, Benny"}


def test_it_reads_a_work_with_its_iswc_in_the_documented_shape():
    work = recorded_work()
    work["iswcs"] = ["T-034.524.680-1"]
    proposal = importer.propose(make_song(), "work", work)
    assert proposal.work_id == THINKING_OUT_LOUD_WORK
    assert proposal.recording_id == ""
    assert proposal.iswc == "T-034.524.680-1"
    assert proposal.wikidata_id == "Q17332468"
    assert credits_of(proposal) == [
        ("Amy Wadge", "Songwriter", ""),
        ("Ed Sheeran", "Songwriter", ""),
    ]


def test_it_skips_an_iswc_whose_check_digit_is_wrong():
    work = recorded_work()
    work["iswcs"] = ["T-034.524.680-2"]
    assert importer.propose(make_song(), "work", work).iswc == ""


def test_it_takes_the_first_album_a_recording_came_out_on():
    release = recorded("release.json")
    compilation = copy.deepcopy(release)
    compilation["release-group"].update(
        id="00000000-0000-4000-8000-00000000000c",
        title="A Compilation",
        **{"secondary-types": ["Compilation"], "first-release-date": "1970"},
    )
    recording = recorded("recording.json")
    recording["releases"] = [compilation, release]
    album = importer.propose(make_song(), "recording", recording).album
    assert album.mbid == "f5093c06-23e3-404f-aeaa-40f72885ee3a"
    assert album.title == "The Dark Side of the Moon"
    assert album.released == PartialDate(datetime.date(1973, 3, 24), Precision.DAY)


def test_it_matches_people_by_musicbrainz_id_first():
    known = Person.objects.create(
        name="Edward Sheeran", sort_name="Sheeran", slug="ed", musicbrainz_id=ED_SHEERAN
    )
    proposal = importer.propose(make_song(), "recording", recorded("recording.json"))
    sheeran = next(p for p in proposal.people if p.mbid == ED_SHEERAN)
    assert sheeran.match == known
    assert sheeran.candidates == []


def test_it_offers_people_of_the_same_name_without_taking_them():
    same_name = Person.objects.create(name="amy wadge", sort_name="Wadge", slug="amy")
    someone_else = Person.objects.create(
        name="Amy Wadge",
        sort_name="Wadge",
        slug="amy-2",
        musicbrainz_id="00000000-0000-4000-8000-000000000003",
    )
    proposal = importer.propose(make_song(), "recording", recorded("recording.json"))
    wadge = next(p for p in proposal.people if p.name == "Amy Wadge")
    assert wadge.match is None
    # One with another MusicBrainz id is someone else.
    assert wadge.candidates == [same_name]
    assert someone_else not in wadge.candidates


def test_it_knows_what_the_song_has_already():
    song = make_song()
    sheeran = Person.objects.create(
        name="Ed Sheeran", sort_name="Sheeran, Ed", slug="ed", musicbrainz_id=ED_SHEERAN
    )
    songwriter = Role.objects.create(name="Songwriter", slug="songwriter")
    Credit.objects.create(song=song, person=sheeran, role=songwriter)
    other = make_song()
    Isrc.objects.create(song=other, code="GBAHS1400099")
    artist = make_artist(musicbrainz_id=ED_SHEERAN)
    proposal = importer.propose(song, "recording", recorded("recording.json"))
    existing = {(c.person.name, c.role_name) for c in proposal.credits if c.existing}
    assert existing == {("Ed Sheeran", "Songwriter")}
    assert proposal.isrc_owners == {"GBAHS1400099": other}
    assert proposal.artist_match == artist


def test_it_asks_a_fixed_number_of_queries_however_many_credits(django_assert_max_num_queries):
    Person.objects.create(name="Benny Andersson", sort_name="A", slug="benny")
    song = make_song()
    with django_assert_max_num_queries(6):
        proposal = importer.propose(song, "recording", recorded("recording_credits.json"))
    assert len(proposal.credits) == 10


def test_it_ignores_what_it_cannot_read():
    recording = recorded("recording.json")
    recording["isrcs"].append("NOT-AN-ISRC")
    recording["first-release-date"] = "2014-13"
    recording["relations"].append({"type": "producer", "target-type": "artist"})
    proposal = importer.propose(make_song(), "recording", recording)
    assert proposal.isrcs == ["GBAHS1400099"]
    assert proposal.released is None
