"""Writers for the catalogue: each status change is one function that checks and records it."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from catalogue.models import Fact, Song, Status


def _set_status(entry, status, editor):
    if entry.status == status:
        return False
    entry.status = status
    # django-simple-history records who made the change with the revision.
    entry._history_user = editor
    entry.full_clean()
    entry.save()
    return True


@transaction.atomic
def song_publish(*, song: Song, editor: AbstractBaseUser) -> bool:
    """Publish a song; True when it was a draft. Its first publication time is kept."""
    return _set_status(song, Status.PUBLISHED, editor)


@transaction.atomic
def song_unpublish(*, song: Song, editor: AbstractBaseUser) -> bool:
    """Take a song back to draft; True when it was published."""
    return _set_status(song, Status.DRAFT, editor)


@transaction.atomic
def fact_publish(*, fact: Fact, editor: AbstractBaseUser) -> bool:
    """Publish a fact; True when it was a draft."""
    return _set_status(fact, Status.PUBLISHED, editor)


@transaction.atomic
def fact_unpublish(*, fact: Fact, editor: AbstractBaseUser) -> bool:
    """Take a fact back to draft; True when it was published."""
    return _set_status(fact, Status.DRAFT, editor)
