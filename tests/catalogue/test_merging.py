"""Merging duplicate people and artists (catalogue.merging) and the admin's "Merge into…"."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from api.models import Change
from catalogue import merging
from catalogue.models import Album, Artist, ArtistSlugRedirect, Credit, Person, Role
from tests.conftest import make_artist, make_song

pytestmark = pytest.mark.django_db


def make_person(name, **fields):
    slug = name.lower().replace(" ", "-")
    return Person.objects.create(name=name, sort_name=name, slug=slug, **fields)


def roles():
    producer = Role.objects.create(name="Producer", slug="producer")
    writer = Role.objects.create(name="Songwriter", slug="songwriter")
    return producer, writer


def test_a_person_merge_moves_credits_keeps_identifiers_and_records_the_merge():
    song, other_song = make_song(), make_song()
    producer, writer = roles()
    kept = make_person("Tony Visconti", wikidata_id="Q1340155")
    duplicate = make_person("Tony Visconti (2)", bio="Producer of Heroes.", wikidata_id="")
    Credit.objects.create(song=song, person=kept, role=producer)
    Credit.objects.create(song=song, person=duplicate, role=producer)  # the same credit twice
    Credit.objects.create(song=song, person=duplicate, role=writer)
    Credit.objects.create(song=other_song, person=duplicate, role=producer)
    duplicate_id = duplicate.pk
    Change.objects.all().delete()

    merging.person_merge(duplicate=duplicate, kept=kept)

    assert not Person.objects.filter(pk=duplicate_id).exists()
    kept.refresh_from_db()
    assert kept.bio == "Producer of Heroes."
    assert kept.wikidata_id == "Q1340155"
    assert sorted(kept.credits.values_list("song_id", "role__slug")) == sorted(
        [(song.pk, "producer"), (song.pk, "songwriter"), (other_song.pk, "producer")]
    )
    merged = Change.objects.get(kind="people", object_id=duplicate_id)
    assert (merged.action, merged.merged_into) == ("merged", kept.pk)
    assert Change.objects.get(kind="songs", object_id=other_song.pk).action == "changed"


def test_a_person_merge_takes_the_identifier_the_kept_one_lacks():
    kept = make_person("David Bowie")
    duplicate = make_person("David Jones", wikidata_id="Q5383")
    merging.person_merge(duplicate=duplicate, kept=kept)
    kept.refresh_from_db()
    assert kept.wikidata_id == "Q5383"


def test_an_artist_merge_moves_songs_and_albums_and_redirects_the_old_address(client):
    kept = make_artist(name="David Bowie", slug="david-bowie")
    duplicate = make_artist(name="Bowie", slug="bowie", country="England")
    album = Album.objects.create(title="Heroes", slug="heroes", artist=duplicate)
    song = make_song(artist=duplicate, album=album, slug="heroes")
    ArtistSlugRedirect.objects.create(old_slug="david-jones", artist=duplicate)
    duplicate_id = duplicate.pk
    Change.objects.all().delete()

    merging.artist_merge(duplicate=duplicate, kept=kept)

    song.refresh_from_db()
    album.refresh_from_db()
    assert song.artist_id == album.artist_id == kept.pk
    assert not Artist.objects.filter(pk=duplicate_id).exists()
    kept.refresh_from_db()
    assert kept.country == "England"
    for old in ("/artists/bowie/", "/artists/david-jones/"):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"].endswith("/artists/david-bowie/")
    response = client.get("/songs/bowie/heroes/")
    assert response.status_code == 301
    assert response["Location"].endswith("/songs/david-bowie/heroes/")
    merged = Change.objects.get(kind="artists", object_id=duplicate_id)
    assert (merged.action, merged.merged_into) == ("merged", kept.pk)
    assert Change.objects.get(kind="songs", object_id=song.pk).action == "changed"


def test_an_artist_merge_with_clashing_song_slugs_changes_nothing():
    kept, duplicate = make_artist(), make_artist()
    make_song(artist=kept, slug="heroes")
    make_song(artist=duplicate, slug="heroes")
    with pytest.raises(ValidationError, match="heroes"):
        merging.artist_merge(duplicate=duplicate, kept=kept)
    assert Artist.objects.filter(pk=duplicate.pk).exists()
    assert duplicate.songs.count() == 1


def test_nothing_merges_into_itself():
    person = make_person("Brian Eno")
    with pytest.raises(ValidationError):
        merging.person_merge(duplicate=person, kept=person)


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("boss", "boss@example.org", "a-long-test-password")
    client.force_login(user)
    return client


def test_the_admin_asks_which_person_to_keep_before_it_merges(admin_client):
    kept, duplicate = make_person("Tony Visconti"), make_person("T. Visconti")
    changelist = "/admin/catalogue/person/"
    selected = {"action": "merge_into", "_selected_action": [kept.pk, duplicate.pk]}

    page = admin_client.post(changelist, selected)
    assert page.status_code == 200
    assert b"Choose the person to keep" in page.content
    assert Person.objects.count() == 2

    page = admin_client.post(changelist, {**selected, "confirm": "yes"})
    assert page.status_code == 200
    assert b"errornote" in page.content
    assert Person.objects.count() == 2

    done = admin_client.post(changelist, {**selected, "confirm": "yes", "kept": kept.pk})
    assert done.status_code == 302
    assert list(Person.objects.values_list("pk", flat=True)) == [kept.pk]


def test_the_admin_merges_artists_and_says_why_it_cannot(admin_client):
    kept, duplicate = make_artist(), make_artist()
    make_song(artist=kept, slug="heroes")
    make_song(artist=duplicate, slug="heroes")
    selected = {"action": "merge_into", "_selected_action": [kept.pk, duplicate.pk]}
    response = admin_client.post(
        "/admin/catalogue/artist/", {**selected, "confirm": "yes", "kept": kept.pk}, follow=True
    )
    assert b"rename one of each first" in response.content
    assert Artist.objects.filter(pk=duplicate.pk).exists()
