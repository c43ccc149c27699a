"""Reads for the pages that show comments."""

import sys
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connections, router
from django.db.models import Q
from django.http import Http404

from comments.forms import CommentForm, FactSuggestionForm
from comments.models import Comment
from songfacts import cache_keys
from songfacts.json_rows import instance, ordering

COMMENTS_PER_PAGE = 20
PAGE_PARAMETER = "comments_page"
REPLY_PARAMETER = "reply_to"
BIGINT_DIGITS = 19
# Far past any song's comments, and within PostgreSQL's bigint OFFSET.
MAX_OFFSET = 10**12
# Threads come newest first (Comment's Meta.ordering); the replies in a thread oldest first.
THREAD_ORDERING = Comment._meta.ordering
REPLY_ORDERING = [name[1:] if name.startswith("-") else f"-{name}" for name in THREAD_ORDERING]


@dataclass
class CommentSection:
    """What `comments/_song_section.html` shows under a song."""

    count: int
    comments: list
    page: Page
    reply_to: Comment | None
    comment_form: CommentForm
    suggestion_form: FactSuggestionForm


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


# One statement for what named QuerySets would load in three queries: the counts of the
# song's Comment.objects.shown() and .published().top_level(), and one page of the latter,
# each thread with its published replies (tests/comments/test_section.py loads both ways and
# compares them field by field). Hand-written because the ORM took almost four times as long,
# most of it building its queries: 2.6 ms against 0.7 ms for the seed song, 2.7 ms against
# 0.7 ms for a song of 50 comments among a million. The status is written in, not passed, so
# that PostgreSQL can match the partial index on published comments however it is bound.
_PUBLISHED = f"'{Comment.Status.PUBLISHED.value}'"
_SECTION_STATEMENT = f"""
SELECT
    (SELECT count(*) FROM comments_comment c
        LEFT JOIN comments_comment parent ON parent.id = c.parent_id
        WHERE c.song_id = %(song)s AND c.status = {_PUBLISHED}
            AND (c.parent_id IS NULL OR parent.status = {_PUBLISHED})
    ) AS shown,
    (SELECT count(*) FROM comments_comment c
        WHERE c.song_id = %(song)s AND c.status = {_PUBLISHED} AND c.parent_id IS NULL
    ) AS threads,
    (SELECT json_agg(json_build_object('comment', thread, 'replies', (
            SELECT json_agg(reply ORDER BY {ordering(Comment, "reply", names=REPLY_ORDERING)})
            FROM comments_comment reply
            WHERE reply.parent_id = thread.id AND reply.status = {_PUBLISHED}
        )) ORDER BY {ordering(Comment, "thread", names=THREAD_ORDERING)})
        FROM (
            SELECT * FROM comments_comment c
            WHERE c.song_id = %(song)s AND c.status = {_PUBLISHED} AND c.parent_id IS NULL
            ORDER BY {ordering(Comment, "c", names=THREAD_ORDERING)}
            OFFSET %(offset)s LIMIT %(limit)s
        ) thread
    ) AS page
"""


def song_comment_section(song, *, request):
    """The comment section of a song page: counts, one page of threads, and both forms.

    The threads are `Comment.objects.published().top_level()` of the song, newest first, each
    with its published replies oldest first (`published_replies`); the count is that of
    `Comment.objects.shown()`. Costs one query whatever the number of comments, plus one when
    the reader is replying (`?reply_to=PK`). A page number that is not a number falls back to
    page 1; one past the last page is a 404.
    """
    # The section shows the song's comments, even before it has any (songfacts.cache_keys).
    cache_keys.add(f"song-{song.pk}-comments")
    number = _positive_int(request.GET.get(PAGE_PARAMETER)) or 1
    offset = (number - 1) * COMMENTS_PER_PAGE
    if offset > MAX_OFFSET:
        raise Http404("There is no such page of comments.")
    # Where the router sends the comments' reads: a replica that has caught up, if any.
    with connections[router.db_for_read(Comment)].cursor() as cursor:
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
        for reply in replies:
            reply.parent = comment
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
        comment_form=CommentForm(song=song, parent=reply_to),
        suggestion_form=FactSuggestionForm(song=song),
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
