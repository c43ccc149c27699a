"""Backup and restore: the documented commands, round trip."""

import pytest
from django.core.management import CommandError, call_command

from catalogue.models import Song
from tests.conftest import make_song

pytestmark = pytest.mark.slow


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_what_was_lost(tmp_path):
    song = make_song(title="Heroes", slug="heroes")
    backup = tmp_path / "songfacts.dump"

    call_command("backup_database", str(backup))
    Song.objects.filter(pk=song.pk).delete()
    call_command("restore_database", str(backup), "--yes")

    restored = Song.objects.get(pk=song.pk)
    assert restored.title == "Heroes"
    assert restored.artist_id == song.artist_id


@pytest.mark.django_db
def test_it_refuses_a_missing_backup_file(tmp_path):
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore_database", str(tmp_path / "missing.dump"), "--yes")
