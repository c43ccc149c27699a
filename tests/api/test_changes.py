"""The change feed: what each write records (api.changes), and the feed that lists it
(api.change_feed), oldest first, never skipping a change that commits late."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from api.models import Change
from catalogue.models import (
    Album,
    Appearance,
    Credit,
    Fact,
    Isrc,
    Person,
    Role,
    Source,
    Status,
    Version,
)
from catalogue.services import song_publish
from comments.models import BlockedTerm, Comment, FactSuggestion
from comments.services import comment_author_unsubscribe, comment_moderate
from tests.conftest import make_artist, make_song

pytestmark = pytest.mark.django_db


def recorded():
    """What was recorded since the last call, as {(kind, id): action}; forgets it, so that
    each step of a test (all in the test's one transaction) is seen on its own."""
    rows = {(row.kind, row.object_id): row.action for row in Change.objects.all()}
    Change.objects.all().delete()
    return rows


def make_person(name="Tony Visconti"):
    slug = name.lower().replace(" ", "-")
    return Person.objects.create(name=name, sort_name=name, slug=slug)


def make_role():
    return Role.objects.get_or_create(name="Producer", slug="producer")[0]


def make_comment(song, **overrides):
    fields = {"author_name": "Ann", "body": "Lovely.", "author_email": "ann@example.org"}
    return Comment.objects.create(song=song, **{**fields, **overrides})


def test_it_records_a_published_song_and_its_artist_as_created():
    song = make_song()
    assert recorded() == {("songs", song.pk): "created", ("artists", song.artist_id): "created"}


def test_it_records_nothing_for_a_draft_until_it_is_published():
    song = make_song(status=Status.DRAFT)
    song.title = "Still a draft"
    song.save()
    Fact.objects.create(song=song, body="Hidden.", status=Status.PUBLISHED)
    assert recorded() == {}

    song.status = Status.PUBLISHED
    song.save()
    assert recorded() == {("songs", song.pk): "created", ("artists", song.artist_id): "created"}


def test_publishing_through_the_service_records_it(editor):
    song = make_song(status=Status.DRAFT)
    song_publish(song=song, editor=editor)
    assert recorded() == {("songs", song.pk): "created", ("artists", song.artist_id): "created"}


def test_it_records_an_edit_of_a_published_song_as_changed_once_per_transaction():
    song = make_song()
    recorded()
    song.title = "Heroes"
    song.save()
    song.video_url = "https://www.youtube.com/watch?v=lXgkuM2NhYI"
    song.save()
    assert recorded() == {("songs", song.pk): "changed"}


def test_it_folds_a_creation_and_later_edits_into_created():
    song = make_song()
    song.title = "Renamed"
    song.save()
    assert recorded()[("songs", song.pk)] == "created"


def test_unpublishing_deletes_the_song_its_comments_and_what_only_it_made_public():
    song = make_song()
    person = make_person()
    Credit.objects.create(song=song, person=person, role=make_role())
    comment = make_comment(song)
    other = make_song(artist=make_artist())
    recorded()

    song.status = Status.DRAFT
    song.save()
    assert recorded() == {
        ("songs", song.pk): "deleted",
        ("artists", song.artist_id): "deleted",
        ("people", person.pk): "deleted",
        ("comments", comment.pk): "deleted",
    }
    assert other.pk != song.pk


def test_publishing_again_brings_back_its_comments():
    song = make_song(status=Status.DRAFT)
    comment = make_comment(song)
    pending = make_comment(song, status=Comment.Status.PENDING)
    recorded()
    song.status = Status.PUBLISHED
    song.save()
    changes = recorded()
    assert changes[("comments", comment.pk)] == "created"
    assert ("comments", pending.pk) not in changes


def test_deleting_a_song_deletes_it_and_changes_the_songs_it_was_a_version_of():
    original = make_song()
    cover = make_song()
    Version.objects.create(original=original, version=cover, kind=Version.Kind.COVER)
    comment = make_comment(cover)
    cover_id, comment_id = cover.pk, comment.pk
    recorded()
    cover.delete()
    changes = recorded()
    assert changes[("songs", cover_id)] == "deleted"
    assert changes[("comments", comment_id)] == "deleted"
    assert changes[("songs", original.pk)] == "changed"
    assert changes[("artists", cover.artist_id)] == "deleted"


def test_a_published_fact_changes_its_song_and_a_draft_fact_nothing():
    song = make_song()
    recorded()
    draft = Fact.objects.create(song=song, body="Not yet.", status=Status.DRAFT)
    draft.body = "Still not."
    draft.save()
    assert recorded() == {}

    draft.status = Status.PUBLISHED
    draft.save()
    assert recorded() == {("songs", song.pk): "changed"}
    Source.objects.create(fact=draft, citation="Mojo, 2003")
    assert recorded() == {("songs", song.pk): "changed"}


def test_a_credit_changes_its_song_and_makes_its_person_public():
    song = make_song()
    person = make_person()
    recorded()
    credit = Credit.objects.create(song=song, person=person, role=make_role())
    assert recorded() == {("songs", song.pk): "changed", ("people", person.pk): "created"}
    credit.delete()
    assert recorded() == {("songs", song.pk): "changed", ("people", person.pk): "deleted"}


def test_an_isrc_changes_its_song():
    song = make_song()
    recorded()
    isrc = Isrc.objects.create(song=song, code="GBAJE7700027")
    assert recorded() == {("songs", song.pk): "changed"}
    isrc.delete()
    assert recorded() == {("songs", song.pk): "changed"}


def test_renaming_a_person_changes_their_songs():
    song = make_song()
    person = make_person()
    Credit.objects.create(song=song, person=person, role=make_role())
    recorded()
    person.name = "Anthony Visconti"
    person.save()
    assert recorded() == {("people", person.pk): "changed", ("songs", song.pk): "changed"}
    person.bio = "Producer."
    person.save()
    assert recorded() == {("people", person.pk): "changed"}


def test_a_version_changes_both_songs():
    original, cover = make_song(), make_song()
    recorded()
    Version.objects.create(original=original, version=cover, kind=Version.Kind.COVER)
    assert recorded() == {("songs", original.pk): "changed", ("songs", cover.pk): "changed"}


def test_a_covers_placement_changes_the_original_too():
    original, cover = make_song(), make_song()
    Version.objects.create(original=original, version=cover, kind=Version.Kind.COVER)
    recorded()
    Appearance.objects.create(song=cover, medium="film", title="Christiane F", year=1981)
    assert recorded() == {("songs", cover.pk): "changed", ("songs", original.pk): "changed"}


def test_a_tag_changes_its_song_and_makes_the_tag_public():
    song = make_song()
    recorded()
    song.tags.add("Songs about Berlin")
    tag = song.tags.get()
    assert recorded() == {("songs", song.pk): "changed", ("tags", tag.pk): "created"}
    song.tags.remove(tag)
    assert recorded() == {("songs", song.pk): "changed", ("tags", tag.pk): "deleted"}


def test_renaming_an_artist_changes_its_songs_albums_and_the_comments_on_them():
    artist = make_artist()
    album = Album.objects.create(title="Heroes", slug="heroes", artist=artist)
    song = make_song(artist=artist, album=album)
    comment = make_comment(song)
    recorded()
    artist.name = "David Bowie"
    artist.save()
    assert recorded() == {
        ("artists", artist.pk): "changed",
        ("songs", song.pk): "changed",
        ("albums", album.pk): "changed",
        ("comments", comment.pk): "changed",
    }
    artist.bio = "Singer."
    artist.save()
    assert recorded() == {("artists", artist.pk): "changed"}


def test_a_song_joining_an_album_creates_the_album_and_changes_its_artist():
    artist = make_artist()
    song = make_song(artist=artist)
    album = Album.objects.create(title="Heroes", slug="heroes", artist=artist)
    recorded()
    song.album = album
    song.save()
    assert recorded() == {
        ("songs", song.pk): "changed",
        ("albums", album.pk): "created",
    }


def test_comments_are_created_when_shown_and_deleted_when_removed():
    song = make_song()
    recorded()
    pending = make_comment(song, status=Comment.Status.PENDING)
    assert recorded() == {}
    comment_moderate(comment=pending, status=Comment.Status.PUBLISHED)
    assert recorded() == {("comments", pending.pk): "created"}
    reply = make_comment(song, parent=pending)
    assert recorded() == {("comments", reply.pk): "created"}
    comment_moderate(comment=pending, status=Comment.Status.REMOVED)
    assert recorded() == {("comments", pending.pk): "deleted", ("comments", reply.pk): "deleted"}


def test_what_readers_never_see_records_nothing():
    song = make_song()
    comment = make_comment(song)
    recorded()
    comment_author_unsubscribe(comment=comment)
    comment.author_email = "new@example.org"
    comment.save()
    make_comment(song, status=Comment.Status.PENDING)
    make_comment(song, status=Comment.Status.SPAM)
    FactSuggestion.objects.create(song=song, body="A secret.", author_name="Bo")
    BlockedTerm.objects.create(value="casino")
    assert recorded() == {}


# ---- The feed ----

FEED = "/api/v1/changes/"


def feed(client, query=""):
    response = client.get(FEED + query)
    assert response["Content-Type"] == "application/json", response.status_code
    return response, response.json()


def entries(client, query=""):
    response, page = feed(client, query)
    assert response.status_code == 200, page
    return [(entry["kind"], entry["id"], entry["action"]) for entry in page["results"]]


@pytest.mark.django_db(transaction=True)
def test_the_feed_lists_committed_changes_oldest_first(client):
    song = make_song()
    song.status = Status.DRAFT
    song.save()
    other = make_song()
    response, page = feed(client)
    assert response.status_code == 200
    assert [(entry["kind"], entry["id"], entry["action"]) for entry in page["results"]] == [
        ("songs", song.pk, "created"),
        ("artists", song.artist_id, "created"),
        ("songs", song.pk, "deleted"),
        ("artists", song.artist_id, "deleted"),
        ("songs", other.pk, "created"),
        ("artists", other.artist_id, "created"),
    ]
    created, deleted = page["results"][0], page["results"][2]
    assert created["url"] == f"http://127.0.0.1:8000/api/v1/songs/{song.pk}/"
    assert deleted["url"] is None
    assert created["merged_into"] is None
    assert created["cursor"] < deleted["cursor"]
    assert page["next"] == f"http://127.0.0.1:8000{FEED}?after={page['results'][-1]['cursor']}"
    # The last page grows: nothing may keep it.
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db(transaction=True)
def test_next_resumes_after_the_last_entry_read(client):
    songs = [make_song(artist=make_artist()) for _ in range(3)]
    everything = entries(client)
    response, page = feed(client, "?page_size=2")
    assert response["Cache-Control"] == "public, max-age=3600"
    assert "page_size=2" in page["next"]
    second = client.get(page["next"].removeprefix("http://127.0.0.1:8000")).json()
    read = page["results"] + second["results"]
    assert [(e["kind"], e["id"], e["action"]) for e in read] == everything[:4]
    last = everything[-1]
    assert last == ("artists", songs[-1].artist_id, "created")
    cursor = feed(client)[1]["results"][-1]["cursor"]
    assert entries(client, f"?after={cursor}") == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "query",
    [
        "?after=abc",
        "?after=-1",
        "?after=1.5",
        "?after=" + "9" * 19,
        "?page_size=0",
        "?page_size=1001",
        "?page_size=x",
        "?after=%EF%BC%91",
    ],
)
def test_a_bad_parameter_is_a_400(client, query):
    response, body = feed(client, query)
    assert response.status_code == 400
    assert body["detail"]


