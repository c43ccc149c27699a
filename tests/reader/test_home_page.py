"""The home page: latest facts, new songs, recently commented songs, the song of the day."""

import datetime

import pytest
from django.utils import timezone

from catalogue.models import Fact, Song, Status
from catalogue.selectors import HOME_LIST_LENGTH, home_page
from comments.models import Comment
from tests.conftest import make_song
from tests.reader.conftest import add_content

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def minutes_ago(minutes):
    return NOW - datetime.timedelta(minutes=minutes)


def make_fact(song, body, minutes, status=Status.PUBLISHED):
    position = Fact.objects.filter(song=song).count() + 1
    fact = Fact.objects.create(song=song, position=position, body=body, status=status)
    Fact.objects.filter(pk=fact.pk).update(created_at=minutes_ago(minutes))
    return fact


def make_comment(song, name, minutes, **fields):
    return Comment.objects.create(
        song=song, author_name=name, body="A memory.", created_at=minutes_ago(minutes), **fields
    )


def today():
    return home_page(timezone.localdate())


def test_the_home_page_shows_latest_facts_recent_comments_and_a_song_of_the_day(client):
    old = make_song(title="Old Song")
    new = make_song(title="New Song")
    Fact.objects.create(song=new, position=1, body="Freshly written.", status=Status.PUBLISHED)
    Fact.objects.create(song=new, position=2, body="Not yet.", status=Status.DRAFT)
    Comment.objects.create(song=old, author_name="Ken", body="Lovely.")

    html = client.get("/").content.decode()

    assert "Freshly written." in html
    assert "Not yet." not in html
    assert f'href="{old.get_absolute_url()}#comments"' in html
    assert "Ken commented" in html
    assert f'href="{new.get_absolute_url()}">New Song</a>' in html
    assert 'id="sotd-heading"' in html


def test_the_latest_facts_are_the_newest_published_facts_of_published_songs():
    songs = [make_song() for _ in range(10)]
    draft_song = make_song(status=Status.DRAFT)
    for minutes, song in enumerate(songs, start=1):
        make_fact(song, f"Fact from {minutes} minutes ago.", minutes)
    make_fact(songs[0], "A draft fact.", 0, status=Status.DRAFT)
    make_fact(draft_song, "A fact of a draft song.", 0)

    facts = today().latest_facts

    assert [fact.body for fact in facts] == [
        f"Fact from {minutes} minutes ago." for minutes in range(1, HOME_LIST_LENGTH + 1)
    ]
    assert facts[0].get_absolute_url() == f"{songs[0].get_absolute_url()}#fact-{facts[0].pk}"


def test_new_songs_are_the_latest_published_with_their_artists():
    songs = [make_song(title=f"Song at {minutes}") for minutes in range(10, 0, -1)]
    for minutes, song in zip(range(10, 0, -1), songs, strict=True):
        Song.objects.filter(pk=song.pk).update(published_at=minutes_ago(minutes))
    make_song(title="A draft", status=Status.DRAFT)

    new_songs = today().new_songs

    assert [song.title for song in new_songs] == [
        f"Song at {minutes}" for minutes in range(1, HOME_LIST_LENGTH + 1)
    ]
    assert new_songs[0].get_absolute_url() == songs[-1].get_absolute_url()
    assert new_songs[0].artist.name == songs[-1].artist.name


def test_recently_commented_songs_come_once_each_with_their_latest_comment():
    busy, quiet, draft_song = make_song(), make_song(), make_song(status=Status.DRAFT)
    make_comment(busy, "Ken", 1)
    make_comment(quiet, "Ann", 2)
    make_comment(busy, "Bea", 3)
    make_comment(busy, "Pending", 0, status=Comment.Status.PENDING)
    make_comment(draft_song, "On a draft", 0)

    commented = today().recently_commented

    assert [(c.song.pk, c.author_name) for c in commented] == [(busy.pk, "Ken"), (quiet.pk, "Ann")]
    assert commented[0].song.get_absolute_url() == busy.get_absolute_url()
    assert commented[0].created_at == minutes_ago(1)


def test_the_home_page_lists_a_song_once_however_many_recent_comments_it_has(client):
    song = make_song(title="Busy")
    for minute in range(5):
        make_comment(song, "Ken", minute)

    html = client.get("/").content.decode()

    assert html.count(f'href="{song.get_absolute_url()}#comments"') == 1


def test_the_song_of_the_day_stays_the_same_all_day_and_changes_over_days():
    songs = [make_song() for _ in range(30)]
    picks = [home_page(datetime.date(2026, 11, day)).song_of_the_day.pk for day in range(1, 29)]

    assert home_page(datetime.date(2026, 11, 23)).song_of_the_day.pk == picks[22]
    assert set(picks) <= {song.pk for song in songs}
    assert len(set(picks)) > 5


def test_the_song_of_the_day_is_never_a_draft():
    first = make_song()
    for _ in range(3):
        make_song(status=Status.DRAFT)
    last = make_song()

    picks = [home_page(datetime.date(2026, 2, day)).song_of_the_day for day in range(1, 29)]

    assert {song.pk for song in picks} == {first.pk, last.pk}
    assert {song.artist.name for song in picks} == {first.artist.name, last.artist.name}


def test_an_empty_catalogue_has_an_empty_home_page(client):
    make_song(status=Status.DRAFT)

    page = today()
    response = client.get("/")

    assert (page.latest_facts, page.new_songs, page.recently_commented) == ([], [], [])
    assert page.song_of_the_day is None
    assert response.status_code == 200
    assert 'id="sotd-heading"' not in response.content.decode()


def test_the_home_page_costs_the_same_queries_with_50_more_of_everything(
    client, django_assert_num_queries
):
    add_content(make_song(), 1)

    # Expect 5 queries: the latest facts, the new songs, the recent comments, and the
    # published ids' bounds and the first song from the day's point, for the song of the day.
    with django_assert_num_queries(5):
        client.get("/")
    for _ in range(50):
        add_content(make_song(), 1)
    with django_assert_num_queries(5):
        response = client.get("/")
    assert response.status_code == 200


def test_a_comment_of_the_last_minute_reads_just_now(client):
    now = timezone.now()
    Comment.objects.create(song=make_song(), author_name="Ken", body="Hi.", created_at=now)
    Comment.objects.create(
        song=make_song(),
        author_name="Ann",
        body="Hi.",
        created_at=now - datetime.timedelta(minutes=5, seconds=10),
    )

    html = client.get("/").content.decode()

    assert "Ken commented just now" in html
    assert "Ann commented 5\xa0minutes ago" in html
    assert "0\xa0minutes" not in html
