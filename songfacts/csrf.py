"""CSRF protection that lets a page with a form be the same for every reader.

A page that holds a per-reader CSRF token cannot be kept by Varnish or a CDN, and the song
page, with its comment and suggestion forms, is most of the traffic. Browsers say where a
request comes from in headers that no page can forge: `Sec-Fetch-Site` (every current
browser) and `Origin` (on every POST since 2020). A POST that either header shows to come
from our own origin is accepted without a token; one they show to come from elsewhere is
refused. Only a browser that sends neither falls back to Django's token check, and reader
forms then get a page that keeps what was typed and asks to send it once more, with a token
of the reader's own (csrf_failure). The same design as Go's net/http CrossOriginProtection
(https://words.filippo.io/csrf/); README.md, "Forms without per-reader tokens".
"""

from django.conf import settings
from django.middleware.csrf import (
    REASON_BAD_ORIGIN,
    REASON_CSRF_TOKEN_MISSING,
    REASON_NO_CSRF_COOKIE,
    CsrfViewMiddleware,
)
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.views.csrf import csrf_failure as django_csrf_failure

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
REASON_CROSS_SITE = "The request came from another site (Sec-Fetch-Site: %s)."
# The forms readers post from cached pages: they are re-offered rather than lost when the
# browser said nothing of where they came from (and so sent no token either), never when it
# said another site.
READER_FORM_NAMESPACE = "comments"
SECOND_CHANCE_REASONS = (REASON_NO_CSRF_COOKIE, REASON_CSRF_TOKEN_MISSING)


class FetchMetadataCsrfMiddleware:
    """Settles what the browser's headers settle, just before Django's CsrfViewMiddleware,
    which checks the token of the rest (and stays in MIDDLEWARE, with its system checks)."""

    def __init__(self, get_response):
        self.get_response = get_response
        # For Django's own check of an Origin (the request's host, CSRF_TRUSTED_ORIGINS) and
        # its refusal (the failure view, the log line).
        self.django_csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, callback, callback_args, callback_kwargs):
        if request.method in SAFE_METHODS or getattr(callback, "csrf_exempt", False):
            return None
        fetch_site = request.headers.get("Sec-Fetch-Site")
        if fetch_site == "same-origin":
            return self.django_csrf._accept(request)
        origin = request.headers.get("Origin")
        if origin is not None:
            # Including "null", which sandboxed pages and cross-site redirects send.
            if self.django_csrf._origin_verified(request):
                return self.django_csrf._accept(request)
            return self.django_csrf._reject(request, REASON_BAD_ORIGIN % origin)
        if fetch_site in ("cross-site", "same-site"):
            return self.django_csrf._reject(request, REASON_CROSS_SITE % fetch_site)
        # The browser said nothing: CsrfViewMiddleware asks for the token.
        return None


def csrf_failure(request, reason=""):
    """settings.CSRF_FAILURE_VIEW: a reader's form comes back filled in, to send once more
    with a token; anything else gets the plain explanation."""
    if (
        reason in SECOND_CHANCE_REASONS
        and request.method == "POST"
        and _is_reader_form(request.path_info)
    ):
        fields = [
            (name, value)
            for name, values in request.POST.lists()
            if name != "csrfmiddlewaretoken"
            for value in values
        ]
        return render(
            request, "csrf_confirm.html", {"fields": fields, "action": request.path}, status=403
        )
    return django_csrf_failure(request, reason=reason, template_name="403_csrf.html")


def _is_reader_form(path):
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.namespace == READER_FORM_NAMESPACE and not path.startswith(
        f"/{settings.ADMIN_PATH}"
    )
