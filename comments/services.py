"""Writes: posting, moderating and reviewing. Each action is one function."""

import hashlib
import logging
import re

import reversion
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from catalogue.models import Fact, Song, Source, Status
from comments.models import BlockedTerm, Comment, FactSuggestion

# A client may post this many comments and suggestions per window before being asked to wait.
RATE_LIMIT_POSTS = 5
RATE_LIMIT_WINDOW_SECONDS = 10 * 60
# More links than this and a comment waits for a moderator: link spam is the common kind.
MAX_LINKS_PUBLISHED_AT_ONCE = 2
LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
UNSUBSCRIBE_SALT = "comments.unsubscribe"

logger = logging.getLogger(__name__)


class RateLimited(ValidationError):
    """The client posted too much too fast."""


def submission_key(*, token, client_ip, parts):
    """The fingerprint that makes a double submit of one form a single row.

    The song page may come from the anonymous page cache, which shows every reader the same
    form token; the client address and the text keep different readers' posts apart.
    """
    material = "\x1f".join(
        [token, client_ip or "", *(str(getattr(part, "pk", part)) for part in parts)]
    )
    return hashlib.sha256(material.encode()).hexdigest()


def client_throttle(*, client_ip):
    """Count one post for this client; raise RateLimited past the limit. Uses the cache."""
    key = f"comments:posts:{client_ip or 'unknown'}"
    cache.add(key, 0, RATE_LIMIT_WINDOW_SECONDS)
    try:
        posts = cache.incr(key)
    except ValueError:
        # The entry expired between add() and incr(): this post starts a new window.
        cache.set(key, 1, RATE_LIMIT_WINDOW_SECONDS)
        posts = 1
    if posts > RATE_LIMIT_POSTS:
        raise RateLimited(
            "You have posted a lot in the last few minutes. Please wait a while and try again."
        )


def _blocklist_action(*, texts, email):
    """The strictest blocklist action that applies, or None. Queries the database once."""
    email = email.lower()
    domain = email.rpartition("@")[2]
    haystack = "\n".join(texts).lower()
    actions = set()
    for term in BlockedTerm.objects.all():
        value = term.value.lower().strip()
        if not value:
            continue
        if term.kind == BlockedTerm.Kind.WORD:
            hit = re.search(rf"(?<!\w){re.escape(value)}(?!\w)", haystack) is not None
        elif term.kind == BlockedTerm.Kind.EMAIL:
            hit = email == value
        else:
            hit = bool(domain) and (domain == value or domain.endswith("." + value))
        if hit:
            actions.add(term.action)
    if BlockedTerm.Action.REFUSE in actions:
        return BlockedTerm.Action.REFUSE
    return BlockedTerm.Action.HOLD if actions else None


def _refuse_if_blocked(*, texts, email):
    """Raise for a refused post; return True when it must wait for a moderator."""
    action = _blocklist_action(texts=texts, email=email)
    if action == BlockedTerm.Action.REFUSE:
        raise ValidationError("This can't be posted here. Please check what you wrote.")
    return action == BlockedTerm.Action.HOLD


def comment_create(
    *,
    song: Song,
    author_name: str,
    body: str,
    submission_key: str,
    client_ip: str | None,
    author_place: str = "",
    author_email: str = "",
    parent: Comment | None = None,
) -> Comment:
    """Post a reader's comment (published, or pending when it looks like spam).

    The same submission twice returns the first comment. Raises ValidationError when the
    blocklist refuses it and RateLimited when the client posts too fast.
    """
    existing = Comment.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    client_throttle(client_ip=client_ip)
    held = _refuse_if_blocked(texts=[author_name, author_place, body], email=author_email)
    too_many_links = len(LINK.findall(body)) > MAX_LINKS_PUBLISHED_AT_ONCE
    comment = Comment(
        song=song,
        parent=parent,
        author_name=author_name,
        author_place=author_place,
        author_email=author_email,
        body=body,
        status=Comment.Status.PENDING if held or too_many_links else Comment.Status.PUBLISHED,
        submission_key=submission_key,
    )
    # The submission-key constraint is left to the database: a twin racing in is caught below.
    comment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            comment.save()
    except IntegrityError:
        # The twin submission won the race; it is the one comment.
        return Comment.objects.get(submission_key=submission_key)
    if comment.status == Comment.Status.PUBLISHED:
        _notify_parent_author_on_commit(comment)
    return comment


