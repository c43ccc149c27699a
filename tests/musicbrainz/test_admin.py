"""Fill from MusicBrainz in the admin: look up, preview, apply."""

import socket

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.dates import PartialDate, Precision
from catalogue.models import Credit, Isrc, Person, Song
from musicbrainz import client as musicbrainz_client
from musicbrainz import importer
from musicbrainz.apply import items
from tests.conftest import make_artist, make_song
from tests.musicbrainz.conftest import (
    ED_SHEERAN,
    KNOWING_ME,
    THINKING_OUT_LOUD,
    THINKING_OUT_LOUD_WORK,
    recorded,
)

pytestmark = pytest.mark.django_db
RECORDING_URL = f"https://musicbrainz.org/recording/{THINKING_OUT_LOUD}"


@pytest.fixture
def song(db):
    return make_song(
        title="Thinking Out Loud",
        artist=make_artist(name="Ed Sheeran", sort_name="Sheeran, Ed", slug="ed-sheeran"),
    )


def fill_url(song):
    return reverse("admin:catalogue_song_musicbrainz", args=[song.pk])


def preview(client, song, source=RECORDING_URL, kind="recording"):
    return client.get(fill_url(song), {"source": source, "kind": kind})


def ticked(response):
    """The preview's form as a browser would send it, with its boxes as they start."""
    form = response.context["form"]
    data = {"entity": form.initial["entity"], "mbid": form.initial["mbid"]}
    for name in form.fields:
        value = form[name].value()
        if name.startswith(("take_", "isrc_", "credit_")):
            if value:
                data[name] = "on"
        elif value not in (None, ""):
            data[name] = value
    return data


def test_the_song_change_page_links_to_the_fill(client, editor, song):
    client.force_login(editor)
    response = client.get(reverse("admin:catalogue_song_change", args=[song.pk]))
    assert fill_url(song) in response.content.decode()


def test_it_shows_the_lookup_form(client, editor, song):
    client.force_login(editor)
    response = client.get(fill_url(song))
    assert response.status_code == 200
    assert "MusicBrainz link or id" in response.content.decode()


@pytest.mark.parametrize(
    "source, says",
    [
        ("Thinking Out Loud", "Give a MusicBrainz recording id"),
        (f"https://musicbrainz.org/artist/{ED_SHEERAN}", "link to a MusicBrainz artist"),
        (f"https://musicbrainz.org/release/{ED_SHEERAN}", "link to a MusicBrainz release"),
    ],
)
def test_it_refuses_what_is_no_recording_or_work_with_a_form_error(
    client, editor, song, musicbrainz, source, says
):
    client.force_login(editor)
    response = preview(client, song, source)
    assert response.status_code == 200
    assert says in response.content.decode()
    assert musicbrainz.requests == []


