"""Which cached pages a change touches: the keys of what each page shows.

A page is known by keys such as `song-12`, `artist-7` or `home`. They come from what the page
loaded: every instance of a model registered here, whenever it is built from the database
during a request, adds the keys it is shown under (a fact adds `song-12-facts`, its song's
list of facts), and views add the keys of the lists they show (`songs-az`, `feeds`), for
rows that may join those lists later. No template keeps a list of its own.

A save or delete of a registered row purges, once its transaction commits, the keys the row
was shown under before and after the change, and, when it joins what readers see (created,
published, or moved), the keys of the lists it joins. A row no reader could see (a comment
waiting for a moderator, a draft) purges nothing, nor does a save that changes nothing shown.
Models that are not registered (fact suggestions, blocked terms, history rows, slug
redirects, sessions) never purge anything.

`purge` hands the keys to each function named by settings.CACHE_PURGE_TARGETS: the page cache
(songfacts.page_cache) and, in front of it, any HTTP cache that reads `Surrogate-Key`.
"""

import logging
import string
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial, wraps

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_save
from django.utils.module_loading import import_string

from songfacts import replicas

logger = logging.getLogger(__name__)

_collected = ContextVar("cache_keys", default=None)


class Collected(set):
    """The keys of what a page loaded, and how long at most it may be kept (None: as long
    as the cache keeps pages)."""

    lifetime = None


@contextmanager
def collecting():
    """Collect the keys of what is loaded while the block runs; yields them (a Collected)."""
    keys = Collected()
    token = _collected.set(keys)
    try:
        yield keys
    finally:
        _collected.reset(token)


def keep_at_most(seconds):
    """The page being rendered may be kept this long at most, whatever its keys: for a page
    that shows how long ago something happened."""
    collected = _collected.get()
    if collected is not None:
        collected.lifetime = min(seconds, collected.lifetime or seconds)


def add(*keys):
    """The page being rendered shows these (a view's lists); no-op outside `collecting`."""
    collected = _collected.get()
    if collected is not None:
        collected.update(keys)


def shown_as(*keys):
    """A view decorator: the page is known by `keys` alone, not by the rows it loads (for a
    list too long to name each row, such as a sitemap of 5,000 songs)."""

    def decorator(view):
        @wraps(view)
        def keyed(request, *args, **kwargs):
            add(*keys)
            token = _collected.set(None)
            try:
                return view(request, *args, **kwargs)
            finally:
                _collected.reset(token)

        return keyed

    return decorator


def purge(keys):
    """Tell every purge target that pages under `keys` changed. Call it after the commit.

    A page rendered from a replica that had not replayed the change yet may reach a cache
    just after this purge (Varnish cannot tell); once every replica has replayed it, the keys
    are purged once more, so no such copy outlives the lag."""
    keys = frozenset(keys)
    if not keys:
        return
    _tell_targets(keys)
    try:
        position = replicas.primary_position()
    except DatabaseError as error:
        # The primary went away just after the commit; replicas have at most what it wrote.
        logger.warning("no WAL position for the second purge of %s: %s", sorted(keys), error)
        return
    if position is not None:
        replicas.after_replayed(position, partial(_tell_targets, keys))


def _tell_targets(keys):
    # Each on its own: a cache that cannot be told (a database that just went away, say)
    # keeps none of the others from being told.
    for path in settings.CACHE_PURGE_TARGETS:
        try:
            import_string(path)(keys)
        except Exception:
            logger.exception("purging %s with %s failed", sorted(keys), path)


def purge_on_commit(keys, using=None):
    keys = frozenset(keys)
    if keys:

        def purge_committed():
            purge(keys)

        # robust: a purge that fails is logged, and the change it follows stands. (A function
        # of its own: Django names the callback in that log line, which a partial cannot.)
        transaction.on_commit(purge_committed, using=using, robust=True)


class _Template:
    """A key such as "song-{song_id}-facts", filled from a row's field values; no key when a
    field it names is empty (an album-less song has no album key)."""

    def __init__(self, text):
        self.text = text
        self.fields = [name for _, name, _, _ in string.Formatter().parse(text) if name]

    def fill(self, values):
        if any(values.get(name) is None for name in self.fields):
            return None
        return self.text.format_map(values)


def _fill(templates, values):
    return {key for template in templates if (key := template.fill(values)) is not None}


@dataclass
class _Rule:
    shown_under: list[_Template]
    joins: list[_Template]
    visible: Callable
    shown_under_also: Callable | None
    joins_also: Callable | None
    compared: list[str]


