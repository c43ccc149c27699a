"""The site's URLs plus a view that fails, for the tests of what an error logs."""

from django.urls import path

from songfacts.urls import urlpatterns as site_urlpatterns


def fail(request):
    # The kind of message a failing mail server or API gives: it names the reader.
    raise RuntimeError(f"could not deliver to {request.GET.get('to', '')}")


handler500 = "songfacts.views.server_error"
urlpatterns = [path("fail/", fail), *site_urlpatterns]
