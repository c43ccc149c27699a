"""Personas and small helpers shared by every test module."""

import itertools

import pytest
from django.contrib.auth.models import Group, User

from catalogue.models import Artist, Song, Status

_counter = itertools.count(1)


def make_artist(**overrides):
    n = next(_counter)
    fields = {"name": f"Artist {n}", "sort_name": f"Artist {n}", "slug": f"artist-{n}"}
    fields.update(overrides)
    return Artist.objects.create(**fields)


def make_song(**overrides):
    n = next(_counter)
    fields = {"title": f"Song {n}", "slug": f"song-{n}", "status": Status.PUBLISHED}
    fields.update(overrides)
    if "artist" not in fields:
        fields["artist"] = make_artist()
    return Song.objects.create(**fields)


def make_user(username, *groups, **fields):
    user = User.objects.create_user(username=username, password="a-long-test-password", **fields)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


@pytest.fixture
def published_song(db):
    return make_song(title="Heroes", slug="heroes")


@pytest.fixture
def draft_song(db):
    return make_song(title="Unfinished", slug="unfinished", status=Status.DRAFT)


@pytest.fixture
def editor(db):
    return make_user("editor", "Editors", is_staff=True)


@pytest.fixture
def moderator(db):
    return make_user("moderator", "Moderators", is_staff=True)


@pytest.fixture
def reader(db):
    return make_user("reader")
