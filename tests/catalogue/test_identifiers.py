"""Identifiers: what editors may type or paste, what is stored, and what is refused."""

import json
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from catalogue import identifiers
from catalogue.models import Album, Isrc, Person
from tests.catalogue.test_admin import song_change_url, song_form_data
from tests.conftest import make_artist, make_song

RECORDED = Path(__file__).parent.parent / "musicbrainz" / "data"
SHEERAN = "b8a7c51f-362c-4dcb-a259-bc6e0095f0a6"


@pytest.mark.parametrize(
    "typed",
    [
        SHEERAN,
        SHEERAN.upper(),
        SHEERAN.replace("-", ""),
        f"  {SHEERAN}\n",
        f"https://musicbrainz.org/artist/{SHEERAN}",
        f"musicbrainz.org/artist/{SHEERAN}/",
        f"https://beta.musicbrainz.org/artist/{SHEERAN}/recordings?page=2",
        f"http://musicbrainz.org/artist/{SHEERAN.upper()}#top",
    ],
)
def test_it_reads_an_mbid_from_an_id_or_a_link(typed):
    assert identifiers.normalize_mbid(typed, "artist") == SHEERAN


def test_it_refuses_a_link_to_another_kind_of_entry():
    with pytest.raises(ValidationError) as error:
        identifiers.normalize_mbid(f"https://musicbrainz.org/recording/{SHEERAN}", "artist")
    assert error.value.code == "wrong_entity"
    assert "recording" in error.value.messages[0]


@pytest.mark.parametrize(
    "typed",
    ["", "Ed Sheeran", SHEERAN[:-1], SHEERAN + "0", "https://example.com/artist/" + SHEERAN],
)
def test_it_refuses_what_is_no_mbid(typed):
    with pytest.raises(ValidationError):
        identifiers.normalize_mbid(typed, "artist")


def test_it_knows_the_kind_of_entry_a_link_is_to():
    assert identifiers.linked_entity(f"https://musicbrainz.org/work/{SHEERAN}") == "work"
    assert identifiers.linked_entity(SHEERAN) is None


@pytest.mark.parametrize(
    "typed", ["GBAHS1400099", "gb-ahs-14-00099", "GB AHS 14 00099", "GB-AHS-14-00099"]
)
def test_it_stores_an_isrc_without_hyphens(typed):
    assert identifiers.normalize_isrc(typed) == "GBAHS1400099"


@pytest.mark.parametrize(
    "typed", ["GBAHS140009", "GBAHS14000990", "1BAHS1400099", "GBAHS14O0099", "GB-AHS-1A-00099"]
)
def test_it_refuses_a_malformed_isrc(typed):
    with pytest.raises(ValidationError):
        identifiers.normalize_isrc(typed)


def test_it_shows_an_isrc_with_hyphens():
    assert identifiers.format_isrc("GBAHS1400099") == "GB-AHS-14-00099"


def test_the_recorded_isrcs_are_valid():
    recording = json.loads((RECORDED / "recording.json").read_text())
    assert [identifiers.normalize_isrc(code) for code in recording["isrcs"]] == ["GBAHS1400099"]


# ISO 15707's own example, typed in several ways.
@pytest.mark.parametrize(
    "typed, stored",
    [
        ("T-034.524.680-1", "T-034.524.680-1"),
        ("T0345246801", "T-034.524.680-1"),
        ("t-034 524 680 1", "T-034.524.680-1"),
        ("T-000.000.001-0", "T-000.000.001-0"),
    ],
)
def test_it_stores_an_iswc_in_its_printed_form(typed, stored):
    assert identifiers.normalize_iswc(typed) == stored


def test_the_check_digit_is_iso_15707s():
    # 1 + 0*1 + 3*2 + 4*3 + 5*4 + 2*5 + 4*6 + 6*7 + 8*8 + 0*9 = 179; 10 - 9 = 1.
    assert identifiers.iswc_check_digit("034524680") == 1
    assert identifiers.iswc_check_digit("000000001") == 0


def test_it_refuses_an_iswc_whose_check_digit_is_wrong():
    with pytest.raises(ValidationError) as error:
        identifiers.normalize_iswc("T-034.524.680-2")
    assert error.value.code == "check_digit"


@pytest.mark.parametrize("typed", ["034.524.680-1", "T-034.524.68-1", "X-034.524.680-1", "T"])
def test_it_refuses_a_malformed_iswc(typed):
    with pytest.raises(ValidationError) as error:
        identifiers.normalize_iswc(typed)
    assert error.value.code == "invalid"


@pytest.mark.parametrize(
    "typed",
    [
        "Q17332468",
        "q17332468",
        "https://www.wikidata.org/wiki/Q17332468",
        "http://wikidata.org/entity/Q17332468",
        "https://m.wikidata.org/wiki/Q17332468/",
    ],
)
def test_it_reads_a_wikidata_item_from_its_id_or_link(typed):
    assert identifiers.normalize_wikidata(typed) == "Q17332468"


@pytest.mark.parametrize(
    "typed", ["17332468", "Q", "Q0", "P31", "https://www.wikipedia.org/wiki/Q1", "Q12a"]
)
def test_it_refuses_what_is_no_wikidata_item(typed):
    with pytest.raises(ValidationError):
        identifiers.normalize_wikidata(typed)


def test_the_recorded_wikidata_link_is_read():
    recording = json.loads((RECORDED / "recording.json").read_text())
    links = [
        relation["url"]["resource"]
        for work in recording["relations"]
        if work["target-type"] == "work"
        for relation in work["work"]["relations"]
        if relation["type"] == "wikidata"
    ]
    assert [identifiers.normalize_wikidata(link) for link in links] == ["Q17332468"]


