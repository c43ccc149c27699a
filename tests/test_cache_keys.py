"""Each page is known by the keys of what it shows, and each change purges exactly the keys
its row appears under, once it commits."""

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from catalogue.dates import PartialDate
from catalogue.models import (
    Album,
    Chart,
    ChartEntry,
    Credit,
    EditorsPick,
    Fact,
    Person,
    Role,
    SongSlugRedirect,
    Source,
    Status,
)
from comments import services
from comments.models import BlockedTerm, Comment, FactSuggestion
from songfacts import cache_keys, replicas
from tests.comments.conftest import comment_data
from tests.conftest import make_artist, make_song
from tests.reader.conftest import add_content

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]

purged = []


def record(keys):
    """A purge target for these tests (settings.CACHE_PURGE_TARGETS)."""
    purged.append(set(keys))


def fail(keys):
    """A purge target that cannot be reached."""
    raise ConnectionError("the cache went away")


@pytest.fixture(autouse=True)
def purges(settings):
    settings.CACHE_PURGE_TARGETS = ["songfacts.page_cache.purge", "tests.test_cache_keys.record"]
    purged.clear()
    yield purged
    purged.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs the block's on-commit callbacks (the purges) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _all(purges):
    return set().union(*purges)


def _keys(response):
    return set(response["Surrogate-Key"].split())


@pytest.fixture
def song(db):
    song = make_song(title="Heroes", slug="heroes")
    Fact.objects.create(song=song, position=1, body="Written in Berlin.", status=Status.PUBLISHED)
    return song


def test_a_song_page_is_known_by_everything_it_shows(client):
    artist = make_artist()
    album = Album.objects.create(title="Heroes", slug="heroes", artist=artist)
    song = make_song(artist=artist, album=album)
    add_content(song)
    related = make_song(artist=artist)

    keys = _keys(client.get(song.get_absolute_url()))

    credit = song.credits.get()
    entry = song.chart_entries.first()
    expected = {
        f"song-{song.pk}",
        f"song-{song.pk}-facts",
        f"song-{song.pk}-details",
        f"song-{song.pk}-comments",
        f"artist-{artist.pk}",
        f"album-{album.pk}",
        f"person-{credit.person_id}",
        f"role-{credit.role_id}",
        f"chart-{entry.chart_id}",
        f"tag-{song.tags.get().pk}",
        f"song-{related.pk}",
        f"song-{song.versions.get().version_id}",
        f"song-{song.version_of.get().original_id}",
        "picks",
    }
    assert expected <= keys


def test_every_reader_page_says_its_keys(client, song):
    artist = song.artist
    album = Album.objects.create(title="Low", slug="low", artist=artist)
    person = Person.objects.create(name="Eno", sort_name="Eno", slug="eno")
    chart = Chart.objects.create(name="UK Singles", slug="uk")
    song.tags.add("Berlin")
    song.released = PartialDate.of_year(1977)
    song.save()
    pages = {
        reverse("catalogue:home"): "home",
        reverse("catalogue:song-list"): "songs-az",
        reverse("catalogue:artist-list"): "artists-az",
        artist.get_absolute_url(): f"artist-{artist.pk}",
        album.get_absolute_url(): f"album-{album.pk}",
        person.get_absolute_url(): f"person-{person.pk}",
        reverse("catalogue:tag-detail", kwargs={"slug": "berlin"}): "tag-",
        chart.get_absolute_url(): f"chart-{chart.pk}",
        reverse("catalogue:decade-list"): "songs-az",
        reverse("catalogue:decade-detail", kwargs={"decade": 1970}): "songs-az",
        reverse("catalogue:year-detail", kwargs={"year": 1977}): "songs-az",
        reverse("catalogue:new-songs-feed"): "feeds",
        reverse("catalogue:new-facts-feed"): "feeds",
        reverse(
            "catalogue:song-comments-feed", kwargs={"artist_slug": artist.slug, "slug": song.slug}
        ): f"song-{song.pk}-comments",
        reverse(
            "catalogue:song-history", kwargs={"artist_slug": artist.slug, "slug": song.slug}
        ): f"song-{song.pk}-history",
        reverse("catalogue:sitemap"): "sitemaps",
        reverse("catalogue:sitemap-section", kwargs={"section": "songs"}): "sitemaps",
    }
    for url, key in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert any(k.startswith(key) for k in _keys(response)), (url, _keys(response))


