"""The index follows every change editors make, once the change commits."""

import io

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command
from django.db import transaction

from catalogue.models import Fact, Status
from comments.models import Comment
from search.models import SearchDocument
from tests.conftest import make_artist, make_song
from tests.search.conftest import make_album, make_comment, make_credit, make_fact, make_person

pytestmark = pytest.mark.django_db
Kind = SearchDocument.Kind


def documents(kind):
    return {d.object_id: d for d in SearchDocument.objects.filter(kind=kind)}


def matches(kind, words):
    """Ids of `kind` documents whose vector holds all the words, each at one of the weights."""
    query = SearchQuery(words, config="simple", search_type="raw")
    return set(
        SearchDocument.objects.filter(
            kind=kind, **{SearchDocument.vector_field(kind): query}
        ).values_list("object_id", flat=True)
    )


def test_it_indexes_a_published_song_its_artist_and_facts(committed):
    with committed():
        artist = make_artist(name="Motörhead", slug="motorhead")
        song = make_song(title="Ace of Spades", artist=artist, release_year=1980)
        fact = make_fact(song, body="Lemmy <em>hated</em> gambling &amp; the song.")
    assert documents(Kind.SONG)[song.pk].title == "Ace of Spades"
    assert documents(Kind.SONG)[song.pk].detail == "Motörhead, 1980"
    assert documents(Kind.SONG)[song.pk].url == song.get_absolute_url()
    assert documents(Kind.ARTIST)[artist.pk].normalized_title == "motorhead"
    assert documents(Kind.FACT)[fact.pk].body == "Lemmy hated gambling & the song."
    assert documents(Kind.FACT)[fact.pk].url == fact.get_absolute_url()
    assert matches(Kind.FACT, "lemmy & gambling & motorhead") == {fact.pk}


def test_it_never_indexes_drafts(committed):
    with committed():
        song = make_song(status=Status.DRAFT)
        draft_fact = make_fact(song, status=Status.DRAFT)
        make_fact(song)
        published = make_song(artist=song.artist)
        make_fact(published, status=Status.DRAFT)
    assert set(documents(Kind.SONG)) == {published.pk}
    assert draft_fact.pk not in documents(Kind.FACT)
    assert documents(Kind.FACT) == {}


def test_it_removes_an_unpublished_song_with_its_facts_and_lone_artist(committed):
    with committed():
        song = make_song()
        make_fact(song)
    assert documents(Kind.FACT) and documents(Kind.ARTIST)
    with committed():
        song.status = Status.DRAFT
        song.save()
    assert documents(Kind.SONG) == documents(Kind.FACT) == documents(Kind.ARTIST) == {}


def test_it_indexes_a_song_and_its_facts_when_it_is_published(committed):
    with committed():
        song = make_song(status=Status.DRAFT)
        fact = make_fact(song)
    with committed():
        song.status = Status.PUBLISHED
        song.save()
    assert song.pk in documents(Kind.SONG)
    assert fact.pk in documents(Kind.FACT)


def test_it_keeps_an_artist_who_still_has_another_published_song(committed):
    with committed():
        song = make_song()
        make_song(artist=song.artist)
    with committed():
        song.status = Status.DRAFT
        song.save()
    assert song.artist_id in documents(Kind.ARTIST)


def test_it_follows_a_fact_being_edited_unpublished_and_deleted(committed):
    with committed():
        fact = make_fact(make_song(), body="Written in Berlin.")
    with committed():
        fact.body = "Written near the Wall."
        fact.save()
    assert documents(Kind.FACT)[fact.pk].body == "Written near the Wall."
    with committed():
        fact.status = Status.DRAFT
        fact.save()
    assert documents(Kind.FACT) == {}
    with committed():
        fact.status = Status.PUBLISHED
        fact.save()
    with committed():
        fact.delete()
    assert documents(Kind.FACT) == {}


def test_it_follows_credits_into_the_song_and_the_person(committed):
    with committed():
        song = make_song()
        person = make_person("Tony Visconti")
        credit = make_credit(song, person)
    assert matches(Kind.SONG, "visconti") == {song.pk}
    assert person.pk in documents(Kind.PERSON)
    with committed():
        credit.delete()
    assert matches(Kind.SONG, "visconti") == set()
    assert documents(Kind.PERSON) == {}


def test_it_moves_a_credit_changed_to_another_person(committed):
    with committed():
        song = make_song()
        first, second = make_person("Brian Eno"), make_person("Robert Fripp")
        credit = make_credit(song, first)
    with committed():
        credit.person = second
        credit.save()
    assert set(documents(Kind.PERSON)) == {second.pk}
    assert matches(Kind.SONG, "fripp") == {song.pk}


