"""Identifiers: what editors may type or paste, what is stored, and what is refused."""

import json
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from catalogue import identifiers

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