def test_a_sitemap_is_known_by_its_list_alone(client, song):
    response = client.get(reverse("catalogue:sitemap-section", kwargs={"section": "songs"}))

    assert _keys(response) == {"sitemaps"}


def test_a_published_comment_purges_its_songs_comments_and_the_home_page(song, committed):
    with committed():
        Comment.objects.create(song=song, author_name="Cp", body="Louder has a story.")

    assert _all(purged) == {f"song-{song.pk}-comments", "home"}


def test_a_comment_nobody_saw_purges_nothing_until_it_is_published(song, committed):
    with committed():
        held = Comment.objects.create(song=song, author_name="S", body="buy", status="pending")
        spam = Comment.objects.create(song=song, author_name="S", body="buy", status="pending")
        services.comment_moderate(comment=spam, status=Comment.Status.REMOVED)
    assert purged == []

    with committed():
        services.comment_moderate(comment=held, status=Comment.Status.PUBLISHED)
    assert _all(purged) == {f"song-{song.pk}-comments", "home"}

    purged.clear()
    with committed():
        services.comment_moderate(comment=held, status=Comment.Status.REMOVED)
    assert _all(purged) == {f"song-{song.pk}-comments"}


def test_changes_readers_never_see_purge_nothing(song, committed, editor):
    with committed():
        FactSuggestion.objects.create(song=song, body="A rumour.", author_name="Ann")
        BlockedTerm.objects.create(value="casino")
        SongSlugRedirect.objects.create(artist=song.artist, old_slug="old-heroes", song=song)
        session = SessionStore()
        session["seen"] = True
        session.save()
        AccessAttempt.objects.create(username="x", ip_address="127.0.0.1", failures_since_start=1)
        draft = Fact.objects.create(song=song, position=2, body="Draft.", status=Status.DRAFT)
        draft.body = "Still a draft."
        draft.save()
        make_song(artist=song.artist, status=Status.DRAFT)

    assert purged == []


def test_a_save_that_changes_nothing_purges_nothing(song, committed):
    fact = Fact.objects.get()
    with committed():
        song.save()
        fact.save()

    assert purged == []


def test_a_new_fact_purges_its_songs_facts_and_the_lists_of_latest_facts(song, committed):
    with committed():
        Fact.objects.create(song=song, position=2, body="Eno.", status=Status.PUBLISHED)

    assert _all(purged) == {f"song-{song.pk}-facts", "home", "feeds"}


def test_an_edited_fact_purges_its_songs_facts(song, committed):
    fact = Fact.objects.get()
    with committed():
        fact.body = "Written in Berlin, by the Wall."
        fact.save()

    assert _all(purged) == {f"song-{song.pk}-facts"}


def test_a_fact_unpublished_purges_where_it_was_shown(song, committed):
    fact = Fact.objects.get()
    with committed():
        fact.status = Status.DRAFT
        fact.save()

    assert _all(purged) == {f"song-{song.pk}-facts"}


def test_a_source_purges_its_facts_song(song, committed):
    fact = Fact.objects.get()
    with committed():
        source = Source.objects.create(fact=fact, citation="Uncut, 2017")
        source.citation = "Uncut magazine, 2017"
        source.save()
        source.delete()

    assert purged == [{f"song-{song.pk}-facts"}] * 3


def test_a_published_song_joins_every_list_that_may_show_it(committed):
    artist = make_artist()
    album = Album.objects.create(title="Heroes", slug="heroes", artist=artist)
    song = make_song(artist=artist, album=album, status=Status.DRAFT)
    song.tags.add("Berlin")
    person = Person.objects.create(name="Eno", sort_name="Eno", slug="eno")
    role = Role.objects.create(name="Synthesizer", slug="synthesizer")
    Credit.objects.create(song=song, person=person, role=role)
    chart = Chart.objects.create(name="UK Singles", slug="uk")
    ChartEntry.objects.create(song=song, chart=chart, peak_position=24, entry_year=1977)
    purged.clear()

    with committed():
        song.status = Status.PUBLISHED
        song.save()

    assert _all(purged) == {
        f"song-{song.pk}",
        f"artist-{artist.pk}",
        f"album-{album.pk}",
        f"tag-{song.tags.get().pk}",
        f"person-{person.pk}",
        f"chart-{chart.pk}",
        "home",
        "songs-az",
        "artists-az",
        "feeds",
        "sitemaps",
        "albums-az",
        "tags",
        "people-az",
        "charts",
    }


