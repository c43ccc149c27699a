import datetime
import itertools
import uuid

import pytest
from django.utils import timezone

from comments.models import Comment

_counter = itertools.count(1)
# Comments are dated in the past, one minute apart, so their order is certain.
_EPOCH = timezone.now() - datetime.timedelta(days=30)


def make_comment(song, **overrides):
    n = next(_counter)
    fields = {
        "song": song,
        "author_name": f"Reader {n}",
        "author_place": "Denmark",
        "body": f"Comment number {n}.",
        "created_at": _EPOCH + datetime.timedelta(minutes=n),
    }
    fields.update(overrides)
    return Comment.objects.create(**fields)


def comment_data(**overrides):
    data = {
        "author_name": "Ken",
        "author_place": "Denmark",
        "author_email": "",
        "body": "Jojo Rabbit has a German version of this song.",
        "parent": "",
        "submission_token": uuid.uuid4().hex,
        "website": "",
    }
    data.update(overrides)
    return data


def suggestion_data(**overrides):
    data = {
        "body": "Bowie recorded the vocal in three takes.",
        "author_name": "Michael Lloyd",
        "author_place": "London, England",
        "source_citation": "Uncut magazine, 2017",
        "source_url": "",
        "author_email": "",
        "submission_token": uuid.uuid4().hex,
        "website": "",
    }
    data.update(overrides)
    return {f"suggest-{name}": value for name, value in data.items()}


@pytest.fixture
def song_url(published_song):
    return published_song.get_absolute_url()


@pytest.fixture
def post_url(published_song):
    from django.urls import reverse

    return reverse("comments:comment-create", kwargs={"song_pk": published_song.pk})


@pytest.fixture
def suggest_url(published_song):
    from django.urls import reverse

    return reverse("comments:suggestion-create", kwargs={"song_pk": published_song.pk})