def test_it_says_clearly_when_musicbrainz_cannot_be_reached(client, editor, song, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.MUSICBRAINZ_URL = f"http://127.0.0.1:{port}/ws/2"
    client.force_login(editor)
    response = preview(client, song)
    assert response.status_code == 502
    assert "MusicBrainz could not be reached just now" in response.content.decode()


def test_it_says_when_musicbrainz_has_no_such_recording(client, editor, song, musicbrainz):
    client.force_login(editor)
    response = preview(client, song, "00000000-0000-4000-8000-000000000009")
    assert response.status_code == 502
    assert "MusicBrainz has no recording with the id" in response.content.decode()


def test_it_previews_what_it_would_add_beside_what_the_song_has(
    client, editor, song, musicbrainz, django_assert_max_num_queries
):
    song.release_date = "2014-01-01"
    song.save()
    client.force_login(editor)
    # The session and user (2), the song (1), the editor's permissions (2), the cache: the
    # response kept, the turn and the response stored (11 with the database cache, its
    # savepoints included), what the catalogue has already (5 here, 6 at most: see
    # importer._match) and other songs with its ids (1).
    with django_assert_max_num_queries(23):
        response = preview(client, song)
    assert response.status_code == 200
    page = response.content.decode()
    for shown in [
        "GB-AHS-14-00099",
        "Q17332468",
        THINKING_OUT_LOUD_WORK,
        "20 June 2014",
        "Amy Wadge: Songwriter",
        "Ed Sheeran: Acoustic guitar",
        "lead vocals",
    ]:
        assert shown in page, shown
    form = response.context["form"]
    # The release year the song has would be replaced: that box starts unticked.
    assert form["take_released"].value() is False
    assert form["take_iswc" if "take_iswc" in form.fields else "take_work_id"].value() is True
    assert Song.objects.get(pk=song.pk).musicbrainz_recording_id is None


def test_the_preview_asks_no_more_queries_for_more_credits(client, editor, song, musicbrainz):
    client.force_login(editor)
    with CaptureQueriesContext(connection) as five_credits:
        preview(client, song)
    # The second fetch would wait its turn, asking the cache meanwhile.
    cache.delete(musicbrainz_client.TURN_KEY)
    with CaptureQueriesContext(connection) as ten_credits:
        response = preview(client, song, f"https://musicbrainz.org/recording/{KNOWING_ME}")
    assert len(response.context["form"].credits) == 10
    assert len(ten_credits) <= len(five_credits)


def test_it_applies_what_was_ticked_and_says_what_changed(client, editor, song, musicbrainz):
    client.force_login(editor)
    data = ticked(preview(client, song))
    response = client.post(fill_url(song), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:catalogue_song_change", args=[song.pk])
    message = str(list(response.context["messages"])[0])
    assert "Added the ISRC GB-AHS-14-00099." in message
    assert "Credited Amy Wadge as Songwriter." in message
    song.refresh_from_db()
    assert str(song.musicbrainz_recording_id) == THINKING_OUT_LOUD
    assert str(song.musicbrainz_work_id) == THINKING_OUT_LOUD_WORK
    assert song.wikidata_id == "Q17332468"
    assert song.released == PartialDate(song.release_date, Precision.DAY)
    assert str(song.released) == "20 June 2014"
    assert song.release_year == 2014
    assert list(song.isrcs.values_list("code", flat=True)) == ["GBAHS1400099"]
    sheeran = Person.objects.get(musicbrainz_id=ED_SHEERAN)
    assert sheeran.sort_name == "Sheeran, Ed"
    roles = set(song.credits.values_list("person__name", "role__name"))
    assert roles == {
        ("Amy Wadge", "Songwriter"),
        ("Ed Sheeran", "Songwriter"),
        ("Ed Sheeran", "Performer"),
        ("Ed Sheeran", "Vocals"),
        ("Ed Sheeran", "Acoustic guitar"),
    }
    assert song.artist.__class__.objects.get(pk=song.artist_id).musicbrainz_id is not None


def test_it_takes_only_what_was_ticked(client, editor, song, musicbrainz):
    client.force_login(editor)
    data = ticked(preview(client, song))
    for name in [name for name in data if name.startswith(("credit_", "isrc_"))]:
        del data[name]
    del data["take_wikidata_id"]
    client.post(fill_url(song), data)
    song.refresh_from_db()
    assert song.wikidata_id == ""
    assert str(song.musicbrainz_recording_id) == THINKING_OUT_LOUD
    assert not Credit.objects.filter(song=song).exists()
    assert not Isrc.objects.exists()
    assert not Person.objects.exists()


def test_it_never_overwrites_what_changed_since_the_preview(client, editor, song, musicbrainz):
    client.force_login(editor)
    data = ticked(preview(client, song))
    Song.objects.filter(pk=song.pk).update(wikidata_id="Q1")
    response = client.post(fill_url(song), data)
    assert response.status_code == 409
    assert "Wikidata item changed since the preview" in response.content.decode()
    song.refresh_from_db()
    assert song.wikidata_id == "Q1"
    assert song.musicbrainz_recording_id is None
    assert not Credit.objects.exists()


def test_it_asks_who_someone_of_the_same_name_is(client, editor, song, musicbrainz):
    wadge = Person.objects.create(name="Amy Wadge", sort_name="Wadge, Amy", slug="amy-wadge")
    client.force_login(editor)
    data = ticked(preview(client, song))
    response = client.post(fill_url(song), data)
    assert response.status_code == 400
    assert "The catalogue has someone called Amy Wadge" in response.content.decode()
    assert not Credit.objects.exists()

    key = next(k for k in data if k.startswith("credit_") and "Amy" in _label(response, k))
    data[f"person_{key.removeprefix('credit_')}"] = str(wadge.pk)
    client.post(fill_url(song), data)
    wadge.refresh_from_db()
    assert wadge.musicbrainz_id is not None
    assert song.credits.filter(person=wadge, role__name="Songwriter").exists()
    assert Person.objects.filter(name="Amy Wadge").count() == 1


def _label(response, name):
    return response.context["form"].fields[name].label


def test_it_adds_a_new_person_when_the_editor_says_it_is_someone_else(
    client, editor, song, musicbrainz
):
    Person.objects.create(name="Amy Wadge", sort_name="Wadge, Amy", slug="amy-wadge")
    client.force_login(editor)
    data = ticked(preview(client, song))
    for name in list(data):
        if name.startswith("credit_"):
            data[f"person_{name.removeprefix('credit_')}"] = "new"
    client.post(fill_url(song), data)
    assert Person.objects.filter(name="Amy Wadge").count() == 2
    assert Person.objects.filter(slug="amy-wadge-2", musicbrainz_id__isnull=False).exists()


def test_it_refuses_an_isrc_another_song_has(client, editor, song, musicbrainz):
    other = make_song()
    Isrc.objects.create(song=other, code="GBAHS1400099")
    client.force_login(editor)
    response = preview(client, song)
    assert f"{other} has this ISRC." in response.content.decode()
    data = ticked(response)
    data["isrc_GBAHS1400099"] = "on"
    client.post(fill_url(song), data)
    assert list(Isrc.objects.values_list("song", flat=True)) == [other.pk]


def test_applying_asks_a_bounded_number_of_queries(
    client, editor, song, musicbrainz, django_assert_max_num_queries
):
    client.force_login(editor)
    data = ticked(preview(client, song, f"https://musicbrainz.org/recording/{KNOWING_ME}"))
    # Ten credits to eight new people and eight new roles, each saved through the models
    # (their search documents, cache keys and change-feed rows follow): a bounded number per
    # credit, whatever the catalogue holds. Measured: 211 for these ten, 121 for the five of
    # recording.json with its ISRC and identifiers.
    with django_assert_max_num_queries(30 + 20 * 10):
        response = client.post(fill_url(song), data)
    assert response.status_code == 302
    assert song.credits.count() == 10


def test_a_work_fills_the_work_and_its_writers(client, editor, song, musicbrainz):
    client.force_login(editor)
    response = preview(client, song, THINKING_OUT_LOUD_WORK, kind="work")
    assert response.status_code == 200
    client.post(fill_url(song), ticked(response))
    song.refresh_from_db()
    assert str(song.musicbrainz_work_id) == THINKING_OUT_LOUD_WORK
    assert song.musicbrainz_recording_id is None
    assert set(song.credits.values_list("role__name", flat=True)) == {"Songwriter"}


def test_it_keeps_out_staff_who_may_not_change_songs(client, moderator, song, musicbrainz):
    client.force_login(moderator)
    assert preview(client, song).status_code == 403
    assert musicbrainz.requests == []


def test_an_unknown_song_is_a_404(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:catalogue_song_musicbrainz", args=["nothing"]))
    assert response.status_code in (302, 404)


def test_every_item_of_the_recording_is_offered_once(song):
    proposal = importer.propose(song, "recording", recorded("recording.json"))
    keys = [item.key for item in items(proposal)]
    assert keys == ["recording_id", "work_id", "wikidata_id", "released", "artist_mbid"]


@pytest.mark.parametrize(
    "tampered", [{"entity": "artist"}, {"mbid": "not an id"}, {"entity": ""}, {"mbid": ""}]
)
def test_a_tampered_apply_is_a_400_and_changes_nothing(client, editor, song, musicbrainz, tampered):
    client.force_login(editor)
    data = {**ticked(preview(client, song)), **tampered}
    response = client.post(fill_url(song), data)
    assert response.status_code == 400
    song.refresh_from_db()
    assert song.musicbrainz_recording_id is None
    assert not Credit.objects.exists()


@pytest.mark.parametrize("query", [{"source": "x\x00y"}, {"source": "a" * 400}, {"kind": "artist"}])
def test_odd_lookups_are_form_errors(client, editor, song, musicbrainz, query):
    client.force_login(editor)
    response = client.get(fill_url(song), {"source": THINKING_OUT_LOUD, **query})
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert musicbrainz.requests == []
