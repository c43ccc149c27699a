"""The readers' forms: a comment (or reply) and a fact suggestion."""

import uuid

from django import forms

from comments.models import Comment, FactSuggestion


def new_submission_token():
    return uuid.uuid4().hex


class _ReaderForm(forms.ModelForm):
    """Fields every reader form carries against bots and double submits."""

    # A honeypot: hidden from people by the stylesheet, filled in by naive bots.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    # New for every rendering of the form; the same one twice means the same submission.
    submission_token = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, song, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_token", new_submission_token())
        super().__init__(*args, **kwargs)
        self.song = song
        self.instance.song = song

    @property
    def is_bot(self):
        return bool(self.data.get(self.add_prefix("website")))


class CommentForm(_ReaderForm):
    parent = forms.ModelChoiceField(
        queryset=Comment.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": "The comment you were replying to is no longer shown; "
            "post yours as a new comment instead."
        },
    )

    class Meta:
        model = Comment
        fields = ["author_name", "author_place", "author_email", "body", "parent"]
        labels = {"body": "Your comment", "author_place": "Place (optional)"}
        help_texts = {
            "author_name": "Shown with your comment.",
            "author_place": 'Shown as "Name from Place", e.g. "Ken from Denmark".',
            "author_email": "Optional and never shown. We e-mail you when someone replies.",
            "body": "Plain text, up to 5,000 characters. Leave a blank line between paragraphs.",
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, song, parent=None, **kwargs):
        if parent is not None:
            kwargs.setdefault("initial", {})["parent"] = parent.pk
        super().__init__(*args, song=song, **kwargs)
        self.fields["author_email"].label = "E-mail (optional)"
        # Replies answer a published top-level comment of this song.
        self.fields["parent"].queryset = Comment.objects.published().top_level().filter(song=song)


class FactSuggestionForm(_ReaderForm):
    source_url = forms.URLField(
        label="Source link (optional)", required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = FactSuggestion
        fields = [
            "body",
            "author_name",
            "author_place",
            "source_citation",
            "source_url",
            "author_email",
        ]
        labels = {
            "body": "The fact",
            "author_place": "Place (optional)",
            "source_citation": "Source (optional)",
            "author_email": "E-mail (optional)",
        }
        help_texts = {
            "body": "What happened, in plain text. An editor checks it before it is published.",
            "author_name": "Credited with the fact if it is published.",
            "author_place": 'Credited as "Name - Place", e.g. "Michael Lloyd - London, England".',
            "source_citation": 'e.g. "Uncut magazine, 2017" or "the liner notes".',
            "author_email": "Never shown. Used only to tell you if the suggestion isn't used.",
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        # Both forms sit on the song page: the prefix keeps their field ids apart.
        kwargs.setdefault("prefix", "suggest")
        super().__init__(*args, **kwargs)
