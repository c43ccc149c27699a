"""Reads for the reader pages that gather several lists: the home page and the song page.

The home page reads named QuerySets. The song page stays one hand-written statement: the ORM
spent about 1.5 ms of Python building each of the page's thirteen catalogue queries
(select_related and Prefetch chains on big models), several times what PostgreSQL took to
answer them. It asks for the song with its artist and album, every part the page shows and its
related songs, as JSON built by PostgreSQL, in one round trip; `load_song_page` turns the rows
into model instances with their relations in place (songfacts.json_rows), so templates read
them as ever and nothing queries again. Its statuses come from Status and its orderings from
each model's Meta.ordering; tests/reader/test_song_statement.py compares what it loads with
what the ORM loads, field by field.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections, router
from django.db.models import F, Max, Min, Window
from django.db.models.functions import RowNumber
from taggit.models import Tag

from catalogue.models import (
    Album,
    Appearance,
    Artist,
    Certification,
    Chart,
    ChartEntry,
    Credit,
    EditorsPick,
    Fact,
    Isrc,
    Person,
    Role,
    Song,
    Source,
    Status,
    Version,
)
from comments.models import Comment
from songfacts.json_rows import columns, instance, ordering, stored_fields

HOME_LIST_LENGTH = 8
# Enough recent comments to find HOME_LIST_LENGTH different songs in all but odd cases.
RECENT_COMMENTS = 40
# Enough recent facts to find HOME_LIST_LENGTH different songs even after an editor has
# added a song's whole story at once (the seed's "Heroes" has 36 facts).
RECENT_FACTS = 200
# A song's tags, by name (taggit's Tag has no ordering of its own).
TAG_ORDERING = ("name", "id")
TAG_ORDER = ", ".join(f"t.{name}" for name in TAG_ORDERING)


@dataclass
class HomePage:
    latest_facts: list[Fact]
    new_songs: list[Song]
    recently_commented: list[Comment]
    song_of_the_day: Song | None


def day_number(date: datetime.date):
    """A number that is the same all day and, from a hash of the date, unlike the next day's."""
    return int.from_bytes(hashlib.sha256(date.isoformat().encode()).digest()[:8], "big")


def home_page(date: datetime.date):
    """The home page on `date`. Queries: 5 (one a list, two for the song of the day).

    The latest published fact of each of the published songs with the latest facts (see
    `latest_fact_of_each_song`), the newest published songs, the songs of the latest
    published comments (each once, looking back over the last RECENT_COMMENTS) with their
    latest comment, and the song of the day: the same published song all day long, a
    different one (most days) the next.
    """
    recent_comments = (
        Comment.objects.published()
        .filter(song__in=Song.objects.published())
        .select_related("song__artist")
        .order_by(*Comment._meta.ordering)[:RECENT_COMMENTS]
    )
    latest_per_song = {}
    for comment in recent_comments:
        latest_per_song.setdefault(comment.song_id, comment)
    return HomePage(
        latest_facts=list(latest_fact_of_each_song()[:HOME_LIST_LENGTH]),
        new_songs=list(
            Song.objects.published()
            .for_list_page()
            .order_by("-published_at", "-pk")[:HOME_LIST_LENGTH]
        ),
        recently_commented=list(latest_per_song.values())[:HOME_LIST_LENGTH],
        song_of_the_day=_song_of_the_day(date),
    )


def latest_fact_of_each_song():
    """The latest published fact of each published song that has one among the RECENT_FACTS
    latest, the songs with the latest facts first; with song and artist loaded.

    One song stands for one fact, however many it got at once; looking back a bounded way
    keeps it one index scan at any size (a song whose facts are older than the window waits
    for its next one).
    """
    recent = Fact.objects.latest().values("pk")[:RECENT_FACTS]
    latest_of_each = (
        Fact.objects.filter(pk__in=recent)
        .order_by("song_id", "-created_at", "-pk")
        .distinct("song_id")
        .values("pk")
    )
    return (
        Fact.objects.filter(pk__in=latest_of_each)
        .select_related("song__artist")
        .order_by("-created_at", "-pk")
    )


def _song_of_the_day(date):
    """The first published song from a point between the lowest and highest published ids
    that the day's number picks, so it needs no count or offset. Queries: 2."""
    published = Song.objects.published()
    bounds = published.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return None
    start = bounds["low"] + day_number(date) % (bounds["high"] - bounds["low"] + 1)
    return published.filter(pk__gte=start).select_related("artist").order_by("pk").first()


# ---- An album's track list ----


