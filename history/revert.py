"""Reverting an entry to one of its revisions, its parts with it, and saying what that changes.

django-reversion's own revert saves each row raw (Model.save_base with raw=True), which skips
save() and makes every signal handler treat the row as a fixture: a fact's HTML would not be
rendered, the page cache not purged, the search index not rewritten, and an editor who may not
publish would change what is published. So the revert is done here, row by row through save()
and delete(): the rows of the entry's parts added since the revision are deleted, those deleted
since are created again, those changed since are changed back, and each save does what a save
in the admin does. `revert_plan` says what `revert` would do, for the confirmation page.
"""

from dataclasses import dataclass, field

import reversion
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, models, transaction
from django.utils.formats import date_format
from django.utils.timezone import localtime
from reversion.models import Revision
from taggit.models import TaggedItem

from catalogue.models import Status
from history.models import ImportedRevision
from history.versioned import PARTS


class RevertError(Exception):
    """The revision cannot be restored as it is; the message says why, for the editor."""


@dataclass
class Change:
    """One row that a revert changes back, creates again or deletes."""

    noun: str
    shown: str
    what: str  # "changed back", "restored", "removed"; "not restored" or "left as it is"
    fields: list[str] = field(default_factory=list)
    reason: str = ""
    entry: bool = False  # the entry itself rather than one of its parts

    def __str__(self):
        text = f"{self.noun.capitalize()} “{self.shown}”: {self.what}"
        if self.fields:
            text += f" ({', '.join(self.fields)})"
        if self.reason:
            text += f", {self.reason}"
        return text


@dataclass
class _Row:
    model: type
    pk: object
    current: models.Model | None
    then: models.Model | None
    then_m2m: dict
    shown: str
    depth: int
    # The parent's model and the column naming it: (Song, "song_id") for a fact.
    parent: tuple | None = None
    changed: list = field(default_factory=list)  # attnames set back from `then`
    restore: bool = False
    remove: bool = False
    refused: str = ""
    refused_what: str = "not restored"


@dataclass
class RevertPlan:
    """What reverting `entry` to `revision` does; `changes` lists every row it touches."""

    revision: Revision
    entry_noun: str
    entry_shown: str
    complete: bool
    changes: list[Change]
    kept_status: bool
    rows: list = field(default_factory=list, repr=False)

    @property
    def when(self):
        return date_format(localtime(self.revision.date_created), "DATETIME_FORMAT")

    @property
    def headline(self):
        """What the revert did, for its revision's comment and the editor's message."""
        done = "Recovered from" if self.rows and self.rows[0].restore else "Reverted to"
        return f"{done} the revision of {self.when}: {self.summary()}."

    @property
    def changes_anything(self):
        return any(change.what in _CHANGING for change in self.changes)

    def summary(self):
        """One line: "title changed back; facts: 1 changed back, 1 restored; credits: 1 removed"."""
        parts = []
        by_noun = {}
        for change in self.changes:
            if change.entry:
                fields = ", ".join(change.fields)
                parts.append(f"{fields} changed back" if fields else f"{change.noun} {change.what}")
                continue
            counts = by_noun.setdefault(change.noun, {})
            counts[change.what] = counts.get(change.what, 0) + 1
        for noun, counts in by_noun.items():
            done = ", ".join(f"{count} {what}" for what, count in counts.items())
            parts.append(f"{_plural(noun)}: {done}")
        return "; ".join(parts) or "nothing to change"


_CHANGING = {"changed back", "restored", "removed"}


def _plural(noun):
    return {"person": "people", "entry": "entries"}.get(noun) or (
        f"{noun[:-1]}ies" if noun.endswith("y") else f"{noun}s"
    )


def _noun(model):
    # A tagged item is what an editor calls a tag on the song.
    return "tag" if model is TaggedItem else str(model._meta.verbose_name)


def _compared_fields(model):
    """The columns an editor edits, and a revert sets back: editable, not the key, not derived."""
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and not f.generated and (f.editable or f.many_to_one)
    ]


def _m2m_fields(model):
    return [f for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]


def _publish_permission(model):
    opts = model._meta
    codename = f"publish_{opts.model_name}"
    if any(name == codename for name, _ in opts.permissions):
        return f"{opts.app_label}.{codename}"
    return None


def _build(model, version):
    """The row as the version holds it, unsaved; its many-to-many ids apart."""
    values = version.field_dict
    m2m_names = {f.attname for f in _m2m_fields(model)}
    # PostgreSQL computes generated columns; the model refuses them as arguments.
    kept = {f.attname for f in model._meta.concrete_fields if not f.generated}
    instance = model(**{k: v for k, v in values.items() if k in kept})
    return instance, {k: v for k, v in values.items() if k in m2m_names}


def _part_relations(model):
    """(accessor, related model, how a related row names its parent) for each part of model."""
    for accessor in PARTS.get(model, ()):
        relation = model._meta.get_field(accessor)
        if isinstance(relation, GenericRelation):
            yield relation.related_model, relation.object_id_field_name, relation
        else:
            yield relation.related_model, relation.field.attname, None