def test_it_follows_an_artist_rename_into_songs_albums_and_facts(committed):
    with committed():
        artist = make_artist(name="David Jones", slug="david-jones")
        album = make_album(artist, "Heroes")
        song = make_song(artist=artist, album=album)
        fact = make_fact(song)
    with committed():
        artist.name = "David Bowie"
        artist.slug = "david-bowie"
        artist.save()
    assert documents(Kind.ARTIST)[artist.pk].title == "David Bowie"
    assert matches(Kind.SONG, "bowie") == {song.pk}
    assert matches(Kind.ALBUM, "bowie") == {album.pk}
    assert matches(Kind.FACT, "bowie") == {fact.pk}
    assert "/david-bowie/" in documents(Kind.SONG)[song.pk].url
    assert "/david-bowie/" in documents(Kind.FACT)[fact.pk].url


def test_it_leaves_the_former_artist_when_a_song_moves(committed):
    with committed():
        song = make_song()
        former = song.artist
        other = make_artist()
    with committed():
        song.artist = other
        song.save()
    assert set(documents(Kind.ARTIST)) == {other.pk}
    assert former.pk not in documents(Kind.ARTIST)


def test_it_follows_album_renames_and_deletes(committed):
    with committed():
        artist = make_artist()
        album = make_album(artist, "Low")
        song = make_song(artist=artist, album=album)
    assert matches(Kind.SONG, "low") == {song.pk}
    with committed():
        album.title = "Lodger"
        album.save()
    assert documents(Kind.ALBUM)[album.pk].title == "Lodger"
    assert matches(Kind.SONG, "lodger") == {song.pk}
    with committed():
        album.delete()
    assert documents(Kind.ALBUM) == {}
    assert matches(Kind.SONG, "lodger") == set()


def test_it_follows_a_person_rename(committed):
    with committed():
        song = make_song()
        person = make_person("Brian Peter George Eno")
        make_credit(song, person)
    with committed():
        person.name = "Brian Eno"
        person.save()
    assert documents(Kind.PERSON)[person.pk].title == "Brian Eno"
    assert matches(Kind.SONG, "eno") == {song.pk}


def test_it_removes_a_deleted_song_with_its_facts_credits_and_artist(committed):
    with committed():
        song = make_song()
        make_fact(song)
        make_credit(song, make_person("Tony Visconti"))
    with committed():
        song.delete()
    assert SearchDocument.objects.count() == 0


def test_it_ignores_a_change_that_is_rolled_back(committed):
    with committed():
        song = make_song(title="Heroes")
    with committed(), transaction.atomic():
        song.title = "Villains"
        song.save()
        transaction.set_rollback(True)
    assert documents(Kind.SONG)[song.pk].title == "Heroes"


def test_it_skips_fixture_loading_and_the_rebuild_command_indexes_it(committed, tmp_path):
    with committed():
        song = make_song(title="Heroes")
        make_fact(song, body="Recorded by the Wall.")
        make_credit(song, make_person("Tony Visconti"))
        make_song(title="Draft", status=Status.DRAFT)
    SearchDocument.objects.all().delete()
    fixture = tmp_path / "facts.json"
    call_command("dumpdata", "catalogue.fact", output=str(fixture))
    Fact.objects.all().delete()
    with committed():
        call_command("loaddata", str(fixture), verbosity=0)
    assert SearchDocument.objects.count() == 0
    with committed():
        call_command(
            "rebuild_search_index", batch_size=1, stdout=io.StringIO(), stderr=io.StringIO()
        )
    assert {(kind, len(documents(kind))) for kind in Kind.values} == {
        (Kind.SONG, 1),
        (Kind.ARTIST, 1),
        (Kind.ALBUM, 0),
        (Kind.PERSON, 1),
        (Kind.FACT, 1),
        (Kind.COMMENT, 0),
    }


def test_it_indexes_a_shown_comment_with_its_song_and_artist(committed):
    with committed():
        artist = make_artist(name="The Kingsmen")
        song = make_song(title="Louie Louie", artist=artist)
        comment = make_comment(song, body="Motörhead's\ncover <b>rocks</b>.", author_name="Ann")
    document = documents(Kind.COMMENT)[comment.pk]
    assert (document.title, document.detail) == ("Louie Louie", "The Kingsmen · comment by Ann")
    assert document.body == "Motörhead's cover <b>rocks</b>."
    assert document.url == comment.get_absolute_url()
    assert matches(Kind.COMMENT, "motorheads & rocks & louie & kingsmen") == {comment.pk}


