"""The keys comments are shown under on cached pages (see songfacts.cache_keys).

A song's comments, on its page, its comment pages and its comment feed, are `song-N-comments`;
a published comment also joins the home page's recent comments. A comment waiting for a
moderator, or removed before anyone saw it, purges nothing.
"""

from comments.models import Comment
from songfacts.cache_keys import register


def register_all():
    register(
        Comment,
        shown_under=["song-{song_id}-comments"],
        joins=["home"],
        visible=lambda comment: comment.status == Comment.Status.PUBLISHED,
    )
