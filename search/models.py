"""The search index: one document per published song, artist, album, person, fact and comment
that readers see."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q

from search.querysets import SearchDocumentQuerySet


class SearchDocument(models.Model):
    """What search matches and shows for one catalogue entry.

    Written only by `search.services`; the text is normalized in Python (see `normalize.py`).
    The vectors weigh titles and names A, artist, album and credit names B, a song's tags and
    a fact's or comment's song C, and fact and comment text and bios D; `PLACES` says what
    each weight of each kind holds, for results that say where their words were found.
    """

    class Kind(models.TextChoices):
        SONG = "song", "Songs"
        ARTIST = "artist", "Artists"
        ALBUM = "album", "Albums"
        PERSON = "person", "People"
        FACT = "fact", "Facts"
        COMMENT = "comment", "Comments"

    kind = models.CharField(max_length=10, choices=Kind)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    detail = models.CharField(max_length=300, blank=True, help_text='e.g. "David Bowie, 1977".')
    url = models.CharField(max_length=500)
    # Plain text that snippets are cut from: a fact's story, an artist's or a person's bio.
    body = models.TextField(blank=True)
    # The normalized title, for "Did you mean" and as-you-type ordering.
    normalized_title = models.CharField(max_length=300)
    # Two columns, so that PostgreSQL keeps statistics for each: a word in half of all facts
    # is still rare among titles, and the planner must know it to use the index for titles.
    name_vector = SearchVectorField(null=True, help_text="Songs, artists, albums and people.")
    fact_vector = SearchVectorField(null=True, help_text="Facts.")
    comment_vector = SearchVectorField(null=True, help_text="Comments.")
    # What readers read most, for as-you-type and "Did you mean": a song's published facts
    # and shown comments; an artist's, album's or person's, the sum over the songs they name.
    # Always 0 for facts and comments.
    popularity = models.PositiveIntegerField(default=0)

    objects = SearchDocumentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="search_document_unique_object"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="fact",
                        fact_vector__isnull=False,
                        name_vector__isnull=True,
                        comment_vector__isnull=True,
                    )
                    | Q(
                        kind="comment",
                        comment_vector__isnull=False,
                        name_vector__isnull=True,
                        fact_vector__isnull=True,
                    )
                    | (
                        ~Q(kind__in=["fact", "comment"])
                        & Q(
                            name_vector__isnull=False,
                            fact_vector__isnull=True,
                            comment_vector__isnull=True,
                        )
                    )
                ),
                name="search_document_one_vector_per_kind",
            ),
        ]
        indexes = [
            # "Did you mean" loads every title and name with its popularity; an index-only
            # scan skips the facts and comments.
            models.Index(
                fields=["normalized_title"],
                include=["popularity"],
                name="search_document_names_by_title",
                condition=Q(name_vector__isnull=False),
            ),
            # The search page and as-you-type suggestions.
            GinIndex(
                fields=["name_vector"],
                name="search_document_names",
                condition=Q(name_vector__isnull=False),
            ),
            # As-you-type: the titles and names that hold every word typed. The names' vector
            # cannot say so alone: PostgreSQL checks its weights on every row that holds the
            # words anywhere (34 ms for "ada" at a million facts, 1 ms by this index).
            GinIndex(
                SearchVector("normalized_title", config="simple"),
                name="search_document_title_words",
                condition=Q(name_vector__isnull=False),
            ),
            GinIndex(
                fields=["fact_vector"],
                name="search_document_facts",
                condition=Q(fact_vector__isnull=False),
            ),
            GinIndex(
                fields=["comment_vector"],
                name="search_document_comments",
                condition=Q(comment_vector__isnull=False),
            ),
            # A word in a good share of the facts or comments: their first matches in id
            # order, without the bitmap of every match that the text-search index builds
            # (140 ms for a word in two of five of a million comments, 1 ms this way), and
            # without reading the other kinds, which a scan of the table would.
            models.Index(
                fields=["id"],
                name="search_document_facts_by_id",
                condition=Q(fact_vector__isnull=False),
            ),
            models.Index(
                fields=["id"],
                name="search_document_comments_by_id",
                condition=Q(comment_vector__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self):
        return self.url

    @classmethod
    def vector_field(cls, kind):
        return {cls.Kind.FACT: "fact_vector", cls.Kind.COMMENT: "comment_vector"}.get(
            kind, "name_vector"
        )


Kind = SearchDocument.Kind
# What each weight of each kind's vector holds, as a result says where its words were
# found ("Found in a tag"), in the order it names them.
PLACES = {
    Kind.SONG: {"A": "the title", "C": "a tag", "B": "the credits"},
    Kind.ARTIST: {"A": "the name", "D": "the biography"},
    Kind.ALBUM: {"A": "the title", "B": "the artist's name"},
    Kind.PERSON: {"A": "the name", "D": "the biography"},
    Kind.FACT: {"D": "a fact", "C": "the song's title or artist"},
    Kind.COMMENT: {"D": "a comment", "C": "the song's title or artist"},
}
