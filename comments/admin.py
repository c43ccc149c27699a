from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import truncatechars

from comments import services
from comments.models import BlockedTerm, Comment, FactSuggestion, PendingComment
from songfacts.admin_search import BoundedSearchMixin


def _moderate(modeladmin, request, queryset, status, done):
    with transaction.atomic():
        for comment in queryset.select_related("parent", "song"):
            services.comment_moderate(comment=comment, status=status)
    modeladmin.message_user(request, f"{queryset.count()} comment(s) {done}.", messages.SUCCESS)


@admin.action(description="Approve: publish the selected comments", permissions=["change"])
def approve(modeladmin, request, queryset):
    _moderate(modeladmin, request, queryset, Comment.Status.PUBLISHED, "published")


@admin.action(description="Remove the selected comments", permissions=["change"])
def remove(modeladmin, request, queryset):
    _moderate(modeladmin, request, queryset, Comment.Status.REMOVED, "removed")


@admin.action(description="Mark the selected comments as spam", permissions=["change"])
def mark_spam(modeladmin, request, queryset):
    _moderate(modeladmin, request, queryset, Comment.Status.SPAM, "marked as spam")


@admin.action(description="Promote to a fact, credited to the commenter", permissions=["promote"])
def promote_to_fact(modeladmin, request, queryset):
    promoted = 0
    for comment in queryset.select_related("song"):
        try:
            services.comment_promote_to_fact(comment=comment, editor=request.user)
        except ValidationError as error:
            modeladmin.message_user(
                request, f"{comment.byline}: {' '.join(error.messages)}", messages.WARNING
            )
        else:
            promoted += 1
    if promoted:
        modeladmin.message_user(
            request,
            f"{promoted} comment(s) became facts at the end of their songs' facts.",
            messages.SUCCESS,
        )


@admin.register(Comment)
class CommentAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["byline", "excerpt", "song", "status", "is_reply", "created_at"]
    list_filter = ["status", "created_at"]
    list_select_related = ["song__artist"]
    search_fields = ["author_name", "author_place", "song__title"]
    raw_id_fields = ["song", "parent"]
    readonly_fields = ["promoted_fact", "reply_notified_at"]
    actions = [approve, remove, mark_spam, promote_to_fact]
    show_full_result_count = False

    @admin.display(description="comment")
    def excerpt(self, obj):
        return truncatechars(obj.body, 80)

    @admin.display(boolean=True, description="reply")
    def is_reply(self, obj):
        return obj.parent_id is not None

    def has_promote_permission(self, request):
        return request.user.has_perm("comments.promote_comment")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "status" in form.changed_data:
            # Publishing a reply here tells its parent's author, as the bulk action does.
            services.comment_moderate(comment=obj, status=obj.status)


@admin.register(PendingComment)
class PendingCommentAdmin(CommentAdmin):
    """The moderation queue: oldest first, so that nobody waits longest."""

    list_filter = ["created_at"]
    actions = [approve, remove, mark_spam]
    ordering = ["created_at", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).pending()


@admin.register(BlockedTerm)
class BlockedTermAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["value", "kind", "action", "note", "created_at"]
    list_filter = ["kind", "action"]
    search_fields = ["value", "note"]


class SuggestionReviewForm(forms.ModelForm):
    """The editor's review: the text (editable), then Accept or Reject with a reason."""

    source_url = forms.URLField(
        label="source URL", required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = FactSuggestion
        fields = ["body", "source_citation", "source_url", "reject_reason"]

    def clean(self):
        cleaned = super().clean()
        if "_reject" in self.data and not (cleaned.get("reject_reason") or "").strip():
            self.add_error("reject_reason", "Give a reason for rejecting the suggestion.")
        if "_accept" in self.data and not (cleaned.get("body") or "").strip():
            self.add_error("body", "A fact needs some text.")
        return cleaned


@admin.register(FactSuggestion)
class FactSuggestionAdmin(BoundedSearchMixin, admin.ModelAdmin):
    form = SuggestionReviewForm
    list_display = ["excerpt", "song", "credit", "status", "created_at"]
    list_filter = ["status", "created_at"]
    list_select_related = ["song__artist"]
    search_fields = ["body", "author_name", "author_place", "song__title"]
    readonly_fields = [
        "song",
        "author_name",
        "author_place",
        "author_email",
        "status",
        "created_at",
        "reviewed_by",
        "reviewed_at",
        "fact",
    ]
    fieldsets = [
        (None, {"fields": ["song", "body", "source_citation", "source_url"]}),
        ("The reader", {"fields": ["author_name", "author_place", "author_email", "created_at"]}),
        ("Decision", {"fields": ["reject_reason", "status", "reviewed_by", "reviewed_at", "fact"]}),
    ]
    show_full_result_count = False

    @admin.display(description="suggestion")
    def excerpt(self, obj):
        return truncatechars(obj.body, 80)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # A reviewed suggestion is a record: it can be read, not changed.
        if obj is not None and obj.status != FactSuggestion.Status.PENDING:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if "_accept" in request.POST:
            fact = services.suggestion_accept(suggestion=obj, editor=request.user, body=obj.body)
            self.message_user(
                request,
                f'Accepted: fact #{fact.position} of "{obj.song.title}", credited to '
                f"{fact.suggestion_credit}.",
                messages.SUCCESS,
            )
        elif "_reject" in request.POST:
            services.suggestion_reject(
                suggestion=obj, editor=request.user, reason=obj.reject_reason
            )
            note = " and the reader was e-mailed the reason" if obj.author_email else ""
            self.message_user(request, f"Rejected{note}.", messages.SUCCESS)
        else:
            super().save_model(request, obj, form, change)