def test_it_follows_a_comment_edited_held_and_deleted(committed):
    with committed():
        comment = make_comment(make_song(), body="Lemmy sang it.")
    with committed():
        comment.body = "Lemmy shouted it."
        comment.save()
    assert matches(Kind.COMMENT, "shouted") == {comment.pk}
    for status in (Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.REMOVED):
        with committed():
            comment.status = status
            comment.save(update_fields=["status"])
        assert documents(Kind.COMMENT) == {}
    with committed():
        comment.status = Comment.Status.PUBLISHED
        comment.save(update_fields=["status"])
    assert set(documents(Kind.COMMENT)) == {comment.pk}
    with committed():
        comment.delete()
    assert documents(Kind.COMMENT) == {}


def test_it_follows_a_thread_into_its_replies(committed):
    with committed():
        song = make_song()
        parent = make_comment(song)
        reply = make_comment(song, parent=parent)
    assert set(documents(Kind.COMMENT)) == {parent.pk, reply.pk}
    with committed():
        parent.status = Comment.Status.REMOVED
        parent.save(update_fields=["status"])
    assert documents(Kind.COMMENT) == {}
    with committed():
        parent.status = Comment.Status.PUBLISHED
        parent.save(update_fields=["status"])
    assert set(documents(Kind.COMMENT)) == {parent.pk, reply.pk}
    with committed():
        parent.delete()
    assert documents(Kind.COMMENT) == {}


def test_it_follows_a_song_and_artist_into_their_comments(committed):
    with committed():
        artist = make_artist(name="David Jones")
        song = make_song(title="Heroes", artist=artist)
        comment = make_comment(song)
    with committed():
        artist.name = "David Bowie"
        artist.save()
    assert matches(Kind.COMMENT, "bowie & heroes") == {comment.pk}
    with committed():
        song.status = Status.DRAFT
        song.save()
    assert documents(Kind.COMMENT) == {}
    with committed():
        song.delete()
    assert SearchDocument.objects.count() == 0


def test_it_follows_tags_added_renamed_and_removed(committed):
    with committed():
        song = make_song(title="Heroes")
        song.tags.add("Songs about Berlin")
    assert matches(Kind.SONG, "berlin") == {song.pk}
    assert documents(Kind.SONG)[song.pk].body == "Songs about Berlin"
    tag = song.tags.get()
    with committed():
        tag.name = "Songs about the Wall"
        tag.save()
    assert matches(Kind.SONG, "berlin") == set()
    assert matches(Kind.SONG, "wall") == {song.pk}
    with committed():
        song.tags.remove(tag)
    assert matches(Kind.SONG, "wall") == set()
    with committed():
        song.tags.add(tag)
    with committed():
        tag.delete()
    assert matches(Kind.SONG, "wall") == set()


def popularity(kind, object_id):
    return documents(kind)[object_id].popularity


def test_it_counts_the_facts_and_comments_readers_can_read_about_each_name(committed):
    with committed():
        bowie = make_artist(name="David Bowie")
        album = make_album(bowie, "Heroes")
        heroes = make_song(title="Heroes", artist=bowie, album=album)
        low = make_song(title="Low", artist=bowie)
        visconti = make_person("Tony Visconti")
        make_credit(heroes, visconti)
        make_credit(low, visconti, role_name="Engineer")
        make_fact(heroes)
        make_fact(heroes, status=Status.DRAFT)
        comment = make_comment(heroes)
        make_comment(heroes, status=Comment.Status.PENDING)
        make_fact(low)
    assert popularity(Kind.SONG, heroes.pk) == 2
    assert popularity(Kind.SONG, low.pk) == 1
    assert popularity(Kind.ARTIST, bowie.pk) == 3
    assert popularity(Kind.ALBUM, album.pk) == 2
    assert popularity(Kind.PERSON, visconti.pk) == 3
    assert {d.popularity for d in SearchDocument.objects.filter(kind__in=["fact", "comment"])} == {
        0
    }
    with committed():
        comment.status = Comment.Status.REMOVED
        comment.save(update_fields=["status"])
    assert popularity(Kind.SONG, heroes.pk) == 1
    assert popularity(Kind.ARTIST, bowie.pk) == 2
    with committed():
        low.status = Status.DRAFT
        low.save()
    assert popularity(Kind.ARTIST, bowie.pk) == popularity(Kind.PERSON, visconti.pk) == 1