_rules = {}


def register(model, *, shown_under, joins=(), visible=None, shown_under_also=None, joins_also=None):
    """Register `model`'s rows as shown on cached pages.

    `shown_under`: key templates of the pages that show a row ("song-{id}"), added to the
    page whenever a row is loaded and purged whenever it changes. `joins`: key templates of
    the lists a row enters when it becomes visible or moves ("artist-{artist_id}").
    `visible(row)`: whether readers can see the row (default: always). `shown_under_also(row)`
    and `joins_also(row)`: more keys of either kind, which may query the database; they are
    asked at write time only.
    """
    fields = [
        field.attname
        for field in model._meta.concrete_fields
        if not field.generated and not getattr(field, "auto_now", False)
    ]
    _rules[model] = _Rule(
        shown_under=[_Template(text) for text in shown_under],
        joins=[_Template(text) for text in joins],
        visible=visible or (lambda row: True),
        shown_under_also=shown_under_also,
        joins_also=joins_also,
        compared=fields,
    )
    post_init.connect(_loaded, sender=model, dispatch_uid=f"cache-keys-init-{model._meta.label}")
    pre_save.connect(_saving, sender=model, dispatch_uid=f"cache-keys-pre-{model._meta.label}")
    post_save.connect(_saved, sender=model, dispatch_uid=f"cache-keys-save-{model._meta.label}")
    post_delete.connect(
        _deleted, sender=model, dispatch_uid=f"cache-keys-delete-{model._meta.label}"
    )


def shown_under(model, **values):
    """The keys a row of `model` with these field values is shown under (for writes that
    bypass save(), such as an UPDATE of many rows)."""
    return _fill(_rules[model].shown_under, values)


def register_m2m(through, *, keys):
    """A many-to-many table without a model of its own: any change purges `keys`."""

    def changed(action, using, **kwargs):
        if action in ("post_add", "post_remove", "post_clear"):
            purge_on_commit(keys, using=using)

    m2m_changed.connect(
        changed, sender=through, weak=False, dispatch_uid=f"cache-keys-m2m-{through}"
    )


def _snapshot(rule, row):
    # What the row holds as loaded, so that a later save knows its former keys and whether
    # anything changed. Deferred fields are left out (reading them would query).
    values = row.__dict__
    return {name: values[name] for name in rule.compared if name in values}


def _loaded(sender, instance, **kwargs):
    rule = _rules[sender]
    snapshot = _snapshot(rule, instance)
    instance._cache_keys_snapshot = snapshot
    collected = _collected.get()
    if collected is not None and "id" in snapshot:
        collected.update(_fill(rule.shown_under, snapshot))


def _saving(sender, instance, **kwargs):
    if instance._state.adding:
        # Built rather than loaded (a new row, or one a fixture rewrites): what it held
        # before is unknown, so its save counts as joining.
        instance._cache_keys_snapshot = None


def _saved(sender, instance, created, using, **kwargs):
    rule = _rules[sender]
    before = instance._cache_keys_snapshot
    after = _snapshot(rule, instance)
    instance._cache_keys_snapshot = after
    if before is not None and all(before.get(name) == value for name, value in after.items()):
        return
    was_visible = before is not None and rule.visible(_Values(before))
    is_visible = rule.visible(instance)
    if not (was_visible or is_visible):
        return
    keys = _fill(rule.shown_under, after)
    if before is not None:
        keys |= _fill(rule.shown_under, before)
    if rule.shown_under_also:
        keys |= set(rule.shown_under_also(instance))
    if is_visible and (not was_visible or _moved(rule, before, after)):
        keys |= _fill(rule.joins, after)
        if rule.joins_also:
            keys |= set(rule.joins_also(instance))
    purge_on_commit(keys, using=using)


def _moved(rule, before, after):
    return any(
        before.get(name) != after.get(name) for template in rule.joins for name in template.fields
    )


def _deleted(sender, instance, using, **kwargs):
    rule = _rules[sender]
    if rule.visible(instance):
        keys = _fill(rule.shown_under, _snapshot(rule, instance))
        if rule.shown_under_also:
            keys |= set(rule.shown_under_also(instance))
        purge_on_commit(keys, using=using)


class _Values:
    """A snapshot read like a row, for `visible`; a field it lacks reads as None."""

    def __init__(self, values):
        self.__dict__.update(values)

    def __getattr__(self, name):
        return None
