"""Writers for the catalogue: each status change is one function that checks and records it."""

import reversion
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from catalogue.models import Fact, Song, Status


def _set_status(entry, status, editor):
    if entry.status == status:
        return False
    entry.status = status
    entry.full_clean()
    # The history credits the editor with the change (history.versioned).
    with reversion.create_revision():
        reversion.set_user(editor)
        reversion.set_comment(_status_comment(entry, status))
        entry.save()
    return True


def _status_comment(entry, status):
    done = "Published" if status == Status.PUBLISHED else "Taken back to draft"
    if isinstance(entry, Song):
        return f"{done}."
    return f"{entry._meta.verbose_name.capitalize()} “{entry}”: {done.lower()}."


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
