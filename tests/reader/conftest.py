"""Builders for reader-page tests: songs with every kind of content, in any amount."""

import datetime
import itertools

import pytest
from django.utils import timezone

from catalogue.models import (
    Album,
    Appearance,
    Certification,
    Chart,
    ChartEntry,
    Credit,
    EditorsPick,
    Fact,
    Isrc,
    Person,
    Role,
    Source,
    Status,
    Version,
)
from comments.models import Comment
from tests.conftest import make_artist, make_song

_counter = itertools.count(1)
_EPOCH = timezone.now() - datetime.timedelta(days=30)


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # These tests look at what the views do; the anonymous page cache has tests of its own.
    settings.PAGE_CACHE_SECONDS = 0


def add_content(song, n=1):
    """Give `song` n of everything its page shows, each with its own related rows."""
    for _ in range(n):
        i = next(_counter)
        fact = Fact.objects.create(
            song=song,
            position=i,
            body=f"Fact number {i} about the song.",
            status=Status.PUBLISHED,
            suggested_by_name=f"Reader {i}",
            suggested_by_place="Iceland",
        )
        Source.objects.create(fact=fact, citation=f"Magazine {i}", url="https://example.org/")
        person = Person.objects.create(name=f"Person {i}", sort_name=f"Person {i}", slug=f"p-{i}")
        role = Role.objects.create(name=f"Role {i}", slug=f"role-{i}", group="writing")
        Credit.objects.create(song=song, person=person, role=role, note="a note")
        chart = Chart.objects.create(name=f"Chart {i}", slug=f"chart-{i}")
        ChartEntry.objects.create(song=song, chart=chart, peak_position=i, entry_year=1977)
        ChartEntry.objects.create(song=song, chart=chart, peak_position=None, entry_year=1978)
        cover = make_song(title=f"Cover {i}", slug=f"cover-{i}", release_year=1990)
        Version.objects.create(original=song, version=cover, kind=Version.Kind.COVER)
        original = make_song(title=f"Original {i}", slug=f"original-{i}", release_year=1970)
        Version.objects.create(original=original, version=song, kind=Version.Kind.LIVE)
        Certification.objects.create(song=song, body=f"Body {i}", level="Gold")
        Isrc.objects.create(song=song, code=f"GBAJE77{i:05d}")
        Appearance.objects.create(song=song, medium="film", title=f"Film {i}", year=1981)
        Appearance.objects.create(song=cover, medium="tv", title=f"Show {i}", year=2016)
        song.tags.add(f"topic {i}")
        cover.tags.add(f"topic {i}")
        pick = EditorsPick.objects.create(
            title=f"Pick {i}", kind="article", blurb="Read this.", url="https://example.org/"
        )
        pick.songs.add(song)
        comment = Comment.objects.create(
            song=song,
            author_name=f"Commenter {i}",
            author_place="Denmark",
            body=f"Comment {i}",
            created_at=_EPOCH + datetime.timedelta(minutes=i),
        )
        Comment.objects.create(
            song=song,
            parent=comment,
            author_name=f"Replier {i}",
            body=f"Reply {i}",
            created_at=_EPOCH + datetime.timedelta(minutes=i, seconds=30),
        )


def make_album(artist, **overrides):
    i = next(_counter)
    fields = {"title": f"Album {i}", "slug": f"album-{i}", "artist": artist, "release_year": 1977}
    fields.update(overrides)
    return Album.objects.create(**fields)


__all__ = ["add_content", "make_album", "make_artist", "make_song"]