@dataclass
class TrackList:
    """An album's published songs in the catalogue: those whose place on the album is
    known, in that order, then the others by title."""

    numbered: list[Song]
    unnumbered: list[Song]

    @property
    def partial(self):
        """Whether the catalogue lacks some of the album's tracks, as far as its numbers
        tell: one before the last it has is missing. (Nothing tells how many follow.)"""
        numbers = [song.track_number for song in self.numbered]
        return numbers != list(range(1, len(numbers) + 1))

    def __iter__(self):
        return iter([*self.numbered, *self.unnumbered])

    def __len__(self):
        return len(self.numbered) + len(self.unnumbered)


def album_tracks(album):
    """The album's TrackList, each song with its artist. One query."""
    songs = list(
        album.songs.published()
        .select_related("artist")
        .order_by(F("track_number").asc(nulls_last=True), "title", "pk")
    )
    return TrackList(
        numbered=[song for song in songs if song.track_number is not None],
        unnumbered=[song for song in songs if song.track_number is None],
    )


# ---- Tables of chart runs: the song page's and the chart page's ----


@dataclass
class ChartColumns:
    """Which of a table's optional columns some of its chart runs fill: a table leaves out
    a column that no row fills."""

    peak_dates: bool
    weeks: bool
    notes: bool

    @classmethod
    def of(cls, entries):
        return cls(
            peak_dates=any(entry.peak_date for entry in entries),
            weeks=any(entry.weeks_on_chart is not None for entry in entries),
            notes=any(entry.note for entry in entries),
        )


def place_in(queryset, pk):
    """Where the row `pk` comes in the order of `queryset` (1 for the first), or None when
    `queryset` does not hold it. One query, which numbers every row of `queryset`.

    The row is picked outside the numbered rows: a filter on the primary key beside the
    window would number that row alone.
    """
    numbered = (
        queryset.annotate(place=Window(RowNumber(), order_by=queryset.query.order_by))
        .order_by()
        .values("pk", "place")
    )
    sql, params = numbered.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"SELECT place FROM ({sql}) numbered WHERE pk = %s", [*params, pk])
        row = cursor.fetchone()
    return row[0] if row else None


# ---- The song page ----

# Limits are written into the statement rather than passed as parameters: a prepared
# statement's generic plan cannot see a parameter's limit, and PostgreSQL kept planning it
# afresh on every run rather than reuse a plan.
EDITORS_PICKS = 6
RELATED_SONGS = 6
RELATED_CANDIDATES = 200
# The song's stored columns and the year PostgreSQL generates from its release date, which
# pages show and link to; in the model's order, which Model.from_db reads them in.
_SONG_LOADED = [
    field
    for field in Song._meta.concrete_fields
    if field in stored_fields(Song) or field.name == "release_year"
]
_SONG_COLUMNS = ", ".join(f"s.{field.column}" for field in _SONG_LOADED)
_SONG_FIELDS = [field.attname for field in _SONG_LOADED]
# The part models the statement loads (see tests/reader/test_song_statement.py).
SONG_PAGE_MODELS = (
    Song,
    Artist,
    Album,
    Fact,
    Source,
    Credit,
    Person,
    Role,
    Isrc,
    ChartEntry,
    Chart,
    Certification,
    Version,
    Tag,
    Appearance,
    EditorsPick,
)

