"""Reader comments on songs, with replies."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from catalogue.models import Song


class CommentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Comment.Status.PUBLISHED)


class Comment(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        PENDING = "pending", "Pending review"
        REMOVED = "removed", "Removed"
        SPAM = "spam", "Spam"

    song = models.ForeignKey(Song, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author_name = models.CharField("name", max_length=80)
    author_place = models.CharField("place", max_length=100, blank=True)
    author_email = models.EmailField(
        "e-mail", blank=True, help_text="Never shown; used only to tell the author of replies."
    )
    body = models.TextField(max_length=5000)
    status = models.CharField(max_length=10, choices=Status, default=Status.PUBLISHED)
    created_at = models.DateTimeField(default=timezone.now, db_index=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The song page lists a song's newest published comments.
            models.Index(
                fields=["song", "-created_at"],
                name="comments_song_published_newest",
                condition=Q(status="published"),
            ),
            # The moderators' queue.
            models.Index(
                fields=["created_at"], name="comments_pending_queue", condition=Q(status="pending")
            ),
        ]

    def __str__(self):
        return f"{self.author_name} on {self.song_id}"

    def get_absolute_url(self):
        return reverse("comments:comment-permalink", kwargs={"pk": self.pk})

    @property
    def byline(self):
        return (
            f"{self.author_name} from {self.author_place}"
            if self.author_place
            else self.author_name
        )
