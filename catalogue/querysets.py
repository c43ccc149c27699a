"""Named QuerySets: each rule lives in one method that every page, feed and sitemap reuses."""

import datetime
import hashlib
from collections import Counter, defaultdict

from django.db import models
from django.db.models import Exists, Min, OuterRef, Prefetch, Q, Value

PUBLISHED = "published"
RELATED_CANDIDATES = 200
# How a related song was found.
ARTIST, TAG, PERSON = 0, 1, 2


class SongQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PUBLISHED)

    def visible_to(self, user):
        """Published songs for readers; drafts too for staff who may change songs."""
        if user.is_authenticated and user.has_perm("catalogue.change_song"):
            return self
        return self.published()

    def with_best_peak(self):
        """Annotate `best_peak`: the highest position reached on any chart (None if none)."""
        return self.annotate(best_peak=Min("chart_entries__peak_position"))

    def for_list_page(self):
        """Songs as list rows show them: title, artist and album, no further queries."""
        return self.select_related("artist", "album")

    def for_detail_page(self):
        """Return a queryset optimised for the song page: fetching one song costs 9 queries.

        The song with its artist, album and the album's artist (1), then one query each for
        its published facts (`published_facts`, in order), their sources, its credits with
        person and role, its chart entries with their charts, its certifications, its
        published versions (`published_versions`, with their artists), the published songs
        it is a version of (`published_originals`, with their artists), and its tags. The
        count stays the same however many rows each of these has.
        """
        from catalogue.models import Fact, Version

        return self.select_related("artist", "album__artist").prefetch_related(
            Prefetch(
                "facts",
                queryset=Fact.objects.published().prefetch_related("sources"),
                to_attr="published_facts",
            ),
            Prefetch("credits", queryset=_credits()),
            Prefetch("chart_entries", queryset=_chart_entries()),
            "certifications",
            Prefetch(
                "versions",
                queryset=Version.objects.filter(version__status=PUBLISHED).select_related(
                    "version__artist"
                ),
                to_attr="published_versions",
            ),
            Prefetch(
                "version_of",
                queryset=Version.objects.filter(original__status=PUBLISHED).select_related(
                    "original__artist"
                ),
                to_attr="published_originals",
            ),
            "tags",
        )

    def related_to(self, song, *, tag_ids, person_ids, exclude_ids=(), limit=6):
        """A list of up to `limit` published songs that share tags, people or the artist.

        Each has `shared_tags` and `shared_people` set; best matches first: a shared credit
        counts twice a shared tag, the same artist once. Songs in `exclude_ids` (its
        versions, shown elsewhere on the page) are left out.

        Two queries, both index lookups: the matches (at most RELATED_CANDIDATES through
        each of the three ways, so a tag that thousands of songs share costs no more than
        a rare one), then the best-scoring songs themselves.
        """
        from catalogue.models import Credit

        def hits(queryset, column, kind):
            # Unordered, so that PostgreSQL stops at the limit instead of sorting.
            return queryset.order_by().values_list(column, Value(kind))[:RELATED_CANDIDATES]

        matches = hits(self.model.objects.filter(artist_id=song.artist_id), "pk", ARTIST).union(
            hits(self.model.objects.filter(tags__in=tag_ids), "pk", TAG),
            hits(Credit.objects.filter(person_id__in=person_ids), "song_id", PERSON),
            all=True,
        )
        shared = defaultdict(Counter)
        for pk, kind in matches:
            shared[pk][kind] += 1
        for pk in (song.pk, *exclude_ids):
            shared.pop(pk, None)

        def score(pk):
            counts = shared[pk]
            return counts[TAG] + 2 * counts[PERSON] + min(counts[ARTIST], 1)

        # Three times the limit leaves room for drafts among the best candidates.
        best = sorted(shared, key=lambda pk: (-score(pk), pk))[: limit * 3]
        songs = list(self.published().filter(pk__in=best).select_related("artist"))
        for related in songs:
            related.shared_tags = shared[related.pk][TAG]
            related.shared_people = shared[related.pk][PERSON]
        songs.sort(key=lambda related: (-score(related.pk), related.title, related.pk))
        return songs[:limit]

    def song_of_the_day(self, date: datetime.date):
        """The same published song all day long, a different one (most days) the next.

        Picks a point between the lowest and highest published ids from a hash of the date
        and takes the first published song from there on, so it needs no count or offset
        over the whole table. Queries the database twice.
        """
        songs = self.published().select_related("artist")
        bounds = songs.aggregate(lowest=models.Min("pk"), highest=models.Max("pk"))
        if bounds["lowest"] is None:
            return None
        digest = hashlib.sha256(date.isoformat().encode()).digest()
        spread = bounds["highest"] - bounds["lowest"] + 1
        start = bounds["lowest"] + int.from_bytes(digest[:8], "big") % spread
        return songs.filter(pk__gte=start).order_by("pk").first()


def _credits():
    from catalogue.models import Credit

    return Credit.objects.select_related("person", "role")


def _chart_entries():
    from catalogue.models import ChartEntry

    return ChartEntry.objects.select_related("chart")


class FactQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PUBLISHED)

    def latest(self):
        """Published facts of published songs, newest first, with song and artist loaded."""
        return (
            self.published()
            .filter(song__status=PUBLISHED)
            .select_related("song__artist")
            .order_by("-created_at", "-pk")
        )


class ArtistQuerySet(models.QuerySet):
    def with_published_songs(self):
        from catalogue.models import Song

        return self.filter(Exists(Song.objects.published().filter(artist=OuterRef("pk"))))


class ChartEntryQuerySet(models.QuerySet):
    def charted(self):
        return self.filter(peak_position__isnull=False)

    def for_chart_page(self):
        """A chart's published songs by peak, then by year, with song and artist loaded."""
        return (
            self.charted()
            .filter(song__status=PUBLISHED)
            .select_related("song__artist")
            .order_by("peak_position", "entry_year", "song__title", "pk")
        )


class EditorsPickQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PUBLISHED)

    def for_song(self, song):
        """The song's own picks and the site-wide ones."""
        return self.published().filter(Q(site_wide=True) | Q(songs=song)).distinct()
