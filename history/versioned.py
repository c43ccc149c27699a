"""What the catalogue's history keeps: which models, which of their columns, and which rows a
revision of each holds besides the row itself."""

import reversion
from taggit.models import Tag, TaggedItem

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
    Version,
)

# The rows edited with an entry on its admin page, by their accessor on it: a revision of the
# entry holds them as they were, and reverting it brings them back (history.revert).
PARTS = {
    Song: (
        "facts",
        "credits",
        "isrcs",
        "chart_entries",
        "certifications",
        "versions",
        "version_of",
        "appearances",
        "tagged_items",
    ),
    Fact: ("sources",),
}
# From a part up to its entry, so that a revision made on the fact's own admin page (or by a
# fact suggestion's acceptance) holds the whole song, and the song's public history lists it.
ENTRY = {Fact: ("song",), Source: ("fact",)}
# Derived columns are not kept: a revert saves through save() (or PostgreSQL computes them),
# so a restored fact's HTML is rendered from its restored text. A song's first publication
# time stays what it is through reverts.
EXCLUDED = {
    Song: ("published_at",),
    Fact: ("body_html", "search_document"),
}
VERSIONED = [
    Artist,
    Album,
    Song,
    Isrc,
    Fact,
    Source,
    Person,
    Role,
    Credit,
    Chart,
    ChartEntry,
    Certification,
    Version,
    Appearance,
    EditorsPick,
    Tag,
    TaggedItem,
]


def register_catalogue():
    for model in VERSIONED:
        reversion.register(
            model,
            exclude=EXCLUDED.get(model, ()),
            follow=PARTS.get(model, ()) + ENTRY.get(model, ()),
        )