@pytest.mark.django_db(transaction=True)
def test_a_cursor_that_was_never_ours_is_a_400(client):
    make_song()
    cursor = feed(client)[1]["results"][-1]["cursor"]
    response, body = feed(client, f"?after={cursor + 1000}")
    assert response.status_code == 400
    assert "cursor" in body["detail"]


@pytest.mark.django_db(transaction=True)
def test_the_feed_shows_no_change_before_an_older_transaction_commits(client):
    """Ids are taken when rows are written, not when they commit: a change written first
    (a lower id) by a transaction still open must not be passed by a later one's."""
    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            # The open transaction takes its transaction id and the next change id first.
            cursor.execute(
                "INSERT INTO api_change (kind, object_id, action) VALUES ('songs', 1, 'changed')"
                " RETURNING id"
            )
            (early_id,) = cursor.fetchone()
        song = make_song()  # commits, with higher ids and a later transaction
        assert Change.objects.get(kind="songs", object_id=song.pk).id > early_id
        assert entries(client) == []

        other.commit()
        assert entries(client) == [
            ("songs", 1, "changed"),
            ("songs", song.pk, "created"),
            ("artists", song.artist_id, "created"),
        ]
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_a_change_that_commits_after_a_higher_id_is_still_read_after_the_cursor(client):
    """The other way round: a transaction that began first takes the higher id, commits
    first and is read; the change with the lower id comes after it in the feed."""
    first = connections.create_connection("default")
    second = connections.create_connection("default")
    try:
        for connection in (first, second):
            connection.set_autocommit(False)
        with first.cursor() as cursor:
            cursor.execute("SELECT pg_current_xact_id()")
        ids = []
        for connection, object_id in ((second, 2), (first, 1)):
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO api_change (kind, object_id, action)"
                    " VALUES ('songs', %s, 'changed') RETURNING id",
                    [object_id],
                )
                ids += cursor.fetchone()
        assert ids[0] < ids[1]  # the entry still to come has the lower id
        first.commit()
        page = feed(client)[1]["results"]
        assert [entry["id"] for entry in page] == [1]

        second.commit()
        assert entries(client, f"?after={page[0]['cursor']}") == [("songs", 2, "changed")]
    finally:
        first.close()
        second.close()