def comment_moderate(*, comment: Comment, status: str) -> Comment:
    """Set a comment's status; publishing a reply tells its parent's author once."""
    comment.status = status
    comment.full_clean(validate_constraints=False)
    comment.save(update_fields=["status"])
    if status == Comment.Status.PUBLISHED:
        _notify_parent_author_on_commit(comment)
    return comment


def _notify_parent_author_on_commit(reply):
    if reply.parent_id is None:
        return
    transaction.on_commit(lambda: comment_notify_parent_author(reply=reply))


def comment_notify_parent_author(*, reply: Comment) -> bool:
    """E-mail the parent comment's author about this published reply, once. True if sent."""
    parent = reply.parent
    if (
        reply.status != Comment.Status.PUBLISHED
        or not parent.author_email
        or not parent.notify_replies
        # Nobody needs telling about their own reply.
        or parent.author_email.lower() == reply.author_email.lower()
    ):
        return False
    # Claim the notification first, so that two moderators approving at once send one mail.
    claimed = Comment.objects.filter(pk=reply.pk, reply_notified_at__isnull=True).update(
        reply_notified_at=timezone.now()
    )
    if not claimed:
        return False
    unsubscribe_url = settings.SITE_URL + reverse(
        "comments:unsubscribe", kwargs={"token": unsubscribe_token(parent)}
    )
    context = {
        "parent": parent,
        "reply": reply,
        "song": reply.song,
        "reply_url": settings.SITE_URL + reply.get_absolute_url(),
        "unsubscribe_url": unsubscribe_url,
        "site_name": settings.SITE_NAME,
    }
    _send(
        EmailMessage(
            subject=f'{reply.author_name} replied to your comment on "{reply.song.title}"',
            body=render_to_string("comments/email/reply_notification.txt", context),
            to=[parent.author_email],
            headers={"List-Unsubscribe": f"<{unsubscribe_url}>"},
        ),
        what=f"reply notification for comment {reply.pk}",
    )
    return True


def _send(message, *, what):
    """Send after the change is saved; a mail server that is down must not fail the request."""
    try:
        message.send()
    except OSError:
        # The address stays out of the log; the row id is enough to find it.
        logger.exception("Could not send the %s", what)


