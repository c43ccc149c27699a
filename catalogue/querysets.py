"""Named QuerySets: each rule lives in one method that every page, feed and sitemap reuses."""

from django.contrib.postgres.search import SearchQuery
from django.db import connections, models
from django.db.models import Count, Exists, F, Min, OuterRef, Q, Subquery

from songfacts.admin_search import SEARCH_WORDS, search_words, unquoted

PUBLISHED = "published"


class SongQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PUBLISHED)

    def visible_to(self, user):
        """Published songs for readers; drafts too for staff who may change songs."""
        return self if self.may_see_drafts(user) else self.published()

    @staticmethod
    def may_see_drafts(user):
        return user.is_authenticated and user.has_perm("catalogue.change_song")

    def with_best_peak(self):
        """Annotate `best_peak`: the highest position reached on any chart (None if none)."""
        return self.annotate(best_peak=Min("chart_entries__peak_position"))

    def tagged(self, tag):
        """Songs with `tag`.

        The tagged ids come in a subquery. Taggit's object ids are integers and song ids
        bigints, so the join Django writes for `filter(tags=tag)` casts every object id, and
        PostgreSQL then read every song to hash them (70 ms for a tag of 4,000 songs among
        100,000; 30 ms this way).
        """
        from django.contrib.contenttypes.models import ContentType
        from taggit.models import TaggedItem

        tagged = TaggedItem.objects.filter(
            tag=tag, content_type=ContentType.objects.get_for_model(self.model)
        )
        return self.filter(pk__in=tagged.values("object_id"))

    def for_list_page(self):
        """Songs as list rows show them: title, artist and album, no further queries."""
        return self.select_related("artist", "album")

    # The indexes: what these songs are credited to, collected on, tagged with, and from
    # when, each row counted by these songs alone (so `published()` first counts only what
    # readers can see).

    def _credits_of_outer_person(self):
        from catalogue.models import Credit

        return Credit.objects.filter(song__in=self.values("pk"), person=OuterRef("pk"))

    def credited_people(self):
        """People credited on any of these songs."""
        from catalogue.models import Person

        return Person.objects.filter(Exists(self._credits_of_outer_person()))

    def people_with_counts(self):
        """`credited_people`, each with `song_count`: on how many of these songs.

        The count is a subquery per row, so a page of people costs what its rows cost.
        """
        credits = self._credits_of_outer_person().order_by().values("person")
        counts = credits.annotate(n=Count("song", distinct=True)).values("n")
        return self.credited_people().annotate(song_count=Subquery(counts))

    def albums_holding(self):
        """Albums with any of these songs on them, with their artists."""
        from catalogue.models import Album

        return Album.objects.filter(Exists(self.filter(album=OuterRef("pk")))).select_related(
            "artist"
        )

    def _tagged_items_of_outer_tag(self):
        # As in `tagged`, the tagged ids are compared in a subquery, not joined.
        from django.contrib.contenttypes.models import ContentType
        from taggit.models import TaggedItem

        return TaggedItem.objects.filter(
            tag=OuterRef("pk"),
            content_type=ContentType.objects.get_for_model(self.model),
            object_id__in=self.values("pk"),
        )

    def tags_used(self):
        """Tags of any of these songs."""
        from taggit.models import Tag

        return Tag.objects.filter(Exists(self._tagged_items_of_outer_tag()))

    def tags_with_counts(self):
        """`tags_used`, each with `song_count`: how many of these songs it tags (a subquery
        per row)."""
        tagged = self._tagged_items_of_outer_tag().order_by().values("tag")
        return self.tags_used().annotate(
            song_count=Subquery(tagged.annotate(n=Count("pk")).values("n"))
        )

    def year_counts(self):
        """[{"release_year": 1977, "songs": 12}, ...] for the years of these songs, in order."""
        return (
            self.filter(release_year__isnull=False)
            .order_by("release_year")
            .values("release_year")
            .annotate(songs=Count("pk"))
        )


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

    def search_for_editors(self, terms):
        """Facts, drafts included, whose text or credited reader has a word starting with
        each of the first SEARCH_WORDS different words of `terms` (songfacts.admin_search),
        or whose song's title contains all of them; none when `terms` has no words.

        A quoted phrase counts as one word for titles, as in Django's own admin search. In the
        text, words are as PostgreSQL's text search reads them ("AC/DC" is one word;
        "rock-n-roll" is one and also three). Queries twice before the search itself runs:
        for the words, and for the songs whose title matches. Both come back as constants,
        so that the planner sees how common each is.
        """
        from catalogue.models import Song

        words = [unquoted(word) for word in search_words(terms)[:SEARCH_WORDS]]
        words = [word for word in words if word]
        if not words:
            return self.none()
        song_ids = list(
            Song.objects.filter(*(Q(title__icontains=word) for word in words))
            .order_by()
            .values_list("pk", flat=True)
        )
        matches = Q(song__in=song_ids)
        prefix_query = _prefix_tsquery(" ".join(words), using=self.db)
        if prefix_query:
            matches |= Q(
                search_document=SearchQuery(prefix_query, search_type="raw", config="simple")
            )
        return self.filter(matches)


# PostgreSQL parses the words as it parses the indexed text and quotes each in its output
# ('ac/dc' & 'rock-n-roll' & 'rock' & ...); each closing quote then takes ':*', a prefix match.
_PREFIX_TSQUERY = r"""
SELECT regexp_replace(plainto_tsquery('simple', %s)::text, '''( |$)', ''':*\1', 'g')
"""


def _prefix_tsquery(terms, *, using):
    """`terms` as tsquery text matching each word as a whole word or a word's start; empty
    when `terms` has no words."""
    with connections[using].cursor() as cursor:
        cursor.execute(_PREFIX_TSQUERY, [terms])
        return cursor.fetchone()[0]


class ArtistQuerySet(models.QuerySet):
    def with_published_songs(self):
        from catalogue.models import Song

        return self.filter(Exists(Song.objects.published().filter(artist=OuterRef("pk"))))


class ChartEntryQuerySet(models.QuerySet):
    def for_chart_page(self):
        """A chart's runs of published songs: by peak, then those that did not chart; each
        by year. With song and artist loaded."""
        return (
            self.filter(song__status=PUBLISHED)
            .select_related("song__artist")
            .order_by(
                F("peak_position").asc(nulls_last=True),
                "entry_date",
                "entry_date_precision",
                "song__title",
                "pk",
            )
        )

    def charts_holding(self):
        """Charts with any of these runs."""
        from catalogue.models import Chart

        return Chart.objects.filter(Exists(self.order_by().filter(chart=OuterRef("pk"))))

    def charts_with_counts(self):
        """`charts_holding`, each with `entry_count`: how many of these runs it has (for the
        chart index, the runs the chart page lists). A subquery per row."""
        runs = self.order_by().filter(chart=OuterRef("pk")).values("chart")
        return self.charts_holding().annotate(
            entry_count=Subquery(runs.annotate(n=Count("pk")).values("n"))
        )


class EditorsPickQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PUBLISHED)

    def for_song(self, song):
        """The song's own picks and the site-wide ones."""
        return self.published().filter(Q(site_wide=True) | Q(songs=song)).distinct()
