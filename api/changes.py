"""Recording the change feed: which resources of the API a write creates, changes or deletes.

A write is judged by what an API reader sees (api.kinds, api.serializers), in the same
transaction as the write itself, from the models' signals:

- a resource that becomes public is `created`, one that stops being public is `deleted`
  (a song unpublished, an artist whose last published song goes, a comment removed), one
  that stays public and whose representation changed is `changed`;
- a row with no resource of its own (a fact, a credit, a chart run, a tag on a song) changes
  the resources that show it: a credit its song (and may make its person public or not), a
  version both songs, a published fact its song;
- a resource that other representations name (an artist's name in its songs, its albums and
  the comments on its songs; a song's title in its album's tracks) changes those too, but
  only when what they show of it changes.

Whether a resource is public is asked of api.kinds' querysets, which hold each kind's rule,
never spelled here. What readers never see records nothing: drafts, comments waiting for a
moderator or removed unseen, fact suggestions, the blocklist, history, slug redirects, and
fields no representation shows (a commenter's e-mail, reply notices).

Each transaction records a resource once (api_change_once_per_transaction), its actions
folded together: created then changed is created, anything then deleted is deleted, a merge
stays a merge. Every writer of the app runs in a transaction (the admin's views, the
services, merges, deletes), so the feed and the change commit together; a save made outside
any transaction (a shell) records right after it, in its own statement.

An entry may now and then say `changed` where the representation came out the same (an
editor's save that changed nothing); never the other way round.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connections, transaction
from django.db.models import F, QuerySet
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from taggit.models import Tag, TaggedItem

from api.kinds import KINDS
from api.models import Change
from catalogue.models import (
    Album,
    Appearance,
    Artist,
    Certification,
    Chart,
    ChartEntry,
    Credit,
    Fact,
    Isrc,
    Person,
    Role,
    Song,
    Source,
    Status,
    Version,
)
from comments.models import Comment

CREATED = Change.Action.CREATED
CHANGED = Change.Action.CHANGED
DELETED = Change.Action.DELETED
MERGED = Change.Action.MERGED

_UPSERT = """
    INSERT INTO api_change (kind, object_id, action, merged_into)
    SELECT DISTINCT %s::text, ids.pk, %s::text, %s::bigint FROM ({ids}) AS ids(pk)
    ON CONFLICT (transaction, kind, object_id) DO UPDATE SET
        action = CASE
            WHEN EXCLUDED.action IN ('deleted', 'merged') THEN
                CASE WHEN 'merged' IN (api_change.action, EXCLUDED.action)
                    THEN 'merged' ELSE 'deleted' END
            WHEN api_change.action = 'created' THEN 'created'
            ELSE 'changed'
        END,
        merged_into = CASE
            WHEN EXCLUDED.action = 'merged' THEN EXCLUDED.merged_into
            WHEN EXCLUDED.action = 'deleted' THEN api_change.merged_into
        END