def test_a_renamed_song_purges_the_pages_that_show_it_and_no_list(song, committed):
    with committed():
        song.title = "“Heroes”"
        song.save()

    assert _all(purged) == {f"song-{song.pk}"}


def test_a_song_moved_to_another_album_purges_both(song, committed):
    low = Album.objects.create(title="Low", slug="low", artist=song.artist)
    heroes = Album.objects.create(title="Heroes", slug="heroes", artist=song.artist)
    song.album = low
    song.save()
    purged.clear()

    with committed():
        song.album = heroes
        song.save()

    assert {f"song-{song.pk}", f"album-{heroes.pk}"} <= _all(purged)


def test_tagging_a_song_purges_its_details_the_tags_page_and_the_tag_index(song, committed):
    with committed():
        song.tags.add("Berlin")

    tag = song.tags.get()
    assert _all(purged) == {f"song-{song.pk}-details", f"tag-{tag.pk}", "tags", "sitemaps"}


def test_an_editors_pick_purges_the_picks_on_every_song_page(song, committed):
    with committed():
        pick = EditorsPick.objects.create(
            title="Interview", kind="interview", blurb="Read.", url="https://example.org/"
        )
        pick.songs.add(song)

    assert _all(purged) == {"picks"}


def test_a_purge_waits_for_the_commit(song, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        Comment.objects.create(song=song, author_name="Cp", body="Louder has a story.")

    assert purged == []
    for callback in callbacks:
        callback()
    assert purged == [{f"song-{song.pk}-comments", "home"}]


def test_a_comment_on_one_song_leaves_another_songs_pages_cached(song, committed):
    other = make_song(title="Hero", slug="hero")
    reader = Client()
    pages = [
        song.get_absolute_url(),
        song.get_absolute_url() + "?comments_page=1",
        reverse(
            "catalogue:song-comments-feed",
            kwargs={"artist_slug": song.artist.slug, "slug": song.slug},
        ),
        reverse("catalogue:home"),
    ]
    for url in [*pages, other.get_absolute_url()]:
        reader.get(url)

    with committed():
        Comment.objects.create(song=song, author_name="Cp", body="Lemmy sang it.")

    for url in pages:
        assert reader.get(url)["X-Page-Cache"] == "miss", url
    assert reader.get(other.get_absolute_url())["X-Page-Cache"] == "hit"


def test_keys_are_purged_again_once_every_replica_has_replayed_the_change(purges, monkeypatch):
    waiting = []
    monkeypatch.setattr(replicas, "primary_position", lambda: 4242)
    monkeypatch.setattr(
        replicas, "after_replayed", lambda lsn, callback: waiting.append((lsn, callback))
    )

    cache_keys.purge(["song-1", "home"])

    assert purges == [{"song-1", "home"}]
    assert [lsn for lsn, _ in waiting] == [4242]
    waiting[0][1]()
    assert purges == [{"song-1", "home"}, {"song-1", "home"}]


def test_without_replicas_a_purge_goes_out_once(purges):
    cache_keys.purge(["song-1"])

    assert purges == [{"song-1"}]


def test_a_target_that_fails_keeps_neither_the_others_nor_the_change_from_going_through(
    song, settings, caplog, committed
):
    settings.CACHE_PURGE_TARGETS = ["tests.test_cache_keys.fail", "tests.test_cache_keys.record"]
    url = reverse("comments:comment-create", kwargs={"song_pk": song.pk})

    with committed():
        response = Client().post(url, comment_data())

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert comment.status == Comment.Status.PUBLISHED
    assert purged == [{f"song-{song.pk}-comments", "home"}]
    assert "tests.test_cache_keys.fail failed" in caplog.text
