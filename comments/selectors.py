"""Reads for the pages that show comments."""

import sys
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import Http404
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from catalogue.markup import Memo
from comments.forms import CommentForm, FactSuggestionForm, new_submission_token
from comments.models import Comment
from songfacts.json_rows import instance
from songfacts.prepared import prepared_cursor

COMMENTS_PER_PAGE = 20
PAGE_PARAMETER = "comments_page"
REPLY_PARAMETER = "reply_to"
BIGINT_DIGITS = 19
# Far past any song's comments, and within PostgreSQL's bigint OFFSET.
MAX_OFFSET = 10**12
# Each comment's rendered HTML, per worker: its body is linkified and sanitised once, not on
# every view of the page.
_rendered = Memo()
# The blank forms under a song, rendered once per worker with these in place of what differs
# between songs and page views.
SUBMISSION_TOKEN_PLACEHOLDER = "__submission_token__"
CSRF_TOKEN_PLACEHOLDER = "__form_csrf_token__"
ACTION_PLACEHOLDER = "__form_action__"
# Where each blank form posts, by template: the only part of it that differs between songs.
FORM_ACTIONS = {
    "comments/_comment_form.html": "comments:comment-create",
    "comments/_suggestion_form.html": "comments:suggestion-create",
}


@dataclass
class CommentSection:
    """What `comments/_song_section.html` shows under a song."""

    count: int
    comments: list
    page: Page
    reply_to: Comment | None
    comment_form_html: str
    suggestion_form_html: str


class _CountedPaginator(Paginator):
    """A paginator given its count, so that it doesn't ask the database again."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


def _positive_int(value):
    """`value` as a whole number from 1 on, or None when it is not one."""
    # int() alone would also read signs, spaces and non-ASCII digits.
    if not value or not value.isascii() or not value.isdigit():
        return None
    digits = value.lstrip("0")
    if len(digits) > BIGINT_DIGITS:
        # Past every page and primary key; int() would refuse more than 4,300 digits.
        return sys.maxsize
    number = int(digits or "0")
    return number if number >= 1 else None


# The counts and one page of top-level comments with their replies, newest threads first
# (Comment's Meta.ordering) and replies oldest first. Hand-written, as the ORM spent several
# times longer building these queries than PostgreSQL took to answer them.
_SECTION_STATEMENT = """
SELECT
    (SELECT count(*) FROM comments_comment c
        LEFT JOIN comments_comment parent ON parent.id = c.parent_id
        WHERE c.song_id = %(song)s AND c.status = 'published'
            AND (c.parent_id IS NULL OR parent.status = 'published')
    ) AS shown,
    (SELECT count(*) FROM comments_comment c
        WHERE c.song_id = %(song)s AND c.status = 'published' AND c.parent_id IS NULL
    ) AS threads,
    (SELECT json_agg(json_build_object('comment', thread, 'replies', (
            SELECT json_agg(reply ORDER BY reply.created_at, reply.id)
            FROM comments_comment reply
            WHERE reply.parent_id = thread.id AND reply.status = 'published'
        )) ORDER BY thread.created_at DESC, thread.id DESC)
        FROM (
            SELECT * FROM comments_comment c
            WHERE c.song_id = %(song)s AND c.status = 'published' AND c.parent_id IS NULL
            ORDER BY c.created_at DESC, c.id DESC
            OFFSET %(offset)s LIMIT %(limit)s
        ) thread
    ) AS page
