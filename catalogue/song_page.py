"""The song page's catalogue content in one hand-written statement.

The ORM spent about 1.5 ms of Python building each of the page's thirteen catalogue queries
(select_related and Prefetch chains on big models), several times what PostgreSQL took to answer
them. This statement asks for the song with its artist and album, every part the page shows and
its related songs, as JSON built by PostgreSQL, in one round trip; `load` turns the rows into
model instances with their relations in place, so templates read them as ever and nothing
queries again.

The orderings follow each model's Meta.ordering, and 'published' is Status.PUBLISHED. Change a
part here when the page changes; tests/reader/test_song_page.py checks every part.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection
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
    Person,
    Role,
    Song,
    Source,
    Version,
)
from songfacts.json_rows import columns, instance, stored_fields
from songfacts.prepared import prepared_cursor

# Written into the statement rather than passed as parameters, so that PostgreSQL can reuse
# one plan for it (see catalogue.home_page).
EDITORS_PICKS = 6
RELATED_SONGS = 6
RELATED_CANDIDATES = 200
_SONG_COLUMNS = columns(Song, "s")
_SONG_FIELDS = [field.attname for field in stored_fields(Song)]

_STATEMENT = f"""
SELECT
    {_SONG_COLUMNS},
    row_to_json(a) AS artist,
    row_to_json(al) AS album,
    row_to_json(ala) AS album_artist,
    (SELECT json_agg(json_build_object('fact', f, 'sources', (
            SELECT json_agg(src ORDER BY src.id) FROM catalogue_source src
            WHERE src.fact_id = f.id
        )) ORDER BY f.position, f.id)
        FROM (
            SELECT {columns(Fact, "f")} FROM catalogue_fact f
            WHERE f.song_id = s.id AND f.status = 'published'
        ) f
    ) AS facts,
    (SELECT json_agg(json_build_object('credit', c, 'person', p, 'role', r)
            ORDER BY r.position, r.name, c.id)
        FROM catalogue_credit c
        JOIN catalogue_person p ON p.id = c.person_id
        JOIN catalogue_role r ON r.id = c.role_id
        WHERE c.song_id = s.id
    ) AS credits,
    (SELECT json_agg(json_build_object('entry', e, 'chart', ch)
            ORDER BY ch.position, ch.name, e.entry_year, e.entry_date)
        FROM catalogue_chartentry e
        JOIN catalogue_chart ch ON ch.id = e.chart_id
        WHERE e.song_id = s.id
    ) AS chart_entries,
    (SELECT json_agg(cert ORDER BY cert.certified_on, cert.id)
        FROM catalogue_certification cert
        WHERE cert.song_id = s.id
    ) AS certifications,
    (SELECT json_agg(json_build_object('relation', v, 'song', vs, 'artist', va)
            ORDER BY vs.release_year, v.id)
        FROM catalogue_version v
        JOIN catalogue_song vs ON vs.id = v.version_id
        JOIN catalogue_artist va ON va.id = vs.artist_id
        WHERE v.original_id = s.id AND vs.status = 'published'
    ) AS versions,
    (SELECT json_agg(json_build_object('relation', v, 'song', os, 'artist', oa) ORDER BY v.id)
        FROM catalogue_version v
        JOIN catalogue_song os ON os.id = v.original_id
        JOIN catalogue_artist oa ON oa.id = os.artist_id
        WHERE v.version_id = s.id AND os.status = 'published'
    ) AS originals,
    (SELECT json_agg(t ORDER BY t.name, t.id)
        FROM taggit_tag t
        JOIN taggit_taggeditem ti ON ti.tag_id = t.id
        WHERE ti.object_id = s.id AND ti.content_type_id = %(song_type)s
    ) AS tags,
    -- The song's own appearances and those of its published versions.
    (SELECT json_agg(json_build_object('appearance', ap, 'song', aps, 'artist', apa)
            ORDER BY ap.year, ap.title, ap.id)
        FROM catalogue_appearance ap
        JOIN catalogue_song aps ON aps.id = ap.song_id
        JOIN catalogue_artist apa ON apa.id = aps.artist_id
        WHERE ap.song_id = s.id OR ap.song_id IN (
            SELECT v.version_id FROM catalogue_version v
            JOIN catalogue_song vs ON vs.id = v.version_id
            WHERE v.original_id = s.id AND vs.status = 'published'
        )
    ) AS appearances,
    -- The song's own editor's picks and the site-wide ones.
    (SELECT json_agg(pick ORDER BY pick.position, pick.title)
        FROM (
            SELECT ep.* FROM catalogue_editorspick ep
            WHERE ep.status = 'published' AND (ep.site_wide OR EXISTS (
                SELECT 1 FROM catalogue_editorspick_songs eps
                WHERE eps.editorspick_id = ep.id AND eps.song_id = s.id
            ))
            ORDER BY ep.position, ep.title
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
        WHERE rs.status = 'published'
    ) AS related_songs
FROM catalogue_song s
JOIN catalogue_artist a ON a.id = s.artist_id
LEFT JOIN catalogue_album al ON al.id = s.album_id
LEFT JOIN catalogue_artist ala ON ala.id = al.artist_id
WHERE a.slug = %(artist_slug)s AND s.slug = %(slug)s
    AND (s.status = 'published' OR %(drafts)s)
"""


@dataclass
class SongPage:
    """A song with what its page shows of the catalogue."""

    song: Song
    facts: list[Fact]
    credits: list[Credit]
    chart_entries: list[ChartEntry]
    certifications: list[Certification]
    versions: list[Version]
    originals: list[Version]
    tags: list[Tag]
    appearances: list[Appearance]
    editors_picks: list[EditorsPick]
    related_songs: list[Song]
    best_peak: int | None = field(init=False)

    def __post_init__(self):
        peaks = [entry.peak_position for entry in self.chart_entries if entry.charted]
        self.best_peak = min(peaks, default=None)


def load(artist_slug, slug, *, include_drafts):
    """The song at /songs/<artist_slug>/<slug>/ and its parts, or None: one query.

    Drafts only when `include_drafts`; facts, versions, originals and related songs only
    when published; at most EDITORS_PICKS picks and RELATED_SONGS related songs, each with
    `shared_tags` and `shared_people` set.
    """
    parameters = {
        "artist_slug": artist_slug,
        "slug": slug,
        "drafts": include_drafts,
        "song_type": ContentType.objects.get_for_model(Song).pk,
    }
    with prepared_cursor() as cursor:
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
