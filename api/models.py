"""The change feed's rows: what readers of the API could see change, one row per resource and
writing transaction (api.changes records them, api.change_feed lists them)."""

from django.db import models
from django.db.models import Func, Q
from django.db.models.functions import Now


class TransactionIdField(models.Field):
    """A PostgreSQL `xid8`: a transaction's id, 64 bits that never wrap."""

    description = "PostgreSQL transaction id (xid8)"

    def db_type(self, connection):
        return "xid8"

    def from_db_value(self, value, expression, connection):
        # psycopg has no loader for xid8 and hands over its text.
        return None if value is None else int(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        return None if value is None else str(value)


class CurrentTransactionId(Func):
    """The id of the transaction that writes the row (it takes one if it had none yet)."""

    function = "pg_current_xact_id"
    template = "%(function)s()"
    output_field = TransactionIdField()


class ChangeQuerySet(models.QuerySet):
    def committed(self):
        """Rows whose transaction ended before every transaction still running began.

        A row's id is taken when it is written, not when its transaction commits, so a row
        may become visible after rows with higher ids. Every transaction that has not ended
        yet, and every one to come, has an id no lower than the snapshot's xmin: so rows
        below it, in (transaction, id) order, are final, and no row will ever appear among
        them. Queries nothing by itself.
        """
        return self.filter(
            transaction__lt=models.expressions.RawSQL(
                "pg_snapshot_xmin(pg_current_snapshot())", [], output_field=TransactionIdField()
            )
        )

    def in_feed_order(self):
        return self.order_by("transaction", "id")


class Change(models.Model):
    """A public resource of the API created, changed, deleted or merged into another.

    The id is the feed's cursor; the feed lists rows in the order their transactions
    committed as far as a mirror can tell (by `transaction`, then id): see
    ChangeQuerySet.committed.
    """

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"
        MERGED = "merged", "Merged into another"

    kind = models.CharField(max_length=20, help_text='A kind of the API: "songs", "artists"...')
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=8, choices=Action)
    merged_into = models.BigIntegerField(
        null=True, blank=True, help_text="For a merge: the id of the row of the same kind kept."
    )
    time = models.DateTimeField(db_default=Now())
    transaction = TransactionIdField(db_default=CurrentTransactionId())

    objects = ChangeQuerySet.as_manager()

    class Meta:
        constraints = [
            # A transaction that touches a resource many times records it once (api.changes
            # folds the actions together on this constraint).
            models.UniqueConstraint(
                fields=["transaction", "kind", "object_id"], name="api_change_once_per_transaction"
            ),
            models.CheckConstraint(
                condition=Q(action="merged", merged_into__isnull=False)
                | (~Q(action="merged") & Q(merged_into__isnull=True)),
                name="api_change_merged_into_for_merges_only",
            ),
        ]
        indexes = [
            # The feed reads rows in this order from a cursor's position.
            models.Index(fields=["transaction", "id"], name="api_change_feed_order"),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id} {self.action}"


class PrunedChanges(models.Model):
    """How far prune_changes has deleted the feed: one row, once it has deleted any.

    A cursor at or below `through_id` that is no longer in the feed may have missed changes
    that were pruned: the feed answers it with 410 Gone.
    """

    through_id = models.BigIntegerField(help_text="The highest change id deleted so far.")

    class Meta:
        verbose_name_plural = "pruned changes"

    def __str__(self):
        return f"changes pruned through {self.through_id}"
