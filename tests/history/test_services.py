"""Changes made outside the admin's forms are in the history too, credited to their editor."""

import pytest
from reversion.models import Version as Revised

from catalogue import services
from comments.models import FactSuggestion
from comments.services import suggestion_accept

pytestmark = pytest.mark.django_db


def test_accepting_a_suggestion_is_one_revision_with_the_fact_and_its_source(
    editor, published_song
):
    suggestion = FactSuggestion.objects.create(
        song=published_song,
        body="Bowie saw two lovers by the Wall.",
        author_name="Gudni",
        source_citation="Uncut, 2008",
    )

    fact = suggestion_accept(suggestion=suggestion, editor=editor)

    revision = Revised.objects.get_for_object(fact).get().revision
    assert revision.user == editor
    assert revision.comment == "Fact “Fact #0”: added, credited to Gudni."
    held = {version.content_type.model for version in revision.version_set.all()}
    assert held == {"fact", "source", "song"}


def test_publishing_a_song_is_a_revision_credited_to_the_editor(editor, draft_song):
    services.song_publish(song=draft_song, editor=editor)

    revision = Revised.objects.get_for_object(draft_song).get().revision
    assert (revision.user, revision.comment) == (editor, "Published.")
