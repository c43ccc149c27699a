"""Reader comments on songs, with replies; readers' fact suggestions; the moderators' blocklist."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from catalogue.models import Fact, Song
from comments.markup import render_comment


class CommentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Comment.Status.PUBLISHED)

    def shown(self):
        """What readers see: published comments, and published replies in published threads."""
        return self.published().filter(
            Q(parent__isnull=True) | Q(parent__status=Comment.Status.PUBLISHED)
        )

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def top_level(self):
        return self.filter(parent__isnull=True)


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
    # The body as readers see it, rendered by comments.markup.render_comment on every save so
    # that pages never render it; `manage.py render_markup` renders every comment again when
    # the rules change. Templates show it with |safe: it holds only escaped text and the
    # paragraphs and links the renderer made, and nothing else writes it.
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PUBLISHED)
    created_at = models.DateTimeField(default=timezone.now, db_index=False)
    notify_replies = models.BooleanField(
        "e-mail replies",
        default=True,
        help_text="Off once the author follows the unsubscribe link in a reply e-mail.",
    )
    reply_notified_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the parent comment's author was told of this reply; they are told once.",
    )
    submission_key = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Fingerprint of the form submission, so that a double submit makes one comment.",
    )
    promoted_fact = models.ForeignKey(
        Fact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The fact an editor made of this comment.",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("promote_comment", "Can promote a comment to a fact")]
        constraints = [
            # Rows made elsewhere (fixtures, the admin) have no key.
            models.UniqueConstraint(
                fields=["submission_key"],
                condition=~Q(submission_key=""),
                name="comments_comment_unique_submission_key",
            ),
        ]
        indexes = [
            # The newest comments: published ones for the home page, all of them for the
            # moderators' list in the admin (which sorted a million rows without it).
            models.Index(fields=["-created_at", "-id"], name="comments_newest"),
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

    def save(self, *args, **kwargs):
        # The column is the model's own, so save() keeps it (as Fact.save does); fixtures,
        # COPY and bulk_create skip this and render for themselves.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.body_html = render_comment(self.body)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("comments:comment-permalink", kwargs={"pk": self.pk})

    @property
    def byline(self):
        return (
            f"{self.author_name} from {self.author_place}"
            if self.author_place
            else self.author_name
        )


class PendingComment(Comment):
    """The moderators' queue: comments waiting for a decision."""

    class Meta:
        proxy = True
        verbose_name = "pending comment"
        verbose_name_plural = "pending comments (moderation queue)"


class BlockedTerm(models.Model):
    """A word, address or e-mail domain that holds or refuses comments and suggestions."""

    class Kind(models.TextChoices):
        WORD = "word", "Word or phrase (in the name, place or text)"
        EMAIL = "email", "E-mail address"
        DOMAIN = "domain", "E-mail domain"

    class Action(models.TextChoices):
        HOLD = "hold", "Hold for a moderator"
        REFUSE = "refuse", "Refuse outright"

    kind = models.CharField(max_length=10, choices=Kind, default=Kind.WORD)
    value = models.CharField(
        max_length=200,
        help_text=(
            'Matched without regard to case: a whole word or phrase ("casino"), a full address '
            '("spam@example.com") or a domain without the @ ("example.com").'
        ),
    )
    action = models.CharField(max_length=10, choices=Action, default=Action.HOLD)
    note = models.CharField(max_length=200, blank=True, help_text="Why it is on the list.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(
                "kind",
                Lower("value"),
                name="comments_blockedterm_unique_value_per_kind",
                violation_error_message="This term is already on the list.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"


class FactSuggestion(models.Model):
    """A fact a reader offers for a song; an editor accepts it as a credited fact or rejects it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    song = models.ForeignKey(Song, on_delete=models.CASCADE, related_name="fact_suggestions")
    body = models.TextField(
        "fact",
        max_length=5000,
        help_text="Edit the text before accepting if it needs it; the fact is made from it.",
    )
    author_name = models.CharField("name", max_length=80)
    author_place = models.CharField("place", max_length=100, blank=True)
    author_email = models.EmailField(
        "e-mail", blank=True, help_text="Never shown; used only to tell the reader of a rejection."
    )
    source_citation = models.CharField(
        "source", max_length=300, blank=True, help_text="Where the reader read or heard it."
    )
    source_url = models.URLField("source URL", blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    reject_reason = models.TextField(
        "reason for rejecting",
        blank=True,
        help_text="Needed to reject; e-mailed to the reader when they left an address.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    fact = models.ForeignKey(
        Fact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The fact made from this suggestion.",
    )
    submission_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission_key"],
                condition=~Q(submission_key=""),
                name="comments_factsuggestion_unique_submission_key",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                name="comments_factsuggestion_rejection_has_reason",
                violation_error_message="Give a reason for rejecting the suggestion.",
            ),
        ]
        indexes = [
            # The editors' review queue.
            models.Index(
                fields=["created_at"],
                name="comments_suggestion_queue",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self):
        return f"Suggestion by {self.author_name} for song {self.song_id}"

    def get_absolute_url(self):
        return self.song.get_absolute_url()

    @property
    def credit(self):
        return (
            f"{self.author_name} - {self.author_place}" if self.author_place else self.author_name
        )