def unsubscribe_token(comment: Comment) -> str:
    return signing.dumps(comment.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def comment_from_unsubscribe_token(token: str) -> Comment | None:
    """The comment an unsubscribe link was made for, or None for a forged or stale link."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return Comment.objects.filter(pk=pk).exclude(author_email="").first()


def comment_author_unsubscribe(*, comment: Comment) -> int:
    """Stop reply e-mails to this comment's author, for all their comments. Idempotent."""
    return Comment.objects.filter(author_email__iexact=comment.author_email).update(
        notify_replies=False
    )


def suggestion_create(
    *,
    song: Song,
    body: str,
    author_name: str,
    submission_key: str,
    client_ip: str | None,
    author_place: str = "",
    author_email: str = "",
    source_citation: str = "",
    source_url: str = "",
) -> FactSuggestion:
    """Queue a reader's fact for the editors. The same submission twice makes one suggestion.

    Raises ValidationError when the blocklist refuses it and RateLimited when the client
    posts too fast. Held suggestions need no separate state: every suggestion waits.
    """
    existing = FactSuggestion.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    client_throttle(client_ip=client_ip)
    _refuse_if_blocked(texts=[author_name, author_place, body, source_citation], email=author_email)
    suggestion = FactSuggestion(
        song=song,
        body=body,
        author_name=author_name,
        author_place=author_place,
        author_email=author_email,
        source_citation=source_citation,
        source_url=source_url,
        submission_key=submission_key,
    )
    suggestion.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            suggestion.save()
    except IntegrityError:
        return FactSuggestion.objects.get(submission_key=submission_key)
    return suggestion


def _append_fact(*, song_id, body, name, place, editor):
    """A published fact at the end of the song's facts, credited to a reader."""
    # Lock the song so that two facts added at once don't take the same position.
    Song.objects.select_for_update().filter(pk=song_id).first()
    last = Fact.objects.filter(song_id=song_id).aggregate(last=Max("position"))["last"]
    fact = Fact(
        song_id=song_id,
        position=0 if last is None else last + 1,
        body=body,
        status=Status.PUBLISHED,
        suggested_by_name=name,
        suggested_by_place=place,
    )
    fact.full_clean()
    fact.save()
    # The caller's revision (history.versioned) credits the editor with the new fact.
    reversion.set_user(editor)
    reversion.set_comment(f"Fact “{fact}”: added, credited to {name}.")
    return fact


def _ensure_pending(suggestion):
    if suggestion.status != FactSuggestion.Status.PENDING:
        raise ValidationError("This suggestion has already been reviewed.")


@reversion.create_revision()
@transaction.atomic
def suggestion_accept(*, suggestion: FactSuggestion, editor, body: str | None = None) -> Fact:
    """Publish the suggestion as a fact credited to the reader, with its source.

    `body` is the editor's version of the text; the reader's is used when it is None.
    """
    _ensure_pending(suggestion)
    if body is not None:
        suggestion.body = body
    fact = _append_fact(
        song_id=suggestion.song_id,
        body=suggestion.body,
        name=suggestion.author_name,
        place=suggestion.author_place,
        editor=editor,
    )
    if suggestion.source_citation or suggestion.source_url:
        source = Source(
            fact=fact,
            kind=Source.Kind.WEBSITE
            if suggestion.source_url and not suggestion.source_citation
            else Source.Kind.OTHER,
            citation=suggestion.source_citation or suggestion.source_url,
            url=suggestion.source_url,
        )
        source.full_clean()
        source.save()
    suggestion.status = FactSuggestion.Status.ACCEPTED
    suggestion.fact = fact
    suggestion.reviewed_by = editor
    suggestion.reviewed_at = timezone.now()
    suggestion.full_clean(validate_constraints=False)
    suggestion.save()
    return fact


@transaction.atomic
def suggestion_reject(*, suggestion: FactSuggestion, editor, reason: str) -> FactSuggestion:
    """Reject the suggestion; the reader gets the reason by e-mail when they left an address."""
    _ensure_pending(suggestion)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reject_reason": "Give a reason for rejecting the suggestion."})
    suggestion.status = FactSuggestion.Status.REJECTED
    suggestion.reject_reason = reason
    suggestion.reviewed_by = editor
    suggestion.reviewed_at = timezone.now()
    suggestion.full_clean(validate_constraints=False)
    suggestion.save()
    if suggestion.author_email:
        context = {
            "suggestion": suggestion,
            "song": suggestion.song,
            "site_name": settings.SITE_NAME,
        }
        message = EmailMessage(
            subject=f'Your suggestion for "{suggestion.song.title}"',
            body=render_to_string("comments/email/suggestion_rejected.txt", context),
            to=[suggestion.author_email],
        )
        transaction.on_commit(
            lambda: _send(message, what=f"rejection of suggestion {suggestion.pk}")
        )
    return suggestion


@reversion.create_revision()
@transaction.atomic
def comment_promote_to_fact(*, comment: Comment, editor, body: str | None = None) -> Fact:
    """Make a published fact of a comment, credited to its author's name and place."""
    if comment.promoted_fact_id:
        raise ValidationError("This comment is already a fact.")
    if comment.status != Comment.Status.PUBLISHED:
        raise ValidationError("Only a published comment can become a fact.")
    fact = _append_fact(
        song_id=comment.song_id,
        body=comment.body if body is None else body,
        name=comment.author_name,
        place=comment.author_place,
        editor=editor,
    )
    comment.promoted_fact = fact
    comment.save(update_fields=["promoted_fact"])
    return fact