def revert_plan(*, revision, model, object_id, editor, lock=False):
    """What reverting the entry `model` #`object_id` to `revision` would change.

    Queries the revision's versions once, then each kind of part once per level, and the rows
    that restored ones refer to once per referred model."""
    versions = {}
    for version in revision.version_set.select_related("content_type"):
        versions[(version.content_type.model_class(), str(version.object_id))] = version
    entry_version = versions.get((model, str(object_id)))
    if entry_version is None:
        raise RevertError("This revision does not hold this entry.")
    complete = not ImportedRevision.objects.filter(revision=revision).exists()
    manager = model._base_manager.select_for_update() if lock else model._base_manager
    current = manager.filter(pk=object_id).first()
    rows = [_row(model, object_id, current, entry_version, 0, "", None)]
    level = [(model, object_id)]
    depth = 0
    while level:
        depth += 1
        next_level = []
        for parent_model, parent_ids in _group(level).items():
            for part_model, link, generic in _part_relations(parent_model):
                filters = {f"{link}__in": parent_ids}
                if generic is not None:
                    content_type = ContentType.objects.get_for_model(parent_model)
                    filters[generic.content_type_field_name] = content_type
                related = [f.name for f in part_model._meta.concrete_fields if f.many_to_one]
                current_parts = {
                    str(part.pk): part
                    for part in part_model._base_manager.filter(**filters).select_related(*related)
                }
                id_strings = {str(i) for i in parent_ids}
                then_parts = {
                    object_id: version
                    for (version_model, object_id), version in versions.items()
                    if version_model is part_model
                    and str(version.field_dict.get(link)) in id_strings
                    and (
                        generic is None
                        or version.field_dict.get(f"{generic.content_type_field_name}_id")
                        == ContentType.objects.get_for_model(parent_model).pk
                    )
                }
                for pk in sorted({*current_parts, *then_parts}, key=_sort_key):
                    part = current_parts.get(pk)
                    shown = _shown_now(part) if part is not None and pk not in then_parts else ""
                    parent = (parent_model, link)
                    rows.append(
                        _row(part_model, pk, part, then_parts.get(pk), depth, shown, parent)
                    )
                    next_level.append((part_model, pk))
        level = next_level
    kept_status = _decide(rows, complete, editor)
    _check_references(rows)
    changes = [
        _change(row) for row in rows if row.changed or row.restore or row.remove or row.refused
    ]
    return RevertPlan(
        revision=revision,
        entry_noun=_noun(model),
        entry_shown=rows[0].shown,
        complete=complete,
        changes=changes,
        kept_status=kept_status,
        rows=rows,
    )


def _sort_key(pk):
    return (len(pk), pk)


def _group(level):
    grouped = {}
    for model, pk in level:
        grouped.setdefault(model, []).append(pk)
    return grouped


def _row(model, pk, current, version, depth, shown, parent):
    then, then_m2m = _build(model, version) if version is not None else (None, {})
    if version is not None:
        shown = _shown_then(model, version)
    return _Row(model, pk, current, then, then_m2m, shown, depth, parent)


def _shown_now(part):
    # A tagged item's own text names the song, which the song's page needs not say.
    return part.tag.name if isinstance(part, TaggedItem) else str(part)


def _shown_then(model, version):
    if model is TaggedItem:
        # The stored text reads "Heroes by David Bowie tagged with berlin".
        return version.object_repr.rsplit(" tagged with ", 1)[-1]
    return version.object_repr


def _decide(rows, complete, editor):
    """Mark each row changed back, restored or removed; True when a status was kept."""
    kept_status = False
    for row in rows:
        if row.then is None:
            # Added since: gone from the entry as it was, unless the revision is an imported
            # one, which never held the parts.
            row.remove = complete and row.current is not None and row.depth > 0
            continue
        permission = _publish_permission(row.model)
        may_publish = permission is None or editor.has_perm(permission)
        if row.current is None:
            row.restore = True
            if not may_publish and row.then.status != Status.DRAFT:
                row.then.status = Status.DRAFT
                kept_status = True
            continue
        for f in _compared_fields(row.model):
            if getattr(row.current, f.attname) != getattr(row.then, f.attname):
                if f.name == "status" and not may_publish:
                    kept_status = True
                    continue
                row.changed.append(f.attname)
        for name, ids in row.then_m2m.items():
            now = {obj.pk for obj in getattr(row.current, name).all()}
            if now != set(ids):
                row.changed.append(name)
    for row in rows:
        if row.depth > 0:
            _check_permission(row, editor)
    return kept_status


# What each change to a part asks of the editor, as the song page's inlines ask it.
_ACTIONS = (("remove", "delete"), ("restore", "add"), ("changed", "change"))