"""


def record(kind, ids, action, *, using="default", merged_into=None, public_only=False):
    """Record `action` on the resources of `kind` with these ids (integers or a QuerySet of
    pks), in the current transaction; with `public_only`, on those of them that are public
    now. One statement, whatever the number of ids; none when there are no ids."""
    if kind not in KINDS:
        raise ValueError(f"No kind {kind!r} in the API.")
    if not isinstance(ids, QuerySet):
        ids = [pk for pk in set(ids) if pk is not None]
        if not ids:
            return
        if not public_only:
            sql, params = "SELECT unnest(%s::bigint[])", [ids]
            _execute(using, sql, params, kind, action, merged_into)
            return
    if public_only:
        ids = _public(kind).filter(pk__in=ids)
    sql, params = ids.order_by().values("pk").query.get_compiler(using=using).as_sql()
    _execute(using, sql, params, kind, action, merged_into)


def _execute(using, ids_sql, ids_params, kind, action, merged_into):
    with connections[using].cursor() as cursor:
        cursor.execute(_UPSERT.format(ids=ids_sql), [kind, str(action), merged_into, *ids_params])


def _public(kind):
    return KINDS[kind].queryset().prefetch_related(None)


def public_ids(kind, ids, *, using="default"):
    """Which of these ids of `kind` are public now. Queries once (none without ids)."""
    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return set()
    return set(_public(kind).using(using).filter(pk__in=ids).values_list("pk", flat=True))


def _ids(*values):
    return {value for value in values if value is not None}


def _get(values, name):
    return None if values is None else values.get(name)


def _either(before, after, name):
    return _ids(_get(before, name), _get(after, name))


def _changed(before, after, names):
    if before is None or after is None:
        return True
    return any(before.get(name) != after.get(name) for name in names)


def _references(expression):
    return [node for node in expression.flatten() if isinstance(node, F)]


def _song_content_type():
    return ContentType.objects.get_for_model(Song)


class Rule:
    """How one model's rows show in the API.

    `watched` names the resources whose being public may turn on this write (the row's own,
    a credit's person), compared before and after it. `touched` names the resources whose
    representation shows the row (ids or QuerySets of ids), `changed` when public after.
    Each gets the row's values before (None for a new row) and after (None when deleted):
    `shown_fields`, or else every column the row stores.
    """

    model = None
    kind = None
    shown_fields = ()

    def __init__(self):
        self.fields = self.shown_fields or tuple(
            field.attname
            for field in self.model._meta.concrete_fields
            if not field.primary_key and not field.generated
        )

    def stored(self, *names):
        """The stored columns behind these fields: a generated one (a year from a date)
        stands for the columns it is computed from."""
        columns = []
        for name in names:
            field = self.model._meta.get_field(name)
            if field.generated:
                columns += [ref.name for ref in _references(field.expression)]
            else:
                columns.append(field.attname)
        return tuple(columns)

    def watched(self, pk, before, after):
        return {}

    def touched(self, pk, before, after):
        return []

    def followers(self, pk, before, after, flips):
        """Resources that become public or stop being with this one: [(kind, ids, action)],
        given `flips`, {kind: (ids created, ids deleted)} of the watched resources."""
        return []


class SongRule(Rule):
    model = Song
    kind = "songs"
    # What other representations show of a song (SongSummarySerializer), and what an album's
    # tracks show besides.
    summary = ("title", "slug", "artist", "release_year", "status")
    track = (*summary, "track_number", "album")

    def watched(self, pk, before, after):
        if not _changed(before, after, ("status", "artist_id", "album_id")):
            return {}
        if Status.PUBLISHED not in {_get(before, "status"), _get(after, "status")}:
            return {}
        watched = {
            "songs": _ids(pk),
            "artists": _either(before, after, "artist_id"),
            "albums": _either(before, after, "album_id"),
        }
        if pk is not None:
            song_tags = TaggedItem.objects.filter(
                object_id=pk, content_type=_song_content_type()
            ).values_list("tag_id", flat=True)
            watched["people"] = set(
                Credit.objects.filter(song=pk).values_list("person_id", flat=True)
            )
            watched["charts"] = set(
                ChartEntry.objects.filter(song=pk).values_list("chart_id", flat=True)
            )
            watched["tags"] = set(song_tags)
        return watched

    def touched(self, pk, before, after):
        if Status.PUBLISHED not in {_get(before, "status"), _get(after, "status")}:
            return []
        touched = [("songs", _ids(pk))]
        if _changed(before, after, self.stored(*self.track)):
            touched.append(("albums", _either(before, after, "album_id")))
        if _changed(before, after, self.stored(*self.summary)):
            touched += [
                ("songs", Song.objects.filter(versions__version=pk)),
                ("songs", Song.objects.filter(version_of__original=pk)),
                ("comments", Comment.objects.filter(song=pk)),
            ]
        return touched

    def followers(self, pk, before, after, flips):
        created, deleted = flips.get("songs", (set(), set()))
        if pk in created:
            return [("comments", Comment.objects.filter(song=pk), CREATED)]
        if pk in deleted and after is not None:
            # Unpublished, its comments are no longer shown (deleted, they go themselves).
            return [("comments", Comment.objects.shown().filter(song=pk), DELETED)]
        return []


class ArtistRule(Rule):
    model = Artist
    kind = "artists"
    summary = ("name", "slug")

    def watched(self, pk, before, after):
        return {"artists": _ids(pk)} if after is None else {}

    def touched(self, pk, before, after):
        touched = [("artists", _ids(pk))]
        # A new artist is named nowhere yet.
        if before is not None and _changed(before, after, self.summary):
            # Its summary (name, and the slug in its pages' addresses) shows in its songs,
            # its albums, the songs on its albums, the tracks and versions by it, the
            # person it is and the comments on its songs.
            touched += [
                ("songs", Song.objects.filter(artist=pk)),
                ("songs", Song.objects.filter(album__artist=pk)),
                ("songs", Song.objects.filter(versions__version__artist=pk)),
                ("songs", Song.objects.filter(version_of__original__artist=pk)),
                ("albums", Album.objects.filter(artist=pk)),
                ("albums", Album.objects.filter(songs__artist=pk)),
                ("people", Person.objects.filter(artist=pk)),
                ("comments", Comment.objects.filter(song__artist=pk)),
            ]
        return touched


class AlbumRule(Rule):
    model = Album
    kind = "albums"
    summary = ("title", "slug", "artist", "release_year")

    def watched(self, pk, before, after):
        return {"albums": _ids(pk)} if after is None else {}

    def touched(self, pk, before, after):
        touched = [("albums", _ids(pk))]
        if _changed(before, after, self.stored(*self.summary)):
            # Its artist lists every album it has, public or not.
            touched.append(("artists", _either(before, after, "artist_id")))
            if before is not None:
                touched.append(("songs", Song.objects.filter(album=pk)))
        return touched


class PersonRule(Rule):
    model = Person
    kind = "people"
    summary = ("name", "slug")

    def watched(self, pk, before, after):
        return {"people": _ids(pk)} if after is None else {}

    def touched(self, pk, before, after):
        touched = [("people", _ids(pk))]
        if before is not None and _changed(before, after, self.summary):
            touched.append(("songs", Song.objects.filter(credits__person=pk)))
        return touched


class RoleRule(Rule):
    model = Role
    # The position orders a song's credits.

    def touched(self, pk, before, after):
        return [("songs", Song.objects.filter(credits__role=pk))] if pk is not None else []


class ChartRule(Rule):
    model = Chart
    kind = "charts"
    # The position orders a song's chart runs.

    def watched(self, pk, before, after):
        return {"charts": _ids(pk)} if after is None else {}

    def touched(self, pk, before, after):
        touched = [("charts", _ids(pk))]
        if pk is not None:
            touched.append(("songs", Song.objects.filter(chart_entries__chart=pk)))
        return touched


class TagRule(Rule):
    model = Tag
    kind = "tags"

    def watched(self, pk, before, after):
        return {"tags": _ids(pk)} if after is None else {}

    def touched(self, pk, before, after):
        touched = [("tags", _ids(pk))]
        if pk is not None:
            tagged = TaggedItem.objects.filter(tag=pk, content_type=_song_content_type())
            touched.append(("songs", Song.objects.filter(pk__in=tagged.values("object_id"))))
        return touched


class TaggedItemRule(Rule):
    model = TaggedItem

    def _of_songs(self, before, after):
        return _song_content_type().pk in _either(before, after, "content_type_id")

    def watched(self, pk, before, after):
        return {"tags": _either(before, after, "tag_id")} if self._of_songs(before, after) else {}

    def touched(self, pk, before, after):
        if not self._of_songs(before, after):
            return []
        return [("songs", _either(before, after, "object_id"))]


class SongPartRule(Rule):
    """A row shown in its song's representation alone."""

    song_fields = ("song_id",)

    def touched(self, pk, before, after):
        return [("songs", set().union(*(_either(before, after, f) for f in self.song_fields)))]


class FactRule(SongPartRule):
    model = Fact

    def touched(self, pk, before, after):
        # Songs show their published facts only.
        if Status.PUBLISHED not in {_get(before, "status"), _get(after, "status")}:
            return []
        return super().touched(pk, before, after)


class SourceRule(Rule):
    model = Source

    def touched(self, pk, before, after):
        facts = Fact.objects.published().filter(pk__in=_either(before, after, "fact_id"))
        return [("songs", Song.objects.filter(facts__in=facts))]


class CreditRule(SongPartRule):
    model = Credit

    def watched(self, pk, before, after):
        return {"people": _either(before, after, "person_id")}


class ChartEntryRule(SongPartRule):
    model = ChartEntry

    def watched(self, pk, before, after):
        return {"charts": _either(before, after, "chart_id")}


class CertificationRule(SongPartRule):
    model = Certification


class IsrcRule(SongPartRule):
    model = Isrc


class VersionRule(SongPartRule):
    model = Version
    song_fields = ("original_id", "version_id")


class AppearanceRule(SongPartRule):
    """A placement shows on its song and on the songs it is the same song as (a cover's
    placement on the original's page: Version.SAME_SONG_KINDS)."""

    model = Appearance

    def touched(self, pk, before, after):
        songs = _either(before, after, "song_id")
        same_song = Song.objects.filter(
            versions__version__in=songs, versions__kind__in=Version.SAME_SONG_KINDS
        )
        return [*super().touched(pk, before, after), ("songs", same_song)]


class CommentRule(Rule):
    model = Comment
    kind = "comments"
    # What its representation shows; its e-mail address, reply notices and the like change
    # nothing a reader sees.
    shown_fields = (
        "song_id",
        "parent_id",
        "author_name",
        "author_place",
        "body",
        "status",
        "created_at",
    )

    def watched(self, pk, before, after):
        watched = {"comments": _ids(pk)}
        if pk is not None and _changed(before, after, ("status",)):
            # Replies are shown only while the comment they answer is.
            watched["comments"] |= set(
                Comment.objects.filter(parent=pk).values_list("pk", flat=True)
            )
        return watched

    def touched(self, pk, before, after):
        return [("comments", _ids(pk))]


RULES = {
    rule.model: rule
    for rule in (
        SongRule(),
        ArtistRule(),
        AlbumRule(),
        PersonRule(),
        RoleRule(),
        ChartRule(),
        TagRule(),
        TaggedItemRule(),
        FactRule(),
        SourceRule(),
        CreditRule(),
        ChartEntryRule(),
        CertificationRule(),
        IsrcRule(),
        VersionRule(),
        AppearanceRule(),
        CommentRule(),
    )
}


class _Pending:
    """What the pre-signal saw, for the post-signal: the row's values and which watched
    resources were public then; for a delete, what the row was shown in."""

    def __init__(self, before, watched, public_before, touched=None):
        self.before = before
        self.watched = watched
        self.public_before = public_before
        self.touched = touched


def _values(rule, instance):
    return {name: getattr(instance, name) for name in rule.fields}


def _stored_values(rule, instance, using):
    if instance.pk is None:
        return None
    return rule.model._base_manager.using(using).filter(pk=instance.pk).values(*rule.fields).first()


def _public_sets(watched, using):
    return {kind: public_ids(kind, ids, using=using) for kind, ids in watched.items()}


def _saving(sender, instance, using, **kwargs):
    rule = RULES[sender]
    before = _stored_values(rule, instance, using)
    watched = rule.watched(instance.pk, before, _values(rule, instance))
    instance._change_feed = _Pending(before, watched, _public_sets(watched, using))


def _saved(sender, instance, using, **kwargs):
    rule = RULES[sender]
    pending = instance.__dict__.pop("_change_feed", None)
    if pending is None:
        return
    after = _values(rule, instance)
    before = pending.before
    if before is not None and before == after:
        return
    watched = {**rule.watched(instance.pk, before, after)}
    for kind, ids in pending.watched.items():
        watched[kind] = watched.get(kind, set()) | ids
    # One transaction for all of it even where the save had none (see the module's doc).
    with transaction.atomic(using=using, savepoint=False):
        flips = _record_flips(watched, pending.public_before, using)
        # Followers first: what is created with the row is created, though it shows it too.
        _record_followers(rule.followers(instance.pk, before, after, flips), using)
        _record_touched(rule.touched(instance.pk, before, after), using)


def _deleting(sender, instance, using, **kwargs):
    rule = RULES[sender]
    before = _values(rule, instance)
    watched = rule.watched(instance.pk, before, None)
    # What shows the row is asked now, while the rows that lead to it are still there.
    touched = [
        (kind, set(ids.values_list("pk", flat=True)) if isinstance(ids, QuerySet) else ids)
        for kind, ids in rule.touched(instance.pk, before, None)
    ]
    instance._change_feed = _Pending(before, watched, _public_sets(watched, using), touched)


def _deleted(sender, instance, using, **kwargs):
    pending = instance.__dict__.pop("_change_feed", None)
    if pending is None:
        return
    # Deletes always run in a transaction of their own (Django's Collector).
    _record_flips(pending.watched, pending.public_before, using)
    _record_touched(pending.touched, using)


def _record_flips(watched, public_before, using):
    """Record the watched resources that became public or stopped being; returns
    {kind: (created ids, deleted ids)}."""
    flips = {}
    for kind, ids in watched.items():
        before = public_before.get(kind, set())
        after = public_ids(kind, ids, using=using)
        created, deleted = after - before, before - after
        record(kind, created, CREATED, using=using)
        record(kind, deleted, DELETED, using=using)
        flips[kind] = (created, deleted)
    return flips


def _record_touched(touched, using):
    for kind, ids in touched:
        record(kind, ids, CHANGED, using=using, public_only=True)


def _record_followers(followers, using):
    for kind, ids, action in followers:
        # What stops being public is no longer among the public rows.
        record(kind, ids, action, using=using, public_only=action != DELETED)


def record_merge(kind, duplicate_id, kept_id, *, using="default"):
    """Record that `duplicate_id` of `kind` was merged into `kept_id` (catalogue.merging)."""
    record(kind, [duplicate_id], MERGED, using=using, merged_into=kept_id)


def register_all():
    for model in RULES:
        label = model._meta.label
        pre_save.connect(_saving, sender=model, dispatch_uid=f"change-feed-pre-{label}")
        post_save.connect(_saved, sender=model, dispatch_uid=f"change-feed-save-{label}")
        pre_delete.connect(_deleting, sender=model, dispatch_uid=f"change-feed-pre-del-{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"change-feed-del-{label}")
