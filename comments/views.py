from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalogue.models import Song
from comments import services
from comments.forms import CommentForm, FactSuggestionForm
from comments.models import Comment
from comments.selectors import PAGE_PARAMETER, comment_page_number


def _client_ip(request):
    # The proxy in front of gunicorn gives each client its own REMOTE_ADDR; a forwarded
    # header is not trusted, since any client could set it to dodge the rate limit.
    return request.META.get("REMOTE_ADDR")


def _song_for_posting(song_pk):
    return get_object_or_404(Song.objects.published().select_related("artist"), pk=song_pk)


def _form_error_page(request, *, song, template, form, status):
    return render(request, template, {"song": song, "form": form}, status=status)


def _post_reader_form(request, *, form, song, template, create):
    """Validate, then run `create(data, key, client_ip)`; re-show the form on any refusal."""
    if form.is_bot:
        # Bots see a success and learn nothing; nothing is written.
        return redirect(song.get_absolute_url())
    if not form.is_valid():
        return _form_error_page(request, song=song, template=template, form=form, status=400)
    client_ip = _client_ip(request)
    data = form.cleaned_data
    key = services.submission_key(
        token=data["submission_token"],
        client_ip=client_ip,
        parts=[song.pk, *(data[name] for name in form.Meta.fields)],
    )
    try:
        return create(data, key, client_ip)
    except services.RateLimited as error:
        form.add_error(None, error)
        return _form_error_page(request, song=song, template=template, form=form, status=429)
    except ValidationError as error:
        form.add_error(None, error)
        return _form_error_page(request, song=song, template=template, form=form, status=400)


@require_POST
def comment_create(request, song_pk):
    song = _song_for_posting(song_pk)
    form = CommentForm(request.POST, song=song)

    def create(data, key, client_ip):
        comment = services.comment_create(
            song=song,
            parent=data["parent"],
            author_name=data["author_name"],
            author_place=data["author_place"],
            author_email=data["author_email"],
            body=data["body"],
            submission_key=key,
            client_ip=client_ip,
        )
        if comment.status == Comment.Status.PUBLISHED:
            return redirect(comment.get_absolute_url())
        messages.info(
            request,
            "Thank you. Your comment will appear once a moderator has looked at it.",
        )
        return redirect(f"{song.get_absolute_url()}#comments")

    return _post_reader_form(
        request, form=form, song=song, template="comments/comment_form_page.html", create=create
    )


@require_POST
def suggestion_create(request, song_pk):
    song = _song_for_posting(song_pk)
    form = FactSuggestionForm(request.POST, song=song)

    def create(data, key, client_ip):
        services.suggestion_create(
            song=song,
            body=data["body"],
            author_name=data["author_name"],
            author_place=data["author_place"],
            author_email=data["author_email"],
            source_citation=data["source_citation"],
            source_url=data["source_url"],
            submission_key=key,
            client_ip=client_ip,
        )
        messages.info(
            request,
            "Thank you for the suggestion. An editor will look at it soon.",
        )
        return redirect(f"{song.get_absolute_url()}#suggest-fact")

    return _post_reader_form(
        request, form=form, song=song, template="comments/suggestion_form_page.html", create=create
    )


@require_GET
def comment_permalink(request, pk):
    """Send the reader to the song page, on the page of comments that shows this one."""
    comment = get_object_or_404(
        Comment.objects.shown().select_related("parent", "song__artist"),
        pk=pk,
        song__status="published",
    )
    number = comment_page_number(comment)
    query = f"?{PAGE_PARAMETER}={number}" if number > 1 else ""
    return redirect(f"{comment.song.get_absolute_url()}{query}#comment-{comment.pk}")


@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET asks to confirm (mail scanners follow links); POST stops the e-mails."""
    comment = services.comment_from_unsubscribe_token(token)
    if comment is None:
        return render(request, "comments/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        services.comment_author_unsubscribe(comment=comment)
        return render(request, "comments/unsubscribe_done.html", {"comment": comment})
    return render(
        request,
        "comments/unsubscribe_confirm.html",
        {"comment": comment, "action": reverse("comments:unsubscribe", args=[token])},
    )