def _check_permission(row, editor):
    if row.model is TaggedItem:
        # Tags are the song's own field, edited with the song.
        return
    opts = row.model._meta
    for attribute, action in _ACTIONS:
        if getattr(row, attribute) and not editor.has_perm(
            f"{opts.app_label}.{action}_{opts.model_name}"
        ):
            row.refused = f"you may not {action} {opts.verbose_name_plural}"
            row.refused_what = "left as it is"
            row.remove = row.restore = False
            row.changed = []


def _check_references(rows):
    """A restored or changed-back row that refers to a row gone since (a person, a chart, the
    other song of a version) cannot be saved: it is left as it is, and the plan says why."""
    wanted = {}
    for row in rows:
        if row.restore or row.changed:
            for f in _compared_fields(row.model):
                if f.many_to_one and (row.restore or f.attname in row.changed):
                    value = getattr(row.then, f.attname)
                    if value is not None:
                        wanted.setdefault(f.related_model, set()).add(value)
    restored = {(row.model, str(row.pk)) for row in rows if row.restore}
    existing = {
        target: set(map(str, target._base_manager.filter(pk__in=pks).values_list("pk", flat=True)))
        for target, pks in wanted.items()
    }
    for row in rows:
        if not (row.restore or row.changed):
            continue
        for f in _compared_fields(row.model):
            if not f.many_to_one or not (row.restore or f.attname in row.changed):
                continue
            value = getattr(row.then, f.attname)
            if value is None:
                continue
            key = str(value)
            if key in existing[f.related_model] or (f.related_model, key) in restored:
                continue
            if f.null:
                setattr(row.then, f.attname, None)
                continue
            row.refused = f"its {f.verbose_name} no longer exists"
            row.restore = False
            row.changed = []
            restored.discard((row.model, str(row.pk)))
    # A part whose parent is not there cannot be restored either (rows come parents first).
    present = {(row.model, str(row.pk)) for row in rows if row.current is not None or row.restore}
    for row in rows:
        if row.restore and row.parent is not None:
            parent_model, link = row.parent
            if (parent_model, str(getattr(row.then, link))) not in present:
                row.restore = False
                row.refused = "what it belonged to is not restored"
                present.discard((row.model, str(row.pk)))


def _change(row):
    noun = _noun(row.model)
    entry = row.depth == 0
    if row.refused:
        return Change(noun, row.shown, row.refused_what, reason=row.refused, entry=entry)
    if row.remove:
        return Change(noun, row.shown, "removed", entry=entry)
    if row.restore:
        return Change(noun, row.shown, "restored", entry=entry)
    fields = {f.attname: f for f in row.model._meta.get_fields() if hasattr(f, "attname")}
    names = [str(fields[attname].verbose_name) for attname in row.changed]
    return Change(noun, row.shown, "changed back", fields=names, entry=entry)


def revert(*, revision, model, object_id, editor):
    """Revert the entry to `revision` with its parts, in one transaction and one new revision
    credited to `editor`; returns the plan it carried out. Raises RevertError, changing
    nothing, when a row cannot be saved as it was (the message says which and why)."""
    try:
        with transaction.atomic(), reversion.create_revision():
            plan = revert_plan(
                revision=revision, model=model, object_id=object_id, editor=editor, lock=True
            )
            if not plan.changes_anything:
                raise RevertError("The entry is as this revision has it: nothing to revert.")
            reversion.set_user(editor)
            reversion.set_comment(plan.headline)
            _apply(plan)
    except ValidationError as error:
        raise RevertError(" ".join(error.messages)) from error
    except DatabaseError as error:
        raise RevertError(f"The revision could not be restored: {error}") from error
    return plan


def _apply(plan):
    # Deletions first, deepest first, so that a restored credit may take back the person and
    # role of one added since.
    for row in sorted((r for r in plan.rows if r.remove), key=lambda r: -r.depth):
        row.current.delete()
    for row in plan.rows:
        if row.restore:
            instance = row.then
            _clean(instance, row.shown)
            instance.save(force_insert=True)
        elif row.changed:
            instance = row.current
            for attname in row.changed:
                if attname in row.then_m2m:
                    continue
                setattr(instance, attname, getattr(row.then, attname))
            _clean(instance, row.shown)
            instance.save()
        else:
            continue
        for name, ids in row.then_m2m.items():
            if row.restore or name in row.changed:
                related = instance._meta.get_field(name).related_model
                getattr(instance, name).set(related._base_manager.filter(pk__in=ids))
    entry = plan.rows[0]
    saved = entry.current if entry.current is not None else entry.then
    # The new revision holds the entry and its parts as they are now, even when the entry's
    # own row did not change.
    reversion.add_to_revision(saved)
    # The facts' deferred one-position-per-song check, now rather than at the commit, which
    # may be a caller's: a clash is the editor's RevertError, not a failed request.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _clean(instance, shown):
    derived = [f.name for f in instance._meta.concrete_fields if not f.editable]
    try:
        instance.full_clean(exclude=derived, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(f"“{shown}”: {' '.join(error.messages)}") from error