def test_the_model_field_turns_a_pasted_link_into_a_uuid():
    field = identifiers.MusicBrainzIdField(entity="artist")
    assert field.to_python(f"https://musicbrainz.org/artist/{SHEERAN}") == uuid.UUID(SHEERAN)
    assert field.to_python("") is None
    with pytest.raises(ValidationError):
        field.to_python(f"https://musicbrainz.org/work/{SHEERAN}")


# ---- In the admin, on the pages and in their JSON-LD ----

HEROES_RECORDING = "a1d3d8e0-8d9a-4f0e-9a47-4c4b5c1e6f01"


def _json_ld(page):
    return json.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])


def _post_song(client, song, **fields):

    data = song_form_data(song)
    data.update(fields)
    return client.post(song_change_url(song), data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, typed, says",
    [
        ("iswc", "T-034.524.680-2", "check digit does not match"),
        ("musicbrainz_recording_id", f"https://musicbrainz.org/work/{SHEERAN}", "MusicBrainz work"),
        ("musicbrainz_work_id", "not an id", "Give a MusicBrainz work id"),
        ("wikidata_id", "P31", "Give a Wikidata item"),
        ("release_date", "1977-13", "A month is 01 to 12."),
    ],
)
def test_the_admin_refuses_a_bad_identifier_or_date_and_saves_nothing(
    client, editor, published_song, field, typed, says
):
    client.force_login(editor)
    response = _post_song(client, published_song, **{field: typed})
    assert response.status_code == 200
    assert says in response.content.decode()
    published_song.refresh_from_db()
    assert (published_song.iswc, published_song.wikidata_id) == ("", "")
    assert published_song.musicbrainz_recording_id is None
    assert published_song.release_date is None


@pytest.mark.django_db
def test_the_admin_stores_what_was_pasted_in_its_canonical_form(client, editor, published_song):
    client.force_login(editor)
    response = _post_song(
        client,
        published_song,
        musicbrainz_recording_id=f"https://musicbrainz.org/recording/{HEROES_RECORDING.upper()}",
        iswc="T0345246801",
        wikidata_id="https://www.wikidata.org/wiki/Q17332468",
        release_date="1977-09",
    )
    assert response.status_code == 302
    published_song.refresh_from_db()
    assert str(published_song.musicbrainz_recording_id) == HEROES_RECORDING
    assert published_song.iswc == "T-034.524.680-1"
    assert published_song.wikidata_id == "Q17332468"
    assert str(published_song.released) == "September 1977"
    assert published_song.release_year == 1977


@pytest.mark.django_db
def test_an_identifier_belongs_to_one_entry(client, editor, published_song):

    other = make_song(musicbrainz_recording_id=HEROES_RECORDING, wikidata_id="Q1")
    Isrc.objects.create(song=other, code="GBAHS1400099")
    client.force_login(editor)
    response = _post_song(client, published_song, musicbrainz_recording_id=HEROES_RECORDING)
    assert "Song with this MusicBrainz recording already exists." in response.content.decode()
    response = _post_song(client, published_song, wikidata_id="Q1")
    assert "Another entry already has this identifier." in response.content.decode()
    response = _post_song(
        client,
        published_song,
        **{
            "isrcs-TOTAL_FORMS": 1,
            "isrcs-0-code": "GB-AHS-14-00099",
            "isrcs-0-song": published_song.pk,
        },
    )
    assert "Another song already has this ISRC." in response.content.decode()
    assert list(Isrc.objects.values_list("song", flat=True)) == [other.pk]


@pytest.mark.django_db
def test_the_song_page_links_its_identifiers_and_gives_them_to_json_ld(client, published_song):

    published_song.musicbrainz_recording_id = HEROES_RECORDING
    published_song.musicbrainz_work_id = SHEERAN
    published_song.iswc = "T-034.524.680-1"
    published_song.wikidata_id = "Q17332468"
    published_song.save()
    Isrc.objects.create(song=published_song, code="GBAHS1400099")
    page = client.get(published_song.get_absolute_url()).content.decode()
    assert f'href="https://musicbrainz.org/recording/{HEROES_RECORDING}"' in page
    assert f'href="https://musicbrainz.org/work/{SHEERAN}"' in page
    assert 'href="https://www.wikidata.org/wiki/Q17332468"' in page
    assert "GB-AHS-14-00099" in page and "T-034.524.680-1" in page
    data = _json_ld(page)
    assert data["sameAs"] == [f"https://musicbrainz.org/recording/{HEROES_RECORDING}"]
    assert data["isrcCode"] == ["GB-AHS-14-00099"]
    assert data["recordingOf"]["iswcCode"] == "T-034.524.680-1"
    assert data["recordingOf"]["sameAs"] == [
        f"https://musicbrainz.org/work/{SHEERAN}",
        "https://www.wikidata.org/wiki/Q17332468",
    ]


@pytest.mark.django_db
def test_the_artist_album_and_person_pages_link_theirs(client):

    artist = make_artist(musicbrainz_id=SHEERAN, wikidata_id="Q47447")
    album = Album.objects.create(
        title="x", slug="x", artist=artist, musicbrainz_release_group_id=SHEERAN
    )
    person = Person.objects.create(name="Ed", sort_name="Ed", slug="ed", musicbrainz_id=SHEERAN)
    for url, link in [
        (artist.get_absolute_url(), f"https://musicbrainz.org/artist/{SHEERAN}"),
        (album.get_absolute_url(), f"https://musicbrainz.org/release-group/{SHEERAN}"),
        (person.get_absolute_url(), f"https://musicbrainz.org/artist/{SHEERAN}"),
    ]:
        page = client.get(url).content.decode()
        assert f'href="{link}"' in page, url
        assert link in _json_ld(page)["sameAs"], url