"""


def song_comment_section(song, *, request):
    """The comment section of a song page: counts, one page of threads, and both forms.

    Costs one query whatever the number of comments, plus one when the reader is replying
    (`?reply_to=PK`). A page number that is not a number falls back to page 1; one past the
    last page is a 404.
    """
    number = _positive_int(request.GET.get(PAGE_PARAMETER)) or 1
    offset = (number - 1) * COMMENTS_PER_PAGE
    if offset > MAX_OFFSET:
        raise Http404("There is no such page of comments.")
    with prepared_cursor() as cursor:
        cursor.execute(
            _SECTION_STATEMENT,
            {"song": song.pk, "offset": offset, "limit": COMMENTS_PER_PAGE},
        )
        shown, threads, rows = cursor.fetchone()
    paginator = _CountedPaginator([], COMMENTS_PER_PAGE, count=threads)
    if number > paginator.num_pages:
        raise Http404("There is no such page of comments.")
    comments = []
    for row in rows or ():
        replies = [instance(Comment, reply, song=song) for reply in row["replies"] or ()]
        comment = instance(Comment, row["comment"], song=song, published_replies=replies)
        comment.html = _comment_html(comment)
        for reply in replies:
            reply.parent = comment
            reply.html = _comment_html(reply)
        comments.append(comment)
    page = Page(comments, number, paginator)

    reply_to = None
    parent_pk = _positive_int(request.GET.get(REPLY_PARAMETER))
    if parent_pk:
        reply_to = (
            Comment.objects.published()
            .filter(song=song, pk=parent_pk)
            .select_related("parent")
            .first()
        )
        # Threads are one level deep: answering a reply answers its thread.
        if reply_to is not None and reply_to.parent_id:
            thread = reply_to.parent
            reply_to = thread if thread.status == Comment.Status.PUBLISHED else None
    return CommentSection(
        count=shown,
        comments=comments,
        page=page,
        reply_to=reply_to,
        comment_form_html=_blank_form_html(
            "comments/_comment_form.html", CommentForm, song, reply_to, request
        ),
        suggestion_form_html=_blank_form_html(
            "comments/_suggestion_form.html", FactSuggestionForm, song, None, request
        ),
    )


def _blank_form_html(template, form_class, song, reply_to, request):
    """An unbound `form_class` rendered by `template` once per worker (once per comment
    answered, when replying), with this song's form action, a new submission token and this
    reader's CSRF token filled in."""
    action = reverse(FORM_ACTIONS[template], kwargs={"song_pk": song.pk})
    # Only a reply names anything of the song's beyond the form's action.
    version = "\0".join(
        [template, str(reply_to.pk), reply_to.byline, song.get_absolute_url()]
        if reply_to
        else [template]
    )

    def render():
        blank = form_class(
            song=song,
            initial={"submission_token": SUBMISSION_TOKEN_PLACEHOLDER},
            **({"parent": reply_to} if form_class is CommentForm else {}),
        )
        context = {
            "form": blank,
            "song": song,
            "reply_to": reply_to,
            "csrf_token": CSRF_TOKEN_PLACEHOLDER,
        }
        html = render_to_string(template, context)
        return html.replace(f'action="{action}"', f'action="{ACTION_PLACEHOLDER}"')

    html = _rendered.get(version, render)
    return mark_safe(
        html.replace(ACTION_PLACEHOLDER, action)
        .replace(SUBMISSION_TOKEN_PLACEHOLDER, new_submission_token())
        .replace(CSRF_TOKEN_PLACEHOLDER, get_token(request))
    )


def _comment_html(comment):
    """The comment's `comments/_comment.html`, rendered once per version of what it shows."""
    version = "\0".join(
        [
            str(comment.pk),
            comment.author_name,
            comment.author_place,
            comment.created_at.isoformat(),
            timezone.get_current_timezone_name(),
            comment.body,
        ]
    )
    return _rendered.get(
        version, lambda: render_to_string("comments/_comment.html", {"comment": comment})
    )


def comment_page_number(comment):
    """The page of its song's comments that shows this published comment (or its thread).

    Queries the database once.
    """
    thread = comment.parent if comment.parent_id else comment
    newer = (
        Comment.objects.published()
        .top_level()
        .filter(song_id=thread.song_id)
        .filter(
            Q(created_at__gt=thread.created_at) | Q(created_at=thread.created_at, id__gt=thread.id)
        )
        .count()
    )
    return newer // COMMENTS_PER_PAGE + 1
