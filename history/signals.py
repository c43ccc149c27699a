"""The public history page's cache keys: `song-N-history`, purged by each revision that holds
song N while it is published, and `editor-N`, the display name of editor N shown there."""

from reversion.signals import post_revision_commit

from catalogue.models import Song, Status
from history.models import EditorProfile
from songfacts.cache_keys import purge_on_commit, register


def history_key(song_id):
    return f"song-{song_id}-history"


def _revision_committed(sender, revision, versions, **kwargs):
    keys = {
        history_key(version.object_id)
        for version in versions
        if version.content_type.model_class() is Song
        and version.field_dict["status"] == Status.PUBLISHED
    }
    purge_on_commit(keys)


def editor_key(user_id):
    return f"editor-{user_id}"


def connect():
    post_revision_commit.connect(_revision_committed, dispatch_uid="history-song-history-key")
    register(EditorProfile, shown_under=[editor_key("{user_id}")])
