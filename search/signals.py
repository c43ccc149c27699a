"""Keep the search index current as editors change the catalogue and moderators comments.

Receivers note which documents a change touches; `search.services` rewrites them once the
editor's transaction commits, so a rolled-back change never reaches the index and a save
costs the editor no extra work inside its transaction. Fixture loading (raw saves) is
skipped: run `manage.py rebuild_search_index` after it.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from taggit.models import Tag, TaggedItem

from catalogue.models import Album, Artist, Credit, Fact, Person, Song
from comments.models import Comment
from search import services

# Foreign keys whose former value also needs a refresh when a save changes them: a song
# moved to another artist may leave the old one with nothing published.
_REMEMBERED = {Song: ("artist_id", "album_id"), Credit: ("song_id", "person_id")}


def _after_commit(refresh, **ids):
    # robust: the editor's change is committed by now; a failed refresh is logged, and
    # `rebuild_search_index` repairs the index.
    transaction.on_commit(lambda: refresh(**ids), robust=True)


def _remember_previous(sender, instance, raw=False, **kwargs):
    """Queries the database once, for a song or credit that already exists."""
    if raw or instance.pk is None:
        return
    instance._search_previous = (
        sender.objects.filter(pk=instance.pk).values(*_REMEMBERED[sender]).first() or {}
    )


def _ids(instance, name):
    """The foreign key's value now and before the save, without None."""
    values = {getattr(instance, name), getattr(instance, "_search_previous", {}).get(name)}
    return values - {None}


def _song_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    _after_commit(services.documents_refresh_song_family, song_ids=[instance.pk])
    _after_commit(services.documents_refresh_artists, ids=_ids(instance, "artist_id"))
    _after_commit(services.documents_refresh_albums, ids=_ids(instance, "album_id"))


def _song_deleted(sender, instance, **kwargs):
    # Its facts and credits went first, each with its own post_delete.
    _after_commit(services.documents_refresh_songs, ids=[instance.pk])
    _after_commit(services.documents_refresh_artists, ids=_ids(instance, "artist_id"))
    _after_commit(services.documents_refresh_albums, ids=_ids(instance, "album_id"))


def _fact_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _after_commit(services.documents_refresh_facts, ids=[instance.pk])
        _after_commit(services.documents_refresh_popularity, song_ids=[instance.song_id])


def _comment_saved(sender, instance, raw=False, created=False, **kwargs):
    """Queries the database once when a comment that may have replies is saved again."""
    if raw:
        return
    ids = [instance.pk]
    if instance.parent_id is None and not created:
        # Replies are shown only while their thread is: moderating a comment moderates them.
        ids += list(instance.replies.values_list("pk", flat=True))
    _comments_changed(ids, instance.song_id)


def _comment_deleted(sender, instance, **kwargs):
    # Its replies went first, each with its own post_delete.
    _comments_changed([instance.pk], instance.song_id)


def _comments_changed(ids, song_id):
    _after_commit(services.documents_refresh_comments, ids=ids)
    _after_commit(services.documents_refresh_popularity, song_ids=[song_id])


def _tagging_changed(sender, instance, raw=False, **kwargs):
    if not raw and instance.content_type_id == ContentType.objects.get_for_model(Song).pk:
        _after_commit(services.documents_refresh_songs, ids=[instance.object_id])


def _tag_saved(sender, instance, raw=False, created=False, **kwargs):
    """Queries the database once, for a tag renamed (a new one tags nothing yet)."""
    # A deleted tag's taggings go first, each with its own post_delete.
    if not raw and not created:
        song_ids = list(Song.objects.tagged(instance).values_list("pk", flat=True))
        _after_commit(services.documents_refresh_songs, ids=song_ids)


def _credit_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    _after_commit(services.documents_refresh_songs, ids=_ids(instance, "song_id"))
    _after_commit(services.documents_refresh_people, ids=_ids(instance, "person_id"))


def _artist_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _after_commit(services.documents_refresh_artist_family, artist_ids=[instance.pk])


def _album_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _after_commit(services.documents_refresh_album_family, album_ids=[instance.pk])


def _album_deleting(sender, instance, **kwargs):
    # Its songs lose the album before post_delete, by an UPDATE that sends no signal.
    song_ids = list(instance.songs.values_list("pk", flat=True))
    _after_commit(services.documents_refresh_albums, ids=[instance.pk])
    _after_commit(services.documents_refresh_songs, ids=song_ids)


def _person_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _after_commit(services.documents_refresh_person_family, person_ids=[instance.pk])


def connect():
    uid = "search"
    for model in _REMEMBERED:
        pre_save.connect(_remember_previous, sender=model, dispatch_uid=f"{uid}-{model.__name__}")
    post_save.connect(_song_saved, sender=Song, dispatch_uid=uid)
    post_delete.connect(_song_deleted, sender=Song, dispatch_uid=uid)
    post_save.connect(_fact_changed, sender=Fact, dispatch_uid=uid)
    post_delete.connect(_fact_changed, sender=Fact, dispatch_uid=uid)
    post_save.connect(_credit_changed, sender=Credit, dispatch_uid=uid)
    post_delete.connect(_credit_changed, sender=Credit, dispatch_uid=uid)
    post_save.connect(_artist_changed, sender=Artist, dispatch_uid=uid)
    post_delete.connect(_artist_changed, sender=Artist, dispatch_uid=uid)
    post_save.connect(_album_saved, sender=Album, dispatch_uid=uid)
    pre_delete.connect(_album_deleting, sender=Album, dispatch_uid=uid)
    post_save.connect(_person_changed, sender=Person, dispatch_uid=uid)
    post_delete.connect(_person_changed, sender=Person, dispatch_uid=uid)
    post_save.connect(_comment_saved, sender=Comment, dispatch_uid=uid)
    post_delete.connect(_comment_deleted, sender=Comment, dispatch_uid=uid)
    post_save.connect(_tagging_changed, sender=TaggedItem, dispatch_uid=uid)
    post_delete.connect(_tagging_changed, sender=TaggedItem, dispatch_uid=uid)
    post_save.connect(_tag_saved, sender=Tag, dispatch_uid=uid)