_STATEMENT = f"""
SELECT
    {_SONG_COLUMNS},
    row_to_json(a) AS artist,
    row_to_json(al) AS album,
    row_to_json(ala) AS album_artist,
    (SELECT json_agg(json_build_object('fact', f, 'sources', (
            SELECT json_agg(src ORDER BY {ordering(Source, "src")}) FROM catalogue_source src
            WHERE src.fact_id = f.id
        )) ORDER BY {ordering(Fact, "f", skip={"song"})})
        FROM (
            SELECT {columns(Fact, "f")} FROM catalogue_fact f
            WHERE f.song_id = s.id AND f.status = %(published)s
        ) f
    ) AS facts,
    (SELECT json_agg(json_build_object('credit', c, 'person', p, 'role', r)
            ORDER BY {ordering(Credit, "c", {"role": "r"})})
        FROM catalogue_credit c
        JOIN catalogue_person p ON p.id = c.person_id
        JOIN catalogue_role r ON r.id = c.role_id
        WHERE c.song_id = s.id
    ) AS credits,
    (SELECT json_agg(i ORDER BY {ordering(Isrc, "i")})
        FROM catalogue_isrc i
        WHERE i.song_id = s.id
    ) AS isrcs,
    (SELECT json_agg(json_build_object('entry', e, 'chart', ch)
            ORDER BY {ordering(ChartEntry, "e", {"chart": "ch"})})
        FROM catalogue_chartentry e
        JOIN catalogue_chart ch ON ch.id = e.chart_id
        WHERE e.song_id = s.id
    ) AS chart_entries,
    (SELECT json_agg(cert ORDER BY {ordering(Certification, "cert")})
        FROM catalogue_certification cert
        WHERE cert.song_id = s.id
    ) AS certifications,
    (SELECT json_agg(json_build_object('relation', v, 'song', vs, 'artist', va)
            ORDER BY {ordering(Version, "v", {"version": "vs"})})
        FROM catalogue_version v
        JOIN catalogue_song vs ON vs.id = v.version_id
        JOIN catalogue_artist va ON va.id = vs.artist_id
        WHERE v.original_id = s.id AND vs.status = %(published)s
    ) AS versions,
    (SELECT json_agg(json_build_object('relation', v, 'song', os, 'artist', oa) ORDER BY v.id)
        FROM catalogue_version v
        JOIN catalogue_song os ON os.id = v.original_id
        JOIN catalogue_artist oa ON oa.id = os.artist_id
        WHERE v.version_id = s.id AND os.status = %(published)s
    ) AS originals,
    (SELECT json_agg(t ORDER BY {TAG_ORDER})
        FROM taggit_tag t
        JOIN taggit_taggeditem ti ON ti.tag_id = t.id
        WHERE ti.object_id = s.id AND ti.content_type_id = %(song_type)s
    ) AS tags,
    -- The song's own appearances and those of its published versions that are the song
    -- played again (Version.SAME_SONG_KINDS).
    (SELECT json_agg(json_build_object('appearance', ap, 'song', aps, 'artist', apa)
            ORDER BY {ordering(Appearance, "ap")})
        FROM catalogue_appearance ap
        JOIN catalogue_song aps ON aps.id = ap.song_id
        JOIN catalogue_artist apa ON apa.id = aps.artist_id
        WHERE ap.song_id = s.id OR ap.song_id IN (
            SELECT v.version_id FROM catalogue_version v
            JOIN catalogue_song vs ON vs.id = v.version_id
            WHERE v.original_id = s.id AND vs.status = %(published)s
                AND v.kind = ANY(%(same_song_kinds)s)
        )
    ) AS appearances,
    -- The song's own editor's picks and the site-wide ones.
    (SELECT json_agg(pick ORDER BY {ordering(EditorsPick, "pick")})
        FROM (
            SELECT ep.* FROM catalogue_editorspick ep
            WHERE ep.status = %(published)s AND (ep.site_wide OR EXISTS (
                SELECT 1 FROM catalogue_editorspick_songs eps
                WHERE eps.editorspick_id = ep.id AND eps.song_id = s.id
            ))
            ORDER BY {ordering(EditorsPick, "ep")}
            LIMIT {EDITORS_PICKS}
        ) pick
    ) AS editors_picks,
    -- Related songs: those that share the most people (each counting twice), tags, or the
    -- artist. At most RELATED_CANDIDATES matches come through each of the three ways, so a tag
    -- that thousands of songs share costs no more than a rare one.
    (SELECT json_agg(json_build_object(
            'song', rs, 'artist', ra, 'shared_tags', best.tags, 'shared_people', best.people
        ) ORDER BY best.score DESC, rs.title, rs.id)
        FROM (
            SELECT m.id,
                count(*) FILTER (WHERE m.way = 'tag') AS tags,
                count(*) FILTER (WHERE m.way = 'person') AS people,
                count(*) FILTER (WHERE m.way = 'tag')
                    + 2 * count(*) FILTER (WHERE m.way = 'person')
                    + least(count(*) FILTER (WHERE m.way = 'artist'), 1) AS score
            FROM (
                (SELECT same.id, 'artist' AS way FROM catalogue_song same
                    WHERE same.artist_id = s.artist_id
                    LIMIT {RELATED_CANDIDATES})
                UNION ALL
                (SELECT other.object_id, 'tag' FROM taggit_taggeditem other
                    WHERE other.content_type_id = %(song_type)s AND other.tag_id IN (
                        SELECT own.tag_id FROM taggit_taggeditem own
                        WHERE own.object_id = s.id AND own.content_type_id = %(song_type)s
                    )
                    LIMIT {RELATED_CANDIDATES})
                UNION ALL
                (SELECT other.song_id, 'person' FROM catalogue_credit other
                    WHERE other.person_id IN (
                        SELECT own.person_id FROM catalogue_credit own WHERE own.song_id = s.id
                    )
                    LIMIT {RELATED_CANDIDATES})
            ) m
            -- Not the song itself, nor its versions and originals (shown elsewhere).
            WHERE m.id <> s.id
                AND m.id NOT IN (
                    SELECT v.version_id FROM catalogue_version v WHERE v.original_id = s.id
                )
                AND m.id NOT IN (
                    SELECT v.original_id FROM catalogue_version v WHERE v.version_id = s.id
                )
            GROUP BY m.id
            ORDER BY score DESC, m.id
            -- Three times as many as shown leaves room for drafts among the best.
            LIMIT {3 * RELATED_SONGS}
        ) best
        JOIN catalogue_song rs ON rs.id = best.id
        JOIN catalogue_artist ra ON ra.id = rs.artist_id
        WHERE rs.status = %(published)s
    ) AS related_songs
FROM catalogue_song s
JOIN catalogue_artist a ON a.id = s.artist_id
LEFT JOIN catalogue_album al ON al.id = s.album_id
LEFT JOIN catalogue_artist ala ON ala.id = al.artist_id
WHERE a.slug = %(artist_slug)s AND s.slug = %(slug)s
    AND (s.status = %(published)s OR %(drafts)s)
"""


