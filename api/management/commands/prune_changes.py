"""Forget changes older than settings.CHANGE_FEED_DAYS: `manage.py prune_changes`, daily.

deploy/systemd/ has a timer that runs it every night (a cron line does as well, README.md).
It deletes the oldest stretch of the feed, in feed order, up to the first change that is
still young enough to keep, so that the feed stays whole after any cursor it still holds;
and remembers the highest id it deleted (api.models.PrunedChanges), so that a mirror that
asks for changes after a cursor it deleted is told 410 Gone, not handed a feed with a hole.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from api.models import Change, PrunedChanges


class Command(BaseCommand):
    help = "Delete the change feed's entries older than settings.CHANGE_FEED_DAYS days."

    def handle(self, *args, **options):
        cutoff = timezone.now() - datetime.timedelta(days=settings.CHANGE_FEED_DAYS)
        with transaction.atomic():
            committed = Change.objects.committed()
            first_kept = (
                committed.filter(time__gte=cutoff)
                .in_feed_order()
                .values_list("transaction", "id")
                .first()
            )
            old = committed
            if first_kept is not None:
                kept_transaction, kept_id = first_kept
                old = committed.filter(
                    Q(transaction__lt=kept_transaction)
                    | Q(transaction=kept_transaction, id__lt=kept_id)
                )
            through = old.aggregate(through=Max("id"))["through"]
            if through is None:
                self.stdout.write("No change was old enough to prune.")
                return
            count, _ = old.delete()
            pruned = PrunedChanges.objects.select_for_update().first()
            if pruned is None:
                PrunedChanges.objects.create(through_id=through)
            elif through > pruned.through_id:
                pruned.through_id = through
                pruned.save(update_fields=["through_id"])
        self.stdout.write(
            f"Pruned {count:,} changes older than {settings.CHANGE_FEED_DAYS} days "
            f"(through id {through:,})."
        )
