"""Helpers for the search tests: catalogue rows whose changes reach the index on commit."""

import itertools

import pytest

from catalogue.models import Album, Credit, Fact, Person, Role, Status
from comments.models import Comment

_counter = itertools.count(1)


def make_fact(song, body="A story about the song.", **overrides):
    fields = {"song": song, "body": body, "status": Status.PUBLISHED, "position": next(_counter)}
    fields.update(overrides)
    return Fact.objects.create(**fields)


def make_person(name, **overrides):
    n = next(_counter)
    fields = {"name": name, "sort_name": name, "slug": f"person-{n}"}
    fields.update(overrides)
    return Person.objects.create(**fields)


def make_credit(song, person, role_name="Producer"):
    role, _ = Role.objects.get_or_create(name=role_name, defaults={"slug": role_name.lower()})
    return Credit.objects.create(song=song, person=person, role=role)


def make_album(artist, title, **overrides):
    n = next(_counter)
    return Album.objects.create(artist=artist, title=title, slug=f"album-{n}", **overrides)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the index's on-commit refreshes at the end of the `with` block, as a commit would."""

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block


def make_comment(song, body="What a song.", **overrides):
    fields = {"song": song, "author_name": "Ann", "body": body}
    fields.update(overrides)
    return Comment.objects.create(**fields)