@dataclass
class SongPage:
    """A song with what its page shows of the catalogue."""

    song: Song
    facts: list[Fact]
    credits: list[Credit]
    isrcs: list[Isrc]
    chart_entries: list[ChartEntry]
    certifications: list[Certification]
    versions: list[Version]
    originals: list[Version]
    tags: list[Tag]
    appearances: list[Appearance]
    editors_picks: list[EditorsPick]
    related_songs: list[Song]
    best_peak: int | None = field(init=False)
    chart_columns: ChartColumns = field(init=False)

    def __post_init__(self):
        peaks = [entry.peak_position for entry in self.chart_entries if entry.charted]
        self.best_peak = min(peaks, default=None)
        self.chart_columns = ChartColumns.of(self.chart_entries)


def load_song_page(artist_slug, slug, *, include_drafts):
    """The song at /songs/<artist_slug>/<slug>/ and its parts, or None: one query.

    Drafts only when `include_drafts`; facts, versions, originals and related songs only
    when published; at most EDITORS_PICKS picks and RELATED_SONGS related songs, each with
    `shared_tags` and `shared_people` set.
    """
    parameters = {
        "published": Status.PUBLISHED,
        "artist_slug": artist_slug,
        "slug": slug,
        "drafts": include_drafts,
        "same_song_kinds": list(Version.SAME_SONG_KINDS),
        "song_type": ContentType.objects.get_for_model(Song).pk,
    }
    # Where the router sends the song's reads: a replica that has caught up, if any.
    with connections[router.db_for_read(Song)].cursor() as cursor:
        cursor.execute(_STATEMENT, parameters)
        row = cursor.fetchone()
    if row is None:
        return None
    width = len(_SONG_FIELDS)
    song = Song.from_db(connection.alias, _SONG_FIELDS, row[:width])
    (
        artist,
        album,
        album_artist,
        facts,
        credits,
        isrcs,
        chart_entries,
        certifications,
        versions,
        originals,
        tags,
        appearances,
        editors_picks,
        related,
    ) = row[width:]
    song.artist = instance(Artist, artist)
    if album:
        song.album = instance(Album, album)
        song.album.artist = instance(Artist, album_artist)
    return SongPage(
        song=song,
        facts=[_fact(part, song) for part in facts or ()],
        credits=[
            instance(
                Credit,
                part["credit"],
                person=instance(Person, part["person"]),
                role=instance(Role, part["role"]),
            )
            for part in credits or ()
        ],
        isrcs=[instance(Isrc, part) for part in isrcs or ()],
        chart_entries=[
            instance(ChartEntry, part["entry"], chart=instance(Chart, part["chart"]))
            for part in chart_entries or ()
        ],
        certifications=[instance(Certification, part) for part in certifications or ()],
        versions=[
            instance(Version, part["relation"], original=song, version=_song(part))
            for part in versions or ()
        ],
        originals=[
            instance(Version, part["relation"], original=_song(part), version=song)
            for part in originals or ()
        ],
        tags=[instance(Tag, part) for part in tags or ()],
        appearances=[
            instance(
                Appearance,
                part["appearance"],
                song=song if part["song"]["id"] == song.pk else _song(part),
            )
            for part in appearances or ()
        ],
        editors_picks=[instance(EditorsPick, part) for part in editors_picks or ()],
        related_songs=[
            _song(part, shared_tags=part["shared_tags"], shared_people=part["shared_people"])
            for part in (related or ())[:RELATED_SONGS]
        ],
    )


def _fact(part, song):
    fact = instance(Fact, part["fact"], song=song)
    fact.source_list = [instance(Source, source) for source in part["sources"] or ()]
    return fact


def _song(part, **attributes):
    return instance(Song, part["song"], artist=instance(Artist, part["artist"]), **attributes)
