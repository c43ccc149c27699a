"""The home page's content in one hand-written statement.

As on the song page (catalogue.song_page), the ORM spent several times longer building the
home page's five queries (latest facts, new songs, recent comments, and two for the song of the
day) than PostgreSQL took to answer them. This statement asks for all four lists as JSON in one
round trip, prepared once per connection; `load` turns the rows into model instances with
their songs and artists in place.

'published' is Status.PUBLISHED and the orderings are the pages' own: newest first, the id
breaking ties. tests/reader/test_home_page.py checks every list.
"""

import datetime
import hashlib
from dataclasses import dataclass

from catalogue.models import Artist, Fact, Song
from comments.models import Comment
from songfacts.json_rows import columns, instance
from songfacts.prepared import prepared_cursor

LENGTH = 8
# Enough recent comments to find LENGTH different songs in all but odd cases.
RECENT_COMMENTS = 40

# The limits are written into the statement, not passed as parameters. A prepared statement's
# generic plan cannot see a parameter's limit and planned to read whole tables, so PostgreSQL
# kept planning the statement afresh on every run (about 1.7 ms) rather than reuse a plan.
# A song's status is checked with EXISTS rather than a join. With the join, each run took
# 2.2 ms instead of 0.7 ms on a new connection, until the connection had planned some larger
# statement (the song page's); turning off PostgreSQL's memoize removed the difference too.
_STATEMENT = f"""
SELECT
    (SELECT json_agg(json_build_object('fact', f, 'song', s, 'artist', a)
            ORDER BY f.created_at DESC, f.id DESC)
        FROM (
            SELECT {columns(Fact, "f")} FROM catalogue_fact f
            WHERE f.status = 'published' AND EXISTS (
                SELECT FROM catalogue_song fs WHERE fs.id = f.song_id AND fs.status = 'published'
            )
            ORDER BY f.created_at DESC, f.id DESC
            LIMIT {LENGTH}
        ) f
        JOIN catalogue_song s ON s.id = f.song_id
        JOIN catalogue_artist a ON a.id = s.artist_id
    ) AS latest_facts,
    (SELECT json_agg(json_build_object('song', s, 'artist', a)
            ORDER BY s.published_at DESC, s.id DESC)
        FROM (
            SELECT * FROM catalogue_song
            WHERE status = 'published'
            ORDER BY published_at DESC, id DESC
            LIMIT {LENGTH}
        ) s
        JOIN catalogue_artist a ON a.id = s.artist_id
    ) AS new_songs,
    -- The songs of the latest published comments, each once with its latest comment. Looking
    -- no further back than the latest RECENT_COMMENTS keeps this an index scan however
    -- many comments there are.
    (SELECT json_agg(json_build_object('comment', c, 'song', s, 'artist', a)
            ORDER BY c.created_at DESC, c.id DESC)
        FROM (
            SELECT * FROM (
                SELECT DISTINCT ON (recent.song_id) recent.* FROM (
                    SELECT c.* FROM comments_comment c
                    WHERE c.status = 'published' AND EXISTS (
                        SELECT FROM catalogue_song cs
                        WHERE cs.id = c.song_id AND cs.status = 'published'
                    )
                    ORDER BY c.created_at DESC, c.id DESC
                    LIMIT {RECENT_COMMENTS}
                ) recent
                ORDER BY recent.song_id, recent.created_at DESC, recent.id DESC
            ) latest_per_song
            ORDER BY created_at DESC, id DESC
            LIMIT {LENGTH}
        ) c
        JOIN catalogue_song s ON s.id = c.song_id
        JOIN catalogue_artist a ON a.id = s.artist_id
    ) AS recently_commented,
    -- The song of the day: the first published song from a point between the lowest and
    -- highest published ids that the day's number picks, so it needs no count or offset.
    (SELECT json_build_object('song', s, 'artist', a)
        FROM catalogue_song s
        JOIN catalogue_artist a ON a.id = s.artist_id
        WHERE s.status = 'published' AND s.id >= (
            SELECT min(id) + (%(day)s::numeric %% (max(id) - min(id) + 1))::bigint
            FROM catalogue_song WHERE status = 'published'
        )
        ORDER BY s.id
        LIMIT 1
    ) AS song_of_the_day
"""


@dataclass
class HomePage:
    latest_facts: list[Fact]
    new_songs: list[Song]
    recently_commented: list[Comment]
    song_of_the_day: Song | None


def day_number(date: datetime.date):
    """A number that is the same all day and, from a hash of the date, unlike the next day's."""
    return int.from_bytes(hashlib.sha256(date.isoformat().encode()).digest()[:8], "big")


def load(date: datetime.date):
    """The home page on `date`: one query.

    The LENGTH latest published facts of published songs, the LENGTH newest published songs,
    the songs of the latest published comments (each once, looking back over the last
    RECENT_COMMENTS comments) with their latest comment, and the song of the day: the same
    published song all day long, a different one (most days) the next.
    """
    with prepared_cursor() as cursor:
        cursor.execute(_STATEMENT, {"day": day_number(date)})
        latest_facts, new_songs, recently_commented, song_of_the_day = cursor.fetchone()
    return HomePage(
        latest_facts=[
            instance(Fact, part["fact"], song=_song(part)) for part in latest_facts or ()
        ],
        new_songs=[_song(part) for part in new_songs or ()],
        recently_commented=[
            instance(Comment, part["comment"], song=_song(part))
            for part in recently_commented or ()
        ],
        song_of_the_day=_song(song_of_the_day) if song_of_the_day else None,
    )


def _song(part):
    return instance(Song, part["song"], artist=instance(Artist, part["artist"]))
