"""Who edited the catalogue, as readers see them, and which revisions came from the old history."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from reversion.models import Revision

DISPLAY_NAME = re.compile(r"[^\W_](?:[\w .'-]*[^\W_])?")
# The name every editor without a profile goes by: "Editor 12". Nobody may choose one.
DEFAULT_NAME = re.compile(r"editor\s*\d+", re.IGNORECASE)


def validate_display_name(value):
    if not 3 <= len(value) <= 40 or not DISPLAY_NAME.fullmatch(value):
        raise ValidationError(
            "Use 3 to 40 letters, digits, spaces and . ' - _, starting and ending with a "
            "letter or digit."
        )
    if DEFAULT_NAME.fullmatch(value):
        raise ValidationError('Names such as "Editor 12" are kept for editors without one.')


def default_display_name(user_id):
    return f"Editor {user_id}"


class EditorProfile(models.Model):
    """The name the public history of songs shows for an editor, never their login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="editor_profile"
    )
    display_name = models.CharField(
        max_length=40,
        validators=[validate_display_name],
        help_text=(
            "How the public history of songs names you: 3 to 40 letters, digits, spaces and "
            ". ' - _ (not your login or e-mail)."
        ),
    )

    class Meta:
        verbose_name = "display name"
        # As the admin lists it: each editor sees their own alone.
        verbose_name_plural = "your display name"
        constraints = [
            models.UniqueConstraint(
                Lower("display_name"),
                name="history_editorprofile_unique_display_name",
                violation_error_message="Another editor has this display name.",
            ),
        ]

    def __str__(self):
        return self.display_name

    def clean(self):
        user = self.user if self.user_id else None
        if user is None:
            return
        taken = {user.get_username().casefold(), (user.email or "").casefold()}
        if self.display_name.casefold() in taken:
            raise ValidationError(
                {"display_name": "Choose a name other than your login or e-mail address."}
            )


def display_name(user):
    """What the public history calls `user`: None is the site itself (the seed content) or an
    account since removed.

    Reads `user.editor_profile`, which queries unless it was selected with the user."""
    if user is None:
        return "Songfacts"
    try:
        return user.editor_profile.display_name
    except EditorProfile.DoesNotExist:
        return default_display_name(user.pk)


class ImportedRevision(models.Model):
    """A revision moved over from django-simple-history's tables (history migration 0002).

    That history kept one row per save of a song, fact or artist, not the entry's parts, so
    such a revision holds the one row (and a fact's song as it then was): reverting it
    restores what it holds and deletes nothing (history.revert)."""

    revision = models.OneToOneField(
        Revision, on_delete=models.CASCADE, primary_key=True, related_name="imported"
    )

    def __str__(self):
        return f"Imported revision {self.revision_id}"
