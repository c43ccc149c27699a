from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from songfacts import views

handler500 = "songfacts.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("comments/", include("comments.urls")),
    path("search/", include("search.urls")),
    path("api/v1/", include("api.urls")),
    # The reader pages, the feeds and sitemap.xml; last, since it includes the home page.
    path("", include("catalogue.urls")),
]