@pytest.mark.django_db(transaction=True)
def test_a_feed_page_costs_the_same_queries_however_many_entries(client, django_assert_num_queries):
    make_song()
    cursor = feed(client)[1]["results"][0]["cursor"]
    # Expect 3 queries: the address's count for the rate limit (in the database cache),
    # where the cursor stands, the page.
    with django_assert_num_queries(3):
        assert len(entries(client, f"?after={cursor}")) == 1
    for _ in range(30):
        make_song(artist=make_artist())
    with django_assert_num_queries(3):
        assert len(entries(client, f"?after={cursor}")) == 61


@pytest.mark.django_db(transaction=True)
def test_the_feed_never_shows_what_readers_cannot_see(client):
    song = make_song()
    make_song(title="Secret draft", status=Status.DRAFT)
    make_comment(song, status=Comment.Status.PENDING, body="pending words")
    make_comment(song, status=Comment.Status.REMOVED)
    FactSuggestion.objects.create(song=song, body="A suggestion.", author_name="Bo")
    body = client.get(FEED).content.decode()
    assert "Secret draft" not in body
    assert "ann@example.org" not in body
    assert [entry[0] for entry in entries(client)] == ["songs", "artists"]


@pytest.mark.django_db(transaction=True)
def test_pruning_forgets_old_changes_and_their_cursors_answer_410(client, settings):
    settings.CHANGE_FEED_DAYS = 30
    old_song = make_song()
    old_cursor = feed(client)[1]["results"][0]["cursor"]
    Change.objects.update(time=timezone.now() - datetime.timedelta(days=31))
    young_song = make_song(artist=make_artist())
    young_cursor = Change.objects.get(kind="songs", object_id=young_song.pk).id

    out = io.StringIO()
    call_command("prune_changes", stdout=out)
    assert "Pruned 2 changes" in out.getvalue()
    assert not Change.objects.filter(object_id=old_song.pk, kind="songs").exists()

    for query in (f"?after={old_cursor}", "", "?after=0"):
        response, body = feed(client, query)
        assert response.status_code == 410
        assert "dump" in body["detail"]
    assert entries(client, f"?after={young_cursor}") == [
        ("artists", young_song.artist_id, "created")
    ]
    call_command("prune_changes", stdout=out)
    assert "No change was old enough" in out.getvalue()
