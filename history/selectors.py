"""Reads for the public history pages."""

from dataclasses import dataclass

from reversion.models import Version

from catalogue.models import Status
from history.models import display_name


@dataclass
class HistoryEntry:
    """One revision as the public history shows it."""

    version: Version

    @property
    def date(self):
        return self.version.revision.date_created

    @property
    def user_id(self):
        return self.version.revision.user_id

    @property
    def editor(self):
        """The editor's display name, never their login."""
        return display_name(self.version.revision.user)

    @property
    def while_draft(self):
        return self.version.field_dict.get("status") != Status.PUBLISHED

    @property
    def what(self):
        """The revision's own account, except while the song was a draft: what a draft held
        was never public, so its revisions say no more than that the song was worked on."""
        if self.while_draft:
            return "Worked on while the song was a draft."
        return self.version.revision.get_comment() or "Changed."


def song_history_entries(song):
    """The revisions that hold `song` (its own edits and those of its facts, credits and the
    rest), newest first, with their editors and display names: a QuerySet of Versions, whose
    pages `HistoryEntry` wraps. One query a page."""
    return (
        Version.objects.get_for_object(song)
        .select_related("revision__user__editor_profile")
        .order_by("-revision__date_created", "-pk")
    )
