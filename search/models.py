"""The search index: one document per published song, artist, album, person and fact."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q

from search.querysets import SearchDocumentQuerySet


class SearchDocument(models.Model):
    """What search matches and shows for one catalogue entry.

    Written only by `search.services`; the text is normalized in Python (see `normalize.py`).
    The vectors weigh titles and names A, artist, album and credit names B, a fact's song C,
    and fact text and bios D.
    """

    class Kind(models.TextChoices):
        SONG = "song", "Songs"
        ARTIST = "artist", "Artists"
        ALBUM = "album", "Albums"
        PERSON = "person", "People"
        FACT = "fact", "Facts"

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

    objects = SearchDocumentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="search_document_unique_object"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="fact", fact_vector__isnull=False, name_vector__isnull=True)
                    | (~Q(kind="fact") & Q(fact_vector__isnull=True, name_vector__isnull=False))
                ),
                name="search_document_one_vector_per_kind",
            ),
        ]
        indexes = [
            # "Did you mean" loads every title and name; an index-only scan skips the facts.
            models.Index(
                fields=["normalized_title"],
                name="search_document_titles",
                condition=~Q(kind="fact"),
            ),
            # The search page and as-you-type suggestions.
            GinIndex(
                fields=["name_vector"],
                name="search_document_names",
                condition=Q(name_vector__isnull=False),
            ),
            GinIndex(
                fields=["fact_vector"],
                name="search_document_facts",
                condition=Q(fact_vector__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self):
        return self.url

    @classmethod
    def vector_field(cls, kind):
        return "fact_vector" if kind == cls.Kind.FACT else "name_vector"
